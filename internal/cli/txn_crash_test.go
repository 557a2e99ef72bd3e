package cli

import (
	"bytes"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"pakt/internal/feedtest"
	"pakt/internal/roottest"
	"pakt/internal/txn"
)

// The proof of crash safety at the level a user sees it (issue 7, DESIGN.md
// §5): the real binary, killed with SIGKILL at every named crash point of
// an install, an upgrade and a remove (by PAKT_CRASH_AT), or at random
// instants of a long transaction, or left with a damaged journal; then the
// next command. The whole root (paths, types, modes, link targets, bytes,
// the status with Installed-Time masked) must then be the tree before the
// command or the tree after an uninterrupted run, exactly.

// crashFeedV1 and crashFeedV2 are three packages: tool needs app, app
// needs lib; a library symlink, a conffile the user edits, an executable,
// an empty directory, a file v2 no longer ships.
const crashFeedV1 = `
-- lib/control --
Package: lib
Version: 1.0
-- lib/data/usr/lib/libx.so.1 --
lib one
-- lib/data/usr/lib/libx.so -> libx.so.1 --
-- app/control --
Package: app
Version: 1.0
Depends: lib
-- app/conffiles --
/etc/app.conf
-- app/data/etc/app.conf --
setting 1
-- app/data/usr/bin/app mode=0755 --
#!/bin/sh
echo app 1
-- app/data/usr/share/app/old --
obsolete in 2.0
-- app/data/var/lib/app/ --
-- tool/control --
Package: tool
Version: 1.0
Depends: app
-- tool/data/usr/bin/tool mode=0750 --
tool 1
`

const crashFeedV2 = `
-- lib/control --
Package: lib
Version: 2.0
-- lib/data/usr/lib/libx.so.2 --
lib two
-- lib/data/usr/lib/libx.so -> libx.so.2 --
-- app/control --
Package: app
Version: 2.0
Depends: lib (>= 2.0)
-- app/conffiles --
/etc/app.conf
-- app/data/etc/app.conf --
setting 2
-- app/data/usr/bin/app mode=0755 --
#!/bin/sh
echo app 2
-- app/data/usr/share/app/new --
new in 2.0
-- app/data/var/lib/app/ --
-- tool/control --
Package: tool
Version: 2.0
Depends: app (>= 2.0)
-- tool/data/usr/bin/tool mode=0750 --
tool 2
`

// crashScenario is one command run from a prepared tree.
type crashScenario struct {
	name     string
	old      string // a root in the state before the command
	args     []string
	oldTree  map[string]string
	newTree  map[string]string
	duration time.Duration // of an uninterrupted run
}

// crashBin is pakt as the tests run it: this test binary, installed as
// pakt by TestMain (recover is pakt's own sub-command).
func crashBin(t *testing.T) string {
	t.Helper()
	bin, err := exec.LookPath("pakt")
	if err != nil {
		t.Skip("pakt is not installed in $PATH")
	}
	return bin
}

// runPakt runs the binary on root with extra environment; killed reports
// a death by SIGKILL.
func runPakt(t *testing.T, bin, tmp string, env []string, args ...string) (out string, killed bool, err error) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(slices.DeleteFunc(os.Environ(), func(s string) bool {
		return strings.HasPrefix(s, "PAKT_CRASH_AT=") || strings.HasPrefix(s, "TMPDIR=") || strings.HasPrefix(s, "OFFLINE_ROOT=")
	}), append([]string{"TMPDIR=" + tmp}, env...)...)
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	err = cmd.Run()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
			return buf.String(), true, nil
		}
	}
	return buf.String(), false, err
}

// newCrashRoot makes an empty offline root with opkg's configuration.
func newCrashRoot(t *testing.T, dir string) {
	t.Helper()
	for name, data := range map[string]string{
		"etc/opkg/base.conf":  "dest root /\nlists_dir ext /var/opkg-lists\narch all 1\n",
		"usr/lib/opkg/status": "",
	} {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, d := range []string{"var/lock", "usr/lib/opkg/info"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
}

// writeIPKs writes the feed's packages as local files and returns their
// paths in label order.
func writeIPKs(t *testing.T, f *feedtest.Feed, dir string, labels ...string) []string {
	t.Helper()
	var out []string
	for _, l := range labels {
		p, ok := f.Package(l)
		if !ok {
			t.Fatalf("no package %s", l)
		}
		name := filepath.Join(dir, filepath.Base(p.Filename))
		if err := os.WriteFile(name, f.IPK(l), 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, name)
	}
	return out
}

// crashScenarios prepares install (fresh root), upgrade (v1 installed, the
// conffile edited) and remove of the three packages.
func crashScenarios(t *testing.T, bin string) []*crashScenario {
	t.Helper()
	work := t.TempDir()
	v1, v2 := feedtest.MustBuild(t, crashFeedV1), feedtest.MustBuild(t, crashFeedV2)
	ipks := filepath.Join(work, "ipk")
	os.MkdirAll(filepath.Join(ipks, "1"), 0o755)
	os.MkdirAll(filepath.Join(ipks, "2"), 0o755)
	files1 := writeIPKs(t, v1, filepath.Join(ipks, "1"), "tool", "app", "lib")
	files2 := writeIPKs(t, v2, filepath.Join(ipks, "2"), "tool", "app", "lib")
	tmp := t.TempDir()

	empty := filepath.Join(work, "empty")
	newCrashRoot(t, empty)
	installed := filepath.Join(work, "installed")
	roottest.Copy(t, empty, installed)
	if out, _, err := runPakt(t, bin, tmp, nil, append([]string{"-o", installed, "install"}, files1...)...); err != nil {
		t.Fatalf("installing v1: %v\n%s", err, out)
	}
	if err := os.WriteFile(filepath.Join(installed, "etc/app.conf"), []byte("edited by the user\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	scenarios := []*crashScenario{
		{name: "install", old: empty, args: append([]string{"install"}, files1...)},
		{name: "upgrade", old: installed, args: append([]string{"install"}, files2...)},
		{name: "remove", old: installed, args: []string{"remove", "tool", "app", "lib"}},
	}
	for _, sc := range scenarios {
		sc.oldTree = roottest.Snapshot(t, sc.old)
		root := filepath.Join(t.TempDir(), "root")
		roottest.Copy(t, sc.old, root)
		start := time.Now()
		out, _, err := runPakt(t, bin, tmp, nil, append([]string{"-o", root}, sc.args...)...)
		sc.duration = time.Since(start)
		if err != nil {
			t.Fatalf("%s: %v\n%s", sc.name, err, out)
		}
		sc.newTree = roottest.Snapshot(t, root)
		if roottest.Diff(sc.newTree, sc.oldTree) == "" {
			t.Fatalf("%s changed nothing", sc.name)
		}
	}
	// The trees are what the scenarios promise, so that "old or new" means
	// something: the edited conffile kept with the package's beside it, the
	// obsolete file gone, everything gone on remove but the edited
	// conffile.
	up := scenarios[1].newTree
	if !strings.Contains(up["etc/app.conf"], "edited by the user") || !strings.Contains(up["etc/app.conf-opkg"], "setting 2") {
		t.Errorf("upgrade: conffiles %q, %q", up["etc/app.conf"], up["etc/app.conf-opkg"])
	}
	if _, ok := up["usr/share/app/old"]; ok {
		t.Error("upgrade kept the obsolete file")
	}
	if got := scenarios[2].newTree; got["usr/bin/app"] != "" || !strings.Contains(got["etc/app.conf"], "edited by the user") {
		t.Errorf("remove: app %q, conffile %q", got["usr/bin/app"], got["etc/app.conf"])
	}
	return scenarios
}

// checkOldOrNew requires root to be the scenario's old or new tree.
func (sc *crashScenario) checkOldOrNew(t *testing.T, root, what string) string {
	t.Helper()
	got := roottest.Snapshot(t, root)
	dOld, dNew := roottest.Diff(got, sc.oldTree), roottest.Diff(got, sc.newTree)
	switch {
	case dOld == "":
		return "old"
	case dNew == "":
		return "new"
	}
	t.Errorf("%s %s: the tree is neither the old nor the new one.\n  against old:%s\n  against new:%s", sc.name, what, dOld, dNew)
	return ""
}

// TestTxnCrashPointsBinary kills the binary at every named crash point,
// at its 1st, 2nd, 4th, 8th... passage while it is reached, then runs
// `pakt recover` (and once more after killing that recovery itself at its
// first step) and requires the old or the new tree. Every crash point txn
// names must have been reached in some scenario.
func TestTxnCrashPointsBinary(t *testing.T) {
	t.Parallel()
	bin := crashBin(t)
	scenarios := crashScenarios(t, bin)
	var mu sync.Mutex
	reached := map[string]int{}
	t.Run("points", func(t *testing.T) {
		for _, sc := range scenarios {
			for _, point := range txn.CrashPoints() {
				if point == txn.CrashRecoverStep {
					continue // reached only while recovering: below
				}
				t.Run(sc.name+"/"+point, func(t *testing.T) {
					t.Parallel()
					tmp := t.TempDir()
					for n := 1; ; n *= 2 {
						root := filepath.Join(t.TempDir(), "root")
						roottest.Copy(t, sc.old, root)
						spec := fmt.Sprintf("%s:%d", point, n)
						out, killed, err := runPakt(t, bin, tmp, []string{"PAKT_CRASH_AT=" + spec}, append([]string{"-o", root}, sc.args...)...)
						if !killed {
							if err != nil {
								t.Fatalf("%s: not killed, failed: %v\n%s", spec, err, out)
							}
							// Not reached n times: the run completed.
							sc.checkOldOrNew(t, root, spec+" (not reached)")
							break
						}
						mu.Lock()
						reached[point]++
						mu.Unlock()
						// Kill the recovery too, at its first step, when it
						// has steps to take; then recover for good.
						if _, rkilled, err := runPakt(t, bin, tmp, []string{"PAKT_CRASH_AT=" + txn.CrashRecoverStep}, "-o", root, "recover"); err != nil {
							t.Fatalf("%s, then recover killed at its first step: %v", spec, err)
						} else if rkilled {
							mu.Lock()
							reached[txn.CrashRecoverStep]++
							mu.Unlock()
						}
						out, _, err = runPakt(t, bin, tmp, nil, "-o", root, "recover")
						if err != nil {
							t.Fatalf("%s, then recover: %v\n%s", spec, err, out)
						}
						sc.checkOldOrNew(t, root, "killed at "+spec+", then recover")
						// A second recovery finds nothing to do.
						out, _, err = runPakt(t, bin, tmp, nil, "-o", root, "recover")
						if err != nil || !strings.Contains(out, "No interrupted transaction") {
							t.Errorf("%s: second recover: %v\n%s", spec, err, out)
						}
					}
				})
			}
		}
	})
	for _, point := range txn.CrashPoints() {
		if reached[point] == 0 {
			t.Errorf("crash point %q was never reached: untested", point)
		}
	}
	t.Logf("crash points reached (kills): %v", reached)
}

// TestTxnRandomKillBinary kills a long install (one package of 300 files
// over a v1 of 300 others, as an upgrade) at random instants, 50 times, and
// requires the old or the new tree after the next command.
func TestTxnRandomKillBinary(t *testing.T) {
	t.Parallel()
	bin := crashBin(t)
	var d1, d2 strings.Builder
	d1.WriteString("-- big/control --\nPackage: big\nVersion: 1.0\n")
	d2.WriteString("-- big/control --\nPackage: big\nVersion: 2.0\n")
	for i := range 300 {
		fmt.Fprintf(&d1, "-- big/data/usr/share/big/d%d/f%d --\nversion one of file %d %s\n", i%17, i, i, strings.Repeat("x", i))
		fmt.Fprintf(&d2, "-- big/data/usr/share/big/d%d/g%d --\nversion two of file %d %s\n", i%13, i, i, strings.Repeat("y", i))
	}
	work := t.TempDir()
	v1 := writeIPKs(t, feedtest.MustBuild(t, d1.String()), work, "big")
	v2dir := filepath.Join(work, "2")
	os.Mkdir(v2dir, 0o755)
	v2 := writeIPKs(t, feedtest.MustBuild(t, d2.String()), v2dir, "big")
	tmp := t.TempDir()
	old := filepath.Join(work, "old")
	newCrashRoot(t, old)
	if out, _, err := runPakt(t, bin, tmp, nil, "-o", old, "install", v1[0]); err != nil {
		t.Fatalf("installing v1: %v\n%s", err, out)
	}
	sc := &crashScenario{name: "upgrade big", old: old, args: []string{"install", v2[0]}, oldTree: roottest.Snapshot(t, old)}
	fresh := filepath.Join(t.TempDir(), "root")
	roottest.Copy(t, old, fresh)
	start := time.Now()
	if out, _, err := runPakt(t, bin, tmp, nil, append([]string{"-o", fresh}, sc.args...)...); err != nil {
		t.Fatalf("uninterrupted: %v\n%s", err, out)
	}
	sc.duration = time.Since(start)
	sc.newTree = roottest.Snapshot(t, fresh)

	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d, uninterrupted run %v", seed, sc.duration)
	rng := rand.New(rand.NewPCG(seed, 7))
	const runs = 50
	delays := make([]time.Duration, runs)
	// Uniform over the run and a little beyond it; one at a time, so that
	// the instants fall where the measured run had them.
	for i := range delays {
		delays[i] = time.Duration(rng.Int64N(int64(sc.duration)*6/5 + 1))
	}
	var mu sync.Mutex
	outcomes := map[string]int{}
	t.Run("kills", func(t *testing.T) {
		for i, delay := range delays {
			t.Run(fmt.Sprint(i), func(t *testing.T) {
				root := filepath.Join(t.TempDir(), "root")
				roottest.Copy(t, old, root)
				cmd := exec.Command(bin, append([]string{"-o", root}, sc.args...)...)
				cmd.Env = append(os.Environ(), "TMPDIR="+tmp)
				if err := cmd.Start(); err != nil {
					t.Fatal(err)
				}
				time.Sleep(delay)
				cmd.Process.Signal(syscall.SIGKILL)
				cmd.Wait()
				if out, _, err := runPakt(t, bin, tmp, nil, "-o", root, "recover"); err != nil {
					t.Fatalf("killed after %v, then recover: %v\n%s", delay, err, out)
				}
				state := sc.checkOldOrNew(t, root, fmt.Sprintf("killed after %v, then recover", delay))
				mu.Lock()
				outcomes[state]++
				mu.Unlock()
			})
		}
	})
	t.Logf("outcomes over %d kills: %v", runs, outcomes)
}

// TestTxnDamagedJournalBinary crashes an upgrade right after its commit
// record, damages the journal (cut at many lengths, or overwritten with
// garbage) and runs `pakt recover`: it must leave the old or the new tree,
// or refuse with a message that names the journal and the way out and
// change nothing.
func TestTxnDamagedJournalBinary(t *testing.T) {
	t.Parallel()
	bin := crashBin(t)
	scenarios := crashScenarios(t, bin)
	for _, sc := range scenarios[1:2] { // the upgrade: staged files and backups
		for _, point := range []string{txn.CrashCommitted, txn.CrashPrepared, txn.CrashRenamed + ":3"} {
			tmp := t.TempDir()
			crashed := filepath.Join(t.TempDir(), "root")
			roottest.Copy(t, sc.old, crashed)
			if _, killed, err := runPakt(t, bin, tmp, []string{"PAKT_CRASH_AT=" + point}, append([]string{"-o", crashed}, sc.args...)...); !killed {
				t.Fatalf("not killed at %s: %v", point, err)
			}
			journal, err := os.ReadFile(filepath.Join(crashed, txn.JournalPath))
			if err != nil {
				t.Fatal(err)
			}
			var cuts []int
			for n := 0; n < len(journal); n += max(1, len(journal)/40) {
				cuts = append(cuts, n)
			}
			cuts = append(cuts, len(journal)-1)
			damaged := map[string][]byte{"garbage": bytes.Repeat([]byte{0xa5, '\n'}, 64)}
			for _, n := range cuts {
				damaged[fmt.Sprintf("cut at %d of %d", n, len(journal))] = journal[:n]
			}
			for what, data := range damaged {
				t.Run(point+"/"+what, func(t *testing.T) {
					t.Parallel()
					root := filepath.Join(t.TempDir(), "root")
					roottest.Copy(t, crashed, root)
					if err := os.WriteFile(filepath.Join(root, txn.JournalPath), data, 0o644); err != nil {
						t.Fatal(err)
					}
					before := roottest.Snapshot(t, root)
					out, _, err := runPakt(t, bin, tmp, nil, "-o", root, "recover")
					if err == nil {
						sc.checkOldOrNew(t, root, point+", journal "+what+", then recover")
						return
					}
					// Refused: a clear message, and nothing changed.
					if !strings.Contains(out, "journal") || !strings.Contains(out, txn.JournalPath) {
						t.Errorf("refusal does not name the journal:\n%s", out)
					}
					if !strings.Contains(out, "Way out") && !strings.Contains(out, "delete") {
						t.Errorf("refusal gives no way out:\n%s", out)
					}
					if d := roottest.Diff(roottest.Snapshot(t, root), before); d != "" {
						t.Errorf("refusal changed the tree:%s", d)
					}
				})
			}
		}
	}
}
