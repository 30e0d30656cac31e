package tui

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// action names what a key does. Config files rebind keys by action name.
type action string

// where is where a binding applies.
type where string

const (
	ctxGlobal    where = "global"
	ctxLibrary   where = "library"
	ctxList      where = "trace list"
	ctxTrace     where = "trace view"
	ctxStep      where = "step detail"
	ctxQueue     where = "triage queue"
	ctxConflicts where = "conflicts view"
	ctxStats     where = "stats view"
	ctxJudge     where = "judge view"
	ctxSamples   where = "samples view"
	ctxCompare   where = "compare view"
)

// binding is one action with its keys, help text and the screens it works on.
type binding struct {
	action action
	keys   []string
	help   string
	group  string
	// on lists the screens where the action works; empty means everywhere.
	on []where
}

// defaultBindings is the whole key map. Help and the "not available here"
// messages are generated from it, so every key is documented in one place.
func defaultBindings() []binding {
	return []binding{
		{actQuit, []string{"q", "ctrl+c"}, "quit", "general", nil},
		{actHelp, []string{"?"}, "show or hide this help", "general", nil},
		{actBack, []string{"esc", "h", "left", "backspace"}, "go back", "general", nil},
		{actOpen, []string{"enter", "l", "right"}, "open the selection", "general", []where{ctxLibrary, ctxList, ctxTrace, ctxQueue, ctxConflicts, ctxJudge, ctxSamples}},
		{actCancelJob, []string{"ctrl+x"}, "cancel the newest background job", "general", nil},

		{actDown, []string{"j", "down"}, "move down", "move", nil},
		{actUp, []string{"k", "up"}, "move up", "move", nil},
		{actPageDown, []string{"pgdown", "ctrl+f", "space"}, "page down", "move", nil},
		{actPageUp, []string{"pgup", "ctrl+b"}, "page up", "move", nil},
		{actHalfDown, []string{"ctrl+d"}, "half a page down", "move", nil},
		{actHalfUp, []string{"ctrl+u"}, "half a page up", "move", nil},
		{actTop, []string{"g", "home"}, "go to the top", "move", nil},
		{actBottom, []string{"G", "end"}, "go to the bottom", "move", nil},

		{actFilter, []string{"f"}, "filter traces (dataset:, model:, correct:, label:, truncated:, human:, proof:)", "find", []where{ctxLibrary, ctxList}},
		{actClearFilter, []string{"F"}, "clear the filter and the search", "find", []where{ctxList}},
		{actSearch, []string{"/"}, "search problem and step text", "find", []where{ctxLibrary, ctxList, ctxTrace}},
		{actNextMatch, []string{"n"}, "next search match", "find", []where{ctxList, ctxTrace}},
		{actPrevMatch, []string{"N"}, "previous search match", "find", []where{ctxList, ctxTrace}},
		{actJump, []string{":"}, "jump to a trace id", "find", []where{ctxLibrary, ctxList, ctxTrace}},
		{actSort, []string{"s"}, "sort by the next column", "find", []where{ctxList}},
		{actReverse, []string{"S"}, "reverse the sort order", "find", []where{ctxList}},

		{actNextTrace, []string{"J", "]"}, "next trace of the list, queue or samples it was opened from", "trace", []where{ctxTrace, ctxStep}},
		{actPrevTrace, []string{"K", "["}, "previous trace of the list, queue or samples it was opened from", "trace", []where{ctxTrace, ctxStep}},
		{actQueue, []string{"Q"}, "triage queue: unlabeled steps, most suspicious first", "annotate", []where{ctxLibrary, ctxList}},
		{actConflicts, []string{"C"}, "disagreements between annotators, to adjudicate", "annotate", []where{ctxLibrary, ctxList}},
		{actStatsView, []string{"I"}, "annotation progress and agreement (κ, α)", "annotate", []where{ctxLibrary, ctxList}},
		{actScorecard, []string{"E"}, "evidence scorecard: every source against the dataset's labels (ProcessBench F1, step P/R, best-of-N)", "judge", []where{ctxLibrary, ctxList}},
		{actExport, []string{"X"}, "export the listed traces (processbench, prm800k, trl, steps-parquet, ...)", "annotate", []where{ctxLibrary, ctxList}},
		{actNextStep, []string{"tab", "."}, "next step", "trace", []where{ctxStep, ctxCompare}},
		{actPrevStep, []string{"shift+tab", ","}, "previous step", "trace", []where{ctxStep, ctxCompare}},
		{actSamples, []string{"o"}, "all samples of this problem: answer clusters, accuracy, checkpoint answers", "trace", []where{ctxList, ctxTrace, ctxStep}},
		{actCompare, []string{"c"}, "compare side by side with the trace you came from (◆)", "trace", []where{ctxSamples}},
		{actRateGood, []string{"+", "="}, "label the step good (+1) and move on", "annotate", []where{ctxTrace, ctxStep}},
		{actRateNeutral, []string{"0"}, "label the step neutral (0) and move on", "annotate", []where{ctxTrace, ctxStep}},
		{actRateBad, []string{"-"}, "label the step wrong (−1) and move on", "annotate", []where{ctxTrace, ctxStep}},
		{actHallucinated, []string{"x"}, "flag the step as hallucinated (wrong) and move on", "annotate", []where{ctxTrace, ctxStep}},
		{actErrorType, []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}, "wrong, with error type N of the taxonomy, and move on", "annotate", []where{ctxTrace, ctxStep}},
		{actFirstError, []string{"e"}, "first-error mode: this is the earliest wrong step (earlier: correct, later: unknown)", "annotate", []where{ctxTrace, ctxStep}},
		{actNoError, []string{"E"}, "first-error mode: no step is wrong", "annotate", []where{ctxTrace, ctxStep}},
		{actClearLabel, []string{"c"}, "clear your label of the step", "annotate", []where{ctxTrace, ctxStep}},
		{actNote, []string{"a"}, "write a note on the step", "annotate", []where{ctxTrace, ctxStep}},
		{actVerdict, []string{"v"}, "give the trace a verdict", "annotate", []where{ctxTrace, ctxStep}},
		{actUndo, []string{"u"}, "undo your last label on this trace (an undo event)", "annotate", []where{ctxTrace, ctxStep}},
		{actRedo, []string{"ctrl+r"}, "redo what you undid", "annotate", []where{ctxTrace, ctxStep}},
		{actVerify, []string{"V"}, "verify: the step (step detail), the trace (trace view), or every listed trace", "judge", []where{ctxLibrary, ctxList, ctxTrace, ctxStep}},
		{actJudge, []string{"A"}, "run the LLM judge on this trace (criteria → analyses → verdict)", "judge", []where{ctxTrace, ctxStep}},
		{actJudgePair, []string{"P"}, "judge this trace against another of its problem, both orders (in samples: the selected one)", "judge", []where{ctxTrace, ctxStep, ctxSamples}},
		{actJudgeRuns, []string{"R"}, "the judge runs saved for this trace", "judge", []where{ctxTrace, ctxStep}},
		{actToggleProblem, []string{"p"}, "show or hide the problem", "trace", []where{ctxTrace}},
		{actPalette, []string{"t"}, "show or hide the label palette (label keys and the error types on 1–9)", "annotate", []where{ctxTrace}},
		{actRaw, []string{"r"}, "toggle raw text / rendered markdown", "trace", []where{ctxTrace, ctxStep}},
	}
}

// keyMap resolves key strings to actions.
type keyMap struct {
	bindings []binding
	// byKey lists each key's bindings: one key may do different things on
	// screens that never share it ("c" clears a label, or compares).
	byKey map[string][]*binding
}

func newKeyMap(overrides map[string][]string) (*keyMap, error) {
	km := &keyMap{bindings: defaultBindings()}
	for name, keys := range overrides {
		i := slices.IndexFunc(km.bindings, func(b binding) bool { return string(b.action) == name })
		if i < 0 {
			return nil, fmt.Errorf("keys: unknown action %q (known: %s)", name, strings.Join(km.actionNames(), ", "))
		}
		if len(keys) == 0 {
			return nil, fmt.Errorf("keys: action %q has no keys", name)
		}
		km.bindings[i].keys = keys
	}
	km.byKey = map[string][]*binding{}
	for i := range km.bindings {
		b := &km.bindings[i]
		for _, k := range b.keys {
			for _, other := range km.byKey[k] {
				if overlaps(other, b) {
					return nil, fmt.Errorf("keys: %q is bound to both %s and %s", k, other.action, b.action)
				}
			}
			km.byKey[k] = append(km.byKey[k], b)
		}
	}
	return km, nil
}

// overlaps reports whether two bindings can be active on the same screen.
func overlaps(a, b *binding) bool {
	if len(a.on) == 0 || len(b.on) == 0 {
		return true
	}
	for _, c := range a.on {
		if slices.Contains(b.on, c) {
			return true
		}
	}
	return false
}

func (km *keyMap) actionNames() []string {
	var out []string
	for _, b := range km.bindings {
		out = append(out, string(b.action))
	}
	sort.Strings(out)
	return out
}

// lookup finds the binding for a key. ok is false for unbound keys.
// lookup finds what key does on screen here: the binding that works there,
// else (to say why it does nothing) the first bound to the key.
func (km *keyMap) lookup(key string, here where) (*binding, bool) {
	bs := km.byKey[key]
	for _, b := range bs {
		if ok, _ := b.availableOn(here); ok {
			return b, true
		}
	}
	if len(bs) == 0 {
		return nil, false
	}
	return bs[0], true
}

// availableOn reports whether b works on screen c, and if not, why.
func (b *binding) availableOn(c where) (bool, string) {
	if len(b.on) == 0 || slices.Contains(b.on, c) {
		return true, ""
	}
	names := make([]string, len(b.on))
	for i, o := range b.on {
		names[i] = string(o)
	}
	return false, fmt.Sprintf("%s works in the %s, not in the %s", b.help, strings.Join(names, " and "), c)
}

// keysText is the binding's keys for display ("j/↓").
func (b *binding) keysText() string {
	out := make([]string, 0, len(b.keys))
	for _, k := range b.keys {
		out = append(out, prettyKey(k))
	}
	return strings.Join(out, "/")
}

func prettyKey(k string) string {
	switch k {
	case "down":
		return "↓"
	case "up":
		return "↑"
	case "left":
		return "←"
	case "right":
		return "→"
	case "enter":
		return "⏎"
	}
	return k
}

// The actions, by the names config files rebind them with.
const (
	actQuit          action = "quit"
	actHelp          action = "help"
	actBack          action = "back"
	actOpen          action = "open"
	actCancelJob     action = "cancel-job"
	actDown          action = "down"
	actUp            action = "up"
	actPageDown      action = "page-down"
	actPageUp        action = "page-up"
	actHalfDown      action = "half-down"
	actHalfUp        action = "half-up"
	actTop           action = "top"
	actBottom        action = "bottom"
	actFilter        action = "filter"
	actClearFilter   action = "clear-filter"
	actSearch        action = "search"
	actNextMatch     action = "next-match"
	actPrevMatch     action = "prev-match"
	actJump          action = "jump"
	actSort          action = "sort"
	actReverse       action = "reverse"
	actNextTrace     action = "next-trace"
	actPrevTrace     action = "prev-trace"
	actQueue         action = "queue"
	actConflicts     action = "conflicts"
	actStatsView     action = "stats-view"
	actScorecard     action = "scorecard"
	actExport        action = "export"
	actNextStep      action = "next-step"
	actPrevStep      action = "prev-step"
	actSamples       action = "samples"
	actCompare       action = "compare"
	actRateGood      action = "rate-good"
	actRateNeutral   action = "rate-neutral"
	actRateBad       action = "rate-bad"
	actHallucinated  action = "hallucinated"
	actErrorType     action = "error-type"
	actFirstError    action = "first-error"
	actNoError       action = "no-error"
	actClearLabel    action = "clear-label"
	actNote          action = "note"
	actVerdict       action = "verdict"
	actUndo          action = "undo"
	actRedo          action = "redo"
	actVerify        action = "verify"
	actJudge         action = "judge"
	actJudgePair     action = "judge-pair"
	actJudgeRuns     action = "judge-runs"
	actToggleProblem action = "toggle-problem"
	actPalette       action = "palette"
	actRaw           action = "raw"
)
