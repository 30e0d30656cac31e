package formats

import (
	"strings"
	"testing"
)

// The reference-solution codecs keep a record whose gold answer or level
// cannot be read: its solution is still the record's.
func TestReferenceCodecGaps(t *testing.T) {
	for _, c := range []struct {
		codec   Codec
		data    string
		steps   int
		warning string
	}{
		{gsm8k{}, `{"question":"q","answer":"a = 1\nb = 2"}`, 2, `no final "#### N" line`},
		{gsm8kSolutions{}, `{"question":"q","ground_truth":"x\nA: 2","6b":{"is_correct":true,"solution":"y\nA: 2"},"id":7}`, 1, "field id: not a {is_correct, solution} object"},
		{mathFile{}, `{"problem":"p","level":[3],"type":"Algebra","solution":"So $\\boxed{1}$."}`, 1, "field level"},
	} {
		items, err := c.codec.Decode(Record{Data: []byte(c.data), Path: "test/algebra/1.json", Line: 1}, &Options{})
		if err != nil {
			t.Errorf("%s: rejected: %v", c.codec.Name(), err)
			continue
		}
		if len(items) != 1 || len(items[0].Trace.Steps) != c.steps || len(items[0].Warnings) != 1 || !strings.Contains(items[0].Warnings[0], c.warning) {
			t.Errorf("%s: %d items, warnings %q; want %d steps and a warning with %q", c.codec.Name(), len(items), items[0].Warnings, c.steps, c.warning)
		}
	}
	if _, err := (gsm8kSolutions{}).Decode(Record{Data: []byte(`{"question":"q","ground_truth":"A: 1","x":3}`)}, &Options{}); err == nil {
		t.Error("a record with no model solution was imported")
	}
}

// A chat whose id, model or usage cannot be read keeps its messages; a
// message that cannot be read still rejects the chat (leaving a turn out
// would change what the later turns answer).
func TestChatMetadataGaps(t *testing.T) {
	for _, c := range []struct {
		codec Codec
		data  string
		warns int
	}{
		{openAIChat{}, `{"id":{},"model":5,"usage":"x","messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}`, 3},
		{shareGPT{}, `{"id":[1],"conversations":[{"from":"human","value":"q"},{"from":"gpt","value":"a"}]}`, 1},
	} {
		items, err := c.codec.Decode(Record{Data: []byte(c.data), Path: "c.jsonl", Line: 1}, &Options{})
		if err != nil || len(items) != 1 || len(items[0].Warnings) != c.warns || len(items[0].Trace.Steps) != 2 {
			t.Errorf("%s: %v %+v", c.codec.Name(), err, items)
		}
	}
	if _, err := (openAIChat{}).Decode(Record{Data: []byte(`{"messages":[{"role":"user","content":"q"},{"content":"a"}]}`)}, &Options{}); err == nil {
		t.Error("a chat with an unreadable message was imported")
	}
}
