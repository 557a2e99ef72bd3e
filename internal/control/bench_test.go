package control

import (
	"bytes"
	"io"
	"testing"

	"pakt/internal/realdata"
)

// The largest feed and the largest status file of the data set.
const (
	benchFeed   = "feeds/yocto-kirkstone-rpi3-64-cortexa53/Packages"
	benchStatus = "status/yocto-arago-2017.06-phytec-am57xx/status"
)

func BenchmarkReadFeed(b *testing.B)   { benchmarkRead(b, benchFeed) }
func BenchmarkReadStatus(b *testing.B) { benchmarkRead(b, benchStatus) }

// benchmarkRead streams the file through a Reader (as a feed loader does)
// and reports allocations per field besides the usual per-op figures.
func benchmarkRead(b *testing.B, file string) {
	data := realdata.Read(b, file)
	fields := 0
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		fields = 0
		r := NewReader(file, bytes.NewReader(data))
		for {
			s, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			fields += len(s.Fields)
		}
	}
	b.ReportMetric(float64(fields), "fields/op")
}

func BenchmarkParseFeed(b *testing.B) {
	data := realdata.Read(b, benchFeed)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(benchFeed, data); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWriteStatus(b *testing.B) {
	stanzas, err := Parse(benchStatus, realdata.Read(b, benchStatus))
	if err != nil {
		b.Fatal(err)
	}
	var out bytes.Buffer
	b.ReportAllocs()
	for b.Loop() {
		out.Reset()
		w := NewWriter(&out)
		for i := range stanzas {
			if err := w.Write(&stanzas[i]); err != nil {
				b.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			b.Fatal(err)
		}
	}
	b.SetBytes(int64(out.Len()))
}
