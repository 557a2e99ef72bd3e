package ipk

import (
	"bytes"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// TestBuffersReused: readers that share a Buffers one after another read
// exactly what fresh readers read — also after a failed read, and across
// outer formats — and allocate far less.
func TestBuffersReused(t *testing.T) {
	t.Parallel()
	a := ipkTarGz(t, standard(t, tarOf(t, dir("./usr/"), file("./usr/a", strings.Repeat("a", 70000))))...)
	b := ipkAr(standard(t, tarOf(t, file("./b1", "one"), file("./b2", "two")))...)
	broken := a[:len(a)/2]
	var shared Buffers
	for i, pkg := range [][]byte{a, b, broken, a, b, a} {
		want, wantCtl, wantErr := walkAll(pkg, Options{})
		got, gotCtl, gotErr := walkAll(pkg, Options{Buffers: &shared})
		if !slices.Equal(got, want) || (gotErr == nil) != (wantErr == nil) {
			t.Fatalf("package %d: shared %q, %v; fresh %q, %v", i, got, gotErr, want, wantErr)
		}
		if wantErr == nil {
			g, _ := gotCtl.File("control")
			w, _ := wantCtl.File("control")
			if !bytes.Equal(g, w) {
				t.Errorf("package %d: control %q, want %q", i, g, w)
			}
		}
	}
	read := func(opts Options) {
		Walk(bytes.NewReader(a), "a.ipk", opts, Handler{Entry: func(e *Entry, r io.Reader) error {
			_, err := io.Copy(io.Discard, r)
			return err
		}})
	}
	// The least of five rounds: anything else allocating meanwhile (the
	// runtime, a test's leftover goroutine) only ever adds.
	allocated := func(opts Options) uint64 {
		least := uint64(1 << 62)
		for range 5 {
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			const runs = 10
			for range runs {
				read(opts)
			}
			runtime.ReadMemStats(&after)
			least = min(least, (after.TotalAlloc-before.TotalAlloc)/runs)
		}
		return least
	}
	read(Options{Buffers: &shared})
	fresh, reused := allocated(Options{}), allocated(Options{Buffers: &shared})
	if reused*2 > fresh {
		t.Errorf("a read with shared buffers allocates %d bytes, fresh %d: want half or less", reused, fresh)
	}
	t.Logf("bytes allocated per read: fresh %d, shared buffers %d", fresh, reused)
}
