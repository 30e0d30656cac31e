package importer

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/stepwise-dev/stepwise/store/formats"
)

// fileList is what an import reads: the regular files named or found in
// the directories named, in order, with what was refused.
type fileList struct {
	files []string
	bytes int64
	// refused are the paths that are not regular files (a named pipe, a
	// socket, a device, a broken or looping symbolic link), one error
	// each: reading a named pipe blocks until a writer comes, so an import
	// would hang holding the store.
	refused []error
	// symlinks counts the symbolic links followed inside directories.
	symlinks int
}

// listFiles expands directories into their files (in name order, skipping
// hidden entries). A symbolic link inside a directory is followed, to a
// file or to a directory, unless it leads back into a directory already
// walked (a loop); the same link named on the command line is followed by
// the system.
func listFiles(paths []string) (*fileList, error) {
	l := &fileList{}
	for _, p := range paths {
		st, err := os.Stat(p)
		if err != nil {
			return nil, err // names the path: "stat x: no such file or directory"
		}
		switch {
		case st.IsDir():
			if err := l.walk(p, []os.FileInfo{st}); err != nil {
				return nil, err
			}
		case st.Mode().IsRegular():
			l.add(p, st)
		default:
			l.refuse(p, st.Mode())
		}
	}
	return l, nil
}

func (l *fileList) add(path string, st os.FileInfo) {
	l.files = append(l.files, path)
	l.bytes += formats.UnpackedSize(path, st.Size())
}

func (l *fileList) refuse(path string, mode fs.FileMode) {
	l.refused = append(l.refused, &formats.NotDataError{Path: path,
		Reason: "not a regular file (" + formats.FileKind(mode) + "); not read"})
}

// walk lists dir's files; seen holds the directories walked so far (by
// identity), so that a symbolic link back into one of them is not walked
// again.
func (l *fileList) walk(dir string, seen []os.FileInfo) error {
	return filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if strings.HasPrefix(d.Name(), ".") && path != dir {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		switch t := d.Type(); {
		case t.IsRegular():
			info, err := d.Info()
			if err != nil {
				return err
			}
			l.add(path, info)
		case t.IsDir():
			if path != dir {
				if info, err := d.Info(); err == nil {
					seen = append(seen, info)
				}
			}
		case t&fs.ModeSymlink != 0:
			return l.follow(path, &seen)
		default:
			l.refuse(path, t)
		}
		return nil
	})
}

// follow takes a symbolic link met inside a directory.
func (l *fileList) follow(path string, seen *[]os.FileInfo) error {
	st, err := os.Stat(path)
	if err != nil {
		l.refused = append(l.refused, &formats.NotDataError{Path: path,
			Reason: "broken symbolic link (" + errReason(err) + "); not read"})
		return nil
	}
	switch {
	case st.Mode().IsRegular():
		l.symlinks++
		l.add(path, st)
	case st.IsDir():
		for _, s := range *seen {
			if os.SameFile(s, st) {
				l.refused = append(l.refused, &formats.NotDataError{Path: path,
					Reason: "symbolic link to a directory already read (a loop, or a second link to it); not followed"})
				return nil
			}
		}
		l.symlinks++
		*seen = append(*seen, st)
		// WalkDir does not descend into a root that is a link; with a
		// trailing separator the system resolves it to the directory.
		return l.walk(path+string(filepath.Separator), *seen)
	default:
		l.refuse(path, st.Mode())
	}
	return nil
}

// errReason is err without the path os puts in front of it.
func errReason(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}
