package ipk

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// benchTree is a package the size of a big OpenWrt one (luci, python3):
// about 6 MB in 2,000 files over 100 directories, half text, half
// binary-like (partly compressible), plus symlinks.
func benchTree() (fstest.MapFS, int64) {
	rng := rand.New(rand.NewPCG(1, 2))
	words := []string{"config", "option", "list", "interface", "network", "firewall", "zone", "local", "return", "function", "end", "if", "then", "require", "luci"}
	tree := fstest.MapFS{}
	var total int64
	for d := range 100 {
		dir := fmt.Sprintf("usr/lib/pkg/mod%03d", d)
		tree[dir] = &fstest.MapFile{Mode: fs.ModeDir | 0o755}
		for f := range 20 {
			size := 200 + rng.IntN(5800)
			buf := make([]byte, 0, size+16)
			for len(buf) < size {
				switch {
				case f%2 == 0:
					buf = append(buf, words[rng.IntN(len(words))]...)
					buf = append(buf, " \n\t"[rng.IntN(3)])
				case rng.IntN(3) == 0:
					buf = append(buf, make([]byte, 16)...)
				default:
					v := rng.Uint32()
					buf = append(buf, byte(v), byte(v>>8), byte(v>>16), byte(v>>24))
				}
			}
			tree[fmt.Sprintf("%s/file%02d", dir, f)] = &fstest.MapFile{Data: buf[:size], Mode: 0o644}
			total += int64(size)
		}
		tree[dir+"/link"] = &fstest.MapFile{Data: []byte("file00"), Mode: fs.ModeSymlink | 0o777}
	}
	return tree, total
}

func benchPackage(b *testing.B, outer OuterFormat) ([]byte, int64) {
	tree, total := benchTree()
	var buf bytes.Buffer
	if err := Write(&buf, Package{Control: sampleControl(), Data: tree}, WriteOptions{Outer: outer}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes(), total
}

// BenchmarkWalkDiscard: read, decompress and check every entry, discard the
// content. Bytes are uncompressed file content.
func BenchmarkWalkDiscard(b *testing.B) {
	pkg, total := benchPackage(b, OuterTarGzip)
	b.ReportAllocs()
	b.SetBytes(total)
	for b.Loop() {
		_, err := Walk(bytes.NewReader(pkg), "bench.ipk", Options{}, Handler{Entry: func(e *Entry, r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		}})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(pkg)), "pkg-bytes")
}

// BenchmarkExtractToDir: the same, writing the tree into a fresh temporary
// directory each time (what txn will do through fsroot).
func BenchmarkExtractToDir(b *testing.B) {
	pkg, total := benchPackage(b, OuterTarGzip)
	b.ReportAllocs()
	b.SetBytes(total)
	base := b.TempDir()
	buf := make([]byte, 32<<10)
	i := 0
	for b.Loop() {
		i++
		root := filepath.Join(base, fmt.Sprint(i))
		if err := os.Mkdir(root, 0o755); err != nil {
			b.Fatal(err)
		}
		_, err := Walk(bytes.NewReader(pkg), "bench.ipk", Options{}, Handler{Entry: func(e *Entry, r io.Reader) error {
			p := filepath.Join(root, e.Name)
			switch e.Type {
			case TypeDir:
				return os.MkdirAll(p, e.Mode.Perm())
			case TypeSymlink:
				os.MkdirAll(filepath.Dir(p), 0o755)
				return os.Symlink(e.Linkname, p)
			case TypeFile:
				os.MkdirAll(filepath.Dir(p), 0o755)
				f, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, e.Mode.Perm())
				if err != nil {
					return err
				}
				// Hide *os.File's ReadFrom, which allocates 32 KiB a file.
				if _, err := io.CopyBuffer(struct{ io.Writer }{f}, r, buf); err != nil {
					f.Close()
					return err
				}
				return f.Close()
			}
			return nil
		}})
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		os.RemoveAll(root)
		b.StartTimer()
	}
}

// BenchmarkReadControl: find the control member behind the data member (the
// ipkg-build order) without decompressing the data.
func BenchmarkReadControl(b *testing.B) {
	pkg, _ := benchPackage(b, OuterTarGzip)
	b.ReportAllocs()
	b.SetBytes(int64(len(pkg)))
	for b.Loop() {
		if _, err := ReadControl(bytes.NewReader(pkg), "bench.ipk", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWrite: build the package (the data archive is compressed twice).
func BenchmarkWrite(b *testing.B) {
	tree, total := benchTree()
	b.ReportAllocs()
	b.SetBytes(total)
	for b.Loop() {
		if err := Write(io.Discard, Package{Control: sampleControl(), Data: tree}, WriteOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
