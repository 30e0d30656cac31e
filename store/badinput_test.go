package store

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/formats"
	"github.com/stepwise-dev/stepwise/store/internal/bodies"
	"github.com/stepwise-dev/stepwise/store/internal/idindex"
	"github.com/stepwise-dev/stepwise/store/internal/postings"
	"github.com/stepwise-dev/stepwise/store/internal/problems"
	"github.com/stepwise-dev/stepwise/store/internal/record"
	"github.com/stepwise-dev/stepwise/store/internal/schema"
)

// checkIDs: ids and the id log together name every trace once.
func checkIDs(tx *bolt.Tx) error {
	seqs := map[uint64]string{}
	err := tx.Bucket(schema.IDs).ForEach(func(k, v []byte) error {
		seq, _ := idindex.SeqOf(v)
		seqs[seq] = string(k)
		return nil
	})
	if err != nil {
		return err
	}
	n := len(seqs)
	logged, err := loggedIDs(tx)
	if err != nil {
		return err
	}
	for _, e := range logged {
		if tx.Bucket(schema.IDs).Get([]byte(e.ID)) != nil {
			return fmt.Errorf("id %s is both in ids and in the id log", e.ID)
		}
		seqs[e.Seq] = e.ID
	}
	if len(seqs) != n+len(logged) {
		return fmt.Errorf("a seq has two ids")
	}
	err = tx.Bucket(schema.Traces).ForEach(func(k, v []byte) error {
		s, err := record.DecodeSummary(schema.SeqOf(k), v)
		if err != nil {
			return err
		}
		if seqs[s.Seq] != s.ID {
			return fmt.Errorf("trace %d has id %q, the ids say %q", s.Seq, s.ID, seqs[s.Seq])
		}
		delete(seqs, s.Seq)
		return nil
	})
	if err == nil && len(seqs) > 0 {
		err = fmt.Errorf("%d ids name no trace", len(seqs))
	}
	return err
}

// checkStore verifies the bbolt file's integrity, the postings against the
// traces, and the bodies.
func checkStore(t *testing.T, db *DB) {
	t.Helper()
	err := db.view(func(tx *bolt.Tx) error {
		for err := range tx.Check() {
			return err
		}
		traces := tx.Bucket(schema.Traces)
		if k, _ := tx.Bucket(schema.Index).Cursor().First(); k != nil {
			return fmt.Errorf("index key %q in a schema-%d store", k, SchemaVersion)
		}
		// Every trace is in the postings of each of its terms, and nothing
		// else is.
		posted := 0
		for field := range postingFields {
			err := postings.EachFieldSeq(tx.Bucket(schema.Postings), field, func(value []byte, seq uint64) error {
				v := traces.Get(schema.U64(seq))
				if v == nil {
					return fmt.Errorf("posting %s=%q: trace %d is not stored", field, value, seq)
				}
				s, err := record.DecodeSummary(seq, v)
				if err != nil {
					return err
				}
				for _, tm := range schema.Terms(&s) {
					if tm.Field == field && tm.Value != string(value) {
						return fmt.Errorf("trace %d is in the postings of %s=%q, its value is %q", seq, field, value, tm.Value)
					}
				}
				posted++
				return nil
			})
			if err != nil {
				return err
			}
		}
		if n := traces.Stats().KeyN * len(postingFields); posted != n {
			return fmt.Errorf("%d postings for %d traces, want %d", posted, traces.Stats().KeyN, n)
		}
		// Every problem id has its record, with that id; every record one id;
		// every trace a problem.
		texts := tx.Bucket(schema.ProblemTexts)
		if np, nt := tx.Bucket(schema.Problems).Stats().KeyN, texts.Stats().KeyN; np != nt {
			return fmt.Errorf("%d problem ids, %d problem records", np, nt)
		}
		err := tx.Bucket(schema.Problems).ForEach(func(k, _ []byte) error {
			v, err := problems.Record(tx, string(k))
			if err != nil || v == nil {
				return fmt.Errorf("problem %s: no record (%v)", k, err)
			}
			var p stepwise.Problem
			if err := json.Unmarshal(v, &p); err != nil || p.ID != string(k) {
				return fmt.Errorf("problem %s: record of %q (%v)", k, p.ID, err)
			}
			return nil
		})
		if err != nil {
			return err
		}
		err = traces.ForEach(func(k, v []byte) error {
			s, err := record.DecodeSummary(schema.SeqOf(k), v)
			if err != nil {
				return err
			}
			if tx.Bucket(schema.Problems).Get([]byte(s.ProblemID)) == nil {
				return fmt.Errorf("trace %d: problem %s is not stored", s.Seq, s.ProblemID)
			}
			return nil
		})
		if err != nil {
			return err
		}
		// Every trace's id is in exactly one of ids and the id log, and
		// names it; nothing else is in either.
		if err := checkIDs(tx); err != nil {
			return err
		}
		// Every trace has a body and every body a trace.
		bc := bodies.NewCursor(tx)
		err = traces.ForEach(func(k, _ []byte) error {
			seq := schema.SeqOf(k)
			body, err := bc.Get(seq)
			if err != nil || body == nil {
				return fmt.Errorf("trace %d: no body (%v)", seq, err)
			}
			_, _, err = record.BodyRaw(seq, body)
			return err
		})
		if err != nil {
			return err
		}
		n := 0
		err = bodies.NewCursor(tx).Scan(0, math.MaxUint64, func(seq uint64, _ []byte) error {
			if n++; traces.Get(schema.U64(seq)) == nil {
				return fmt.Errorf("body of trace %d has no trace", seq)
			}
			return nil
		})
		if err == nil && n != traces.Stats().KeyN {
			err = fmt.Errorf("%d bodies for %d traces", n, traces.Stats().KeyN)
		}
		return err
	})
	if err != nil {
		t.Fatalf("store check: %v", err)
	}
}

func TestBadInputIsReportedNotFatal(t *testing.T) {
	dir := t.TempDir()
	good := `{"id":"x-1","generator":"g","problem":"What is 1+1?","steps":["1+1=2","\\boxed{2}"],"final_answer_correct":true,"label":-1}`
	files := map[string]string{
		"empty.jsonl":     "",
		"lfs.jsonl":       "version https://git-lfs.github.com/spec/v1\noid sha256:4d7a\nsize 1501554928\n",
		"binary.jsonl":    "\x7fELF\x02\x01\x01\x00\x00\x00garbage\x00\x00",
		"truncated.jsonl": good + "\n" + good[:40],
		"utf8.jsonl":      strings.Replace(good, "x-1", "x-2", 1) + "\n" + strings.Replace(good, "1+1", "1+\xff", 1) + "\n",
		"badsteps.jsonl":  strings.Replace(strings.Replace(good, "x-1", "x-3", 1), `"steps":["1+1=2","\\boxed{2}"]`, `"steps":5`, 1) + "\n",
		// A label that is not a step is a warning: the record is imported.
		"badlabel.jsonl": strings.Replace(strings.Replace(good, "x-1", "x-4", 1), `"label":-1`, `"label":7`, 1) + "\n",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	db := openTemp(t)
	var problems []string
	rep, err := db.Import(context.Background(), []string{dir}, ImportOptions{
		OnProblem: func(err error) { problems = append(problems, err.Error()) },
	})
	if err != nil {
		t.Fatalf("import failed: %v", err)
	}
	// truncated.jsonl, utf8.jsonl and badlabel.jsonl each hold one good record.
	if rep.Imported != 3 || rep.Warnings != 1 {
		t.Errorf("imported %d, want 3; %d warnings, want 1", rep.Imported, rep.Warnings)
	}
	want := []string{
		"empty.jsonl: empty file",
		"lfs.jsonl: Git LFS pointer",
		"binary.jsonl: binary data",
		"truncated.jsonl:2: record ends early",
		"utf8.jsonl:2: invalid UTF-8",
		"badsteps.jsonl:1: field steps: expected []string, found JSON number",
	}
	all := strings.Join(problems, "\n")
	for _, w := range want {
		if !strings.Contains(all, w) {
			t.Errorf("no problem mentioning %q in:\n%s", w, all)
		}
	}
	if rep.Skipped != len(want) {
		t.Errorf("skipped %d, want %d: %v", rep.Skipped, len(want), rep.SkippedBy)
	}
	checkStore(t, db)
}

func TestStrictStopsAtFirstBadRecord(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "x.jsonl")
	os.WriteFile(path, []byte("{\"question\":\"q\",\"answer\":\"a\\n#### 1\"}\n{\"question\":\"q2\"}\n"), 0o644)
	db := openTemp(t)
	_, err := db.Import(context.Background(), []string{path}, ImportOptions{Strict: true})
	var re *formats.RecordError
	if !errors.Is(err, ErrStrict) || !errors.As(err, &re) || re.Line != 2 {
		t.Fatalf("strict import: %v", err)
	}
}

// TestKillDuringImport kills an importing process with SIGKILL after some
// batches are committed, then checks that the store opens, is consistent,
// and that running the import again completes it without duplicates.
func TestKillDuringImport(t *testing.T) {
	if testing.Short() {
		t.Skip("spawns a child process")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "pb.jsonl")
	const n = 6000
	genProcessBench(t, src, n)
	dbPath := filepath.Join(dir, "k.db")

	cmd := exec.Command(os.Args[0], "-test.run=^TestImportChild$")
	cmd.Env = append(os.Environ(), "STEPWISE_CHILD_IMPORT="+src, "STEPWISE_CHILD_DB="+dbPath)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(out)
	batches, committed := 0, 0
	for sc.Scan() {
		if n, ok := strings.CutPrefix(sc.Text(), "batch "); ok {
			batches++
			committed, _ = strconv.Atoi(n)
			if batches == 3 {
				cmd.Process.Signal(syscall.SIGKILL)
				break
			}
		}
	}
	cmd.Wait()
	if batches < 3 {
		t.Fatalf("child committed only %d batches before exiting", batches)
	}

	db, err := Open(dbPath, Options{})
	if err != nil {
		t.Fatalf("store does not open after kill -9: %v", err)
	}
	defer db.Close()
	checkStore(t, db)
	before, _ := db.Count(Filter{})
	if committed == 0 || before < committed || before >= n {
		t.Fatalf("after the kill the store holds %d traces; want at least the %d of the 3 committed batches and fewer than %d",
			before, committed, n)
	}
	rep, err := db.Import(context.Background(), []string{src}, ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := db.Count(Filter{})
	if after != n || rep.Duplicates != before || rep.Imported != n-before {
		t.Fatalf("re-import: %d traces (want %d), report %+v, %d were there before", after, n, rep, before)
	}
	checkStore(t, db)
}

// TestImportChild is the child side of TestKillDuringImport; it does
// nothing in a normal run.
func TestImportChild(t *testing.T) {
	src := os.Getenv("STEPWISE_CHILD_IMPORT")
	if src == "" {
		t.Skip("child process only")
	}
	db, err := Open(os.Getenv("STEPWISE_CHILD_DB"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	_, err = db.Import(context.Background(), []string{src}, ImportOptions{
		BatchSize:  500,
		OnProgress: func(p Progress) { fmt.Println("batch", p.Imported) },
	})
	if err != nil {
		t.Fatal(err)
	}
}
