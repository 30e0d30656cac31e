package record

import (
	"reflect"
	"testing"
	"time"

	"github.com/stepwise-dev/stepwise"
)

func TestDecodeCheckRejectsDamage(t *testing.T) {
	f := formal("theorem d : (2 : ℝ) = 2 := by sorry", stepwise.StatusProved)
	b := EncodeCheck(&f, time.Unix(5, 0))
	if got, at, err := DecodeCheck(b); err != nil || !reflect.DeepEqual(got, f) || at.Unix() != 5 {
		t.Fatalf("round trip: %+v %v %v", got, at, err)
	}
	for _, bad := range [][]byte{nil, b[:len(b)-3], append(append([]byte{}, b...), 0), {9}} {
		if _, _, err := DecodeCheck(bad); err == nil {
			t.Errorf("decoded damaged value %x", bad)
		}
	}
}

func FuzzDecodeCheck(f *testing.F) {
	g := formal("theorem d : (2 : ℝ) = 2 := by sorry", stepwise.StatusProved)
	f.Add(EncodeCheck(&g, time.Unix(5, 0)))
	f.Add([]byte{1, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		got, at, err := DecodeCheck(b)
		if err != nil {
			return
		}
		// What decodes must survive a round trip unchanged.
		once := EncodeCheck(&got, at)
		back, at2, err := DecodeCheck(once)
		if err != nil {
			t.Fatalf("re-decoding %x: %v", once, err)
		}
		if twice := EncodeCheck(&back, at2); string(twice) != string(once) {
			t.Fatalf("round trip differs:\n%x\n%x", once, twice)
		}
	})
}
