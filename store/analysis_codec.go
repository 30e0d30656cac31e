package store

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/stepwise-dev/stepwise"
)

// A stored judge run is
//
//	version byte | uvarint len | analysis id | uvarint len | head | body
//
// The head is the analysis as JSON without its stages: what a list of runs,
// the trace gutter and agreement figures need, decoded without touching the
// body. The body is the stages, deflated, with their prompts deduplicated:
// every stage of a run repeats the same trace (up to 60 KB of it), so each
// prompt is cut into paragraphs, each distinct paragraph is kept once, and a
// prompt is stored as the list of its paragraphs' numbers. Deflate alone
// cannot find those repeats: its window is 32 KB.
//
// JSON rather than the binary trace encoding: runs are written one at a time
// at model speed and read one at a time, so encoding speed is irrelevant,
// while a provenance record should stay readable by any tool and survive
// added fields.
const runRecordVersion = 1

// maxRunBody bounds a decompressed body, so that a damaged record cannot
// make a reader allocate without limit.
const maxRunBody = 1 << 30

// runHeadJSON is the head as stored.
type runHeadJSON struct {
	stepwise.Analysis
	StageCount int `json:"stage_count"`
}

// runBody is the body before compression.
type runBody struct {
	// Segments are the distinct prompt paragraphs of the run.
	Segments []string      `json:"segments"`
	Stages   []storedStage `json:"stages"`
}

// storedStage is a stage whose Prompt is replaced by paragraph numbers.
type storedStage struct {
	stepwise.AnalysisStage
	PromptSegments []int `json:"prompt_segments,omitempty"`
}

func marshalNoEscape(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // prompts are full of <<<markers>>>
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// encodeRun encodes an analysis as a stored run record.
func encodeRun(a *stepwise.Analysis) ([]byte, error) {
	head := runHeadJSON{Analysis: *a, StageCount: len(a.Stages)}
	head.Stages = nil
	hb, err := marshalNoEscape(head)
	if err != nil {
		return nil, fmt.Errorf("encode analysis %s: %w", a.ID, err)
	}
	bb, err := marshalNoEscape(dedupePrompts(a.Stages))
	if err != nil {
		return nil, fmt.Errorf("encode analysis %s stages: %w", a.ID, err)
	}
	out := make([]byte, 0, 1+2*binary.MaxVarintLen64+len(a.ID)+len(hb)+len(bb)/4)
	out = append(out, runRecordVersion)
	out = binary.AppendUvarint(out, uint64(len(a.ID)))
	out = append(out, a.ID...)
	out = binary.AppendUvarint(out, uint64(len(hb)))
	out = append(out, hb...)
	buf := bytes.NewBuffer(out)
	zw, err := flate.NewWriter(buf, flate.DefaultCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(bb); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// splitRunRecord cuts a record into its id, head and compressed body.
func splitRunRecord(v []byte) (id, head, body []byte, err error) {
	if len(v) == 0 || v[0] != runRecordVersion {
		if len(v) == 0 {
			return nil, nil, nil, errors.New("empty run record")
		}
		return nil, nil, nil, fmt.Errorf("run record version %d unknown (newer stepwise?)", v[0])
	}
	rest := v[1:]
	take := func() ([]byte, error) {
		n, k := binary.Uvarint(rest)
		if k <= 0 || n > uint64(len(rest)-k) {
			return nil, errors.New("run record truncated")
		}
		b := rest[k : k+int(n)]
		rest = rest[k+int(n):]
		return b, nil
	}
	if id, err = take(); err != nil {
		return nil, nil, nil, err
	}
	if head, err = take(); err != nil {
		return nil, nil, nil, err
	}
	return id, head, rest, nil
}

// decodeRunHead decodes a record's head only.
func decodeRunHead(seq uint64, v []byte) (RunHead, error) {
	_, hb, _, err := splitRunRecord(v)
	if err != nil {
		return RunHead{}, fmt.Errorf("judge run %d: %w", seq, err)
	}
	var h runHeadJSON
	if err := json.Unmarshal(hb, &h); err != nil {
		return RunHead{}, fmt.Errorf("judge run %d: head: %w", seq, err)
	}
	h.Analysis.Stages = nil
	return RunHead{Seq: seq, Stages: h.StageCount, Bytes: len(v), Analysis: h.Analysis}, nil
}

// decodeRun decodes a whole record.
func decodeRun(seq uint64, v []byte) (*stepwise.Analysis, error) {
	h, err := decodeRunHead(seq, v)
	if err != nil {
		return nil, err
	}
	_, _, zb, _ := splitRunRecord(v)
	zr := flate.NewReader(bytes.NewReader(zb))
	defer zr.Close()
	raw, err := io.ReadAll(io.LimitReader(zr, maxRunBody+1))
	if err != nil {
		return nil, fmt.Errorf("judge run %d: body: %w", seq, err)
	}
	if len(raw) > maxRunBody {
		return nil, fmt.Errorf("judge run %d: body larger than %d bytes (damaged record?)", seq, maxRunBody)
	}
	var body runBody
	if err := json.Unmarshal(raw, &body); err != nil {
		return nil, fmt.Errorf("judge run %d: body: %w", seq, err)
	}
	a := h.Analysis
	a.Stages, err = restorePrompts(body)
	if err != nil {
		return nil, fmt.Errorf("judge run %d: %w", seq, err)
	}
	return &a, nil
}

// promptSegments cuts a prompt after each blank line: the paragraphs the
// prompt renderer writes (one per step, one per template block) come out
// whole, so a trace shown in several prompts yields the same segments.
func promptSegments(p string) []string {
	var out []string
	for len(p) > 0 {
		i := strings.Index(p, "\n\n")
		if i < 0 {
			out = append(out, p)
			break
		}
		out = append(out, p[:i+2])
		p = p[i+2:]
	}
	return out
}

func dedupePrompts(stages []stepwise.AnalysisStage) runBody {
	body := runBody{Stages: make([]storedStage, len(stages)), Segments: []string{}}
	index := map[string]int{}
	for i, s := range stages {
		st := storedStage{AnalysisStage: s}
		st.Prompt = ""
		if s.Prompt != "" {
			segs := promptSegments(s.Prompt)
			st.PromptSegments = make([]int, len(segs))
			for j, seg := range segs {
				n, ok := index[seg]
				if !ok {
					n = len(body.Segments)
					index[seg] = n
					body.Segments = append(body.Segments, seg)
				}
				st.PromptSegments[j] = n
			}
		}
		body.Stages[i] = st
	}
	return body
}

func restorePrompts(body runBody) ([]stepwise.AnalysisStage, error) {
	out := make([]stepwise.AnalysisStage, len(body.Stages))
	for i, st := range body.Stages {
		s := st.AnalysisStage
		if len(st.PromptSegments) > 0 {
			var b strings.Builder
			for _, n := range st.PromptSegments {
				if n < 0 || n >= len(body.Segments) {
					return nil, fmt.Errorf("stage %d: prompt segment %d out of range", i, n)
				}
				b.WriteString(body.Segments[n])
			}
			s.Prompt = b.String()
		}
		out[i] = s
	}
	return out, nil
}
