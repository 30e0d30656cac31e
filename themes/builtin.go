package themes

// Built-in theme names.
const (
	Dark         = "dark"
	Light        = "light"
	HighContrast = "high-contrast"
)

// builtin describes one built-in theme: its palette, whether it is meant for
// a dark terminal background, and whether the app should paint the palette's
// background itself (high contrast must not depend on the user's terminal).
type builtin struct {
	palette         Palette
	dark            bool
	paintBackground bool
}

// builtins returns fresh copies every call, so no caller can mutate a shared
// palette.
func builtins() map[string]builtin {
	return map[string]builtin{
		Dark:         {palette: darkPalette(), dark: true},
		Light:        {palette: lightPalette(), dark: false},
		HighContrast: {palette: highContrastPalette(), dark: true, paintBackground: true},
	}
}

// Names returns the built-in theme names in menu order.
func Names() []string { return []string{Dark, Light, HighContrast} }

func darkPalette() Palette {
	return Palette{
		Background: "#1a1b26", Text: "#c0caf5", Muted: "#a9b1d6", Subtle: "#737aa2",
		Accent: "#7aa2f7", Accent2: "#bb9af7", Border: "#3b4261", BorderFocus: "#7aa2f7",
		SelectionBG: "#364a82", SelectionFG: "#ffffff",
		Good: "#9ece6a", Bad: "#f7768e", Neutral: "#e0af68", Unlabeled: "#8089b3",
		Warning: "#ff9e64", Info: "#7dcfff",
		ProofOK: "#9ece6a", ProofTrusted: "#73daca", ProofBad: "#f7768e",
		ProofFailed: "#ff7a93", ProofSorry: "#e0af68", ProofUnknown: "#8089b3",
		Thinking: "#a9b1d6", ToolCall: "#bb9af7", ToolResult: "#7dcfff", Answer: "#9ece6a", Message: "#e0af68",
		MatchBG: "#e0af68", MatchFG: "#1a1b26",
		StatusBG: "#24283b", StatusFG: "#c0caf5", JobBG: "#1f2335", JobFG: "#a9b1d6", Progress: "#7aa2f7",
		Heading: "#7aa2f7", Link: "#7dcfff", Code: "#ff9e64", CodeBG: "#24283b", Math: "#bb9af7", Quote: "#a9b1d6",
		SynKeyword: "#bb9af7", SynType: "#2ac3de", SynFunction: "#7aa2f7", SynNumber: "#ff9e64",
		SynString: "#9ece6a", SynComment: "#737aa2", SynOperator: "#89ddff",
	}
}

func lightPalette() Palette {
	return Palette{
		Background: "#ffffff", Text: "#1f2328", Muted: "#57606a", Subtle: "#6e7781",
		Accent: "#0969da", Accent2: "#8250df", Border: "#d0d7de", BorderFocus: "#0969da",
		SelectionBG: "#0969da", SelectionFG: "#ffffff",
		Good: "#1a7f37", Bad: "#cf222e", Neutral: "#9a6700", Unlabeled: "#6e7781",
		Warning: "#bc4c00", Info: "#0550ae",
		ProofOK: "#1a7f37", ProofTrusted: "#116329", ProofBad: "#cf222e",
		ProofFailed: "#a40e26", ProofSorry: "#9a6700", ProofUnknown: "#6e7781",
		Thinking: "#57606a", ToolCall: "#8250df", ToolResult: "#0550ae", Answer: "#1a7f37", Message: "#953800",
		MatchBG: "#ffd33d", MatchFG: "#1f2328",
		StatusBG: "#eaeef2", StatusFG: "#1f2328", JobBG: "#f6f8fa", JobFG: "#57606a", Progress: "#0969da",
		Heading: "#0969da", Link: "#0550ae", Code: "#953800", CodeBG: "#f6f8fa", Math: "#8250df", Quote: "#57606a",
		SynKeyword: "#cf222e", SynType: "#953800", SynFunction: "#8250df", SynNumber: "#0550ae",
		SynString: "#0a3069", SynComment: "#6e7781", SynOperator: "#0550ae",
	}
}

// highContrastPalette uses a pure black background, pure white text and
// saturated colours, each at least 7:1 against the background (WCAG AAA);
// badges also differ by glyph, so nothing depends on colour alone.
func highContrastPalette() Palette {
	return Palette{
		Background: "#000000", Text: "#ffffff", Muted: "#e0e0e0", Subtle: "#c0c0c0",
		Accent: "#00ffff", Accent2: "#ff80ff", Border: "#ffffff", BorderFocus: "#ffff00",
		SelectionBG: "#ffff00", SelectionFG: "#000000",
		Good: "#00ff00", Bad: "#ff6666", Neutral: "#ffff00", Unlabeled: "#c0c0c0",
		Warning: "#ffaa00", Info: "#00ffff",
		ProofOK: "#00ff00", ProofTrusted: "#80ffc0", ProofBad: "#ff6666",
		ProofFailed: "#ff80ff", ProofSorry: "#ffff00", ProofUnknown: "#c0c0c0",
		Thinking: "#e0e0e0", ToolCall: "#ff80ff", ToolResult: "#00ffff", Answer: "#00ff00", Message: "#ffaa00",
		MatchBG: "#00ffff", MatchFG: "#000000",
		StatusBG: "#ffffff", StatusFG: "#000000", JobBG: "#000000", JobFG: "#ffffff", Progress: "#00ff00",
		Heading: "#ffff00", Link: "#00ffff", Code: "#ffaa00", CodeBG: "", Math: "#ff80ff", Quote: "#e0e0e0",
		SynKeyword: "#ffff00", SynType: "#00ffff", SynFunction: "#80ffc0", SynNumber: "#ffaa00",
		SynString: "#00ff00", SynComment: "#c0c0c0", SynOperator: "#ffffff",
	}
}
