package agree

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"
)

func near(t *testing.T, what string, got Coefficient, want float64, tol float64) {
	t.Helper()
	if !got.Defined() || math.Abs(got.Value-want) > tol {
		t.Errorf("%s = %v (n %d), want %.4f", what, got.Value, got.N, want)
	}
}

// TestKappaByHand: 50 items, two coders, yes/no.
//
//	            B yes  B no
//	A yes        20      5     (A yes 25)
//	A no         10     15     (A no 25)
//	            (30)   (20)
//
// po = (20+15)/50 = 0.70; pe = 0.5·0.6 + 0.5·0.4 = 0.50;
// κ = (0.70 − 0.50) / (1 − 0.50) = 0.40.
func TestKappaByHand(t *testing.T) {
	var a, b []string
	add := func(n int, x, y string) {
		for range n {
			a, b = append(a, x), append(b, y)
		}
	}
	add(20, "yes", "yes")
	add(5, "yes", "no")
	add(10, "no", "yes")
	add(15, "no", "no")
	near(t, "κ", Kappa(a, b), 0.40, 1e-12)
	if p := PercentAgreement(a, b); math.Abs(p-0.70) > 1e-12 {
		t.Errorf("agreement %v", p)
	}
	// Three categories, 10 items:
	//   A: g g g g b b b n n n      B: g g g b b b n n n g
	// agree on items 1-3, 5-6, 8-9: po = 7/10.
	// A: g 4, b 3, n 3; B: g 4, b 3, n 3 → pe = .16+.09+.09 = .34;
	// κ = (.7 − .34)/(1 − .34) = .36/.66 = 0.545454…
	a = []string{"g", "g", "g", "g", "b", "b", "b", "n", "n", "n"}
	b = []string{"g", "g", "g", "b", "b", "b", "n", "n", "n", "g"}
	near(t, "κ3", Kappa(a, b), 0.36/0.66, 1e-12)
	// Both coders constant and equal: pe = 1, κ undefined.
	if k := Kappa([]string{"g", "g"}, []string{"g", "g"}); k.Defined() {
		t.Errorf("κ of constant coders = %v, want undefined", k.Value)
	}
	if k := Kappa(nil, nil); k.Defined() || k.N != 0 {
		t.Errorf("κ of nothing = %+v", k)
	}
}

// krippendorff2011 is the example of Krippendorff, "Computing
// Krippendorff's Alpha-Reliability" (2011), section C: four observers, 12
// units, values 1-5, missing data ("." is missing). The paper gives
// α_nominal = 0.743, α_ordinal = 0.815, α_interval = 0.849.
var krippendorff2011 = [4]string{
	"1 2 3 3 2 1 4 1 2 . . .",
	"1 2 3 3 2 2 4 1 2 5 . 3",
	". 3 3 3 2 3 4 2 2 5 1 .",
	"1 2 3 3 2 4 4 1 2 5 1 .",
}

func kripUnits(t *testing.T) Units {
	u := Units{}
	for o, row := range krippendorff2011 {
		vals := strings.Fields(row)
		if len(vals) != 12 {
			t.Fatalf("row %d has %d values", o, len(vals))
		}
		for i, v := range vals {
			if v == "." {
				continue
			}
			key := strconv.Itoa(i + 1)
			if u[key] == nil {
				u[key] = map[string]string{}
			}
			u[key]["obs"+strconv.Itoa(o)] = v
		}
	}
	return u
}

func TestAlphaKrippendorffExample(t *testing.T) {
	u := kripUnits(t)
	order := []string{"1", "2", "3", "4", "5"}
	for _, tc := range []struct {
		m    Metric
		want float64
	}{{Nominal, 0.743}, {Ordinal, 0.815}, {Interval, 0.849}} {
		a, err := Alpha(u, tc.m, order)
		if err != nil {
			t.Fatal(err)
		}
		// The paper rounds to three places.
		near(t, "α metric "+strconv.Itoa(int(tc.m)), a, tc.want, 0.0005)
		// Unit 12 has one value: not pairable. Pairable values: 3+4+4+4+4+4+4+4+4+3+2 = 40.
		if a.N != 40 {
			t.Errorf("n = %d, want 40", a.N)
		}
	}
}

// TestAlphaByHand: two coders, three units, nominal.
//
//	unit 1: a, a    unit 2: a, b    unit 3: b, b
//
// Coincidences (each pair counted both ways, weight 1/(2−1)):
// o_aa = 2, o_ab = o_ba = 1, o_bb = 2; n_a = 3, n_b = 3, n = 6.
// D_o ∝ o_ab + o_ba = 2; D_e ∝ (n_a·n_b + n_b·n_a)/(n − 1) = 18/5.
// α = 1 − 2 / (18/5) = 1 − 10/18 = 0.4444…
func TestAlphaByHand(t *testing.T) {
	u := Units{
		"1": {"x": "a", "y": "a"},
		"2": {"x": "a", "y": "b"},
		"3": {"x": "b", "y": "b"},
		"4": {"x": "b"}, // one value: not pairable, ignored
	}
	a, err := Alpha(u, Nominal, nil)
	if err != nil {
		t.Fatal(err)
	}
	near(t, "α", a, 1-10.0/18, 1e-12)
	// No variation at all: undefined.
	if a, _ := Alpha(Units{"1": {"x": "a", "y": "a"}}, Nominal, nil); a.Defined() {
		t.Errorf("α without variation = %v", a.Value)
	}
	if _, err := Alpha(u, Ordinal, []string{"a"}); err == nil {
		t.Error("a value outside the order was accepted")
	}
}

func TestCoefficientJSON(t *testing.T) {
	b, _ := json.Marshal(Coefficient{Value: 0.123456, N: 3})
	if string(b) != `{"value":0.1235,"n":3}` {
		t.Errorf("%s", b)
	}
	b, _ = json.Marshal(Coefficient{Value: math.NaN(), N: 0})
	if string(b) != `{"value":null,"n":0}` {
		t.Errorf("%s", b)
	}
}
