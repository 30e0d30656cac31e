package export

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

// ToFile writes an export into the file at path: write writes it, into a
// temporary file beside path (created with mode 0666 less the umask, as any
// new file), which is synced before it takes the name, so an interrupted
// export never leaves a half file under the name. With overwrite false an
// existing file at path is an error and stays as it is; with overwrite true
// (the user named the file) it is replaced.
func ToFile(path string, overwrite bool, write func(io.Writer) (*Report, error)) (*Report, error) {
	if !overwrite {
		if _, err := os.Lstat(path); err == nil {
			return nil, fmt.Errorf("%s exists; name another file", path)
		}
	}
	tmp, f, err := createTemp(path)
	if err != nil {
		return nil, err
	}
	rep, err := write(f)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = place(tmp, path, overwrite)
	}
	if err != nil {
		os.Remove(tmp)
		return nil, err
	}
	return rep, nil
}

// createTemp creates a new file beside path, for it: O_EXCL under a random
// name, so it can be no one else's file.
func createTemp(path string) (string, *os.File, error) {
	for range 10 {
		var r [6]byte
		rand.Read(r[:])
		tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".tmp-"+hex.EncodeToString(r[:]))
		f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, os.ErrExist) {
			continue
		}
		return tmp, f, err
	}
	return "", nil, fmt.Errorf("no free temporary name beside %s", path)
}

// place gives the finished temporary file its name: a rename replaces an
// existing file, a hard link refuses to.
func place(tmp, path string, overwrite bool) error {
	if overwrite {
		return os.Rename(tmp, path)
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return fmt.Errorf("%s exists; name another file", path)
		}
		return err
	}
	return os.Remove(tmp)
}
