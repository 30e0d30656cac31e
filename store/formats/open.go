package formats

import (
	"io/fs"
	"os"
)

// checkRegular closes f and reports it unless it is a regular file.
func checkRegular(f *os.File) (*os.File, error) {
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, &NotDataError{Path: f.Name(), Reason: "not a regular file (" + fileKind(st.Mode()) + "); not read"}
	}
	return f, nil
}

// fileKind names a file type that is not a regular file.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeDir != 0:
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file: " + m.Type().String()
}

// FileKind names a file type that is not a regular file ("a named pipe").
func FileKind(m fs.FileMode) string { return fileKind(m) }
