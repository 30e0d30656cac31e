package themes

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestUserThemeOverride(t *testing.T) {
	dir := t.TempDir()
	writeTheme(t, dir, "sunset", `# a comment
base = "light"
description = "warm accents"
dark = true

[palette]
accent = "#FF8800"   # upper case is fine
bad = "#c00"
code_bg = "none"
`)
	th, err := Get("sunset", dir)
	if err != nil {
		t.Fatal(err)
	}
	light := mustGet(t, Light)
	if th.Palette.Accent != "#ff8800" || th.Palette.Bad != "#cc0000" || th.Palette.CodeBG != "" {
		t.Errorf("overrides not applied: accent %q bad %q code_bg %q", th.Palette.Accent, th.Palette.Bad, th.Palette.CodeBG)
	}
	if th.Palette.Text != light.Palette.Text || th.Palette.Good != light.Palette.Good {
		t.Error("entries not overridden should come from the base")
	}
	if !th.Dark {
		t.Error("dark = true not applied")
	}
	if th.Name != "sunset" || !strings.HasSuffix(th.Source, "sunset.toml") {
		t.Errorf("name %q source %q", th.Name, th.Source)
	}
	// The override reaches the derived styles: 0xff,0x88,0x00 = 255;136;0.
	if out := th.Styles.Title.Render("x"); !strings.Contains(out, "255;136;0") {
		t.Errorf("title does not use the overridden accent: %q", out)
	}
	if th.Key() == light.Key() {
		t.Error("user theme shares the base's cache key")
	}
	names, errs := Available(dir)
	if len(errs) != 0 || strings.Join(names, ",") != "dark,light,high-contrast,sunset" {
		t.Errorf("Available = %v, %v", names, errs)
	}
}

func TestUserThemeErrors(t *testing.T) {
	cases := []struct {
		name, body string
		want       []string // substrings of the error
	}{
		{"unknownkey", "base = \"dark\"\n\n[palette]\naccent = \"#fff\"\naccnet = \"#000\"\n",
			[]string{"unknownkey.toml:5:", `"palette.accnet"`, "unknown palette key"}},
		{"badcolour", "base = \"dark\"\n[palette]\n\n\nbad = \"crimson\"\n",
			[]string{"badcolour.toml:5:", `"palette.bad"`, `bad colour "crimson"`}},
		{"wrongtype", "base = \"dark\"\n[palette]\ngood = 12\n",
			[]string{"wrongtype.toml:3:", `"palette.good"`, "want a string, got a number"}},
		{"badbase", "# x\nbase = \"solarized\"\n",
			[]string{"badbase.toml:2", `"base"`, `unknown base theme "solarized"`}},
		{"nobase", "[palette]\ngood = \"#0f0\"\n",
			[]string{"nobase.toml", `"base"`, "missing"}},
		{"syntax", "base = \"dark\"\n[palette\n",
			[]string{"syntax.toml:2:"}},
		{"othertable", "base = \"dark\"\n[colours]\nx = 1\n",
			[]string{"othertable.toml:2:", `"colours"`, "unknown table", "othertable.toml:3:", `"colours.x"`}},
		{"toplevel", "base = \"dark\"\nfont = \"mono\"\n",
			[]string{"toplevel.toml:2:", `"font"`, "unknown key"}},
		{"darkstring", "base = \"dark\"\ndark = \"yes\"\n",
			[]string{"darkstring.toml:2:", `"dark"`, "want true or false"}},
		{"inline", "base = \"dark\"\npalette = { good = \"#0f0\" }\n",
			[]string{"inline.toml:2:", `"palette"`, "[palette] table"}},
		{"dup", "base = \"dark\"\nbase = \"light\"\n",
			[]string{"dup.toml:2:"}},
		{"dark", "base = \"light\"\n", []string{"dark.toml", "shadow the built-in"}},
	}
	dir := t.TempDir()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			writeTheme(t, dir, c.name, c.body)
			_, err := LoadFile(fmt.Sprintf("%s/%s.toml", dir, c.name))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			var fe *FileError
			if !errors.As(err, &fe) || fe.File == "" {
				t.Errorf("error is not a *FileError naming the file: %#v", err)
			}
		})
	}
	// Several problems are reported together.
	writeTheme(t, dir, "many", "base = \"dark\"\n[palette]\nbad = \"x\"\ngood = \"y\"\n")
	_, err := LoadFile(dir + "/many.toml")
	if err == nil || !strings.Contains(err.Error(), "many.toml:3:") || !strings.Contains(err.Error(), "many.toml:4:") {
		t.Errorf("want both lines 3 and 4 reported, got %v", err)
	}
	names, errs := Available(dir)
	if len(names) != 3 || len(errs) == 0 {
		t.Errorf("Available with only broken files: names %v, %d errors", names, len(errs))
	}
	if _, err := Get("../etc/passwd", dir); err == nil {
		t.Error("Get accepted a path as a theme name")
	}
	if _, err := Get("absent", dir); err == nil || !strings.Contains(err.Error(), "absent.toml") {
		t.Errorf("missing user theme: %v", err)
	}
}

func FuzzParseThemeFile(f *testing.F) {
	f.Add([]byte("base = \"dark\"\n[palette]\naccent = \"#fff\"\n"))
	f.Add([]byte("base = 1\n[[x]]\ny = [1, {a = 2}]\n"))
	f.Add([]byte("palette.accent = \"#abc\"\n\"palette\".\"bad\" = 'none'\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ut, err := parseThemeFile("fuzz.toml", data)
		if err == nil {
			for _, o := range ut.overrides {
				if _, err := normalizeColour(o.colour); err != nil {
					t.Fatalf("accepted bad colour %q", o.colour)
				}
			}
		} else if !strings.Contains(err.Error(), "fuzz.toml") {
			t.Fatalf("error does not name the file: %v", err)
		}
	})
}
