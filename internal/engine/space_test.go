package engine

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pakt/internal/feedtest"
	"pakt/internal/fsroot"
	"pakt/internal/txn"
)

// smallSpace reports little room on one directory's filesystem, as a full
// flash would.
type smallSpace struct {
	fsroot.FS
	dir       string
	available int64
}

func (s smallSpace) Space(name string) (fsroot.Space, error) {
	sp, err := s.FS.Space(name)
	if err == nil && name == s.dir {
		sp.Device++ // a filesystem of its own
		sp.Available = s.available
	}
	return sp, err
}

// TestOverlaySpace: with overlay_root set and present, the root dest's
// files are measured on the overlay, and lede's message names it; a "ram"
// dest is measured where it is (only the journal, beside the root dest's
// database, goes on the overlay); without the overlay directory the check
// falls back to the files' own filesystem.
func TestOverlaySpace(t *testing.T) {
	t.Parallel()
	feed := feedtest.MustBuild(t, `
-- big/control --
Package: big
-- big/data/usr/lib/big.bin --
0123456789
`)
	for _, tc := range []struct {
		name        string
		overlayDir  bool
		dest        string
		forceSpace  bool
		wantErr     string
		wantInstall bool
	}{
		{name: "overlay full", overlayDir: true, dest: "root", wantErr: "Only have 8kb available on filesystem /overlay, pkg big needs "},
		{name: "overlay full, --force-space", overlayDir: true, dest: "root", forceSpace: true, wantInstall: true},
		{name: "no overlay dir", overlayDir: false, dest: "root", wantInstall: true},
		{name: "ram dest not on overlay", overlayDir: true, dest: "ram", wantInstall: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			conf := "dest root /\ndest ram /tmp\nlists_dir ext /var/opkg-lists\noption overlay_root /overlay\narch all 1\n"
			for name, data := range map[string]string{
				"etc/opkg/base.conf":   conf,
				"usr/lib/opkg/status":  "",
				"var/lock/.keep":       "",
				"tmp/.keep":            "",
				"usr/lib/opkg/info/.k": "",
			} {
				p := filepath.Join(dir, name)
				if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			if tc.overlayDir {
				if err := os.Mkdir(filepath.Join(dir, "overlay"), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			ipk := filepath.Join(t.TempDir(), "big_1.0_all.ipk")
			if err := os.WriteFile(ipk, feed.IPK("big"), 0o644); err != nil {
				t.Fatal(err)
			}
			e := New(System{
				Files: os.DirFS("/"), Dir: dir, RootDir: "/",
				WrapFS: func(f fsroot.FS) fsroot.FS {
					return smallSpace{FS: f, dir: "overlay", available: txn.DefaultMargin + 8<<10}
				},
			}, Options{OfflineRoot: dir, Dest: tc.dest, Force: Force{Space: tc.forceSpace}})
			_, err := e.Apply(context.Background(), ApplyRequest{PlanRequest: PlanRequest{Command: PlanInstall, Args: []string{ipk}}})
			var se *SpaceError
			switch {
			case tc.wantErr != "":
				if !errors.As(err, &se) || !strings.HasPrefix(se.Error(), tc.wantErr) {
					t.Fatalf("err = %v, want a SpaceError %q", err, tc.wantErr)
				}
				if _, err := os.Lstat(filepath.Join(dir, "usr/lib/big.bin")); !errors.Is(err, os.ErrNotExist) {
					t.Errorf("big.bin written despite the space error (%v)", err)
				}
			case err != nil:
				t.Fatalf("Apply: %v", err)
			}
			if tc.wantInstall {
				prefix := ""
				if tc.dest == "ram" {
					prefix = "tmp/"
				}
				if _, err := os.Lstat(filepath.Join(dir, prefix+"usr/lib/big.bin")); err != nil {
					t.Errorf("not installed: %v", err)
				}
			}
		})
	}
}
