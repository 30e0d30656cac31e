package themes

import (
	"fmt"
	"reflect"
	"strings"
)

// Palette is a theme's semantic colours, each "#rrggbb" (or "#rgb"), or ""
// for "no colour: use the terminal's default". Everything a theme draws —
// lipgloss styles, the glamour style and the chroma style — derives from
// these entries, so a user theme that overrides "bad" changes the bad-rating
// badge, error messages and failed-proof badges together.
//
// The `toml` tag is the key a user theme file uses under [palette].
type Palette struct {
	// Base text.
	Background  string `toml:"background"` // the background the palette was designed for
	Text        string `toml:"text"`
	Muted       string `toml:"muted"`  // secondary text: metadata, help descriptions
	Subtle      string `toml:"subtle"` // tertiary: separators, disabled keys, gutters
	Accent      string `toml:"accent"` // titles, focused borders, help keys
	Accent2     string `toml:"accent2"`
	Border      string `toml:"border"`
	BorderFocus string `toml:"border_focus"`

	SelectionBG string `toml:"selection_bg"`
	SelectionFG string `toml:"selection_fg"`

	// Judgements: ratings and messages.
	Good      string `toml:"good"`
	Bad       string `toml:"bad"`
	Neutral   string `toml:"neutral"`
	Unlabeled string `toml:"unlabeled"`
	Warning   string `toml:"warning"`
	Info      string `toml:"info"`

	// Proof statuses.
	ProofOK      string `toml:"proof_ok"`      // proved
	ProofTrusted string `toml:"proof_trusted"` // proved trusting the compiler (native_decide)
	ProofBad     string `toml:"proof_bad"`     // disproved, vacuous
	ProofFailed  string `toml:"proof_failed"`  // the prover failed; statement errors
	ProofSorry   string `toml:"proof_sorry"`   // sorry/admit: unproved
	ProofUnknown string `toml:"proof_unknown"` // timeout, backend error, unsupported, skipped, stored

	// Step kinds.
	Thinking   string `toml:"thinking"`
	ToolCall   string `toml:"tool_call"`
	ToolResult string `toml:"tool_result"`
	Answer     string `toml:"answer"`
	Message    string `toml:"message"`

	// Search matches.
	MatchBG string `toml:"match_bg"`
	MatchFG string `toml:"match_fg"`

	// Bars.
	StatusBG string `toml:"status_bg"`
	StatusFG string `toml:"status_fg"`
	JobBG    string `toml:"job_bg"`
	JobFG    string `toml:"job_fg"`
	Progress string `toml:"progress"`

	// Rendered text.
	Heading string `toml:"heading"`
	Link    string `toml:"link"`
	Code    string `toml:"code"`    // inline code foreground
	CodeBG  string `toml:"code_bg"` // inline code background
	Math    string `toml:"math"`    // protected TeX spans
	Quote   string `toml:"quote"`

	// Syntax highlighting (chroma).
	SynKeyword  string `toml:"syn_keyword"`
	SynType     string `toml:"syn_type"`
	SynFunction string `toml:"syn_function"`
	SynNumber   string `toml:"syn_number"`
	SynString   string `toml:"syn_string"`
	SynComment  string `toml:"syn_comment"`
	SynOperator string `toml:"syn_operator"`
}

// paletteField is one entry of a Palette, addressable by its file key.
type paletteField struct {
	key   string
	index int
}

// paletteFields lists the palette keys in declaration order. Built by
// reflection once; the tags are the single source of truth for key names.
var paletteFields = func() []paletteField {
	t := reflect.TypeFor[Palette]()
	out := make([]paletteField, 0, t.NumField())
	for i := range t.NumField() {
		out = append(out, paletteField{key: t.Field(i).Tag.Get("toml"), index: i})
	}
	return out
}()

// PaletteKeys returns the keys a user theme may set under [palette].
func PaletteKeys() []string {
	keys := make([]string, len(paletteFields))
	for i, f := range paletteFields {
		keys[i] = f.key
	}
	return keys
}

// field returns a pointer to the entry named key, or nil if there is none.
func (p *Palette) field(key string) *string {
	for _, f := range paletteFields {
		if f.key == key {
			return reflect.ValueOf(p).Elem().Field(f.index).Addr().Interface().(*string)
		}
	}
	return nil
}

// Get returns the colour stored under key and whether key exists.
func (p Palette) Get(key string) (string, bool) {
	ptr := p.field(key)
	if ptr == nil {
		return "", false
	}
	return *ptr, true
}

// Set stores colour under key after checking both.
func (p *Palette) Set(key, colour string) error {
	ptr := p.field(key)
	if ptr == nil {
		return fmt.Errorf("unknown palette key %q", key)
	}
	c, err := normalizeColour(colour)
	if err != nil {
		return fmt.Errorf("palette key %q: %w", key, err)
	}
	*ptr = c
	return nil
}

// Validate reports the first entry that is not a valid colour.
func (p Palette) Validate() error {
	for _, f := range paletteFields {
		v := reflect.ValueOf(p).Field(f.index).String()
		if _, err := normalizeColour(v); err != nil {
			return fmt.Errorf("palette key %q: %w", f.key, err)
		}
	}
	return nil
}

// normalizeColour accepts "#rgb", "#rrggbb" (any case), "" and "none", and
// returns "#rrggbb" in lower case or "" for no colour. Only hex is accepted
// because every consumer (lipgloss, glamour, chroma) reads hex identically;
// ANSI palette numbers would mean different things in each.
func normalizeColour(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" || strings.EqualFold(s, "none") {
		return "", nil
	}
	if s[0] != '#' || (len(s) != 4 && len(s) != 7) {
		return "", fmt.Errorf("bad colour %q: want \"#rrggbb\", \"#rgb\" or \"none\"", s)
	}
	for _, c := range s[1:] {
		if !isHex(c) {
			return "", fmt.Errorf("bad colour %q: %q is not a hex digit", s, c)
		}
	}
	s = strings.ToLower(s)
	if len(s) == 4 {
		s = string([]byte{'#', s[1], s[1], s[2], s[2], s[3], s[3]})
	}
	return s, nil
}

func isHex(c rune) bool {
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')
}

// rgb splits a normalized "#rrggbb" into its channels (0-255).
func rgb(hex string) (r, g, b uint8, ok bool) {
	if len(hex) != 7 || hex[0] != '#' {
		return 0, 0, 0, false
	}
	var v [3]uint8
	for i := range 3 {
		hi, lo := unhex(hex[1+2*i]), unhex(hex[2+2*i])
		v[i] = hi<<4 | lo
	}
	return v[0], v[1], v[2], true
}

func unhex(c byte) uint8 {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10
	}
	return 0
}
