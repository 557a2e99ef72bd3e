package engine

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"pakt/internal/control"
	"pakt/internal/realdata"
)

// benchPackages is how many packages the build and index benchmarks make:
// about a feed's worth (OpenWrt's packages feed for one target holds a few
// thousand).
const benchPackages = 1000

// writeBenchSources writes benchPackages source directories under root,
// their control files taken from a real feed (index fields dropped, a
// Maintainer added where the feed has none) and their trees made of four
// files of feed text adding up to the package's Installed-Size, capped at
// 64 KiB. It returns the directories and the bytes of file content.
func writeBenchSources(b *testing.B, root string) ([]string, int64) {
	b.Helper()
	data := realdata.Dir(b)
	text, err := os.ReadFile(filepath.Join(data, "feeds/lede-lean-2019-x86_64-packages/Packages"))
	if err != nil {
		b.Fatal(err)
	}
	stanzas, err := control.Parse("Packages", text)
	if err != nil {
		b.Fatal(err)
	}
	var dirs []string
	var total int64
	for _, s := range stanzas {
		if len(dirs) == benchPackages {
			break
		}
		name := s.Get("Package")
		if name == "" || strings.TrimLeft(name, "abcdefghijklmnopqrstuvwxyz0123456789.+-") != "" || s.Get("Description") == "" {
			continue
		}
		for _, f := range indexFields {
			s.Delete(f)
		}
		if !s.Has("Maintainer") {
			s.Set("Maintainer", "bench")
		}
		ctl, err := s.AppendText(nil)
		if err != nil {
			b.Fatal(err)
		}
		dir := filepath.Join(root, fmt.Sprintf("%04d-%s", len(dirs), name))
		size, _ := strconv.ParseInt(s.Get("Installed-Size"), 10, 64)
		size = min(max(size, 4096), 64<<10)
		files := map[string]string{"CONTROL/control": string(ctl)}
		for i := range 4 {
			at := (len(dirs)*7919 + i*104729) % (len(text) - int(size))
			files[fmt.Sprintf("usr/lib/%s/file%d", name, i)] = string(text[at : at+int(size)/4])
			total += size / 4
		}
		writeTree(b, dir, files)
		dirs = append(dirs, dir)
	}
	if len(dirs) < benchPackages {
		b.Fatalf("only %d usable stanzas", len(dirs))
	}
	return dirs, total
}

// BenchmarkBuild1000 builds 1000 packages from their source directories:
// bytes are the file content packaged.
func BenchmarkBuild1000(b *testing.B) {
	root := b.TempDir()
	dirs, total := writeBenchSources(b, filepath.Join(root, "src"))
	out := filepath.Join(root, "out")
	os.Mkdir(out, 0o755)
	e := buildEngine(b, root, map[string]string{"SOURCE_DATE_EPOCH": "1700000000"})
	ctx := context.Background()
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		for _, d := range dirs {
			if _, err := e.Build(ctx, BuildRequest{Dir: d, OutDir: out}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkIndex1000 indexes and signs a directory of 1000 packages: bytes
// are the .ipk files read and checked.
func BenchmarkIndex1000(b *testing.B) {
	root := b.TempDir()
	dirs, _ := writeBenchSources(b, filepath.Join(root, "src"))
	out := filepath.Join(root, "out")
	os.Mkdir(out, 0o755)
	e := buildEngine(b, root, map[string]string{"SOURCE_DATE_EPOCH": "1700000000"})
	ctx := context.Background()
	var total int64
	for _, d := range dirs {
		res, err := e.Build(ctx, BuildRequest{Dir: d, OutDir: out})
		if err != nil {
			b.Fatal(err)
		}
		fi, _ := os.Stat(res.File)
		total += fi.Size()
	}
	if _, err := e.KeyGenerate(ctx, KeyGenerateRequest{SecretKey: "key.sec", PublicKey: "key.pub"}); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(total)
	b.ReportAllocs()
	for b.Loop() {
		res, err := e.Index(ctx, IndexRequest{Dir: out, SecretKey: "key.sec"})
		if err != nil {
			b.Fatal(err)
		}
		if res.Packages != benchPackages {
			b.Fatalf("%d packages", res.Packages)
		}
	}
}
