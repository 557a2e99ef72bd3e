package opkgconf

import (
	"os"
	"path/filepath"
	"testing"

	"pakt/internal/realdata"
)

// Every device configuration in the shared data set loads without a warning
// and gives what its files say.
func TestRealDeviceConfigs(t *testing.T) {
	t.Parallel()
	type want struct {
		feeds           int
		firstFeed       string
		lastFeed        string
		dests           []string
		listsDir        string
		arches          int
		lastArch        string
		lastArchPrio    int
		checkSignature  bool
		overlay         string
		filesRead       int
		defaultArchUsed bool
	}
	openwrtDests := []string{"root", "ram"}
	table := map[string]want{
		"creality-hi-openwrt-21.02": {feeds: 2, firstFeed: "openwrt_core", lastFeed: "openwrt_base",
			dests: []string{"root"}, listsDir: "/usr/lib/opkg/lists", arches: 3, defaultArchUsed: true, filesRead: 1},
		"oe-amazon-echo-armv7a": {feeds: 0, dests: []string{"root"}, listsDir: "/usr/lib/opkg/lists",
			arches: 14, lastArch: "doppler", lastArchPrio: 66, filesRead: 1},
		"openwrt-12.09-r31467-samknows": {feeds: 1, firstFeed: "attitude_adjustment", lastFeed: "attitude_adjustment",
			dests: openwrtDests, listsDir: "/var/opkg-lists", arches: 3, defaultArchUsed: true, overlay: "/overlay", filesRead: 1},
		"openwrt-22.03.4-x86_64-sturdynet": {feeds: 6, firstFeed: "openwrt_core", lastFeed: "openwrt_telephony",
			dests: openwrtDests, listsDir: "/var/opkg-lists", arches: 3, defaultArchUsed: true, checkSignature: true,
			overlay: "/overlay", filesRead: 3},
		// Its distfeeds.conf has the core feed commented out.
		"openwrt-23.05-snapshot-x86_64-trillaman": {feeds: 12, firstFeed: "openwrt_base", lastFeed: "eko1_kmods",
			dests: openwrtDests, listsDir: "/var/opkg-lists", arches: 3, defaultArchUsed: true, checkSignature: true,
			overlay: "/overlay", filesRead: 3},
		"openwrt-snapshot-r9544-lmapd": {feeds: 6, firstFeed: "openwrt_core", lastFeed: "openwrt_telephony",
			dests: openwrtDests, listsDir: "/var/opkg-lists", arches: 3, defaultArchUsed: true, checkSignature: true,
			overlay: "/overlay", filesRead: 3},
		"technicolor-dga4131-openwrt-15.05": {feeds: 0, dests: openwrtDests, listsDir: "/var/opkg-lists",
			arches: 3, defaultArchUsed: true, overlay: "/overlay", filesRead: 1},
		"technicolor-tg789vac-openwrt-12.09": {feeds: 1, firstFeed: "attitude_adjustment", lastFeed: "attitude_adjustment",
			dests: openwrtDests, listsDir: "/var/opkg-lists", arches: 3, defaultArchUsed: true, overlay: "/overlay", filesRead: 1},
		"xiaomi-openwrt-18.06": {feeds: 4, firstFeed: "openwrt_core", lastFeed: "openwrt_routing",
			dests: openwrtDests, listsDir: "/var/opkg-lists", arches: 3, defaultArchUsed: true, checkSignature: true,
			overlay: "/overlay", filesRead: 3},
		// Yocto layout: etc/opkg/opkg.conf, upstream's "option lists_dir".
		"yocto-arago-2017.06-phytec-am57xx": {feeds: 14, firstFeed: "all", lastFeed: "am5728_phycore_rdk",
			dests: []string{"root"}, listsDir: "/var/lib/opkg/lists", arches: 14, lastArch: "am5728_phycore_rdk",
			lastArchPrio: 66, filesRead: 3},
	}
	roots := realdata.Glob(t, "status/*/rootfs")
	seen := 0
	for _, root := range roots {
		device := filepath.Base(filepath.Dir(root))
		if _, err := os.Stat(filepath.Join(root, "etc")); err != nil {
			continue
		}
		w, ok := table[device]
		if !ok {
			t.Errorf("%s: new device in the data set; add its expectations", device)
			continue
		}
		seen++
		t.Run(device, func(t *testing.T) {
			t.Parallel()
			cfg, warns, err := Load(os.DirFS(root), Selection{PkgArch: "testarch"})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range warns {
				t.Errorf("warning %s:%d: %s", w.File, w.Line, w)
			}
			if len(cfg.Feeds) != w.feeds {
				t.Errorf("%d feeds, want %d", len(cfg.Feeds), w.feeds)
			}
			if w.feeds > 0 && (cfg.Feeds[0].Name != w.firstFeed || cfg.Feeds[len(cfg.Feeds)-1].Name != w.lastFeed) {
				t.Errorf("feeds %s … %s", cfg.Feeds[0].Name, cfg.Feeds[len(cfg.Feeds)-1].Name)
			}
			for _, f := range cfg.Feeds {
				if !f.Gzip || f.URL == "" || f.Pos.Line == 0 {
					t.Errorf("feed %+v", f)
				}
			}
			var dests []string
			for _, d := range cfg.Dests {
				dests = append(dests, d.Name)
			}
			if len(dests) != len(w.dests) || dests[0] != w.dests[0] {
				t.Errorf("dests %q, want %q", dests, w.dests)
			}
			if cfg.ListsDir() != w.listsDir {
				t.Errorf("lists dir %q, want %q", cfg.ListsDir(), w.listsDir)
			}
			arches := cfg.Architectures()
			if len(arches) != w.arches {
				t.Errorf("%d arches, want %d", len(arches), w.arches)
			}
			if _, ok := cfg.ArchPriority("testarch"); ok != w.defaultArchUsed {
				t.Errorf("built-in arch in list: %v, want %v", ok, w.defaultArchUsed)
			}
			if w.lastArch != "" {
				last := arches[len(arches)-1]
				if last.Name != w.lastArch || last.Priority != w.lastArchPrio {
					t.Errorf("last arch %+v", last)
				}
				if p, ok := cfg.ArchPriority("all"); !ok || p != 1 {
					t.Errorf("all: %d %v", p, ok)
				}
			}
			if cfg.Flag("check_signature") != w.checkSignature {
				t.Errorf("check_signature %v", cfg.Flag("check_signature"))
			}
			if cfg.Value("overlay_root") != w.overlay {
				t.Errorf("overlay_root %q", cfg.Value("overlay_root"))
			}
			if len(cfg.Files) != w.filesRead {
				t.Errorf("files read %q", cfg.Files)
			}
		})
	}
	if seen == 0 {
		t.Fatal("no device configuration found in the data set")
	}
}
