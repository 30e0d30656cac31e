package formats

import (
	"archive/zip"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"
)

// openEvalZip reads an Inspect AI .eval archive: header.json holds the log
// without samples, samples/<id>_epoch_<n>.json one sample each. Each sample
// becomes a record carrying the header, decoded by the inspect codec.
func openEvalZip(p, format string) (*Input, error) {
	zr, err := zip.OpenReader(p)
	if err != nil {
		return nil, &NotDataError{p, "zip archive that cannot be read: " + err.Error()}
	}
	files := map[string]*zip.File{}
	var samples []string
	for _, f := range zr.File {
		files[f.Name] = f
		if strings.HasPrefix(f.Name, "samples/") && path.Ext(f.Name) == ".json" {
			samples = append(samples, f.Name)
		}
	}
	// header.json is written when the run ends; an unfinished run only has
	// its journal, whose start.json holds the same eval and plan.
	hname := "header.json"
	hf, ok := files[hname]
	if !ok {
		hname = "_journal/start.json"
		hf, ok = files[hname]
	}
	if !ok {
		zr.Close()
		return nil, &NotDataError{p, "zip archive without header.json or _journal/start.json: not an Inspect .eval log"}
	}
	header, err := readZipMember(hf)
	if err != nil {
		zr.Close()
		return nil, fmt.Errorf("%s: %s: %w", p, hname, err)
	}
	sort.Strings(samples)
	if format == "" {
		format = "inspect"
	}
	c, err := Lookup(format)
	if err != nil {
		zr.Close()
		return nil, err
	}
	i := 0
	in := &Input{Path: p, Codec: c, close: zr.Close}
	in.next = func() (Record, error) {
		if i >= len(samples) {
			return Record{}, io.EOF
		}
		name := samples[i]
		i++
		data, err := readZipMember(files[name])
		rec := Record{Data: data, Path: p + "!" + name, Line: 1, Index: i - 1, Header: header}
		if err != nil {
			return rec, &RecordError{Path: rec.Path, Line: 1, Reason: err.Error()}
		}
		return rec, checkUTF8(&rec)
	}
	in.startGroup()
	return in, nil
}

// MaxMemberBytes bounds one member of a .eval archive (a sample, the
// header). The largest real sample seen is 400 KB; a zip of 0.9 MB can
// hold members of 300 MiB of spaces, which were read whole, three at once.
const MaxMemberBytes = 64 << 20

// readZipMember reads one member, refusing one larger than MaxMemberBytes
// by its declared size before reading anything (archive/zip refuses to
// read past the declared size, so a member cannot lie its way past it).
func readZipMember(f *zip.File) ([]byte, error) {
	tooLarge := func(size uint64) error {
		return fmt.Errorf("member %s is %s uncompressed, more than the %d MiB a member may take; not read",
			f.Name, mib(size), MaxMemberBytes>>20)
	}
	if f.UncompressedSize64 > MaxMemberBytes {
		return nil, tooLarge(f.UncompressedSize64)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, fmt.Errorf("member %s: %w", f.Name, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, MaxMemberBytes+1))
	if err != nil {
		return nil, fmt.Errorf("member %s: %w", f.Name, err)
	}
	if len(b) > MaxMemberBytes {
		return nil, tooLarge(uint64(len(b)))
	}
	return b, nil
}

// mib writes a size in MiB, or in bytes below one.
func mib(n uint64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d bytes", n)
	}
	return fmt.Sprintf("%d MiB", n>>20)
}
