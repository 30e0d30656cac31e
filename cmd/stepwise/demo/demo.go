// Package demo builds the bundled demo store from real public samples
// embedded in the binary (see data/NOTICE for their origins and licences).
package demo

import (
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/stepwise-dev/stepwise/store"
	"github.com/stepwise-dev/stepwise/verify/answer"
)

//go:embed data
var files embed.FS

// Version identifies the embedded data; a demo store built from other data
// is rebuilt.
func Version() string {
	h := sha256.New()
	fs.WalkDir(files, "data", func(p string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := files.ReadFile(p)
			h.Write([]byte(p))
			h.Write(b)
		}
		return nil
	})
	return hex.EncodeToString(h.Sum(nil)[:8])
}

// Notice returns the attribution of the demo data.
func Notice() string {
	b, _ := files.ReadFile("data/NOTICE")
	return string(b)
}

// Build imports the embedded samples into db. The files are written to a
// temporary directory first: the importer reads paths, and its sniffing and
// line numbers then work exactly as for the user's own files.
func Build(ctx context.Context, db *store.DB) (*store.ImportReport, error) {
	dir, err := os.MkdirTemp("", "stepwise-demo-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	err = fs.WalkDir(files, "data", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() == "NOTICE" {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dir, d.Name()), b, 0o600)
	})
	if err != nil {
		return nil, fmt.Errorf("demo: unpack samples: %w", err)
	}
	rep, err := db.Import(ctx, []string{dir}, store.ImportOptions{Grader: answer.Grader{}})
	if err != nil {
		return rep, fmt.Errorf("demo: import samples: %w", err)
	}
	return rep, nil
}
