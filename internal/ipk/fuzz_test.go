package ipk

import (
	"bufio"
	"bytes"
	"io"
	"testing"
)

// fuzzLimits keep every run small: hostile input must be refused within
// these bounds, not merely eventually.
var fuzzOpts = Options{Limits: Limits{
	MaxEntries: 200, MaxDataSize: 1 << 20, MaxNameBytes: 64 << 10,
	MaxControlFileSize: 64 << 10, MaxControlSize: 256 << 10,
	MaxDictionary: 1 << 20, MaxTrailingZeros: 64 << 10,
}}

func fuzzSeeds(f *testing.F) [][]byte {
	data := tarOf(f, dir("./"), dir("./usr/"), file("./usr/a", "hello"), symlink("./usr/b", "a"), hardlink("./usr/c", "./usr/a"))
	m := standard(f, data)
	var buf bytes.Buffer
	if err := Write(&buf, Package{Control: sampleControl(), Data: sampleTree()}, WriteOptions{}); err != nil {
		f.Fatal(err)
	}
	return [][]byte{
		ipkTarGz(f, m...),
		ipkAr(m[0], m[2], m[1]),
		ipkAr(m[0], m[2], member{"data.tar.xz", xzOf(f, data)}),
		ipkAr(m[0], m[2], member{"data.tar.zst", zstdOf(f, data)}),
		buf.Bytes(),
	}
}

// FuzzReader feeds whole packages to Walk: it must never panic, and when it
// accepts a package every entry it passed must obey the rules.
func FuzzReader(f *testing.F) {
	for _, s := range fuzzSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, pkg []byte) {
		var read int64
		_, err := Walk(bytes.NewReader(pkg), "fuzz.ipk", fuzzOpts, Handler{Entry: func(e *Entry, r io.Reader) error {
			if n, reason := cleanName(e.Name); reason != 0 || n != e.Name || n == "" {
				t.Fatalf("entry %q passed but is not clean", e.Name)
			}
			n, err := io.Copy(io.Discard, r)
			read += n
			return err
		}})
		if err == nil && read > fuzzOpts.Limits.MaxDataSize {
			t.Fatalf("read %d bytes past the limit", read)
		}
	})
}

// FuzzDataTar feeds a bare (possibly compressed) data tar to the entry
// reader.
func FuzzDataTar(f *testing.F) {
	f.Add(tarOf(f, dir("./"), file("./a", "x"), symlink("./b", "/etc"), file("./b/c", "")))
	f.Add(gz(f, tarOf(f, file("./a", "x"), hardlink("./b", "a"))))
	f.Add(xzOf(f, tarOf(f, file("./a", "x"))))
	f.Fuzz(func(t *testing.T, b []byte) {
		opts := fuzzOpts
		opts.Limits = opts.Limits.withDefaults()
		dec, err := newDecompressor(bufio.NewReader(bytes.NewReader(b)), opts.Limits, nil)
		if err != nil {
			return
		}
		defer dec.Close()
		d := newDataReader(dec, "fuzz.ipk", "data.tar", opts)
		for {
			e, err := d.Next()
			if err != nil {
				return
			}
			if e.Size > opts.Limits.MaxFileSize {
				t.Fatalf("entry %q of %d bytes passed", e.Name, e.Size)
			}
			io.Copy(io.Discard, d)
		}
	})
}

// FuzzControl feeds a control archive to the control reader.
func FuzzControl(f *testing.F) {
	f.Add(controlTarGz(f))
	f.Add(tarOf(f, file("./control", "Package: x\n"), file("./postinst-pkg", "#!/bin/sh\n")))
	f.Fuzz(func(t *testing.T, b []byte) {
		opts := fuzzOpts
		opts.Limits = opts.Limits.withDefaults()
		dec, err := newDecompressor(bufio.NewReader(bytes.NewReader(b)), opts.Limits, nil)
		if err != nil {
			return
		}
		defer dec.Close()
		c, err := readControl(dec, "fuzz.ipk", "control.tar", opts)
		if err != nil {
			return
		}
		var total int
		for _, file := range c.Files {
			total += len(file.Data)
		}
		if int64(total) > opts.Limits.MaxControlSize {
			t.Fatalf("control of %d bytes accepted", total)
		}
	})
}
