//go:build !unix

package formats

import "os"

// openRegular opens path for reading and refuses anything but a regular
// file.
func openRegular(path string) (*os.File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return checkRegular(f)
}
