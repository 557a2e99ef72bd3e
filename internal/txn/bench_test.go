package txn

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"pakt/internal/fsroot"
)

// Fifty files-heavy packages: 2,000 files of 10 KiB, 20 MB.
const (
	benchPackages = 50
	benchFiles    = 40 // per package
	benchSize     = 10 << 10
)

func benchOps(content []byte) []Op {
	var ops []Op
	for p := range benchPackages {
		pkg := fmt.Sprintf("pkg%02d", p)
		for f := range benchFiles {
			name := fmt.Sprintf("usr/share/%s/sub%d/file%02d", pkg, f%4, f)
			ops = append(ops, File(name, 0o644, -1, -1, int64(len(content)), bytes.NewReader(content)).For(pkg))
		}
		ops = append(ops, Database("usr/lib/opkg/info/"+pkg+".list", bytes.Repeat([]byte("/usr/share/x\n"), benchFiles)))
	}
	return append(ops, Database("usr/lib/opkg/status", bytes.Repeat([]byte("Package: x\n"), 1000)))
}

// BenchmarkInstall installs the files through a transaction into a fresh
// root. Each iteration also writes the same bytes with one fsync per file
// and nothing else (the floor, timed apart) into another fresh directory,
// so the two see the same machine load; x-floor is their ratio, the price
// of crash safety.
func BenchmarkInstall(b *testing.B) {
	content := bytes.Repeat([]byte("0123456789abcdef"), benchSize/16)
	var total int64
	for _, o := range benchOps(content) {
		total += o.size
	}
	b.ReportAllocs()
	b.SetBytes(total)
	var syncs int
	var written int64
	var txnTime, floorTime time.Duration
	for b.Loop() {
		b.StopTimer()
		floorTime += floor(b, content)
		dir := b.TempDir()
		root, err := fsroot.Open(dir)
		if err != nil {
			b.Fatal(err)
		}
		counting := &fsroot.CountingFS{FS: root.Resolved()}
		ops := benchOps(content)
		start := time.Now()
		b.StartTimer()
		tx, err := New(counting, ops, Options{})
		if err != nil {
			b.Fatal(err)
		}
		if err := tx.Run(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		txnTime += time.Since(start)
		syncs, written = counting.Syncs, counting.Bytes
		root.Close()
		os.RemoveAll(dir)
		b.StartTimer()
	}
	b.ReportMetric(float64(syncs), "fsyncs/op")
	b.ReportMetric(float64(written), "written-B/op")
	b.ReportMetric(float64(len(benchOps(content))), "floor-fsyncs/op")
	b.ReportMetric(float64(floorTime.Nanoseconds())/float64(b.N), "floor-ns/op")
	b.ReportMetric(float64(txnTime)/float64(floorTime), "x-floor")
	// The whole test process's peak, an upper bound for the transaction.
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) == nil {
		b.ReportMetric(float64(ru.Maxrss), "peak-RSS-KiB")
	}
}

// floor writes the files of benchOps with one fsync each.
func floor(b *testing.B, content []byte) time.Duration {
	dir := b.TempDir()
	ops := benchOps(content)
	start := time.Now()
	for _, o := range ops {
		p := filepath.Join(dir, o.name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		f, err := os.Create(p)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := f.ReadFrom(o.data); err != nil {
			b.Fatal(err)
		}
		if err := f.Sync(); err != nil {
			b.Fatal(err)
		}
		f.Close()
	}
	elapsed := time.Since(start)
	os.RemoveAll(dir)
	return elapsed
}
