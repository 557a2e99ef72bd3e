package txn

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"pakt/internal/fsroot"
)

// The scenario: an old tree with a package installed, and a transaction
// that upgrades it (files replaced, one removed, new files in new
// directories, a link replaced, a new link), removes another package and
// rewrites the database.

const (
	helperEnv  = "PAKT_TXN_HELPER" // "run" or "recover"
	rootEnv    = "PAKT_TXN_ROOT"
	filesEnv   = "PAKT_TXN_FILES"  // extra files, for long transactions
	noSyncEnv  = "PAKT_TXN_NOSYNC" // "1": skip fsync (a kill, unlike a power cut, keeps the page cache)
	readyToken = "ready\n"
)

// oldTree creates the tree before the transaction.
func oldTree(t testing.TB, dir string) {
	t.Helper()
	files := map[string]string{
		"usr/bin/tool":                 "old tool\n",
		"usr/lib/libtool.so.1":         "old library",
		"etc/config/tool":              "config 1\n",
		"usr/share/tool/obsolete":      "obsolete data",
		"usr/bin/other":                "other package",
		"usr/lib/opkg/status":          "Package: tool\nVersion: 1\n\nPackage: other\nVersion: 1\n",
		"usr/lib/opkg/info/tool.list":  "/usr/bin/tool\n",
		"usr/lib/opkg/info/other.list": "/usr/bin/other\n",
	}
	for name, content := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chmod(filepath.Join(dir, "usr/bin/tool"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("libtool.so.1", filepath.Join(dir, "usr/lib/libtool.so")); err != nil {
		t.Fatal(err)
	}
	// /var is a link to /tmp on every OpenWrt root.
	if err := os.Symlink("/tmp", filepath.Join(dir, "var")); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(dir, "tmp"), 0o1777); err != nil {
		t.Fatal(err)
	}
}

// scenario is the transaction; extra adds that many files in a new
// directory (long transactions for the random kills and the benchmark).
func scenario(extra int) []Op {
	uid, gid := os.Getuid(), os.Getgid()
	file := func(name string, mode fs.FileMode, content string) Op {
		return File(name, mode, uid, gid, int64(len(content)), strings.NewReader(content)).For("tool")
	}
	ops := []Op{
		file("usr/bin/tool", 0o755, "new tool\n"),
		file("usr/lib/libtool.so.2", 0o644, "new library"),
		Symlink("usr/lib/libtool.so", "libtool.so.2", uid, gid).For("tool"),
		file("etc/config/tool", 0o600, "config 2\n"),
		Remove("usr/share/tool/obsolete").For("tool"),
		Dir("usr/share/tool/empty", 0o700, uid, gid).For("tool"),
		file("usr/share/tool/plugins/a.so", 0o755|fs.ModeSetuid, "plugin a"),
		Symlink("usr/bin/tool-link", "/usr/bin/tool", uid, gid).For("tool"),
		file("var/run/tool.pid", 0o644, "42\n"),
		Remove("usr/bin/other").For("other"),
		RemoveDatabase("usr/lib/opkg/info/other.list"),
		Database("usr/lib/opkg/info/tool.list", []byte("/usr/bin/tool\n/usr/lib/libtool.so.2\n")),
		Database("usr/lib/opkg/status", []byte("Package: tool\nVersion: 2\n")),
	}
	for i := range extra {
		content := strings.Repeat(fmt.Sprintf("file %d\n", i), 100)
		ops = append(ops, file(fmt.Sprintf("usr/share/many/%03d/f%d", i/50, i), 0o644, content))
	}
	return ops
}

// snapshot describes a tree: every entry's type, permissions and content
// or link target. The journal's directory is left out (it stays, empty,
// after the first transaction) but not what is in it.
func snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if rel == "." || rel == "usr/lib/opkg/pakt" {
			return nil
		}
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		desc := info.Mode().String()
		switch {
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			desc += " -> " + target
		case info.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			h := sha256.Sum256(data)
			desc += " " + hex.EncodeToString(h[:8])
		}
		out[rel] = desc
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// diff says how two snapshots differ, "" when equal.
func diff(a, b map[string]string) string {
	var lines []string
	for k, v := range a {
		if w, ok := b[k]; !ok {
			lines = append(lines, "- "+k+" "+v)
		} else if w != v {
			lines = append(lines, "~ "+k+" "+v+" => "+w)
		}
	}
	for k, v := range b {
		if _, ok := a[k]; !ok {
			lines = append(lines, "+ "+k+" "+v)
		}
	}
	sort.Strings(lines)
	if len(lines) > 10 {
		lines = append(lines[:10], fmt.Sprintf("... %d more", len(lines)-10))
	}
	return strings.Join(lines, "\n")
}

// trees is the old and the new tree of a scenario, from an uninterrupted
// run.
type trees struct {
	old, new map[string]string
}

func makeTrees(t testing.TB, extra int) trees {
	t.Helper()
	dir := t.TempDir()
	oldTree(t, dir)
	var tr trees
	tr.old = snapshot(t, dir)
	root := openRoot(t, dir)
	tx, err := New(root, scenario(extra), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Run(); err != nil {
		t.Fatal(err)
	}
	tr.new = snapshot(t, dir)
	if diff(tr.old, tr.new) == "" {
		t.Fatal("the scenario changes nothing")
	}
	return tr
}

// which says whether a tree is the old or the new one, or how it differs
// from both.
func (tr trees) which(got map[string]string) (string, bool) {
	if diff(tr.old, got) == "" {
		return "old", true
	}
	if diff(tr.new, got) == "" {
		return "new", true
	}
	return "neither:\nvs old:\n" + diff(tr.old, got) + "\nvs new:\n" + diff(tr.new, got), false
}

func openRoot(t testing.TB, dir string) *fsroot.Root {
	t.Helper()
	root, err := fsroot.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return root
}

// TestHelperProcess is the child the crash tests run: it applies the
// scenario (or recovers) in $PAKT_TXN_ROOT with $PAKT_CRASH_AT, and exits.
func TestHelperProcess(t *testing.T) {
	mode := os.Getenv(helperEnv)
	if mode == "" {
		t.Skip("only run as a child of the crash tests")
	}
	crash, err := fsroot.ParseCrasher(os.Getenv(fsroot.CrashEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	root, err := fsroot.Open(os.Getenv(rootEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	switch mode {
	case "run":
		extra, _ := strconv.Atoi(os.Getenv(filesEnv))
		ops := scenario(extra)
		fsys := root.Resolved()
		if os.Getenv(noSyncEnv) == "1" {
			fsys = noSync{fsys}
		}
		tx, err := New(fsys, ops, Options{Crash: crash})
		if err == nil {
			os.Stdout.WriteString(readyToken)
			start := time.Now()
			err = tx.Run()
			fmt.Fprintf(os.Stdout, "%d\n", time.Since(start).Nanoseconds())
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	case "recover":
		if _, err := Recover(noSync{root.Resolved()}, crash); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
	os.Exit(0)
}

// child prepares a helper process; crash is a CrashEnv value or "".
func child(dir, mode, crash string, extra int) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), helperEnv+"="+mode, rootEnv+"="+dir,
		fsroot.CrashEnv+"="+crash, filesEnv+"="+strconv.Itoa(extra), noSyncEnv+"=1")
	return cmd
}

// runChild runs a helper to its end and says whether it killed itself.
func runChild(t testing.TB, dir, mode, crash string, extra int) (killed bool) {
	t.Helper()
	cmd := child(dir, mode, crash, extra)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if err == nil {
		return false
	}
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() && ws.Signal() == syscall.SIGKILL {
		return true
	}
	t.Fatalf("%s %s at %q: %v\n%s", mode, dir, crash, err, stderr.String())
	return false
}

// recoverIn runs Recover in this process, then checks a second Recover
// has nothing to do.
func recoverIn(t testing.TB, dir string) Report {
	t.Helper()
	root := noSync{openRoot(t, dir)}
	rep, err := Recover(root, nil)
	if err != nil {
		t.Fatalf("recover: %v", err)
	}
	again, err := Recover(root, nil)
	if err != nil || again.Action != Nothing {
		t.Fatalf("second recover: %v, %v", again.Action, err)
	}
	return rep
}

// noSync skips fsync: SIGKILL loses no written data, so the random kills
// test the order of operations, many more instants per second.
type noSync struct{ fsroot.FS }

func (n noSync) Create(name string, perm fs.FileMode) (fsroot.File, error) {
	f, err := n.FS.Create(name, perm)
	return noSyncFile{f}, err
}

func (n noSync) OpenAppend(name string) (fsroot.File, error) {
	f, err := n.FS.OpenAppend(name)
	return noSyncFile{f}, err
}

func (noSync) SyncDir(string) error { return nil }

type noSyncFile struct{ fsroot.File }

func (noSyncFile) Sync() error { return nil }
