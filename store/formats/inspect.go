package formats

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
)

// inspectLog reads Inspect AI eval logs. A .json log is one record holding
// every sample; a .eval zip archive is opened by openEvalZip, which yields
// one record per samples/*.json member with header.json as Record.Header. A
// bare sample object (a member extracted from an archive) is read too. Each
// sample and epoch becomes one trace.
type inspectLog struct{}

func (inspectLog) Name() string { return "inspect" }
func (inspectLog) Describe() string {
	return "Inspect AI eval logs (.json and .eval zip): one chat trace per sample and epoch, scored by the log's scorers"
}

func (inspectLog) Detect(k Keys) bool {
	return k.Has("version", "eval", "samples") || k.Has("id", "epoch", "input", "target", "messages")
}

// inspectHeader is the part of a log the traces use (header.json of an
// archive, or a .json log without its samples).
type inspectHeader struct {
	Status  string          `json:"status"`
	Eval    inspectEval     `json:"eval"`
	Results *inspectResults `json:"results"`
	Error   json.RawMessage `json:"error"`
	// journal is set when the header came from an archive without
	// header.json: the run never finished.
	journal bool
}

type inspectEval struct {
	RunID   string `json:"run_id"`
	Created string `json:"created"`
	Task    string `json:"task"`
	Model   string `json:"model"`
}

type inspectResults struct {
	Scores []struct {
		Name string `json:"name"`
	} `json:"scores"`
}

// inspectSampleRef is one sample of a .json log and its byte offset.
type inspectSampleRef struct {
	raw json.RawMessage
	off int64
}

func (inspectLog) Decode(rec Record, opts *Options) ([]Item, error) {
	if rec.Header != nil {
		var hdr inspectHeader
		if err := json.Unmarshal(rec.Header, &hdr); err != nil {
			return nil, fmt.Errorf("header.json: %s", inspectErrText(err))
		}
		hdr.journal = !bytes.Contains(rec.Header, []byte(`"status"`))
		it, err := decodeInspectSample(rec.Data, &hdr, opts)
		if err != nil {
			return nil, err
		}
		return []Item{it}, nil
	}
	fields, samples, err := splitInspectLog(rec.Data)
	if err != nil {
		return nil, err
	}
	if _, isLog := fields["eval"]; !isLog {
		if _, isSample := fields["messages"]; isSample && samples == nil {
			it, err := decodeInspectSample(rec.Data, nil, opts)
			if err != nil {
				return nil, err
			}
			return []Item{it}, nil
		}
		return nil, fmt.Errorf("missing eval: not an Inspect log")
	}
	hdr, err := inspectHeaderOf(fields)
	if err != nil {
		return nil, err
	}
	if len(samples) == 0 {
		return nil, fmt.Errorf("log (status %q) holds no samples: a header without samples, or the samples live in a .eval archive", hdr.Status)
	}
	// Each sample is a trace of its own: one that cannot be read is
	// reported as a skipped record, and the others are imported.
	items := make([]Item, 0, len(samples))
	var parts PartsError
	for i, s := range samples {
		line := LineOf(rec, s.off)
		it, err := decodeInspectSample(s.raw, hdr, opts)
		if err != nil {
			parts.Parts = append(parts.Parts, recordError(&rec, line, fmt.Sprintf("samples[%d]: %v", i, err)))
			continue
		}
		it.Trace.Source.Line = line
		items = append(items, it)
	}
	if len(parts.Parts) > 0 {
		return items, &parts
	}
	return items, nil
}

// splitInspectLog reads a log's top-level fields, keeping each sample's raw
// bytes and offset (for the line in error messages and source references).
// samples is nil when the record has no samples key.
func splitInspectLog(data []byte) (map[string]json.RawMessage, []inspectSampleRef, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, nil, fmt.Errorf("expected a JSON object")
	}
	fields := map[string]json.RawMessage{}
	var samples []inspectSampleRef
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return nil, nil, err
		}
		key, _ := kt.(string)
		if key != "samples" {
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return nil, nil, err
			}
			fields[key] = v
			continue
		}
		if samples, err = inspectSampleList(dec); err != nil {
			return nil, nil, err
		}
	}
	if _, err := dec.Token(); err != nil {
		return nil, nil, err
	}
	return fields, samples, nil
}

func inspectSampleList(dec *json.Decoder) ([]inspectSampleRef, error) {
	st, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if st == nil {
		return []inspectSampleRef{}, nil
	}
	if d, ok := st.(json.Delim); !ok || d != '[' {
		return nil, fmt.Errorf("samples: expected a list")
	}
	samples := []inspectSampleRef{}
	for dec.More() {
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, err
		}
		samples = append(samples, inspectSampleRef{raw: v, off: dec.InputOffset() - int64(len(v))})
	}
	_, err = dec.Token() // ']'
	return samples, err
}

func inspectHeaderOf(fields map[string]json.RawMessage) (*inspectHeader, error) {
	var hdr inspectHeader
	for _, f := range []struct {
		key string
		dst any
	}{{"status", &hdr.Status}, {"eval", &hdr.Eval}, {"results", &hdr.Results}} {
		if raw, ok := fields[f.key]; ok && !chatIsNull(raw) {
			if err := json.Unmarshal(raw, f.dst); err != nil {
				return nil, fmt.Errorf("%s: %s", f.key, inspectErrText(err))
			}
		}
	}
	hdr.Error = fields["error"]
	return &hdr, nil
}

// inspectErrText describes a JSON decoding error without its byte offset:
// sample text is decoded after attachments are resolved, so offsets would
// not point into the file.
func inspectErrText(err error) string {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		return err.Error()
	}
	msg := fmt.Sprintf("expected %s, found JSON %s", inspectJSONKind(te.Type), te.Value)
	if te.Field != "" {
		msg = "field " + te.Field + ": " + msg
	}
	return msg
}

// inspectJSONKind names the JSON shape a Go type decodes from.
func inspectJSONKind(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.Struct, reflect.Map:
		return "an object"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Pointer:
		return inspectJSONKind(t.Elem())
	}
	return t.String()
}
