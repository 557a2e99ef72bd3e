package engine

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pakt/internal/ipk"
	"pakt/internal/statusdb"
)

// tarGz makes a gzip'd tar of the given headers and contents.
func tarGz(t *testing.T, entries []tar.Header, contents map[string]string) []byte {
	t.Helper()
	var buf bytes.Buffer
	gz := gzip.NewWriter(&buf)
	tw := tar.NewWriter(gz)
	for _, h := range entries {
		body := contents[h.Name]
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(body))
		}
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(tw, body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := gz.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestPackageStreamHardLink: a hard link to an earlier entry is staged from
// the entry's content, which means reading the package again from the
// start; entries are found in order otherwise.
func TestPackageStreamHardLink(t *testing.T) {
	t.Parallel()
	data := tarGz(t, []tar.Header{
		{Name: "./usr/", Typeflag: tar.TypeDir, Mode: 0o755},
		{Name: "./usr/a", Typeflag: tar.TypeReg, Mode: 0o644},
		{Name: "./usr/b", Typeflag: tar.TypeReg, Mode: 0o644},
		{Name: "./usr/c", Typeflag: tar.TypeLink, Linkname: "./usr/a", Mode: 0o644},
	}, map[string]string{"./usr/a": "alpha", "./usr/b": "beta"})
	ctl := tarGz(t, []tar.Header{{Name: "./control", Typeflag: tar.TypeReg, Mode: 0o644}},
		map[string]string{"./control": "Package: hl\nVersion: 1\nStatus: install ok unpacked\nArchitecture: all\n"})
	outer := tarGz(t, []tar.Header{
		{Name: "./debian-binary", Typeflag: tar.TypeReg, Mode: 0o644},
		{Name: "./data.tar.gz", Typeflag: tar.TypeReg, Mode: 0o644},
		{Name: "./control.tar.gz", Typeflag: tar.TypeReg, Mode: 0o644},
	}, map[string]string{"./debian-binary": "2.0\n", "./data.tar.gz": string(data), "./control.tar.gz": string(ctl)})
	file := filepath.Join(t.TempDir(), "hl_1_all.ipk")
	if err := os.WriteFile(file, outer, 0o644); err != nil {
		t.Fatal(err)
	}
	sp, err := scanPackage(context.Background(), file, "hl_1_all.ipk", nil)
	if err != nil {
		t.Fatal(err)
	}
	if sp.info.Name != "hl" || len(sp.entries) != 4 || sp.entries[3].Type != ipk.TypeHardlink {
		t.Fatalf("scanned %+v", sp.entries)
	}
	s := &pkgStream{path: file, shown: "hl_1_all.ipk"}
	defer s.close()
	// The order txn reads them in: a, b, then c (= a again). The stream
	// stays open until the last reader is done, then lets go of its
	// decompressor.
	cases := []struct {
		entry int
		want  string
	}{{1, "alpha"}, {2, "beta"}, {1, "alpha"}, {2, "beta"}}
	var readers []*entryData
	for _, c := range cases {
		readers = append(readers, s.entry(c.entry))
	}
	for i, c := range cases {
		got, err := io.ReadAll(readers[i])
		if err != nil || string(got) != c.want {
			t.Errorf("entry %d: %q, %v; want %q", c.entry, got, err, c.want)
		}
		if open := s.d != nil; open != (i < len(cases)-1) {
			t.Errorf("after reader %d of %d: stream open = %v", i+1, len(cases), open)
		}
	}
	// No conffiles, nothing hashed.
	if len(sp.sums) != 0 {
		t.Errorf("sums %v", sp.sums)
	}
}

// TestConfigureOrder: dependencies (through Provides too) come first.
func TestConfigureOrder(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		status string
		want   string
	}{
		{"Package: app\nVersion: 1\nStatus: install ok unpacked\nDepends: lib\n\nPackage: lib\nVersion: 1\nStatus: install ok unpacked\n", "lib app"},
		{"Package: app\nVersion: 1\nStatus: install ok unpacked\nDepends: virt\n\nPackage: impl\nVersion: 1\nStatus: install ok unpacked\nProvides: virt\n", "impl app"},
		{"Package: a\nVersion: 1\nStatus: install ok unpacked\nDepends: b\n\nPackage: b\nVersion: 1\nStatus: install ok unpacked\nDepends: a\n", "b a"},
		{"Package: x\nVersion: 1\nStatus: install ok unpacked\n\nPackage: y\nVersion: 1\nStatus: install ok unpacked\n", "x y"},
	} {
		pkgs := statusPackages(t, c.status)
		var got []string
		for _, p := range configureOrder(pkgs) {
			got = append(got, p.Name)
		}
		if s := joinWords(got); s != c.want {
			t.Errorf("%q: order %q, want %q", c.status, s, c.want)
		}
	}
}

func statusPackages(t *testing.T, text string) []*statusdb.Package {
	t.Helper()
	d := &statusdb.Dest{Name: "root", Root: "/", StatusFile: "/usr/lib/opkg/status", InfoDir: "/usr/lib/opkg/info"}
	pkgs, err := statusdb.Parse(d, []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return pkgs
}

func joinWords(w []string) string { return strings.Join(w, " ") }
