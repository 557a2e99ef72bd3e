package control

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pakt/internal/realdata"
)

// normalisingFiles are the real files that do not come back byte for byte,
// each because it begins with a blank line (see doc.go).
var normalisingFiles = map[string]bool{
	"feeds/openwrt-15.05-glinet-ramips_24kec-node/Packages":                  true,
	"feeds/openwrt-21.02.7-x86_64-routing/Packages":                          true,
	"feeds/openwrt-23.05-snapshot-arm_cortex-a9_vfpv3-d16-packages/Packages": true,
}

func realIndexes(t testing.TB) []string {
	files := realdata.Glob(t, "feeds/*/Packages")
	files = append(files, realdata.Glob(t, "status/*/status")...)
	if len(files) < 77 {
		t.Fatalf("found %d Packages and status files, want 66 + 11", len(files))
	}
	return files
}

func rel(t testing.TB, path string) string {
	r, err := filepath.Rel(realdata.Dir(t), path)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.ToSlash(r)
}

// writeAll reads every stanza with a streaming Reader and writes it back.
func writeAll(t testing.TB, name string, data []byte) ([]byte, int) {
	var out bytes.Buffer
	r := NewReader(name, bytes.NewReader(data))
	w := NewWriter(&out)
	n := 0
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(s); err != nil {
			t.Fatal(err)
		}
		n++
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes(), n
}

func TestRealRoundTrip(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, path := range realIndexes(t) {
		name := rel(t, path)
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		out, _ := writeAll(t, name, data)
		same := bytes.Equal(out, data)
		if normalisingFiles[name] {
			seen[name] = true
			if same {
				t.Errorf("%s: expected to normalise (it begins with a blank line) but came back unchanged", name)
			}
			// The normalisation is exactly the leading blank line.
			if want := bytes.TrimLeft(data, "\n"); !bytes.Equal(out, want) {
				t.Errorf("%s: output differs from the input without its leading blank line", name)
			}
			continue
		}
		if !same {
			t.Errorf("%s: round trip changed the bytes (%d in, %d out) at offset %d", name, len(data), len(out), firstDiff(data, out))
		}
	}
	for name := range normalisingFiles {
		if !seen[name] {
			t.Errorf("%s: listed as normalising but not found", name)
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

func TestRealControlFilesRoundTrip(t *testing.T) {
	t.Parallel()
	files := realdata.Glob(t, "status/*/info/*.control")
	if len(files) == 0 {
		t.Skip("no info/*.control files in the data set")
	}
	for _, path := range files {
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		stanzas, err := Parse(rel(t, path), data)
		if err != nil {
			t.Fatal(err)
		}
		if len(stanzas) != 1 {
			t.Fatalf("%s: %d stanzas, want 1", path, len(stanzas))
		}
		out, err := stanzas[0].AppendText(nil)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, data) {
			t.Errorf("%s: control file changed at offset %d", path, firstDiff(data, out))
		}
	}
}

// TestRealStanzaCounts checks the stanza counts that data/README.md states,
// which follow opkg-lede's rule that a " " line continues the Description.
func TestRealStanzaCounts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		file     string
		stanzas  int
		packages int
	}{
		{"feeds/entware-mipselsf-k3.4-2020-12/Packages", 2592, 2592},
		{"feeds/openwrt-23.05.2-x86_64-packages/Packages", 258, 258},
		{"feeds/openwrt-23.05-snapshot-arm_cortex-a9_vfpv3-d16-packages/Packages", 1108, 1107},
		{"feeds/yocto-kirkstone-rpi3-64-cortexa53/Packages", 5046, 5046},
		{"feeds/openwrt-15.05-glinet-ramips_24kec-node/Packages", 0, 0},
		{"status/yocto-arago-2017.06-phytec-am57xx/status", 1532, 1532},
	} {
		stanzas, err := Parse(tc.file, realdata.Read(t, tc.file))
		if err != nil {
			t.Fatal(err)
		}
		pkgs := 0
		for _, s := range stanzas {
			if s.Has("Package") {
				pkgs++
			}
		}
		if len(stanzas) != tc.stanzas || pkgs != tc.packages {
			t.Errorf("%s: %d stanzas, %d with Package; want %d, %d", tc.file, len(stanzas), pkgs, tc.stanzas, tc.packages)
		}
	}
}

// TestRealLongLine: the 66,344-byte Recommends line (longer than
// bufio.Scanner's default 64 KiB) reads whole, through the streaming Reader.
func TestRealLongLine(t *testing.T) {
	t.Parallel()
	const file = "feeds/yocto-kirkstone-rpi3-64-raspberrypi3_64/Packages"
	data := realdata.Read(t, file)
	r := NewReader(file, bytes.NewReader(data))
	longest := Field{}
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range s.Fields {
			if len(f.Value) > len(longest.Value) {
				longest = f
			}
		}
	}
	lines := strings.Split(string(data), "\n")
	want := lines[longest.Line-1]
	if got := longest.Name + ": " + longest.Value; got != want {
		t.Errorf("longest field at line %d does not match the file's line", longest.Line)
	}
	if len(want) <= 64<<10 {
		t.Errorf("longest line is %d bytes, expected one over 64 KiB", len(want))
	}
}
