package feed

import (
	"bytes"
	"path/filepath"
	"testing"

	"pakt/internal/realdata"
)

// BenchmarkAdd indexes the largest OpenWrt release group of the real data
// (openwrt-23.05-snapshot arm_cortex-a9_vfpv3-d16, six uncompressed lists).
func BenchmarkAdd(b *testing.B) {
	dirs := realdata.Glob(b, "feeds/openwrt-23.05-snapshot-arm_cortex-a9_vfpv3-d16-*")
	var lists [][]byte
	total := 0
	for _, d := range dirs {
		data := realdata.Read(b, filepath.Join("feeds", filepath.Base(d), "Packages"))
		lists = append(lists, data)
		total += len(data)
	}
	b.SetBytes(int64(total))
	b.ReportAllocs()
	for b.Loop() {
		var x Index
		for i, data := range lists {
			if err := x.Add(filepath.Base(dirs[i]), bytes.NewReader(data), nil); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkFieldDescription reads every entry's Description, as list does.
func BenchmarkFieldDescription(b *testing.B) {
	data := realdata.Read(b, "feeds/openwrt-23.05-snapshot-arm_cortex-a9_vfpv3-d16-luci/Packages")
	var x Index
	if err := x.Add("luci", bytes.NewReader(data), nil); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		for i := 0; i < x.Len(); i++ {
			x.Field(i, "Description")
		}
	}
}
