package opkgconf

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"pakt/internal/realdata"
)

// seeds are real configuration files (copied from ../shared/data into
// testdata so a bare checkout fuzzes too) and the odd lines the tests pin.
func seeds(tb testing.TB) [][]byte {
	tb.Helper()
	paths, err := filepath.Glob("testdata/*.conf")
	if err != nil || len(paths) == 0 {
		tb.Fatalf("no seeds in testdata: %v", err)
	}
	var out [][]byte
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out = append(out, data)
	}
	for _, s := range []string{
		"src/gz a b c d e\n", `"a"b "c d" "e"f g` + "\n", "option verbosity 0x10\narch x\n",
		"src [trusted=yes] n u\nsrc/gz m v [trusted=no x=y]\n", "dist/gz a b c d e f\n",
		"option test\noption noaction\n", "lists_dir\n\x00src a b\n", "\r\n\"\n",
	} {
		out = append(out, []byte(s))
	}
	return out
}

func FuzzParse(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg := &Config{}
		warns := Parse("f.conf", data, cfg)
		lines := bytes.Count(data, []byte("\n")) + 1
		for _, w := range warns {
			if w.File != "f.conf" || w.Line < 1 || w.Line > lines || w.Msg == "" {
				t.Fatalf("bad warning %+v", w)
			}
		}
		names := map[string]bool{}
		for _, fd := range cfg.Feeds {
			if names[fd.Name] || fd.Name == "" || fd.URL == "" {
				t.Fatalf("feed %+v duplicated or empty", fd)
			}
			names[fd.Name] = true
		}
		again := &Config{}
		if w2 := Parse("f.conf", data, again); !reflect.DeepEqual(w2, warns) ||
			!reflect.DeepEqual(again.Feeds, cfg.Feeds) || !reflect.DeepEqual(again.Arches, cfg.Arches) {
			t.Fatal("Parse is not deterministic")
		}
		// Plain values written back as lines read back the same.
		var text strings.Builder
		var plain []Feed
		for _, fd := range cfg.Feeds {
			if isPlainWord(fd.Name) && isPlainWord(fd.URL) && len(fd.Options) == 0 {
				kind := "src"
				if fd.Gzip {
					kind = "src/gz"
				}
				text.WriteString(kind + " " + fd.Name + " " + fd.URL + "\n")
				plain = append(plain, fd)
			}
		}
		back := &Config{}
		if w := Parse("g.conf", []byte(text.String()), back); len(w) != 0 || len(back.Feeds) != len(plain) {
			t.Fatalf("round trip of %q: %v, %d feeds", text.String(), w, len(back.Feeds))
		}
		for i, fd := range back.Feeds {
			if fd.Name != plain[i].Name || fd.URL != plain[i].URL || fd.Gzip != plain[i].Gzip {
				t.Fatalf("round trip %+v != %+v", fd, plain[i])
			}
		}
	})
}

func isPlainWord(s string) bool {
	if s == "" || s[0] == '"' || s[0] == '[' || s[0] == '#' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if isSpace(s[i]) || s[i] == 0 {
			return false
		}
	}
	return true
}

func FuzzLoad(f *testing.F) {
	for _, s := range seeds(f) {
		f.Add(s, []byte("src/gz x http://x\noption offline_root /r\n"), "")
	}
	f.Fuzz(func(t *testing.T, main, extra []byte, root string) {
		fsys := fstest.MapFS{
			"etc/opkg.conf":       {Data: main},
			"etc/opkg/extra.conf": {Data: extra},
			"r/etc/opkg/r.conf":   {Data: extra},
		}
		cfg, _, err := Load(fsys, Selection{OfflineRoot: root, PkgArch: "a"})
		if err != nil {
			return
		}
		if len(cfg.Dests) == 0 || len(cfg.Architectures()) == 0 || cfg.ListsDir() == "" || cfg.LockPath() == "" {
			t.Fatalf("incomplete config %+v", cfg)
		}
		if _, err := cfg.DefaultDest(""); err != nil {
			t.Fatal(err)
		}
	})
}

func realConfigs(b *testing.B) (all []byte, fsys fstest.MapFS) {
	b.Helper()
	dir := realdata.Dir(b)
	paths, _ := filepath.Glob(filepath.Join(dir, "status/*/rootfs/etc/opkg.conf"))
	more, _ := filepath.Glob(filepath.Join(dir, "status/*/rootfs/etc/opkg/*.conf"))
	fsys = fstest.MapFS{}
	for _, p := range append(paths, more...) {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		all = append(all, data...)
	}
	root := filepath.Join(dir, "status/openwrt-23.05-snapshot-x86_64-trillaman/rootfs")
	for _, name := range []string{"etc/opkg.conf", "etc/opkg/distfeeds.conf", "etc/opkg/customfeeds.conf"} {
		data, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			b.Fatal(err)
		}
		fsys[name] = &fstest.MapFile{Data: data}
	}
	return all, fsys
}

// BenchmarkParse parses every real device configuration, concatenated.
func BenchmarkParse(b *testing.B) {
	all, _ := realConfigs(b)
	b.SetBytes(int64(len(all)))
	b.ReportAllocs()
	for b.Loop() {
		Parse("all.conf", all, &Config{})
	}
}

// BenchmarkLoad is what an OpenWrt 23.05 device does at every opkg start.
func BenchmarkLoad(b *testing.B) {
	_, fsys := realConfigs(b)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := Load(fsys, Selection{PkgArch: "x86_64"}); err != nil {
			b.Fatal(err)
		}
	}
}
