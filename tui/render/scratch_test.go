package render

import (
	"fmt"
	"testing"

	"github.com/stepwise-dev/stepwise/themes"
)

func TestScratch(t *testing.T) {
	th, _ := themes.Get("dark", "")
	r := New(nil)
	in := "# Step 3\n\nWe know $a*b*c$ and $\\{x \\mid x>0\\}$ is **bold** text with `code $x$` here.\n\n$$\n\\frac{a}{b} \\le \\sqrt{x^2}\n$$\n\n- item with \\(x_1\\)\n- Janet pays $18 every day and $2 per egg\n\n```lean\ntheorem foo : 1 + 1 = 2 := by\n  sorry\n```\n\n> quote \\[ y \\]\n\n中文中文中文 🙂 https://example.com/a/very/long/url/that/does/not/fit/anywhere/at/all/ok 12345678901234567890123456789012345\n&#27;[31m red"
	for _, u := range []bool{false, true} {
		res := r.Markdown(th, "", in, Options{Width: 40, MathUnicode: u})
		fmt.Println("fallback", res.Fallback)
		for i, l := range res.Lines {
			fmt.Printf("%s|\n", l)
			_ = i
		}
		for _, l := range res.Plain {
			fmt.Printf("%q\n", l)
		}
	}
}
