package txn

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"testing"

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

// BenchmarkInstall installs the files through a transaction; "floor"
// writes the same bytes with one fsync per file and nothing else. The
// ratio of their times is the price of crash safety.
func BenchmarkInstall(b *testing.B) {
	content := bytes.Repeat([]byte("0123456789abcdef"), benchSize/16)
	var total int64
	for _, o := range benchOps(content) {
		total += o.size
	}
	b.Run("txn", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(total)
		var syncs int
		var written int64
		for b.Loop() {
			b.StopTimer()
			dir := b.TempDir()
			root, err := fsroot.Open(dir)
			if err != nil {
				b.Fatal(err)
			}
			counting := &fsroot.CountingFS{FS: root}
			ops := benchOps(content)
			b.StartTimer()
			tx, err := New(counting, ops, Options{})
			if err != nil {
				b.Fatal(err)
			}
			if err := tx.Run(); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			syncs, written = counting.Syncs, counting.Bytes
			root.Close()
			os.RemoveAll(dir)
			b.StartTimer()
		}
		b.ReportMetric(float64(syncs), "fsyncs/op")
		b.ReportMetric(float64(written), "written-B/op")
	})
	b.Run("floor", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(total)
		for b.Loop() {
			b.StopTimer()
			dir := b.TempDir()
			ops := benchOps(content)
			b.StartTimer()
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
			b.StopTimer()
			os.RemoveAll(dir)
			b.StartTimer()
		}
		b.ReportMetric(float64(len(benchOps(content))), "fsyncs/op")
		b.ReportMetric(float64(total), "written-B/op")
	})
}
