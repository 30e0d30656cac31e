package formats

import (
	"encoding/json"
	"fmt"

	"github.com/stepwise-dev/stepwise"
)

// shareGPT reads ShareGPT-style conversations as LLaMA-Factory ships them
// (glaive_toolcall_en_demo.json): {"conversations":[{"from","value"}],
// "tools", "system"}, from ∈ human, gpt, function_call, observation (and
// system/user/assistant/tool). A function_call value is a JSON string
// {"name","arguments"} (or a list of them); tools is a JSON string.
type shareGPT struct{}

func (shareGPT) Name() string { return "sharegpt" }
func (shareGPT) Describe() string {
	return "ShareGPT conversations (from/value) with function_call and observation turns"
}

// Detect wants a conversations list whose first turn has from and value.
func (shareGPT) Detect(k Keys) bool {
	var conv []struct {
		From  *string          `json:"from"`
		Value *json.RawMessage `json:"value"`
	}
	raw, ok := k["conversations"]
	if !ok || json.Unmarshal(raw, &conv) != nil || len(conv) == 0 {
		return false
	}
	return conv[0].From != nil && conv[0].Value != nil
}

type shareGPTTurn struct {
	From  *string         `json:"from"`
	Value json.RawMessage `json:"value"`
}

func (shareGPT) Decode(rec Record, opts *Options) ([]Item, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(rec.Data, &fields); err != nil {
		return nil, err
	}
	var turns []shareGPTTurn
	if c, ok := fields["conversations"]; !ok || chatIsNull(c) {
		return nil, fmt.Errorf("missing conversations")
	} else if err := json.Unmarshal(c, &turns); err != nil {
		return nil, fmt.Errorf("conversations: %w", err)
	}
	var msgs []chatMessage
	if sys, ok := chatStringField(fields, "system"); ok && sys != "" {
		msgs = append(msgs, chatMessage{role: "system", parts: []chatPart{{kind: chatText, text: sys}}})
	}
	for i, turn := range turns {
		msg, err := shareGPTMessage(turn)
		if err != nil {
			return nil, fmt.Errorf("conversations[%d]: %w", i, err)
		}
		msgs = append(msgs, msg)
	}
	var warns []string
	id, err := chatID(fields["id"])
	if err != nil {
		warns = append(warns, fmt.Sprintf("id: %v; the record is kept without its id", err))
	}
	t := &stepwise.Trace{SourceID: id, Dataset: chatDataset(opts, "sharegpt", rec.Path), Model: opts.Model}
	out := buildChat(msgs, t)
	t.FinalAnswer = out.answer
	chatSetMeta(t, "tools", chatToolsMeta(fields["tools"]))
	chatExtraMeta(t, fields, "conversations", "tools", "system", "id")
	p := &stepwise.Problem{Text: chatProblemText(out, id, t), Dataset: t.Dataset}
	return []Item{{Problem: p, Trace: t, Warnings: warns}}, nil
}

func shareGPTMessage(turn shareGPTTurn) (chatMessage, error) {
	if turn.From == nil {
		return chatMessage{}, fmt.Errorf("missing from")
	}
	var value string
	if err := json.Unmarshal(turn.Value, &value); err != nil {
		return chatMessage{}, fmt.Errorf("value: expected a string, found %s", chatJSONKind(turn.Value))
	}
	msg := chatMessage{role: chatRole(*turn.From)}
	if *turn.From == "function_call" {
		msg.parts = chatCallValue(value)
		return msg, nil
	}
	msg.parts = []chatPart{{kind: chatText, text: value}}
	return msg, nil
}
