package tui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/stepwise-dev/stepwise/judge"
)

// drain runs a job's deliveries until the final one and returns every
// streamed message in order, and the result.
func drain(t *testing.T, cmd tea.Cmd) (msgs []tea.Msg, result tea.Msg) {
	t.Helper()
	for n := 0; ; n++ {
		if n > 10000 {
			t.Fatal("the job never finished")
		}
		jm, ok := cmd().(jobMsg)
		if !ok {
			t.Fatalf("a delivery returned %T", jm)
		}
		msgs = append(msgs, jm.msgs...)
		if jm.final {
			if jm.next != nil {
				t.Fatal("a final delivery carries a next wait")
			}
			return msgs, jm.result
		}
		cmd = jm.next
	}
}

// TestJobDeliversInOrderThroughItsBacklog: a producer faster than the
// screen waits at the backlog instead of dropping or reordering.
func TestJobDeliversInOrderThroughItsBacklog(t *testing.T) {
	var js jobs
	cmd := js.start(context.Background(), 1, jobSpec{name: "count", backlog: 3,
		run: func(ctx context.Context, out *jobOut) tea.Msg {
			for i := range 100 {
				if !out.send(i) {
					return "stopped"
				}
			}
			return "done"
		}})
	msgs, result := drain(t, cmd)
	if result != "done" || len(msgs) != 100 {
		t.Fatalf("result %v after %d messages", result, len(msgs))
	}
	for i, m := range msgs {
		if m != i {
			t.Fatalf("message %d is %v", i, m)
		}
	}
}

// TestJobMergesStreamedText: deltas of one judge stage reach the screen as
// one message per stage; a restart replaces what the stage streamed; stage
// and other events stay whole and in order.
func TestJobMergesStreamedText(t *testing.T) {
	var js jobs
	sent := make(chan struct{})
	ev := func(kind judge.EventKind, stage, delta string, restart bool) tea.Msg {
		return judgeEventMsg{job: 1, e: judge.Event{Kind: kind, StageName: stage, Delta: delta, Restart: restart}}
	}
	cmd := js.start(context.Background(), 1, jobSpec{name: "judge", run: func(ctx context.Context, out *jobOut) tea.Msg {
		for _, m := range []tea.Msg{
			ev(judge.EventDelta, "a", "one ", false), ev(judge.EventDelta, "b", "x", false),
			ev(judge.EventDelta, "a", "two", false), ev(judge.EventStage, "c", "", false),
			ev(judge.EventDelta, "b", "retried", true), ev(judge.EventDelta, "b", "!", false),
		} {
			out.send(m)
		}
		close(sent)
		return nil
	}})
	<-sent // all sent before the screen reads: the burst is one batch
	msgs, _ := drain(t, cmd)
	var got []string
	for _, m := range msgs {
		e := m.(judgeEventMsg).e
		got = append(got, fmt.Sprintf("%s:%s:%q:%v", e.Kind, e.StageName, e.Delta, e.Restart))
	}
	want := []string{
		fmt.Sprintf("%s:a:%q:false", judge.EventDelta, "one two"),
		fmt.Sprintf("%s:b:%q:true", judge.EventDelta, "retried!"),
		fmt.Sprintf("%s:c:%q:false", judge.EventStage, ""),
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("delivered\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

// TestCancelledJobReportsOnlyItsResult: after ctrl+x a job leaves the bar
// at once; what it streams from then on is dropped, but its result is
// still routed (a judge run says what it saved).
func TestCancelledJobReportsOnlyItsResult(t *testing.T) {
	m := newTestModel(t, 120, 40, "dark")
	sent := make(chan struct{})
	_, cmd := m.startJob(jobSpec{name: "slow", run: func(ctx context.Context, out *jobOut) tea.Msg {
		out.send(storeCheckedMsg{err: errors.New("streamed after the cancel")})
		close(sent)
		<-ctx.Done()
		return storeCheckedMsg{err: errors.New("the result")}
	}})
	if !m.jobs.active() {
		t.Fatal("a running job is not in the bar")
	}
	<-sent
	press(t, m, "ctrl+x")
	if m.jobs.active() || !strings.Contains(m.status, "cancelled slow") {
		t.Fatalf("after ctrl+x: active %v, status %q", m.jobs.active(), m.status)
	}
	settle(t, m, cmd)
	if m.status != "the result" {
		t.Fatalf("status %q, want the result and nothing streamed after the cancel", m.status)
	}
	press(t, m, "ctrl+x")
	if !strings.Contains(m.status, "no background job") {
		t.Fatalf("status %q", m.status)
	}
}
