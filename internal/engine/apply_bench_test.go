package engine

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"pakt/internal/feedtest"
	"pakt/internal/fsroot"
)

// The Apply benchmarks measure one transaction in process: wall time per
// op, and through System.WrapFS with an fsroot.CountingFS the fsyncs (files
// and directories) and bytes the transaction writes into the root (not the
// .ipk files it reads). The packages are local .ipk files, so no download
// is measured; scripts/bench-txn measures the whole command over HTTP.
//
// By default they use a small set built here (10 packages, 38 files,
// 530 KB), fast enough for `go test -bench=. -benchtime=1x` in CI. With
// $PAKT_BENCH_IPKS naming a directory that holds v1/*.ipk and v2/*.ipk
// (scripts/bench-txn -k keeps one under www/), they use those instead; with
// -memprofile that shows where a big transaction's memory goes.

// benchSet is the .ipk files of two versions of one set of packages.
type benchSet struct {
	v1, v2 []string
	names  []string
}

func loadBenchSet(b *testing.B) benchSet {
	b.Helper()
	if dir := os.Getenv("PAKT_BENCH_IPKS"); dir != "" {
		var s benchSet
		var err error
		if s.v1, err = filepath.Glob(filepath.Join(dir, "v1", "*.ipk")); err != nil || len(s.v1) == 0 {
			b.Fatalf("PAKT_BENCH_IPKS=%s: no v1/*.ipk", dir)
		}
		if s.v2, err = filepath.Glob(filepath.Join(dir, "v2", "*.ipk")); err != nil || len(s.v2) != len(s.v1) {
			b.Fatalf("PAKT_BENCH_IPKS=%s: v2/*.ipk do not match v1/*.ipk", dir)
		}
		for _, p := range s.v1 {
			name, _, _ := strings.Cut(filepath.Base(p), "_")
			s.names = append(s.names, name)
		}
		return s
	}
	return buildBenchSet(b, 10)
}

// buildBenchSet builds n packages in two versions: pkg<i> depends on
// pkg<i-1>, ships 1 to 7 files of 4 to 28 KiB of incompressible bytes, and
// every third one a conffile; v2 has the same sizes and new bytes.
func buildBenchSet(b *testing.B, n int) benchSet {
	b.Helper()
	dir := b.TempDir()
	s := benchSet{}
	for v := 1; v <= 2; v++ {
		fsys := fstest.MapFS{}
		rng := rand.New(rand.NewPCG(uint64(v), 7))
		for i := range n {
			name := fmt.Sprintf("pkg%02d", i)
			control := fmt.Sprintf("Package: %s\nVersion: 1.0-%d\n", name, v)
			if i > 0 {
				control += fmt.Sprintf("Depends: pkg%02d\n", i-1)
			}
			fsys[name+"/control"] = &fstest.MapFile{Data: []byte(control), Mode: 0o644}
			files := 1 + i%7
			for f := range files {
				data := make([]byte, (4+4*((i+f)%7))<<10)
				for j := range data {
					data[j] = byte(rng.Uint32())
				}
				fsys[fmt.Sprintf("%s/data/usr/lib/%s/f%d.bin", name, name, f)] = &fstest.MapFile{Data: data, Mode: 0o644}
			}
			if i%3 == 0 {
				conf := "/etc/config/" + name
				fsys[name+"/conffiles"] = &fstest.MapFile{Data: []byte(conf + "\n"), Mode: 0o644}
				fsys[name+"/data"+conf] = &fstest.MapFile{Data: []byte(fmt.Sprintf("option v %d\n", v)), Mode: 0o644}
			}
		}
		feed, err := feedtest.BuildFS(fsys)
		if err != nil {
			b.Fatal(err)
		}
		for _, p := range feed.Packages {
			path := filepath.Join(dir, fmt.Sprint(v), p.Filename)
			if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
				b.Fatal(err)
			}
			if err := os.WriteFile(path, feed.Files[p.Filename], 0o644); err != nil {
				b.Fatal(err)
			}
			if v == 1 {
				s.v1 = append(s.v1, path)
				s.names = append(s.names, p.Name)
			} else {
				s.v2 = append(s.v2, path)
			}
		}
	}
	return s
}

// benchRoot is a fresh offline root under dir.
func benchRoot(b *testing.B, dir string) string {
	b.Helper()
	root, err := os.MkdirTemp(dir, "root")
	if err != nil {
		b.Fatal(err)
	}
	for name, data := range map[string]string{
		"etc/opkg/base.conf":  "dest root /\nlists_dir ext /var/opkg-lists\narch all 1\n",
		"usr/lib/opkg/status": "",
		"var/lock/.keep":      "",
	} {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return root
}

// applyCounted runs one command on root; counting, when not nil, sees the
// transaction's writes.
func applyCounted(b *testing.B, root string, counting *fsroot.CountingFS, cmd PlanCommand, args []string) {
	b.Helper()
	sys := System{Files: os.DirFS("/"), Dir: root, RootDir: "/"}
	if counting != nil {
		sys.WrapFS = func(f fsroot.FS) fsroot.FS {
			counting.FS = f
			return counting
		}
	}
	e := New(sys, Options{OfflineRoot: root})
	if _, err := e.Apply(context.Background(), ApplyRequest{PlanRequest: PlanRequest{Command: cmd, Args: args}}); err != nil {
		b.Fatalf("%v %v: %v", cmd, args, err)
	}
}

// benchApply times phase on a fresh root per op after setup (untimed).
func benchApply(b *testing.B, setup func(root string), cmd PlanCommand, args func() []string) {
	set := args()
	tmp := b.TempDir()
	var syncs, bytes int64
	ops := 0
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		root := benchRoot(b, tmp)
		setup(root)
		counting := &fsroot.CountingFS{}
		b.StartTimer()
		applyCounted(b, root, counting, cmd, set)
		b.StopTimer()
		syncs += int64(counting.Syncs)
		bytes += counting.Bytes
		ops++
		if err := os.RemoveAll(root); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(syncs)/float64(ops), "fsyncs/op")
	b.ReportMetric(float64(bytes)/float64(ops), "written-B/op")
}

func BenchmarkApplyInstall(b *testing.B) {
	s := loadBenchSet(b)
	benchApply(b, func(string) {}, PlanInstall, func() []string { return s.v1 })
}

func BenchmarkApplyUpgrade(b *testing.B) {
	s := loadBenchSet(b)
	benchApply(b, func(root string) {
		applyCounted(b, root, nil, PlanInstall, s.v1)
	}, PlanUpgrade, func() []string { return s.v2 })
}

func BenchmarkApplyRemove(b *testing.B) {
	s := loadBenchSet(b)
	benchApply(b, func(root string) {
		applyCounted(b, root, nil, PlanInstall, s.v1)
	}, PlanRemove, func() []string { return s.names })
}
