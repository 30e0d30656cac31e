package formats

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// collect reads every record, returning data strings, lines, skippable
// errors and the fatal error (if any).
func collect(t *testing.T, input string) (data []string, lines []int, bad []error, fatal error) {
	t.Helper()
	rr, err := NewRecordReader(strings.NewReader(input), "f.json")
	if err != nil {
		return nil, nil, nil, err
	}
	for {
		rec, err := rr.Next()
		if err == io.EOF {
			return
		}
		var re *RecordError
		if errors.As(err, &re) {
			bad = append(bad, err)
			continue
		}
		if err != nil {
			fatal = err
			return
		}
		data = append(data, string(rec.Data))
		lines = append(lines, rec.Line)
	}
}

func TestRecordReaderContainers(t *testing.T) {
	cases := []struct {
		name      string
		in        string
		container Container
		data      []string
		lines     []int
	}{
		{"jsonl", "{\"a\":1}\n\n{\"a\":2}\n", ContainerJSONL, []string{`{"a":1}`, `{"a":2}`}, []int{1, 3}},
		{"jsonl no trailing newline", "{\"a\":1}\n{\"a\":2}", ContainerJSONL, []string{`{"a":1}`, `{"a":2}`}, []int{1, 2}},
		{"array", "[\n  {\"a\": \"x]\"},\n  {\"a\": [1, {\"b\": 2}]}\n]", ContainerArray,
			[]string{`{"a": "x]"}`, `{"a": [1, {"b": 2}]}`}, []int{2, 3}},
		{"pretty concatenated", "{\n  \"a\": 1\n}\n{\n  \"a\": \"}\\\"\"\n}\n", ContainerStream,
			[]string{"{\n  \"a\": 1\n}", "{\n  \"a\": \"}\\\"\"\n}"}, []int{1, 4}},
		{"bom", "\xef\xbb\xbf{\"a\":1}\n", ContainerJSONL, []string{`{"a":1}`}, []int{1}},
		{"empty array", "[ ]", ContainerArray, nil, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rr, err := NewRecordReader(strings.NewReader(c.in), "f")
			if err != nil {
				t.Fatal(err)
			}
			if rr.Container() != c.container {
				t.Errorf("container %v, want %v", rr.Container(), c.container)
			}
			data, lines, bad, fatal := collect(t, c.in)
			if fatal != nil || len(bad) > 0 {
				t.Fatalf("errors: %v %v", fatal, bad)
			}
			if strings.Join(data, "|") != strings.Join(c.data, "|") {
				t.Errorf("data %q, want %q", data, c.data)
			}
			if len(lines) != len(c.lines) {
				t.Fatalf("lines %v, want %v", lines, c.lines)
			}
			for i := range lines {
				if lines[i] != c.lines[i] {
					t.Errorf("lines %v, want %v", lines, c.lines)
				}
			}
		})
	}
}

func TestRecordReaderBadInput(t *testing.T) {
	// A truncated array: the records before the cut are read, then a fatal
	// error names the line.
	data, _, _, fatal := collect(t, "[\n{\"a\":1},\n{\"a\":")
	var fe *FileError
	if len(data) != 1 || !errors.As(fatal, &fe) || fe.Line != 3 || !strings.Contains(fe.Reason, "truncated") {
		t.Errorf("truncated array: data %v, err %v", data, fatal)
	}
	// Invalid UTF-8 in one JSONL line: that record is reported with its
	// line, the others are read.
	data, _, bad, fatal := collect(t, "{\"a\":\"ok\"}\n{\"a\":\"\xff\xfe\"}\n{\"a\":\"ok2\"}\n")
	if len(data) != 2 || len(bad) != 1 || fatal != nil || !strings.Contains(bad[0].Error(), "f.json:2: invalid UTF-8") {
		t.Errorf("invalid UTF-8: data %v bad %v fatal %v", data, bad, fatal)
	}
	// Not JSON at all.
	if _, err := NewRecordReader(strings.NewReader("\x00\x01garbage"), "g"); err == nil {
		t.Error("binary garbage accepted")
	}
	if _, err := NewRecordReader(strings.NewReader("  \n "), "e"); err == nil {
		t.Error("empty file accepted")
	}
}

func TestRecordReaderLongLine(t *testing.T) {
	// A 50 MB single line is one record.
	big := `{"a":"` + strings.Repeat("x", 50<<20) + `"}`
	rr, err := NewRecordReader(strings.NewReader(big+"\n{\"b\":1}\n"), "big")
	if err != nil {
		t.Fatal(err)
	}
	rec, err := rr.Next()
	if err != nil || len(rec.Data) != len(big) {
		t.Fatalf("long line: %d bytes, %v", len(rec.Data), err)
	}
	rec, err = rr.Next()
	if err != nil || string(rec.Data) != `{"b":1}` || rec.Line != 2 {
		t.Fatalf("record after long line: %q line %d %v", rec.Data, rec.Line, err)
	}
}

func TestDecodeErrorNamesLine(t *testing.T) {
	rec := Record{Data: []byte("{\n\"problem\": 5,\n\"steps\": []}"), Path: "x.json", Line: 10}
	_, err := processBench{}.Decode(rec, &Options{})
	err = DecodeError(rec, err)
	var re *RecordError
	if !errors.As(err, &re) || re.Line != 11 || !strings.Contains(re.Reason, "problem") {
		t.Fatalf("type error: %v", err)
	}
	rec = Record{Data: []byte(`{"problem": "x", "steps": ["a"`), Path: "x.jsonl", Line: 7, Last: true}
	_, err = processBench{}.Decode(rec, &Options{})
	err = DecodeError(rec, err)
	if !errors.As(err, &re) || re.Line != 7 || !strings.Contains(re.Reason, "truncated") {
		t.Fatalf("cut record: %v", err)
	}
}

// FuzzRecordReader: any bytes give records, skippable errors or one fatal
// error, never a panic, and every record is a complete JSON value's bytes.
func FuzzRecordReader(f *testing.F) {
	f.Add([]byte("{\"a\":1}\n{\"a\":2}\n"))
	f.Add([]byte("[{\"a\":\"]\"},{\"b\":[1,2]}]"))
	f.Add([]byte("{\n \"a\": 1\n}\n{\n}"))
	f.Add([]byte("[{\"a\":1},"))
	f.Add([]byte("\xef\xbb\xbf{\"\xff\":1}"))
	f.Fuzz(func(t *testing.T, in []byte) {
		rr, err := NewRecordReader(bytes.NewReader(in), "fuzz")
		if err != nil {
			return
		}
		for i := 0; i < len(in)+2; i++ {
			rec, err := rr.Next()
			if err == io.EOF {
				return
			}
			var re *RecordError
			if err != nil && !errors.As(err, &re) {
				return
			}
			if rec.Line < 1 {
				t.Fatalf("record line %d", rec.Line)
			}
		}
		t.Fatal("reader did not terminate")
	})
}

// FuzzDetect: detection never panics on any first record.
func FuzzDetect(f *testing.F) {
	f.Add([]byte(`{"question":"q","answer":"a\n#### 1"}`))
	f.Add([]byte(`{"problem":"p","steps":["a"],"label":0,"generator":"g"}`))
	f.Fuzz(func(t *testing.T, in []byte) {
		c, err := DetectRecord(in)
		if err == nil && c == nil {
			t.Fatal("nil codec without error")
		}
	})
}
