package formats

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Readers of label fields: sources drift between 1 and "1", true and 1
// (FORMATS.md, importer checklist), and a label that cannot be read is a
// warning about the record, not a reason to drop it.

// jsonIndex reads a step index written as an integer or a numeric string;
// null, "" and an absent value are unset. A bool is an error: true is not
// step 1.
func jsonIndex(raw json.RawMessage, field string) (v int, set bool, err error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && (raw[0] == 't' || raw[0] == 'f') {
		return 0, false, fmt.Errorf("%s: want an integer, found %.40s", field, raw)
	}
	return jsonFlag(raw, field)
}

// jsonBool reads a yes/no field written as a bool, 0/1 or a string of
// either ("true", "1"); null, "" and an absent value are nil.
func jsonBool(raw json.RawMessage, field string) (*bool, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) > 0 && raw[0] == '"' {
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, fmt.Errorf("%s: %w", field, err)
		}
		switch strings.ToLower(strings.TrimSpace(s)) {
		case "true":
			return boolPtr(true), nil
		case "false":
			return boolPtr(false), nil
		}
	}
	v, set, err := jsonFlag(raw, field)
	switch {
	case err != nil:
		return nil, err
	case !set:
		return nil, nil
	case v != 0 && v != 1:
		return nil, fmt.Errorf("%s: want true, false, 1 or 0, found %s", field, strconv.Itoa(v))
	}
	return boolPtr(v == 1), nil
}

// jsonIndexList reads a list of step indices (integers or numeric strings).
// Entries that are not indices are returned apart, as their JSON.
func jsonIndexList(raw json.RawMessage) (idx []int, bad []string, err error) {
	var items []json.RawMessage
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, nil, fmt.Errorf("want a list of step numbers, found %s", truncateJSON(raw))
	}
	for _, it := range items {
		v, set, err := jsonIndex(it, "")
		if err != nil || !set {
			bad = append(bad, truncateJSON(it))
			continue
		}
		idx = append(idx, v)
	}
	return idx, bad, nil
}
