package judgerun

import (
	"testing"

	"github.com/stepwise-dev/stepwise/judge"
)

func TestEventBufferMergesDeltas(t *testing.T) {
	var b EventBuffer
	d := func(stage, text string, restart bool) judge.Event {
		return judge.Event{Kind: judge.EventDelta, StageName: stage, Delta: text, Restart: restart}
	}
	b.Add(judge.Event{Kind: judge.EventStart})
	b.Add(d("criteria", "Is ", false))
	b.Add(d("analysis/1", "Step", false))
	b.Add(d("criteria", "the sum right?", false))
	b.Add(d("analysis/1", "Retry", true))
	b.Add(d("analysis/1", "ing", false))
	b.Add(judge.Event{Kind: judge.EventStage, StageName: "criteria"})
	got := b.Drain()
	if len(got) != 4 || got[0].Kind != judge.EventStart || got[1].Delta != "Is the sum right?" || got[1].Restart ||
		got[2].Delta != "Retrying" || !got[2].Restart || got[3].Kind != judge.EventStage {
		t.Fatalf("drained %+v", got)
	}
	if again := b.Drain(); len(again) != 0 {
		t.Fatalf("second drain %+v", again)
	}
	// Deltas of different jobs stay apart.
	b.Add(judge.Event{Kind: judge.EventDelta, Job: 1, StageName: "verdict", Delta: "a"})
	b.Add(judge.Event{Kind: judge.EventDelta, Job: 2, StageName: "verdict", Delta: "b"})
	if got := b.Drain(); len(got) != 2 {
		t.Fatalf("jobs merged: %+v", got)
	}
}
