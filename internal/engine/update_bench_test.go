package engine

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pakt/internal/realdata"
)

// BenchmarkUpdateOpenWrt2305 updates the six OpenWrt 23.05 snapshot feeds
// of the data set (base, core, luci, packages, routing, telephony) served
// from loopback, signature check included: download, gunzip check, verify
// over the uncompressed index, atomic store. Bytes are the Packages.gz
// fetched per update.
func BenchmarkUpdateOpenWrt2305(b *testing.B) {
	data := realdata.Dir(b)
	feeds, err := filepath.Glob(filepath.Join(data, "feeds", "openwrt-23.05-snapshot-*"))
	if err != nil || len(feeds) == 0 {
		b.Skip("no openwrt-23.05-snapshot feeds in the data set")
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(filepath.Join(data, "feeds"))))
	defer srv.Close()

	var conf strings.Builder
	conf.WriteString("option check_signature\n")
	var size int64
	for _, f := range feeds {
		name := strings.TrimPrefix(filepath.Base(f), "openwrt-23.05-snapshot-")
		conf.WriteString("src/gz " + name + " " + srv.URL + "/" + filepath.Base(f) + "\n")
		info, err := os.Stat(filepath.Join(f, "Packages.gz"))
		if err != nil {
			b.Fatal(err)
		}
		size += info.Size()
	}
	root := newTestRoot(b, conf.String())
	keys, _ := filepath.Glob(filepath.Join(data, "keys", "*"))
	for _, k := range keys {
		key, err := os.ReadFile(k)
		if err != nil {
			b.Fatal(err)
		}
		os.WriteFile(filepath.Join(root.dir, "etc/opkg/keys", filepath.Base(k)), key, 0o644)
	}
	ctx := context.Background()
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		res, err := root.engine(Options{}).Update(ctx, UpdateRequest{})
		if err != nil {
			b.Fatal(err)
		}
		for _, f := range res.Feeds {
			if !f.Verified {
				b.Fatalf("feed %s not verified: %v", f.Name, f.Err)
			}
		}
	}
}
