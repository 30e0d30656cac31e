package record

import (
	"fmt"
	"time"

	"github.com/stepwise-dev/stepwise"
	"github.com/stepwise-dev/stepwise/store/internal/damage"
)

// A check value (bucket checks) is one checked formalization in the codec
// that bodies use for the formalizations they ship, so that imported and
// checked formalizations share it; the check's time comes first.
const checkVersion = 1

// EncodeCheck encodes a checked formalization and when it was checked.
func EncodeCheck(f *stepwise.Formalization, at time.Time) []byte {
	e := enc{b: make([]byte, 0, 64+len(f.Statement)+len(f.Proof)+len(f.Evidence))}
	e.byte(checkVersion)
	e.varint(at.UnixNano())
	encFormal(&e, f)
	return e.b
}

// DecodeCheck decodes a check value; a value with bytes left over is
// refused as corrupt.
func DecodeCheck(b []byte) (stepwise.Formalization, time.Time, error) {
	d := dec{b: b}
	var f stepwise.Formalization
	if v := d.byte(); v != checkVersion && d.err == nil {
		return f, time.Time{}, damage.Corrupt("check record version %d is unknown: the store is damaged, or a newer program wrote it", v)
	}
	at := time.Unix(0, d.varint())
	decFormal(&d, &f)
	if d.err == nil && len(d.b) > 0 {
		d.fail(fmt.Errorf("%d stray bytes after the record", len(d.b)))
	}
	if d.err != nil {
		return stepwise.Formalization{}, time.Time{}, damage.Corrupt("an unreadable check record: %v", d.err)
	}
	return f, at, nil
}
