package formats

import (
	"errors"
	"io"
	"path/filepath"
	"testing"
)

// samples is the repository's copy of the real public samples.
var samples = filepath.Join("..", "..", "testdata", "samples")

// readAll decodes every record of a file and fails the test on any error.
func readAll(t *testing.T, path, format string, opts *Options) []Item {
	t.Helper()
	items, errs := readAllErrs(t, path, format, opts)
	for _, e := range errs {
		t.Errorf("unexpected record error: %v", e)
	}
	return items
}

// readAllErrs decodes a file, collecting record errors.
func readAllErrs(t *testing.T, path, format string, opts *Options) ([]Item, []error) {
	t.Helper()
	if opts == nil {
		opts = &Options{}
	}
	in, err := Open(path, format)
	if err != nil {
		t.Fatalf("open %s: %v", path, err)
	}
	defer in.Close()
	var items []Item
	var errs []error
	for {
		rec, err := in.Next()
		if err == io.EOF {
			break
		}
		var re *RecordError
		if errors.As(err, &re) {
			errs = append(errs, err)
			continue
		}
		if err != nil {
			errs = append(errs, err)
			break
		}
		got, err := in.DecodeRecord(rec, opts)
		var parts *PartsError
		if errors.As(err, &parts) {
			for _, p := range parts.Parts {
				errs = append(errs, p)
			}
			items = append(items, got...)
			continue
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		items = append(items, got...)
	}
	rest, err := in.Flush(opts)
	if err != nil {
		errs = append(errs, err)
	}
	return append(items, rest...), errs
}

func sample(parts ...string) string {
	return filepath.Join(append([]string{samples}, parts...)...)
}
