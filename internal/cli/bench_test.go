package cli

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pakt/internal/engine"
)

// BenchmarkScan: a typical OpenWrt command line with options after the
// sub-command.
func BenchmarkScan(b *testing.B) {
	args := strings.Fields("opkg -o /mnt/root --force-depends install luci-app-firewall kmod-nft-offload --force_overwrite -V2 --add-arch mipsel_24kc:10 -- -weird")
	b.ReportAllocs()
	for b.Loop() {
		syntax.scan(args)
	}
}

// BenchmarkPrintArchitecture runs the whole command in-process against an
// offline root holding OpenWrt 24.10's configuration files.
func BenchmarkPrintArchitecture(b *testing.B) {
	root := b.TempDir()
	files := map[string]string{
		"etc/opkg.conf": "dest root /\ndest ram /tmp\nlists_dir ext /var/opkg-lists\noption overlay_root /overlay\noption check_signature\n",
		"etc/opkg/distfeeds.conf": "src/gz openwrt_core https://downloads.openwrt.org/releases/24.10.0/targets/ramips/mt7621/packages\n" +
			"src/gz openwrt_base https://downloads.openwrt.org/releases/24.10.0/packages/mipsel_24kc/base\n" +
			"src/gz openwrt_luci https://downloads.openwrt.org/releases/24.10.0/packages/mipsel_24kc/luci\n",
		"etc/opkg/customfeeds.conf": "# add your custom package feeds here\n",
		"etc/opkg/arch.conf":        "arch all 1\narch noarch 1\narch mipsel_24kc 10\n",
	}
	for name, data := range files {
		p := filepath.Join(root, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			b.Fatal(err)
		}
	}
	sys := engine.System{Files: os.DirFS("/"), Dir: root}
	args := []string{"opkg", "-o", root, "-f", filepath.Join(root, "etc/opkg.conf"), "print-architecture"}
	b.ReportAllocs()
	for b.Loop() {
		if status := run(context.Background(), sys, args, nil, io.Discard, io.Discard); status != 0 {
			b.Fatalf("status %d", status)
		}
	}
}
