package engine

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"pakt/internal/feedtest"
	"pakt/internal/fsroot"
	"pakt/internal/roottest"
	"pakt/internal/txn"
)

// The fault tests make every writing call of a whole Apply fail once, with
// ENOSPC and with EIO (DESIGN.md §5: "a fault-injecting fsroot proves
// ENOSPC and EIO at every write leave the old tree"). The root is real,
// in a temporary directory, fed by a signed file:// feed: three packages
// that depend on each other, a conffile the user changed, a file v2 no
// longer ships, symbolic links. For install, upgrade and remove
// --autoremove, an uninterrupted run first counts the calls and gives the
// new tree; then for each call N a fresh copy of the old tree is given an
// Apply whose N-th call fails.
//
// What must follow is decided by where the fault hit, as §5 says. Before
// the commit point (a *txn.StageError) and during the commit's renames (a
// *txn.CommitError: the process is alive, cuts the journal back to its
// plan and undoes the renames) the tree is the old one exactly and no
// journal is left; a normal Apply then gives the new tree. After the
// transaction was applied (a *txn.CleanupError: only backups and the
// journal remain) the commit stands: Recover rolls forward and gives the
// new tree exactly. Apply itself finishes the cleanup and configures
// before it reports the error, so a journal deleted before the failing
// sync leaves nothing undone. Either way Apply returns an error that wraps
// the errno and names a path.
//
// One more phase: on a live root (no -o) every new package is committed
// "unpacked" and configure records it "installed" in a second, small
// transaction; a fault there leaves the packages installed and unpacked,
// as a failing postinst does (§5), configure finishes them, and the error
// says so (a *RecordConfiguredError), not "nothing changed".

// faultFeeds are the two versions of the packages. tool needs app, app
// needs libfoo; libfoo's link follows the library's soname; v2 drops
// app's obsolete file and changes its conffile.
const faultFeedV1 = `
-- libfoo/control --
Package: libfoo
Version: 1.0-1
-- libfoo/data/usr/lib/libfoo.so.1 --
libfoo one
-- libfoo/data/usr/lib/libfoo.so -> libfoo.so.1 --
-- app/control --
Package: app
Version: 1.0-1
Depends: libfoo
-- app/conffiles --
/etc/config/app
-- app/data/etc/config/app --
option v 1
-- app/data/usr/bin/app mode=0755 --
#!/bin/sh
echo app 1
-- app/data/usr/share/app/old --
obsolete in 2.0
-- app/data/usr/share/app/doc --
app doc 1
-- tool/control --
Package: tool
Version: 1.0-1
Depends: app (>= 1.0)
-- tool/data/usr/bin/tool mode=0755 --
#!/bin/sh
echo tool 1
-- tool/data/usr/bin/t -> tool --
`

const faultFeedV2 = `
-- libfoo/control --
Package: libfoo
Version: 2.0-1
-- libfoo/data/usr/lib/libfoo.so.2 --
libfoo two
-- libfoo/data/usr/lib/libfoo.so -> libfoo.so.2 --
-- app/control --
Package: app
Version: 2.0-1
Depends: libfoo (>= 2.0)
-- app/conffiles --
/etc/config/app
-- app/data/etc/config/app --
option v 2
-- app/data/usr/bin/app mode=0755 --
#!/bin/sh
echo app 2
-- app/data/usr/share/app/doc --
app doc 2
-- app/data/usr/share/app/new --
new in 2.0
-- tool/control --
Package: tool
Version: 2.0-1
Depends: app (>= 2.0)
-- tool/data/usr/bin/tool mode=0755 --
#!/bin/sh
echo tool 2
-- tool/data/usr/bin/t -> tool --
`

// faultScenario is one Apply tried with a fault at every call.
type faultScenario struct {
	name string
	old  string // template root, the tree before
	cmd  PlanCommand
	args []string
	opts Options
	// new is the tree an uninterrupted run leaves; calls is how many
	// writing calls it makes.
	new   map[string]string
	calls int
	// committed is the number of the call that deleted the main
	// transaction's journal: every later call is its last directory sync
	// or belongs to the status update of configure.
	committed int
}

// journalWatch sits under a FaultFS and notes which call deleted the
// journal first (the FaultFS has counted a call when it passes it on).
type journalWatch struct {
	fsroot.FS
	fault   *fsroot.FaultFS
	removed int
}

func (w *journalWatch) Remove(name string) error {
	if name == txn.JournalPath && w.removed == 0 {
		w.removed = w.fault.Calls()
	}
	return w.FS.Remove(name)
}

// faultSystem is a System over the root in dir, its transaction's FS
// wrapped by wrap (nil for none), temporary files in tmp. fsyncs are
// counted (and failed) by a FaultFS but not made: no power is cut here,
// and the disk's flushes would be most of the time.
func faultSystem(dir, tmp string, wrap func(fsroot.FS) fsroot.FS) System {
	wrapAll := func(f fsroot.FS) fsroot.FS {
		f = noSyncFS{f}
		if wrap != nil {
			f = wrap(f)
		}
		return f
	}
	return System{
		Files:   os.DirFS(dir),
		Dir:     "/",
		RootDir: dir,
		Getenv: func(name string) string {
			if name == "TMPDIR" {
				return tmp
			}
			return ""
		},
		WrapFS: wrapAll,
	}
}

// noSyncFS skips fsyncs.
type noSyncFS struct{ fsroot.FS }

func (n noSyncFS) SyncDir(string) error { return nil }

func (n noSyncFS) Create(name string, perm fs.FileMode) (fsroot.File, error) {
	f, err := n.FS.Create(name, perm)
	if err != nil {
		return nil, err
	}
	return noSyncFile{f}, nil
}

func (n noSyncFS) OpenAppend(name string) (fsroot.File, error) {
	f, err := n.FS.OpenAppend(name)
	if err != nil {
		return nil, err
	}
	return noSyncFile{f}, nil
}

type noSyncFile struct{ fsroot.File }

func (noSyncFile) Sync() error { return nil }

// faultApply runs one Apply on the root in dir; fault, when not nil, is
// put in front of the transaction's FS.
func faultApply(t *testing.T, dir string, sc *faultScenario, fault *fsroot.FaultFS) error {
	t.Helper()
	var wrap func(fsroot.FS) fsroot.FS
	if fault != nil {
		wrap = func(f fsroot.FS) fsroot.FS {
			if w, ok := fault.FS.(*journalWatch); ok {
				w.FS = f
			} else {
				fault.FS = f
			}
			return fault
		}
	}
	e := New(faultSystem(dir, t.TempDir(), wrap), sc.opts)
	_, err := e.Apply(context.Background(), ApplyRequest{
		PlanRequest: PlanRequest{Command: sc.cmd, Args: sc.args},
		Stdout:      &bytes.Buffer{}, Stderr: &bytes.Buffer{},
	})
	return err
}

// writeFiles writes files (name → content) under dir, parents 0755.
func writeFiles(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, data := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// faultUpdate points the root at a feed directory and updates the lists.
func faultUpdate(t *testing.T, dir, feedDir string) {
	t.Helper()
	writeFiles(t, dir, map[string]string{"etc/opkg/customfeeds.conf": "src/gz core file://" + feedDir + "\n"})
	e := New(faultSystem(dir, t.TempDir(), nil), Options{})
	res, err := e.Update(context.Background(), UpdateRequest{})
	if err != nil {
		t.Fatalf("update: %v", err)
	}
	if res.Failures != 0 || !res.SignatureChecked || len(res.Feeds) != 1 || !res.Feeds[0].Verified {
		t.Fatalf("update: %d failures, signature checked %v, feeds %v", res.Failures, res.SignatureChecked, res.Feeds)
	}
}

// faultRoots builds the two feeds and the scenarios' old trees.
func faultRoots(t *testing.T) []*faultScenario {
	t.Helper()
	base := t.TempDir()
	feeds := map[string]string{}
	var key *feedtest.Feed
	for name, desc := range map[string]string{"v1": faultFeedV1, "v2": faultFeedV2} {
		f := feedtest.MustBuild(t, desc)
		feeds[name] = filepath.Join(base, "feed-"+name)
		if err := f.WriteDir(feeds[name]); err != nil {
			t.Fatal(err)
		}
		key = f // both are signed with the same test key
	}
	newRoot := func(name string) string {
		dir := filepath.Join(base, name)
		writeFiles(t, dir, map[string]string{
			"etc/opkg.conf": "dest root /\nlists_dir ext /var/opkg-lists\noption check_signature 1\n" +
				"arch all 1\n",
			"etc/opkg/keys/" + key.KeyID().FileName(): string(key.PublicKeyFile()),
			"usr/lib/opkg/status":                     "",
			"usr/lib/opkg/info/.keep":                 "",
			"var/lock/.keep":                          "",
		})
		faultUpdate(t, dir, feeds["v1"])
		return dir
	}

	empty := newRoot("empty")
	installed := newRoot("installed")
	install := &faultScenario{name: "install", cmd: PlanInstall, args: []string{"tool"}}
	if err := faultApply(t, installed, install, nil); err != nil {
		t.Fatalf("installing v1: %v", err)
	}
	writeFiles(t, installed, map[string]string{"etc/config/app": "option v mine\n"})
	upgradable := filepath.Join(base, "upgradable")
	roottest.Copy(t, installed, upgradable)
	faultUpdate(t, upgradable, feeds["v2"])

	return []*faultScenario{
		{name: "install", old: empty, cmd: PlanInstall, args: []string{"tool"}},
		{name: "upgrade", old: upgradable, cmd: PlanUpgrade},
		{name: "remove", old: installed, cmd: PlanRemove, args: []string{"tool"}, opts: Options{Autoremove: true}},
	}
}

func TestFaultEveryWrite(t *testing.T) {
	t.Parallel()
	scenarios := faultRoots(t)
	for _, sc := range scenarios {
		// The uninterrupted run: the new tree and the number of calls.
		dir := filepath.Join(t.TempDir(), "root")
		roottest.Copy(t, sc.old, dir)
		count := &fsroot.FaultFS{Err: syscall.EIO} // At 0: never fails
		watch := &journalWatch{fault: count}
		count.FS = watch
		if err := faultApply(t, dir, sc, count); err != nil {
			t.Fatalf("%s: %v", sc.name, err)
		}
		sc.new, sc.calls, sc.committed = roottest.Snapshot(t, dir), count.Calls(), watch.removed
		if sc.committed == 0 {
			t.Fatalf("%s: the journal was never deleted", sc.name)
		}
		if sc.calls < 10 {
			t.Fatalf("%s: only %d writing calls", sc.name, sc.calls)
		}
		if oldTree := roottest.Snapshot(t, sc.old); mapsEqual(oldTree, sc.new) {
			t.Fatalf("%s changes nothing", sc.name)
		}
		t.Logf("%s: %d writing calls, the transaction's journal deleted at call %d", sc.name, sc.calls, sc.committed)
	}
	checkFaultTrees(t, scenarios)

	for _, sc := range scenarios {
		oldTree := roottest.Snapshot(t, sc.old)
		var mu sync.Mutex
		kinds := map[string]int{}
		t.Run(sc.name, func(t *testing.T) {
			t.Parallel()
			for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EIO} {
				for at := 1; at <= sc.calls; at++ {
					t.Run(fmt.Sprintf("%s-%d", errnoName(errno), at), func(t *testing.T) {
						t.Parallel()
						kind := faultCase(t, sc, oldTree, errno, at)
						mu.Lock()
						kinds[kind]++
						mu.Unlock()
					})
				}
			}
		})
		t.Cleanup(func() {
			// Every phase of the transaction was reached by some fault.
			if !t.Failed() && (kinds["stage"] == 0 || kinds["commit"] == 0 || kinds["cleanup"] == 0) {
				t.Errorf("%s: faults hit %v, want every phase", sc.name, kinds)
			}
			t.Logf("%s: phases hit by the faults (skipped cases left out): %v", sc.name, kinds)
		})
	}
}

// faultCase applies sc to a copy of the old tree with call at failing with
// errno, checks the outcome, and says which phase the fault hit.
func faultCase(t *testing.T, sc *faultScenario, oldTree map[string]string, errno syscall.Errno, at int) string {
	dir := filepath.Join(t.TempDir(), "root")
	roottest.Copy(t, sc.old, dir)
	fault := &fsroot.FaultFS{At: at, Err: errno}
	err := faultApply(t, dir, sc, fault)
	fired := fault.Fired()
	if fired == "" {
		t.Fatalf("call %d not reached (%d calls, error %v)", at, fault.Calls(), err)
	}
	if err == nil {
		t.Fatalf("fault at %s: Apply succeeded", fired)
	}
	if !errors.Is(err, errno) {
		t.Errorf("fault at %s: error %q does not wrap %v", fired, err, errno)
	}
	var fe *fsroot.Error
	if !errors.As(err, &fe) || fe.Path == "" || !strings.Contains(err.Error(), fe.Path) {
		t.Errorf("fault at %s: error %q names no path", fired, err)
	}
	var (
		journal *txn.JournalError
		stage   *txn.StageError
		commit  *txn.CommitError
		cleanup *txn.CleanupError
		kind    string
	)
	switch {
	case errors.As(err, &cleanup):
		kind = "cleanup"
	case errors.As(err, &commit):
		kind = "commit"
	case errors.As(err, &stage):
		kind = "stage"
	case errors.As(err, &journal):
		kind = "recover" // the recovery every locking command begins with
	default:
		t.Fatalf("fault at %s: error %q (%T) is none of txn's", fired, err, err)
	}
	_, jerr := os.Lstat(filepath.Join(dir, txn.JournalPath))
	journalLeft := jerr == nil

	switch {
	case kind == "cleanup":
		// The transaction (the main one, or configure's status update)
		// was applied: the next locking command rolls forward, if the
		// journal is still there to say so.
		rep, rerr := New(faultSystem(dir, t.TempDir(), nil), Options{}).Recover(context.Background(), MaintainRequest{})
		if rerr != nil {
			t.Fatalf("fault at %s (%v), then recover: %v", fired, err, rerr)
		}
		want := txn.Nothing
		if journalLeft {
			want = txn.RolledForward
		}
		if rep.Action != want {
			t.Errorf("fault at %s: recover did %v, want %v", fired, rep.Action, want)
		}
		got := roottest.Snapshot(t, dir)
		if diff := roottest.Diff(got, sc.new); diff != "" {
			t.Fatalf("fault at %s (%v), then recover: tree is not the new one: %s", fired, err, diff)
		}
	case at > sc.committed+1:
		// The main transaction is complete; configure's status update
		// failed and was undone: the packages are installed, recorded
		// unpacked, as after a failing postinst (§5), and configure
		// finishes them.
		if journalLeft {
			t.Errorf("fault at %s: journal left behind", fired)
		}
		var rce *RecordConfiguredError
		if kind != "cleanup" && !errors.As(err, &rce) {
			t.Errorf("fault at %s: %q (%T) is not a RecordConfiguredError", fired, err, err)
		}
		faultConfigure(t, dir, sc, fired)
	default:
		// Before the commit point, or during the commit's renames, which
		// the process undoes: the old tree exactly, no journal.
		if journalLeft {
			t.Errorf("fault at %s: journal left behind", fired)
		}
		if diff := roottest.Diff(roottest.Snapshot(t, dir), oldTree); diff != "" {
			t.Fatalf("fault at %s (%v): tree is not the old one: %s", fired, err, diff)
		}
		if err := faultApply(t, dir, sc, nil); err != nil {
			t.Fatalf("fault at %s, then a normal run: %v", fired, err)
		}
		if diff := roottest.Diff(roottest.Snapshot(t, dir), sc.new); diff != "" {
			t.Fatalf("fault at %s, then a normal run: tree is not the new one: %s", fired, diff)
		}
	}
	return kind
}

// faultConfigure runs configure on a tree whose packages were left
// unpacked and checks that it is then the new tree.
func faultConfigure(t *testing.T, dir string, sc *faultScenario, fired string) {
	t.Helper()
	if err := New(faultSystem(dir, t.TempDir(), nil), Options{}).Configure(context.Background(), MaintainRequest{}); err != nil {
		t.Fatalf("fault at %s, then configure: %v", fired, err)
	}
	if diff := roottest.Diff(roottest.Snapshot(t, dir), sc.new); diff != "" {
		t.Fatalf("fault at %s, then configure: tree is not the new one: %s", fired, diff)
	}
}

// checkFaultTrees checks that the scenarios' trees are the ones described,
// so that "old" and "new" mean what the tests say.
func checkFaultTrees(t *testing.T, scenarios []*faultScenario) {
	t.Helper()
	want := map[string]map[string]string{
		"install": {
			"usr/lib/libfoo.so.1": "file 0644 \"libfoo one\\n\"",
			"usr/lib/libfoo.so":   "link -> libfoo.so.1",
			"usr/bin/t":           "link -> tool",
			"usr/bin/tool":        "file 0755 \"#!/bin/sh\\necho tool 1\\n\"",
			"etc/config/app":      "file 0644 \"option v 1\\n\"",
			"usr/share/app/old":   "file 0644 \"obsolete in 2.0\\n\"",
		},
		"upgrade": {
			"usr/lib/libfoo.so.1":     "",
			"usr/lib/libfoo.so.2":     "file 0644 \"libfoo two\\n\"",
			"usr/lib/libfoo.so":       "link -> libfoo.so.2",
			"usr/bin/tool":            "file 0755 \"#!/bin/sh\\necho tool 2\\n\"",
			"etc/config/app":          "file 0644 \"option v mine\\n\"",
			"etc/config/app-opkg":     "file 0644 \"option v 2\\n\"",
			"usr/share/app/old":       "",
			"usr/share/app/new":       "file 0644 \"new in 2.0\\n\"",
			"usr/lib/opkg/info/.keep": "file 0644 \"\"",
		},
		"remove": {
			"usr/lib/libfoo.so.1":     "",
			"usr/lib/libfoo.so":       "",
			"usr/bin/tool":            "",
			"usr/bin/app":             "",
			"etc/config/app":          "file 0644 \"option v mine\\n\"",
			"usr/lib/opkg/info/.keep": "file 0644 \"\"",
		},
	}
	for _, sc := range scenarios {
		for name, w := range want[sc.name] {
			if got := sc.new[name]; got != w {
				t.Errorf("%s: new tree has %s = %s, want %s", sc.name, name, got, w)
			}
		}
	}
}

func mapsEqual(a, b map[string]string) bool { return roottest.Diff(a, b) == "" }

func errnoName(e syscall.Errno) string {
	switch e {
	case syscall.ENOSPC:
		return "ENOSPC"
	case syscall.EIO:
		return "EIO"
	}
	return fmt.Sprint(int(e))
}
