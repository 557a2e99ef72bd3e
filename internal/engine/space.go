package engine

import (
	"strings"

	"pakt/internal/fsroot"
)

// overlaySpace measures the root dest's files on overlay_root's filesystem,
// as opkg-lede does (verify_pkg_installable): on OpenWrt "/" is an overlay
// whose writable layer is mounted at /overlay, and that is where a
// package's bytes go. The space error then names the overlay as lede's
// does. Files of other dests (a "ram" dest at /tmp) are measured where they
// are.
type overlaySpace struct {
	fsroot.FS
	overlay string   // overlay_root as a name under the managed root
	shown   string   // overlay_root as configured, for the message
	others  []string // other dests' roots as names under the managed root, each ending in '/'
}

func (o overlaySpace) Space(name string) (fsroot.Space, error) {
	for _, d := range o.others {
		if strings.HasPrefix(name+"/", d) {
			return o.FS.Space(name)
		}
	}
	sp, err := o.FS.Space(o.overlay)
	if err != nil {
		return sp, err
	}
	sp.Dir = o.shown
	return sp, nil
}

// withOverlaySpace wraps the run's file system in overlaySpace when the
// configuration names an overlay_root that exists in the managed root and
// has a dest called "root" (lede's condition).
func (r *applyRun) withOverlaySpace() {
	shown := r.cfg.Value("overlay_root")
	if shown == "" {
		return
	}
	overlay := r.rootName(shown)
	f, err := r.rfs.Open(overlay)
	if err != nil {
		return
	}
	info, err := f.Stat()
	f.Close()
	if err != nil || !info.IsDir() {
		return
	}
	o := overlaySpace{FS: r.rfs, overlay: overlay, shown: shown}
	hasRoot := false
	for _, d := range r.cfg.Dests {
		if d.Name == "root" {
			hasRoot = true
			continue
		}
		o.others = append(o.others, strings.TrimSuffix(r.rootName(d.Path), "/")+"/")
	}
	if hasRoot {
		r.rfs = o
	}
}
