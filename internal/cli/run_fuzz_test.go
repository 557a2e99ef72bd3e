package cli

import (
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"pakt/internal/engine"
)

// FuzzRun: whatever the command line, pakt answers with a status opkg uses
// and never panics. The machine is an in-memory root; "key" is left out
// because it writes key files through the operating system.
func FuzzRun(f *testing.F) {
	for _, s := range []string{
		"opkg print-architecture", "opkg -o /r --add-arch a:1 print_architecture -V3",
		"pakt compare-versions 1.0 << 2.0", "opkg compare-versions 1 != 2", "opkg compare_versions 1",
		"opkg --bogus -v", "pakt why", "opkg -d usb print-architecture", "pakt --json print-architecture",
		"opkg -f /etc/x.conf print-installation-architecture", "opkg -- -V", "opkg -Vv -n -p",
	} {
		f.Add(s)
	}
	files := fstest.MapFS{
		"etc/opkg.conf":          {Data: []byte("dest root /\narch all 1\noption verbosity 2\n")},
		"etc/opkg/x.conf":        {Data: []byte("arch\nsrc/gz a http://x\nbogus\n")},
		"etc/openwrt_release":    {Data: []byte("DISTRIB_ARCH='mipsel_24kc'\n")},
		"r/etc/opkg/arches.conf": {Data: []byte("arch noarch 1\n")},
	}
	sys := engine.System{Files: files, Dir: "/"}
	f.Fuzz(func(t *testing.T, line string) {
		args := strings.Split(line, " ")
		if slices.Contains(args, "key") {
			return
		}
		status := run(context.Background(), sys, args, strings.NewReader(""), io.Discard, io.Discard)
		switch status {
		case exitOK, exitUsage, exitFailure:
		default:
			t.Fatalf("%q: status %d", args, status)
		}
	})
}
