package opkgconf_test

import (
	"fmt"
	"testing/fstest"

	"pakt/internal/opkgconf"
)

// How cli loads the configuration and prints print-architecture.
func ExampleLoad() {
	fsys := fstest.MapFS{ // pakt passes os.DirFS("/")
		"etc/opkg.conf":             {Data: []byte("dest root /\nlists_dir ext /var/opkg-lists\noption check_signature\n")},
		"etc/opkg/distfeeds.conf":   {Data: []byte("src/gz openwrt_core https://downloads.openwrt.org/x/packages\nsrc/gz openwrt_core again\n")},
		"etc/opkg/customfeeds.conf": {Data: []byte("# add your custom package feeds here\n")},
	}
	sel := opkgconf.Selection{PkgArch: "mipsel_24kc"}          // -f, -o, $OFFLINE_ROOT, $OPKG_CONF_DIR, -l go here too
	if err := sel.AddArch("mipsel_24kc_neon:20"); err != nil { // --add-arch
		fmt.Println(err)
	}
	cfg, warns, err := opkgconf.Load(fsys, sel)
	if err != nil {
		fmt.Printf(" * %s: %s\n", err.(*opkgconf.FileError).Func(), err)
		return
	}
	for _, w := range warns {
		fmt.Printf(" * %s: %s\n", w.Func, w)
	}
	for _, a := range cfg.Architectures() {
		fmt.Printf("arch %s %s\n", a.Name, a.PriorityText)
	}
	fmt.Println(cfg.ListsDir(), cfg.Flag("check_signature"), len(cfg.Feeds))
	// Output:
	//  * opkg_conf_parse_file: Duplicate src declaration (openwrt_core again). Skipping.
	// arch mipsel_24kc_neon 20
	// /var/opkg-lists true 1
}
