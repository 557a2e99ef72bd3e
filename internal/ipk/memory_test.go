package ipk

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"runtime"
	"testing"
)

// A package is streamed, never held: reading one whose data is 64 MiB
// allocates a small, fixed amount whatever the size. Not parallel: the
// allocation counter is process-wide, and parallel tests only start once the
// sequential ones are done.
func TestWalkMemoryIsBounded(t *testing.T) {
	const size = 64 << 20
	var data bytes.Buffer
	zw := gzip.NewWriter(&data)
	tw := tar.NewWriter(zw)
	tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "./big", Mode: 0o644, Size: size, Format: tar.FormatGNU})
	io.CopyN(tw, zeros{}, size)
	tw.Close()
	zw.Close()
	pkg := ipkTarGz(t, member{"debian-binary", []byte("2.0\n")}, member{"data.tar.gz", data.Bytes()}, member{"control.tar.gz", controlTarGz(t)})

	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	var read int64
	_, err := Walk(bytes.NewReader(pkg), "big.ipk", Options{}, Handler{Entry: func(e *Entry, r io.Reader) error {
		n, err := io.Copy(io.Discard, r)
		read += n
		return err
	}})
	runtime.ReadMemStats(&after)
	if err != nil || read != size {
		t.Fatalf("read %d bytes: %v", read, err)
	}
	// Buffers (64 KiB input, 32 KiB member, inflate windows) and tar
	// headers: well under 2 MiB, against 64 MiB of content.
	alloc := after.TotalAlloc - before.TotalAlloc
	t.Logf("allocated %d bytes to stream %d", alloc, size)
	if alloc > 2<<20 {
		t.Errorf("allocated %d bytes to stream %d", alloc, size)
	}
}
