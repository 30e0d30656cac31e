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

func readZipMember(f *zip.File) ([]byte, error) {
	if f.UncompressedSize64 > MaxRecordBytes {
		return nil, fmt.Errorf("member %s is larger than %d MiB", f.Name, MaxRecordBytes>>20)
	}
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(io.LimitReader(rc, MaxRecordBytes+1))
}
