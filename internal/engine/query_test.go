package engine

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"pakt/internal/output"
	"pakt/internal/realdata"
	"pakt/internal/statusdb"
)

// bigRoot is an offline root holding the largest OpenWrt release feed
// group of the real data (openwrt-23.05-snapshot arm_cortex-a9_vfpv3-d16,
// six lists, 4,500 packages, 2 MB of text) as gzip lists, and a real
// status set.
func bigRoot(tb testing.TB) string {
	tb.Helper()
	data := realdata.Dir(tb)
	root := tb.TempDir()
	feeds, _ := filepath.Glob(filepath.Join(data, "feeds", "openwrt-23.05-snapshot-arm_cortex-a9_vfpv3-d16-*"))
	conf := "lists_dir ext /var/l\narch all 1\narch noarch 1\narch arm_cortex-a9_vfpv3-d16 10\narch x86_64 5\n"
	for _, f := range feeds {
		name := filepath.Base(f)
		conf += "src/gz " + name + " http://127.0.0.1:9/" + name + "\n"
		put(tb, root, "var/l/"+name, realdata.Read(tb, filepath.Join("feeds", name, "Packages.gz")))
	}
	put(tb, root, "etc/opkg/test.conf", []byte(conf))
	put(tb, root, "usr/lib/opkg/status", realdata.Read(tb, "status/openwrt-22.03.4-x86_64-sturdynet/status"))
	return root
}

func put(tb testing.TB, root, name string, data []byte) {
	tb.Helper()
	p := filepath.Join(root, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		tb.Fatal(err)
	}
	if err := os.WriteFile(p, data, 0o644); err != nil {
		tb.Fatal(err)
	}
}

func rootEngine(root string) *Engine {
	return New(System{Files: os.DirFS("/"), Dir: "/"}, Options{OfflineRoot: root})
}

func BenchmarkLoad(b *testing.B) {
	root := bigRoot(b)
	e := rootEngine(root)
	b.ReportAllocs()
	for b.Loop() {
		w, err := e.load(true)
		if err != nil {
			b.Fatal(err)
		}
		if w.available.Len() < 4000 {
			b.Fatalf("%d packages", w.available.Len())
		}
	}
}

func BenchmarkList(b *testing.B) {
	root := bigRoot(b)
	e := rootEngine(root)
	b.ReportAllocs()
	for b.Loop() {
		res, err := e.List(context.Background(), nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := output.List(io.Discard, res.Lines, output.ListOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkInfoOne(b *testing.B) {
	root := bigRoot(b)
	e := rootEngine(root)
	b.ReportAllocs()
	for b.Loop() {
		res, err := e.Info(context.Background(), []string{"luci-app-firewall"})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Stanzas) == 0 {
			b.Fatalf("%d stanzas", len(res.Stanzas))
		}
	}
}

// TestListOnBigRoot checks the list the benchmarks time: every accepted
// feed package plus the installed ones not in a feed, sorted.
func TestListOnBigRoot(t *testing.T) {
	t.Parallel()
	e := rootEngine(bigRoot(t))
	res, err := e.List(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Lines) < 4500 {
		t.Fatalf("%d lines", len(res.Lines))
	}
	for i := 1; i < len(res.Lines); i++ {
		if res.Lines[i-1].Name > res.Lines[i].Name {
			t.Fatalf("not sorted at %d: %s > %s", i, res.Lines[i-1].Name, res.Lines[i].Name)
		}
	}
}

func TestCorruptListAndStatus(t *testing.T) {
	t.Parallel()
	conf := "lists_dir ext /var/l\narch all 1\nsrc core http://x/core\n"
	good := "Package: a\nVersion: 1\nArchitecture: all\n\n"
	for _, tc := range []struct {
		name        string
		list        string
		status      string
		want        string
		statusError bool
	}{
		{name: "list bad line", list: good + "Package: b\nVersion 2\n\n", want: "corrupt package list /r//var/l/core:6: "},
		{name: "list truncated gzip", list: "\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03", want: "/r//var/l/core"},
		{name: "status cut short", list: good, status: "Package: a\nVersion: 1\nStatus: install ok installed\nArchitecture: all\n\nPackage: b\nVers", want: "/r//usr/lib/opkg/status:7", statusError: true},
		{name: "status without Package lines", list: good, status: "Version: 1\nStatus: install ok installed\n\n", want: "/r//usr/lib/opkg/status:1", statusError: true},
	} {
		fsys := fstest.MapFS{
			"r/etc/opkg/a.conf": {Data: []byte(conf)},
			"r/var/l/core":      {Data: []byte(tc.list)},
		}
		if tc.status != "" {
			fsys["r/usr/lib/opkg/status"] = &fstest.MapFile{Data: []byte(tc.status)}
		}
		e := New(System{Files: fsys, Dir: "/"}, Options{OfflineRoot: "/r"})
		_, err := e.List(context.Background(), nil)
		if err == nil {
			t.Errorf("%s: no error", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %q does not say %q", tc.name, err, tc.want)
		}
		var se *StatusError
		var le *ListError
		if tc.statusError && !errors.As(err, &se) || !tc.statusError && !errors.As(err, &le) {
			t.Errorf("%s: %T", tc.name, err)
		}
		var dbErr *statusdb.Error
		if tc.statusError && !errors.As(err, &dbErr) {
			t.Errorf("%s: cause lost: %v", tc.name, err)
		}
	}
}

func TestFnmatch(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		pattern, name string
		fold, want    bool
	}{
		{"*", "", false, true},
		{"lib*", "libc", false, true},
		{"lib*", "Libc", false, false},
		{"lib*", "Libc", true, true},
		{"*/bin/*", "/usr/bin/x", false, true}, // '*' crosses '/', unlike path.Match
		{"?ib", "lib", false, true},
		{"l[a-j]b", "lib", false, true},
		{"l[!a-j]b", "lib", false, false},
		{"l[^x]b", "lib", false, true},
		{"l[]]b", "l]b", false, true},
		{"[", "[", false, true}, // malformed set: a literal '['
		{"a\\*", "a*", false, true},
		{"a\\*", "ab", false, false},
		{"*a*a*a*a*b", strings.Repeat("a", 200), false, false},
		{"luci-app-*", "luci-app-firewall", false, true},
		{"L[A-Z]B", "lib", true, true},
	} {
		if got := fnmatch(tc.pattern, tc.name, tc.fold); got != tc.want {
			t.Errorf("fnmatch(%q, %q, %v) = %v", tc.pattern, tc.name, tc.fold, got)
		}
	}
}

func TestLedeHelpers(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"1.0-1": "1.0-1", "0:1.0": "1.0", "2:1.0": "2:1.0", "00:3": "3"} {
		if got := versionText(in); got != want {
			t.Errorf("versionText(%q) = %q", in, got)
		}
	}
	for in, want := range map[string]string{" a\n b\n ": "a\n b", "\n x": "x", " ": ""} {
		if got := ledeDescription(in); got != want {
			t.Errorf("ledeDescription(%q) = %q", in, got)
		}
	}
	if strcmp("abc", "abd") != -1 || strcmp("b", "a") != 1 || strcmp("a", "a") != 0 {
		t.Error("strcmp")
	}
	// djb2 % 1024 of lede's hash_table.c, checked by hand: "a" = 5381*33+97.
	if got, want := djb2Bucket("a"), (5381*33+97)%1024; got != want {
		t.Errorf("djb2Bucket(a) = %d, want %d", got, want)
	}
	var buf bytes.Buffer
	output.List(&buf, []output.ListLine{{Name: "a", Version: "1", Description: "x\n y"}}, output.ListOptions{})
	if buf.String() != "a - 1 - x y\n" {
		t.Errorf("list line %q", buf.String())
	}
}
