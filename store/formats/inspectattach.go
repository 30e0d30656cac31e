package formats

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
)

// Inspect logs deduplicate long strings: a string "attachment://<hash>" (and
// "tc://<hash>" in logs written with the older transcript) stands for
// sample.attachments[hash] (transcript.content[hash]). inspectResolve
// replaces every such reference in a sample's JSON text before anything is
// decoded, so no codec path can forget one. It rewrites only the string
// literals that hold a reference; every other byte is kept, so key order and
// number spelling survive.

// inspectRefRE finds references embedded in a longer string.
var inspectRefRE = regexp.MustCompile(`(?:attachment|tc)://([0-9a-fA-F]{32})`)

// inspectResolve returns data with references resolved through texts, and
// the number of attachment references that name no known text (kept as is).
func inspectResolve(data []byte, texts map[string]string) ([]byte, int) {
	if !bytes.Contains(data, []byte("attachment://")) && !bytes.Contains(data, []byte("tc://")) {
		return data, 0
	}
	var out bytes.Buffer
	out.Grow(len(data))
	unresolved := 0
	for i := 0; i < len(data); {
		if data[i] != '"' {
			out.WriteByte(data[i])
			i++
			continue
		}
		end := inspectStringEnd(data, i)
		lit := data[i:end]
		i = end
		if !bytes.Contains(lit, []byte("://")) {
			out.Write(lit)
			continue
		}
		var s string
		if json.Unmarshal(lit, &s) != nil {
			out.Write(lit)
			continue
		}
		r, missing := inspectResolveString(s, texts)
		unresolved += missing
		if r == s {
			out.Write(lit)
			continue
		}
		out.Write(inspectQuote(r))
	}
	return out.Bytes(), unresolved
}

// inspectResolveString resolves a whole-string reference, or references
// embedded in a longer text.
func inspectResolveString(s string, texts map[string]string) (string, int) {
	for _, prefix := range []string{"attachment://", "tc://"} {
		if key, ok := strings.CutPrefix(s, prefix); ok {
			if v, found := texts[key]; found {
				return v, 0
			}
		}
	}
	missing := 0
	r := inspectRefRE.ReplaceAllStringFunc(s, func(ref string) string {
		key := ref[strings.Index(ref, "://")+3:]
		if v, ok := texts[key]; ok {
			return v
		}
		if strings.HasPrefix(ref, "attachment://") {
			missing++
		}
		return ref
	})
	return r, missing
}

// inspectStringEnd returns the index just past the string literal starting at
// data[start] == '"' (len(data) for an unterminated string).
func inspectStringEnd(data []byte, start int) int {
	for j := start + 1; j < len(data); j++ {
		switch data[j] {
		case '\\':
			j++
		case '"':
			return j + 1
		}
	}
	return len(data)
}

// inspectQuote encodes s as a JSON string without HTML escaping.
func inspectQuote(s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}
