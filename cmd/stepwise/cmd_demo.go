package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/stepwise-dev/stepwise/cmd/stepwise/demo"
	"github.com/stepwise-dev/stepwise/store"
)

// demoSetting marks a store as the demo store, with the version of the
// bundled data it was built from. stepwise demo replaces only a store
// that carries it.
const demoSetting = "demo_version"

// runDemo opens the workbench on a store built from the bundled real
// samples. It lives in its own file, demo.db beside the selected store
// (--demo-db names another), and is rebuilt when the bundled data changes
// or on --reset; the selected store itself is never touched.
func runDemo(ctx context.Context, e *env, args []string) int {
	fs := newFlags(e, "demo", "[--reset] [--notice] [--demo-db PATH]", "Open the workbench on a demo store built from bundled real samples.")
	reset := fs.Bool("reset", false, "rebuild the demo store from scratch")
	notice := fs.Bool("notice", false, "print where the demo data comes from, and exit")
	build := fs.Bool("build-only", false, "build the demo store and exit (for scripts and tests)")
	path := fs.String("demo-db", "", "the demo store's file (default: demo.db beside the store)")
	if _, err := parse(fs, args); err != nil {
		return flagExit(err)
	}
	if *notice {
		fmt.Fprint(e.stdout, demo.Notice())
		return exitOK
	}
	if *path == "" {
		*path = filepath.Join(filepath.Dir(e.dbPath), "demo.db")
	}
	e.dbPath = *path
	if code := ensureDemo(ctx, e, *reset); code != exitOK {
		return code
	}
	if *build {
		fmt.Fprintln(e.stdout, e.dbPath)
		return exitOK
	}
	return openWorkbench(ctx, e, "demo")
}

// ensureDemo builds the demo store at e.dbPath when it is missing or was
// built from other bundled data (or on reset). A file there that is not a
// demo store is refused, never replaced.
func ensureDemo(ctx context.Context, e *env, reset bool) int {
	have, err := demoVersion(e)
	switch {
	case errors.Is(err, errNotDemo):
		fmt.Fprintf(e.stderr, "stepwise demo: %s exists and is not a demo store; it is left as it is (use --demo-db to put the demo elsewhere)\n", e.dbPath)
		return exitError
	case err != nil:
		return failed(e, "stepwise demo:", err)
	case have == demo.Version() && !reset:
		return exitOK
	}
	// Build beside the target and move it into place, so that a workbench
	// open on the old demo sees either the old or the new one.
	tmp := e.dbPath + ".building-" + strconv.Itoa(os.Getpid())
	rep, err := buildDemo(ctx, tmp)
	if err == nil {
		err = placeDemo(ctx, e, tmp, have != "")
	}
	store.RemoveSideFiles(tmp)
	if err != nil {
		os.Remove(tmp)
		return failed(e, "stepwise demo:", err)
	}
	fmt.Fprintf(e.stderr, "built the demo store %s: %d traces from bundled samples (stepwise demo --notice for sources)\n", e.dbPath, rep.Imported)
	return exitOK
}

var errNotDemo = errors.New("not a demo store")

// demoVersion is the bundled data version the demo store at e.dbPath was
// built from: "" when there is no file, errNotDemo when the file there is
// not a demo store (any other file, an empty one included).
func demoVersion(e *env) (string, error) {
	if _, err := os.Stat(e.dbPath); errors.Is(err, os.ErrNotExist) {
		return "", nil
	}
	db, err := store.Open(e.dbPath, store.Options{ReadOnly: true, Timeout: e.wait})
	if errors.Is(err, store.ErrNeedsMigration) {
		db, err = store.Open(e.dbPath, store.Options{Timeout: e.wait}) // migrates
	}
	if err != nil {
		if errors.Is(err, store.ErrLocked) {
			return "", err
		}
		return "", errNotDemo
	}
	defer db.Close()
	v, err := db.Setting(demoSetting)
	if err != nil || v == "" {
		return "", errNotDemo
	}
	return v, nil
}

// buildDemo writes a new demo store at path.
func buildDemo(ctx context.Context, path string) (*store.ImportReport, error) {
	db, err := store.Open(path, store.Options{})
	if err != nil {
		return nil, err
	}
	rep, err := demo.Build(ctx, db)
	if err == nil {
		err = db.SetSetting(demoSetting, demo.Version())
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	return rep, err
}

// placeDemo moves the built store to e.dbPath: over the old demo store
// under its lock when there is one, else only if nothing appeared there
// meanwhile (a hard link fails on an existing name, a rename would not).
func placeDemo(ctx context.Context, e *env, tmp string, replace bool) error {
	if !replace {
		if err := os.Link(tmp, e.dbPath); err != nil {
			return fmt.Errorf("place the demo store: %w", err)
		}
		return os.Remove(tmp)
	}
	old, err := store.Open(e.dbPath, store.Options{Timeout: e.wait})
	if err != nil {
		return err
	}
	defer old.Close()
	if v, err := old.Setting(demoSetting); err != nil || v == "" {
		return errNotDemo
	}
	return old.ReplaceWith(ctx, tmp)
}
