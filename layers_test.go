package stepwise_test

import (
	"encoding/json"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// The layers of the code and the arrows allowed between them (README,
// Architecture). Each rule names a package or a folder of packages (a
// prefix ending in "/...") and the module packages it may import; the
// standard library and third-party modules are not checked here.
//
//	domain (module root)   nothing of the module
//	store                  domain, store/... (the front door: every room below it)
//	store/internal/...     domain, store/internal/..., store/formats (the engine)
//	store/search, store/importer, store/export
//	                       domain, store/internal/..., store/formats (rooms: no arrow up to store)
//	store/analytics        domain, store/agree (computes over what store hands it)
//	store/formats          domain (codecs); store/agree nothing (statistics)
//	store/storetest        domain, store, store/formats (bench stores, for tests)
//	store/hfdataset        domain, the store's API (an export as a dataset folder:
//	                       it stands on store.DB's export, above the front door)
//	verify, claim, answer  domain, verify/... (not verifyrun)
//	verify/verifyrun       domain, verify/..., the store's API   (the verification run over a store)
//	judge/...              domain, judge/..., verify/..., the store's API
//	themes/...             domain, themes/...
//	tui/render             domain, themes/...
//	tui                    everything but cmd/... (UI only: services live in their own folders)
//	cmd/stepwise/...       everything but tui/... below tui; the main package imports tui itself
//
// The store's API, for packages outside it, is store and the two rooms
// whose types its signatures use (store/formats: decode options, items,
// export formats; store/agree: coefficients); the other rooms are reached
// through store.DB, and store/internal/... cannot be reached at all.
var layers = []struct {
	pkg   string
	allow []string
}{
	{"", nil},
	{"store", []string{"", "store/..."}},
	{"store/internal/...", []string{"", "store/internal/...", "store/formats"}},
	{"store/search", []string{"", "store/internal/...", "store/formats"}},
	{"store/importer", []string{"", "store/internal/...", "store/formats"}},
	{"store/export", []string{"", "store/internal/...", "store/formats"}},
	{"store/analytics", []string{"", "store/agree"}},
	{"store/formats", []string{""}},
	{"store/agree", nil},
	{"store/storetest", []string{"", "store", "store/formats"}},
	{"store/hfdataset", append([]string{""}, storeAPI...)},
	{"verify/verifyrun", append([]string{"", "verify/..."}, storeAPI...)},
	{"verify/...", []string{"", "verify", "verify/claim", "verify/answer"}},
	{"judge/...", append([]string{"", "judge/...", "verify/..."}, storeAPI...)},
	{"themes/...", []string{"", "themes/..."}},
	{"tui/render", []string{"", "themes/..."}},
	{"tui", append([]string{"", "verify/...", "judge/...", "themes/...", "tui/render"}, storeAPI...)},
	{"cmd/stepwise/...", append([]string{"", "verify/...", "judge/...", "themes/..."}, storeAPI...)},
	{"cmd/stepwise", append([]string{"", "verify/...", "judge/...", "themes/...", "tui", "cmd/stepwise/...", "store/hfdataset"}, storeAPI...)},
}

// storeAPI is what packages outside the store may import of it.
var storeAPI = []string{"store", "store/formats", "store/agree"}

// testAllow are what any package's tests may import besides its rule:
// the format codecs, to read real samples, and the bench stores.
var testAllow = []string{"store/formats", "store/storetest"}

const module = "github.com/stepwise-dev/stepwise"

// matches reports whether rel (a package path relative to the module, ""
// for the root) is named by pattern: "dir/..." names dir and every
// package below it, as it does for the go command.
func matches(pattern, rel string) bool {
	if dir, ok := strings.CutSuffix(pattern, "/..."); ok {
		return rel == dir || strings.HasPrefix(rel, dir+"/")
	}
	return rel == pattern
}

// rule is the most specific rule for rel: an exact name before a folder.
func rule(rel string) ([]string, bool) {
	for _, exact := range []bool{true, false} {
		for _, l := range layers {
			if strings.HasSuffix(l.pkg, "/...") == exact {
				continue
			}
			if matches(l.pkg, rel) {
				return l.allow, true
			}
		}
	}
	return nil, false
}

// TestLayers reads the import graph with `go list` and fails on an arrow
// that points the wrong way, tests' imports included (a test may also use
// the format codecs, store/formats, to read real samples).
func TestLayers(t *testing.T) {
	out, err := exec.Command("go", "list", "-json=ImportPath,Imports,TestImports,XTestImports", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	checked := 0
	for dec.More() {
		var p struct {
			ImportPath                         string
			Imports, TestImports, XTestImports []string
		}
		if err := dec.Decode(&p); err != nil {
			t.Fatal(err)
		}
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		allow, ok := rule(rel)
		if !ok {
			t.Errorf("package %s is in no layer: add it to the rules and the README", p.ImportPath)
			continue
		}
		checked++
		tests := append(p.TestImports, p.XTestImports...)
		for i, imp := range append(p.Imports, tests...) {
			if imp != module && !strings.HasPrefix(imp, module+"/") {
				continue
			}
			to := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
			if to == rel || strings.HasPrefix(to, rel+"/") && rel != "" {
				continue // a package's own subpackages (test helpers)
			}
			may := allow
			if i >= len(p.Imports) {
				may = append(slices.Clone(allow), testAllow...)
			}
			allowed := false
			for _, a := range may {
				if matches(a, to) {
					allowed = true
					break
				}
			}
			if !allowed {
				t.Errorf("%s imports %s: the arrow points the wrong way", orRoot(rel), orRoot(to))
			}
		}
	}
	if checked < 10 {
		t.Fatalf("only %d packages checked", checked)
	}
}

func orRoot(rel string) string {
	if rel == "" {
		return "stepwise (the domain)"
	}
	return rel
}
