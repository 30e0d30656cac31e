//go:build unix

package formats

import (
	"os"
	"syscall"
)

// openRegular opens path for reading and refuses anything but a regular
// file. O_NONBLOCK makes opening a named pipe return at once (without it
// open waits for a writer, forever, and the import holds the store); on a
// regular file the flag changes nothing.
func openRegular(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	return checkRegular(f)
}
