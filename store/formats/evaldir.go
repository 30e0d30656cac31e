package formats

import (
	"errors"
	"os"
	"path/filepath"
)

// An Inspect .eval log is a zip; unzipped, it is a directory with
// header.json (or, for an unfinished run, _journal/start.json), samples/
// with one JSON file per sample, and summaries, reductions and journal
// files that hold no trace. Importing such a directory reads each sample
// with the log's header, as the zip would be read, and reports the other
// members as belonging to the log rather than as unrecognized records.

// CompanionError reports a file that holds no trace of its own but belongs
// to something that does (an unzipped Inspect log's header or summaries).
// The import passes over it without counting it as skipped.
type CompanionError struct {
	Path   string
	Reason string
}

func (e *CompanionError) Error() string { return e.Path + ": " + e.Reason }

// evalLogRoot returns the root of the unzipped Inspect log that path is a
// member of ("" when it is not one): the nearest of its parent directories
// holding a samples/ directory and a header.json or _journal/start.json.
func evalLogRoot(path string) string {
	dir := filepath.Dir(path)
	for range 3 { // members sit at most two levels below the root (_journal/summaries/)
		if isDir(filepath.Join(dir, "samples")) && (isFile(filepath.Join(dir, "header.json")) ||
			isFile(filepath.Join(dir, "_journal", "start.json"))) {
			return dir
		}
		dir = filepath.Dir(dir)
	}
	return ""
}

// evalMember classifies a file of an unzipped Inspect log: a sample comes
// back with the log's header; any other member as a CompanionError. ok is
// false when path is not in such a log.
func evalMember(path string) (header []byte, ok bool, err error) {
	root := evalLogRoot(path)
	if root == "" {
		return nil, false, nil
	}
	rel, _ := filepath.Rel(root, path)
	if dir, _ := filepath.Split(filepath.ToSlash(rel)); dir != "samples/" || filepath.Ext(rel) != ".json" {
		return nil, true, &CompanionError{path, "belongs to the unzipped Inspect log in " + root + ", whose samples are read from samples/ with its header"}
	}
	for _, h := range []string{"header.json", filepath.Join("_journal", "start.json")} {
		b, err := os.ReadFile(filepath.Join(root, h))
		if err == nil {
			if int64(len(b)) > MaxRecordBytes {
				return nil, true, &NotDataError{path, "the log's " + h + " is too large"}
			}
			return b, true, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			return nil, true, err
		}
	}
	return nil, false, nil
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

func isFile(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// withHeader makes every record of in carry header.
func (in *Input) withHeader(header []byte) {
	next := in.next
	in.next = func() (Record, error) {
		rec, err := next()
		rec.Header = header
		return rec, err
	}
}
