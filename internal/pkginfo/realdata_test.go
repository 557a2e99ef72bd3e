package pkginfo

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pakt/internal/control"
	"pakt/internal/realdata"
)

// decodeFile decodes every stanza of a data file; stanzas without a Package
// are returned as a count, not as an error.
func decodeFile(t testing.TB, path string) (pkgs []*Package, noPackage int) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	stanzas, err := control.Parse(path, data)
	if err != nil {
		t.Fatal(err)
	}
	for i := range stanzas {
		p, err := Decode(&stanzas[i])
		if errors.Is(err, ErrNoPackage) {
			noPackage++
			continue
		}
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		pkgs = append(pkgs, p)
	}
	return pkgs, noPackage
}

func TestDecodeRealData(t *testing.T) {
	t.Parallel()
	files := append(realdata.Glob(t, "feeds/*/Packages"), realdata.Glob(t, "status/*/status")...)
	files = append(files, realdata.Glob(t, "status/*/info/*.control")...)
	files = append(files, realdata.Glob(t, "status/*/info-controls-concatenated.txt")...)
	total, noPkg := 0, map[string]int{}
	for _, f := range files {
		pkgs, n := decodeFile(t, f)
		total += len(pkgs)
		if n > 0 {
			noPkg[filepath.Base(filepath.Dir(f))] += n
		}
	}
	// data README §1: exactly one package-less stanza exists.
	if len(noPkg) != 1 || noPkg["openwrt-23.05-snapshot-arm_cortex-a9_vfpv3-d16-packages"] != 1 {
		t.Errorf("package-less stanzas: %v; want exactly one, in the 23.05 snapshot packages feed", noPkg)
	}
	if total < 44891+4637 {
		t.Errorf("decoded %d packages; the data README counts 44,891 feed and 4,637 status stanzas", total)
	}
}

// TestStatusRoundTrip pins data README §6 "Byte-exact render round trip:
// all 11 status files": decode every stanza and render it with StatusStanza.
func TestStatusRoundTrip(t *testing.T) {
	t.Parallel()
	files := realdata.Glob(t, "status/*/status")
	if len(files) != 11 {
		t.Fatalf("found %d status files, want 11", len(files))
	}
	for _, f := range files {
		want, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		pkgs, n := decodeFile(t, f)
		if n != 0 {
			t.Errorf("%s: %d stanzas without Package", f, n)
		}
		var buf bytes.Buffer
		w := control.NewWriter(&buf)
		for _, p := range pkgs {
			if err := w.Write(p.StatusStanza()); err != nil {
				t.Fatalf("%s: %s: %v", f, p.Name, err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		if got := buf.Bytes(); !bytes.Equal(got, want) {
			t.Errorf("%s: rendered status differs from the file: %s", filepath.Base(filepath.Dir(f)), firstDiff(got, want))
		}
	}
}

func firstDiff(got, want []byte) string {
	gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
	for i := range min(len(gl), len(wl)) {
		if gl[i] != wl[i] {
			return "line " + itoa(i+1) + ": got " + quote(gl[i]) + ", want " + quote(wl[i])
		}
	}
	return "lengths " + itoa(len(got)) + " vs " + itoa(len(want))
}

func BenchmarkDecodeLargestFeed(b *testing.B) {
	data := realdata.Read(b, "feeds/yocto-kirkstone-rpi3-64-cortexa53/Packages")
	stanzas, err := control.Parse("Packages", data)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		for i := range stanzas {
			if _, err := Decode(&stanzas[i]); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkReadAndDecodeLargestFeed includes the control reader: the cost of
// loading a feed index into packages.
func BenchmarkReadAndDecodeLargestFeed(b *testing.B) {
	data := realdata.Read(b, "feeds/yocto-kirkstone-rpi3-64-cortexa53/Packages")
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := control.NewReader("Packages", bytes.NewReader(data))
		for {
			s, err := r.Next()
			if err != nil {
				break
			}
			if _, err := Decode(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}
