package store

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"

	"github.com/stepwise-dev/stepwise/store/formats"
)

// prmExportRow reads a steps-parquet row with the columns of the two PRMs
// TestExportPRMColumns stores.
type prmExportRow struct {
	formats.StepRow
	Qwen *float64 `parquet:"prm_qwen-prm,optional"`
	Math *float64 `parquet:"prm_Math/PRM_7B,optional"`
}

// TestExportPRMColumns: steps-jsonl and steps-parquet carry a column per
// PRM with the stored step scores, null where a PRM gave a step no score
// or did not score the trace; both formats read back the same values.
func TestExportPRMColumns(t *testing.T) {
	db := exportStore(t)
	var ids []string
	db.List(Filter{Dataset: "processbench"}, func(s Summary) error {
		if len(ids) < 5 {
			ids = append(ids, s.ID)
		}
		return nil
	})
	// want[trace][PRM column] = the scores; qwen-prm scores five traces
	// (one step of the first without a score), "Math/PRM 7B" two.
	want := map[string]map[string][]float64{}
	var batch []TracePRM
	for k, id := range ids {
		tr, err := db.Get(id)
		if err != nil {
			t.Fatal(err)
		}
		want[id] = map[string][]float64{}
		for m, name := range []string{"qwen-prm", "Math/PRM 7B"} {
			if m == 1 && k >= 2 {
				continue
			}
			steps := make([]float64, len(tr.Steps))
			for i := range steps {
				steps[i] = float64((k*7+i*3+m*11)%97) / 97
			}
			if k == 0 && m == 0 {
				steps[1] = NoScore
			}
			batch = append(batch, TracePRM{TraceID: id, Scores: PRMScores{Model: name, Steps: steps}})
			want[id][formats.PRMColumnNames([]string{name})[0]] = steps
		}
	}
	if _, err := db.PutPRMScores(batch); err != nil {
		t.Fatal(err)
	}
	cols := []string{"prm_Math/PRM_7B", "prm_qwen-prm"}
	wantScore := func(id string, col string, step int) (float64, bool) {
		s := want[id][col]
		if s == nil || s[step] == NoScore {
			return 0, false
		}
		return s[step], true
	}

	jpath, _ := exportTo(t, db, ExportOptions{Format: "steps-jsonl", Filter: Filter{Dataset: "processbench"}})
	js := readJSONL(t, jpath)
	scored, nulls := 0, 0
	for n, row := range js {
		id, step := row["trace_id"].(string), int(row["step"].(float64))
		for _, col := range cols {
			v, present := row[col]
			if !present {
				t.Fatalf("row %d lacks column %s: %v", n, col, row)
			}
			w, ok := wantScore(id, col, step)
			switch {
			case !ok && v != nil:
				t.Fatalf("%s step %d %s: %v, want null", id, step, col, v)
			case ok && v != w:
				t.Fatalf("%s step %d %s: %v, want %v", id, step, col, v, w)
			case ok:
				scored++
			default:
				nulls++
			}
		}
	}
	if scored == 0 || nulls == 0 {
		t.Fatalf("%d scores, %d nulls: the columns were not exercised", scored, nulls)
	}
	// The PRM columns come after the row's own: the line ends with them.
	b, _ := os.ReadFile(jpath)
	first := strings.SplitN(string(b), "\n", 2)[0]
	if !strings.HasSuffix(first, `,"prm_qwen-prm":`+jsonNum(t, js[0]["prm_qwen-prm"])+"}") {
		t.Errorf("first line does not end with the PRM columns: %s", first)
	}

	ppath, _ := exportTo(t, db, ExportOptions{Format: "steps-parquet", Filter: Filter{Dataset: "processbench"}})
	f, err := os.Open(ppath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, _ := f.Stat()
	pf, err := parquet.OpenFile(f, st.Size())
	if err != nil {
		t.Fatalf("parquet file does not open: %v", err)
	}
	for _, col := range cols {
		c, ok := pf.Schema().Lookup(col)
		if !ok || !c.Node.Optional() || c.Node.Type().Kind() != parquet.Double {
			t.Errorf("column %s: %v %+v, want an optional double", col, ok, c)
		}
	}
	rows, err := parquet.Read[prmExportRow](f, st.Size())
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(js) {
		t.Fatalf("%d parquet rows, %d jsonl rows", len(rows), len(js))
	}
	for n, r := range rows {
		if r.TraceID != js[n]["trace_id"] || r.Text != js[n]["text"] {
			t.Fatalf("row %d: %s %q, jsonl %v %q", n, r.TraceID, r.Text, js[n]["trace_id"], js[n]["text"])
		}
		for _, c := range []struct {
			col string
			got *float64
		}{{"prm_qwen-prm", r.Qwen}, {"prm_Math/PRM_7B", r.Math}} {
			w, ok := wantScore(r.TraceID, c.col, int(r.Step))
			if ok != (c.got != nil) || ok && *c.got != w {
				t.Fatalf("%s step %d %s: %v, want %v (%v)", r.TraceID, r.Step, c.col, c.got, w, ok)
			}
		}
	}
}

func jsonNum(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestExportNoPRMColumns: without PRM scores in the store the per-step
// rows have no PRM column.
func TestExportNoPRMColumns(t *testing.T) {
	db := exportStore(t)
	path, _ := exportTo(t, db, ExportOptions{Format: "steps-jsonl", Filter: Filter{Dataset: "processbench"}})
	for _, row := range readJSONL(t, path)[:3] {
		for k := range row {
			if strings.HasPrefix(k, "prm_") {
				t.Fatalf("column %s without PRM scores", k)
			}
		}
	}
}
