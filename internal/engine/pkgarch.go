package engine

import (
	"bufio"
	"io"
	"strings"
)

// openwrtRelease is where OpenWrt records the package architecture that
// opkg-lede has compiled in (DISTRIB_ARCH='mipsel_24kc').
const openwrtRelease = "/etc/openwrt_release"

// maxReleaseFile bounds what is read of it; real ones are ~250 bytes.
const maxReleaseFile = 16 << 10

// pkgArch returns the package architecture of the root being managed, the
// one opkg-lede has built in and lists as "arch <pkgarch> 10" when no arch
// is configured. OpenWrt images carry no arch lines, so without it pakt
// would accept only "all" and "noarch" packages. pakt cannot know it at
// build time (one binary serves many targets), so it reads DISTRIB_ARCH
// from the root's /etc/openwrt_release; "" when there is none.
func (e *Engine) pkgArch() string {
	root := e.opts.OfflineRoot
	if root == "" {
		root = e.sys.getenv("OFFLINE_ROOT")
	}
	f, err := e.sys.Files.Open(e.fsPath(root + openwrtRelease))
	if err != nil {
		return ""
	}
	defer f.Close()
	return distribArch(io.LimitReader(f, maxReleaseFile))
}

// distribArch finds DISTRIB_ARCH in an os-release style shell file.
func distribArch(r io.Reader) string {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		value, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "DISTRIB_ARCH=")
		if !ok {
			continue
		}
		if len(value) >= 2 && (value[0] == '\'' || value[0] == '"') && value[len(value)-1] == value[0] {
			value = value[1 : len(value)-1]
		}
		if value == "" || strings.ContainsAny(value, " \t'\"$`\\/") {
			return ""
		}
		return value
	}
	return ""
}
