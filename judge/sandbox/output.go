package sandbox

import (
	"fmt"
	"strings"
	"sync"
)

// output captures a run's stdout and stderr: the first KeepOutput bytes of
// each are kept, the rest counted; when both together pass KillOutput the
// overflow callback fires (once) so the parent kills the sandbox instead of
// reading gigabytes.
type output struct {
	mu       sync.Mutex
	keep     int
	kill     int64
	total    int64
	buf      [2][]byte
	dropped  [2]int64
	overflow func()
	fired    bool
}

func newOutput(l Limits, overflow func()) *output {
	return &output{keep: l.KeepOutput, kill: l.KillOutput, overflow: overflow}
}

type stream struct {
	o *output
	i int
}

func (s stream) Write(p []byte) (int, error) {
	s.o.write(s.i, p)
	return len(p), nil
}

func (o *output) stdout() stream { return stream{o, 0} }
func (o *output) stderr() stream { return stream{o, 1} }

func (o *output) write(i int, p []byte) {
	o.mu.Lock()
	room := o.keep - len(o.buf[i])
	if room > 0 {
		k := min(room, len(p))
		o.buf[i] = append(o.buf[i], p[:k]...)
		o.dropped[i] += int64(len(p) - k)
	} else {
		o.dropped[i] += int64(len(p))
	}
	o.total += int64(len(p))
	fire := o.total > o.kill && !o.fired
	if fire {
		o.fired = true
	}
	o.mu.Unlock()
	if fire {
		o.overflow()
	}
}

// text is the kept output as valid UTF-8, with a note of what was dropped.
func (o *output) text(i int) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	s := strings.ToValidUTF8(string(o.buf[i]), "\uFFFD")
	if o.dropped[i] > 0 {
		s += fmt.Sprintf("\n[stepwise: %d more bytes dropped]", o.dropped[i])
	}
	return s
}
