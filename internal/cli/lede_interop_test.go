package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pakt/internal/feedtest"
)

// A device switches between pakt and opkg and loses nothing (issue 7):
// what one installs, the other lists, shows and removes, with the same
// output, and a conffile the user changed survives either's remove. Runs
// where a real opkg-lede exists (referenceOpkg), skips otherwise.

const interopFeedV1 = `
-- lib/control --
Package: lib
Version: 1.0-1
-- lib/data/usr/lib/libi.so.1 --
lib 1
-- lib/data/usr/lib/libi.so -> libi.so.1 --
-- app/control --
Package: app
Version: 1.0-1
Depends: lib
-- app/conffiles --
/etc/config/app
-- app/postinst --
#!/bin/sh
exit 0
-- app/data/etc/config/app --
option v 1
-- app/data/usr/bin/app mode=0755 --
#!/bin/sh
-- app/data/usr/share/app/old --
old
`

const interopFeedV2 = `
-- app/control --
Package: app
Version: 2.0-1
Depends: lib
-- app/conffiles --
/etc/config/app
-- app/data/etc/config/app --
option v 2
-- app/data/usr/bin/app mode=0755 --
#!/bin/sh
# 2
-- app/data/usr/share/app/new --
new
`

type interopTool struct {
	name, bin string
}

// interopSetup returns the two tools, a fresh root, and the package files.
func interopSetup(t *testing.T) (lede, pakt interopTool, root string, v1, v2 []string) {
	t.Helper()
	ref := referenceOpkg(t)
	bin, err := exec.LookPath("opkg")
	if err != nil {
		t.Skip("pakt is not installed as opkg in $PATH")
	}
	work := t.TempDir()
	root = filepath.Join(work, "root")
	newCrashRoot(t, root)
	if err := os.MkdirAll(filepath.Join(work, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	os.MkdirAll(filepath.Join(work, "1"), 0o755)
	os.MkdirAll(filepath.Join(work, "2"), 0o755)
	v1 = writeIPKs(t, feedtest.MustBuild(t, interopFeedV1), filepath.Join(work, "1"), "app", "lib")
	v2 = writeIPKs(t, feedtest.MustBuild(t, interopFeedV2), filepath.Join(work, "2"), "app")
	return interopTool{"opkg-lede", ref}, interopTool{"pakt", bin}, root, v1, v2
}

// run runs a tool as opkg on the root and fails the test on a non-zero
// status; the output has the root's path replaced by $ROOT.
func (tool interopTool) run(t *testing.T, root string, args ...string) string {
	t.Helper()
	out, errOut, status := tool.try(t, root, args...)
	if status != 0 {
		t.Fatalf("%s %q: status %d\n%s%s", tool.name, args, status, out, errOut)
	}
	return out
}

func (tool interopTool) try(t *testing.T, root string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(tool.bin, append([]string{"-o", root}, args...)...)
	cmd.Args[0] = "opkg"
	cmd.Env = []string{"PATH=/usr/bin:/bin", "TMPDIR=" + filepath.Join(filepath.Dir(root), "tmp")}
	out, errOut, status := runCaptured(t, cmd)
	return strings.ReplaceAll(out, root, "$ROOT"), strings.ReplaceAll(errOut, root, "$ROOT"), status
}

// agree requires both tools to print the same for a query.
func agree(t *testing.T, a, b interopTool, root string, args ...string) string {
	t.Helper()
	outA, errA, stA := a.try(t, root, args...)
	outB, errB, stB := b.try(t, root, args...)
	if outA != outB || errA != errB || stA != stB {
		t.Errorf("opkg %q:\n%s printed (status %d):\n%s%s\n%s printed (status %d):\n%s%s", args, a.name, stA, outA, errA, b.name, stB, outB, errB)
	}
	return outA
}

// leftovers lists the package files still in the root (the configuration,
// the empty database and the lock are not the packages').
func leftovers(t *testing.T, root string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		rel, _ := filepath.Rel(root, p)
		if strings.HasPrefix(rel, "etc/opkg/") || rel == "usr/lib/opkg/status" || rel == "var/lock/opkg.lock" {
			return nil
		}
		out = append(out, rel)
		return nil
	})
	return out
}

func TestInteropLede(t *testing.T) {
	t.Parallel()
	for _, order := range []string{"pakt installs, lede removes", "lede installs, pakt removes"} {
		t.Run(order, func(t *testing.T) {
			t.Parallel()
			lede, pakt, root, v1, _ := interopSetup(t)
			installer, remover := pakt, lede
			if strings.HasPrefix(order, "lede") {
				installer, remover = lede, pakt
			}
			installer.run(t, root, append([]string{"install"}, v1...)...)
			// The user edits the conffile.
			if err := os.WriteFile(filepath.Join(root, "etc/config/app"), []byte("option v mine\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			if got := agree(t, pakt, lede, root, "list-installed"); got != "app - 1.0-1\nlib - 1.0-1\n" {
				t.Errorf("list-installed:\n%s", got)
			}
			agree(t, pakt, lede, root, "files", "app")
			agree(t, pakt, lede, root, "files", "lib")
			if got := agree(t, pakt, lede, root, "list-changed-conffiles"); !strings.Contains(got, "/etc/config/app") {
				t.Errorf("list-changed-conffiles:\n%s", got)
			}
			agree(t, pakt, lede, root, "depends", "app")
			agree(t, pakt, lede, root, "whatdepends", "lib")
			agree(t, pakt, lede, root, "list-upgradable")

			remover.run(t, root, "remove", "app", "lib")
			if got := agree(t, pakt, lede, root, "list-installed"); got != "" {
				t.Errorf("after remove, list-installed:\n%s", got)
			}
			// Only the user's conffile is left.
			if got := leftovers(t, root); len(got) != 1 || got[0] != "etc/config/app" {
				t.Errorf("after %s's remove, left: %q", remover.name, got)
			}
			if data, _ := os.ReadFile(filepath.Join(root, "etc/config/app")); string(data) != "option v mine\n" {
				t.Errorf("the user's conffile became %q", data)
			}
		})
	}
	// Mixed: pakt installs 1.0, lede upgrades to 2.0 (the user's conffile
	// kept, the package's beside it as -opkg, the obsolete file gone), pakt
	// removes.
	t.Run("pakt installs, lede upgrades, pakt removes", func(t *testing.T) {
		t.Parallel()
		lede, pakt, root, v1, v2 := interopSetup(t)
		pakt.run(t, root, append([]string{"install"}, v1...)...)
		if err := os.WriteFile(filepath.Join(root, "etc/config/app"), []byte("option v mine\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		lede.run(t, root, append([]string{"install"}, v2...)...)
		if got := agree(t, pakt, lede, root, "list-installed"); got != "app - 2.0-1\nlib - 1.0-1\n" {
			t.Errorf("list-installed:\n%s", got)
		}
		agree(t, pakt, lede, root, "files", "app")
		if _, err := os.Lstat(filepath.Join(root, "usr/share/app/old")); err == nil {
			t.Error("lede's upgrade kept the obsolete file pakt installed")
		}
		pakt.run(t, root, "remove", "app", "lib")
		if got := agree(t, pakt, lede, root, "list-installed"); got != "" {
			t.Errorf("after remove, list-installed:\n%s", got)
		}
		got := leftovers(t, root)
		want := []string{"etc/config/app", "etc/config/app-opkg"}
		if strings.Join(got, " ") != strings.Join(want, " ") {
			t.Errorf("left: %q, want %q", got, want)
		}
	})
	// The same words: each tool, in a root of its own, installs 1.0, the
	// user edits the conffile, it upgrades to 2.0 and removes; stdout,
	// stderr and status must be lede's at every step.
	t.Run("same output as lede", func(t *testing.T) {
		t.Parallel()
		lede, pakt, ledeRoot, v1, v2 := interopSetup(t)
		paktRoot := filepath.Join(t.TempDir(), "root")
		newCrashRoot(t, paktRoot)
		os.MkdirAll(filepath.Join(filepath.Dir(paktRoot), "tmp"), 0o755)
		steps := [][]string{
			append([]string{"install"}, v1...),
			{"edit"},
			append([]string{"install"}, v2...),
			{"list-changed-conffiles"},
			{"files", "app"},
			{"remove", "app"},
			{"remove", "lib"},
			{"list-installed"},
		}
		for _, args := range steps {
			if args[0] == "edit" {
				for _, root := range []string{ledeRoot, paktRoot} {
					if err := os.WriteFile(filepath.Join(root, "etc/config/app"), []byte("option v mine\n"), 0o644); err != nil {
						t.Fatal(err)
					}
				}
				continue
			}
			wantOut, wantErr, wantStatus := lede.try(t, ledeRoot, args...)
			gotOut, gotErr, gotStatus := pakt.try(t, paktRoot, args...)
			if args[0] == "files" {
				// lede writes .list in its file hash table's order
				// (opkg-compat.md §3.1: arbitrary), pakt in the
				// archive's, and files prints the .list as it is.
				wantOut, gotOut = sortedBody(wantOut), sortedBody(gotOut)
			}
			if gotOut != wantOut || gotErr != wantErr || gotStatus != wantStatus {
				t.Errorf("opkg %q:\npakt (status %d):\n%s%s\nopkg-lede (status %d):\n%s%s", args, gotStatus, gotOut, gotErr, wantStatus, wantOut, wantErr)
			}
		}
	})
}

// sortedBody sorts the lines after the first.
func sortedBody(s string) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	if len(lines) > 1 {
		slices.Sort(lines[1:])
	}
	return strings.Join(lines, "\n") + "\n"
}
