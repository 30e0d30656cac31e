package tui

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// action names what a key does. Config files rebind keys by action name;
// the constants at the end of this file are every action there is.
type action string

// binding is one action with its keys and help text. Where it works is
// not written here: it works on the screens that have a handler for it
// (screen.handlers), or everywhere when universal.
type binding struct {
	action action
	keys   []string
	help   string
	group  string
	// universal actions work on every screen: quitting, help, going
	// back, cancelling a job, and moving.
	universal bool
	// on lists the screens with a handler for the action, in screenID
	// order (filled by newKeyMap).
	on []screenID
}

// defaultBindings is the whole key map. Help and the "not available here"
// messages are generated from it, so every key is documented in one place.
func defaultBindings() []binding {
	return []binding{
		{actQuit, []string{"q", "ctrl+c"}, "quit", "general", true, nil},
		{actHelp, []string{"?"}, "show or hide this help", "general", true, nil},
		{actBack, []string{"esc", "h", "left", "backspace"}, "go back", "general", true, nil},
		{actOpen, []string{"enter", "l", "right"}, "open the selection", "general", false, nil},
		{actCancelJob, []string{"ctrl+x"}, "cancel the newest background job", "general", true, nil},

		{actDown, []string{"j", "down"}, "move down", "move", true, nil},
		{actUp, []string{"k", "up"}, "move up", "move", true, nil},
		{actPageDown, []string{"pgdown", "ctrl+f", "space"}, "page down", "move", true, nil},
		{actPageUp, []string{"pgup", "ctrl+b"}, "page up", "move", true, nil},
		{actHalfDown, []string{"ctrl+d"}, "half a page down", "move", true, nil},
		{actHalfUp, []string{"ctrl+u"}, "half a page up", "move", true, nil},
		{actTop, []string{"g", "home"}, "go to the top", "move", true, nil},
		{actBottom, []string{"G", "end"}, "go to the bottom", "move", true, nil},

		{actFilter, []string{"f"}, "filter traces (dataset:, model:, correct:, label:, truncated:, human:, proof:)", "find", false, nil},
		{actClearFilter, []string{"x"}, "clear the filter and the search", "find", false, nil},
		{actFreq, []string{"F"}, "frequency table of a column over the list's filter or the library's dataset: value, count, percent, bar (⏎ lists the value's traces)", "find", false, nil},
		{actCharts, []string{"H"}, "charts of the traces in scope: histograms, accuracy by difficulty, search intensity, quality vs cost, proofs and judge by step", "find", false, nil},
		{actNextField, []string{"tab"}, "next tab (the frequency table's column, the chart)", "find", false, nil},
		{actPrevField, []string{"shift+tab"}, "previous tab (the frequency table's column, the chart)", "find", false, nil},
		{actSearch, []string{"/"}, "search problem and step text", "find", false, nil},
		{actNextMatch, []string{"n"}, "next search match", "find", false, nil},
		{actPrevMatch, []string{"N"}, "previous search match", "find", false, nil},
		{actJump, []string{":"}, "jump to a trace id", "find", false, nil},
		{actSort, []string{"s"}, "sort by the next column", "find", false, nil},
		{actReverse, []string{"S"}, "reverse the sort order", "find", false, nil},

		{actNextTrace, []string{"J", "]"}, "next trace of the list, queue or samples it was opened from", "trace", false, nil},
		{actPrevTrace, []string{"K", "["}, "previous trace of the list, queue or samples it was opened from", "trace", false, nil},
		{actQueue, []string{"Q"}, "triage queue: unlabeled steps, most suspicious first", "annotate", false, nil},
		{actConflicts, []string{"C"}, "disagreements between annotators, to adjudicate", "annotate", false, nil},
		{actStatsView, []string{"I"}, "annotation progress and agreement (κ, α)", "annotate", false, nil},
		{actScorecard, []string{"E"}, "evidence scorecard: every source against the dataset's labels (ProcessBench F1, step P/R, best-of-N)", "judge", false, nil},
		{actErrorTypes, []string{"T"}, "error types (SEI): the bad cases' keyphrases clustered, to merge, split and rename into the taxonomy", "annotate", false, nil},
		{actAcceptType, []string{"a"}, "make the selected proposal an error type of the taxonomy", "error types", false, nil},
		{actMergeType, []string{"m"}, "merge the selected type with another", "error types", false, nil},
		{actSplitType, []string{"s"}, "split phrases of the selected type off into a new type", "error types", false, nil},
		{actRenameType, []string{"r"}, "rename the selected type", "error types", false, nil},
		{actExportTypes, []string{"X"}, "export each type's bad cases (JSON lines per type, for targeted synthesis)", "error types", false, nil},
		{actExport, []string{"X"}, "export the listed traces (processbench, prm800k, trl, steps-parquet, ...)", "annotate", false, nil},
		{actNextStep, []string{"tab", "."}, "next step", "trace", false, nil},
		{actPrevStep, []string{"shift+tab", ","}, "previous step", "trace", false, nil},
		{actSamples, []string{"o"}, "all samples of this problem: answer clusters, accuracy, checkpoint answers", "trace", false, nil},
		{actCheckpoints, []string{"i"}, "checkpoint grid: each sample's intermediate answers, where it reaches and leaves the gold (SRCA)", "trace", false, nil},
		{actRounds, []string{"T"}, "tool-call rounds: how the trace refines a call, the JSON diff per round, the stop, flip-flops", "trace", false, nil},
		{actCompare, []string{"c"}, "compare side by side with the trace you came from (◆)", "trace", false, nil},
		{actRateGood, []string{"+", "="}, "label the step good (+1) and move on", "annotate", false, nil},
		{actRateNeutral, []string{"0"}, "label the step neutral (0) and move on", "annotate", false, nil},
		{actRateBad, []string{"-"}, "label the step wrong (−1) and move on", "annotate", false, nil},
		{actHallucinated, []string{"x"}, "flag the step as hallucinated (wrong) and move on", "annotate", false, nil},
		{actErrorType, []string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}, "wrong, with error type N of the taxonomy, and move on", "annotate", false, nil},
		{actFirstError, []string{"e"}, "first-error mode: this is the earliest wrong step (earlier: correct, later: unknown)", "annotate", false, nil},
		{actNoError, []string{"E"}, "first-error mode: no step is wrong", "annotate", false, nil},
		{actClearLabel, []string{"c"}, "clear your label of the step", "annotate", false, nil},
		{actNote, []string{"a"}, "write a note on the step", "annotate", false, nil},
		{actVerdict, []string{"v"}, "give the trace a verdict", "annotate", false, nil},
		{actAnswer, []string{";"}, "answer a question of the dataset's label schema: ; then the question's key (listed there and in step detail)", "annotate", false, nil},
		{actUndo, []string{"u"}, "undo your last label on this trace (an undo event)", "annotate", false, nil},
		{actRedo, []string{"ctrl+r"}, "redo what you undid", "annotate", false, nil},
		{actVerify, []string{"V"}, "verify: the step (step detail), the trace (trace view), or every listed trace", "judge", false, nil},
		{actJudge, []string{"A"}, "run the LLM judge on this trace (criteria → analyses → verdict)", "judge", false, nil},
		{actJudgePair, []string{"P"}, "judge this trace against another of its problem, both orders (in samples: the selected one)", "judge", false, nil},
		{actJudgeRuns, []string{"R"}, "the judge runs saved for this trace", "judge", false, nil},
		{actToggleProblem, []string{"p"}, "show or hide the problem", "trace", false, nil},
		{actPalette, []string{"t"}, "show or hide the label palette (label keys and the error types on 1–9)", "annotate", false, nil},
		{actSideBySide, []string{"d"}, "the source document beside the instruction and response (WebR records)", "trace", false, nil},
		{actSwitchPane, []string{"tab"}, "scroll the other column", "trace", false, nil},
		{actRaw, []string{"r"}, "toggle raw text / rendered markdown", "trace", false, nil},
	}
}

// keyMap resolves key strings to actions.
type keyMap struct {
	bindings []binding
	// byKey lists each key's bindings: one key may do different things on
	// screens that never share it ("c" clears a label, or compares).
	byKey map[string][]*binding
	// names are the screens' names, by screenID, for the messages.
	names []string
}

// newKeyMap builds the key map for the screens, with the user's
// rebindings; it refuses a key bound to two actions one screen takes.
func newKeyMap(overrides map[string][]string, screens []screen) (*keyMap, error) {
	km := &keyMap{bindings: defaultBindings(), names: make([]string, len(screens))}
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
	for id, s := range screens {
		km.names[id] = s.where()
		for _, h := range s.handlers() {
			b := km.binding(h.action)
			if b == nil {
				return nil, fmt.Errorf("keys: the %s handles %q, which has no binding", s.where(), h.action)
			}
			if !b.universal && !slices.Contains(b.on, screenID(id)) {
				b.on = append(b.on, screenID(id))
			}
		}
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
	if a.universal || b.universal {
		return true
	}
	for _, s := range a.on {
		if slices.Contains(b.on, s) {
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

// binding returns the binding of an action (nil for an unknown one).
func (km *keyMap) binding(a action) *binding {
	for i := range km.bindings {
		if km.bindings[i].action == a {
			return &km.bindings[i]
		}
	}
	return nil
}

// lookup finds what key does on screen here: the binding that works
// there, else (to say why it does nothing) the first bound to the key; ok
// is false for unbound keys.
func (km *keyMap) lookup(key string, here screenID) (*binding, bool) {
	bs := km.byKey[key]
	for _, b := range bs {
		if ok, _ := km.availableOn(b, here); ok {
			return b, true
		}
	}
	if len(bs) == 0 {
		return nil, false
	}
	return bs[0], true
}

// availableOn reports whether b works on screen here, and if not, why.
func (km *keyMap) availableOn(b *binding, here screenID) (bool, string) {
	if b.universal || slices.Contains(b.on, here) {
		return true, ""
	}
	return false, fmt.Sprintf("%s works in the %s, not in the %s", b.help, strings.Join(km.screenNames(b.on), " and "), km.names[here])
}

// screenNames names screens for a message.
func (km *keyMap) screenNames(ids []screenID) []string {
	names := make([]string, len(ids))
	for i, id := range ids {
		names[i] = km.names[id]
	}
	return names
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
	actFreq          action = "freq"
	actCharts        action = "charts"
	actNextField     action = "next-field"
	actPrevField     action = "prev-field"
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
	actCheckpoints   action = "checkpoints"
	actRounds        action = "rounds"
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
	actAnswer        action = "answer"
	actUndo          action = "undo"
	actRedo          action = "redo"
	actVerify        action = "verify"
	actJudge         action = "judge"
	actJudgePair     action = "judge-pair"
	actJudgeRuns     action = "judge-runs"
	actToggleProblem action = "toggle-problem"
	actPalette       action = "palette"
	actRaw           action = "raw"
	actSideBySide    action = "side-by-side"
	actErrorTypes    action = "error-types"
	actAcceptType    action = "accept-type"
	actMergeType     action = "merge-type"
	actSplitType     action = "split-type"
	actRenameType    action = "rename-type"
	actExportTypes   action = "export-types"
	actSwitchPane    action = "switch-pane"
)
