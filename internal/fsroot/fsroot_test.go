package fsroot

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

func open(t *testing.T) (*Root, string) {
	t.Helper()
	dir := t.TempDir()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r, dir
}

func names(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			t.Fatal(err)
		}
		rel, _ := filepath.Rel(dir, p)
		out = append(out, rel)
		return nil
	})
	return out
}

func TestWriteFileReplacesAtomically(t *testing.T) {
	t.Parallel()
	r, dir := open(t)
	if err := r.MkdirAll("/usr/lib/opkg/lists", 0o755); err != nil {
		t.Fatal(err)
	}
	for _, content := range []string{"first\n", "second, longer\n", ""} {
		if err := r.WriteFile("usr/lib/opkg/lists/core", []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, "usr/lib/opkg/lists/core"))
		if err != nil || string(got) != content {
			t.Fatalf("read back %q, %v; want %q", got, err, content)
		}
	}
	want := []string{".", "usr", "usr/lib", "usr/lib/opkg", "usr/lib/opkg/lists", "usr/lib/opkg/lists/core"}
	if got := names(t, dir); !slices.Equal(got, want) {
		t.Errorf("tree %q, want %q (no temporaries left)", got, want)
	}
	info, _ := os.Stat(filepath.Join(dir, "usr/lib/opkg/lists/core"))
	if info.Mode().Perm() != 0o644 {
		t.Errorf("mode %v", info.Mode())
	}
}

func TestAbortKeepsOldFile(t *testing.T) {
	t.Parallel()
	r, dir := open(t)
	if err := r.WriteFile("f", []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := r.CreateTemp("f", 0o644)
	if err != nil {
		t.Fatal(err)
	}
	p.Write([]byte("new"))
	if got := names(t, dir); len(got) != 3 || !strings.Contains(got[1], ".f.pakt-") {
		t.Errorf("while pending: %q", got)
	}
	p.Abort()
	p.Abort()
	if err := p.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	got, _ := os.ReadFile(filepath.Join(dir, "f"))
	if string(got) != "old" {
		t.Errorf("f = %q after abort", got)
	}
	if got := names(t, dir); !slices.Equal(got, []string{".", "f"}) {
		t.Errorf("tree %q", got)
	}
}

// TestPublish: the unsynced commit puts the new version in place like
// Commit, leaves no temporary, and is final.
func TestPublish(t *testing.T) {
	t.Parallel()
	r, dir := open(t)
	if err := r.WriteFile("f", []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	p, err := r.CreateTemp("f", 0o600)
	if err != nil {
		t.Fatal(err)
	}
	p.Write([]byte("new"))
	if err := p.Publish(); err != nil {
		t.Fatal(err)
	}
	if err := p.Commit(); err == nil {
		t.Error("Commit after Publish succeeded")
	}
	got, _ := os.ReadFile(filepath.Join(dir, "f"))
	if string(got) != "new" {
		t.Errorf("f = %q after Publish", got)
	}
	if st, err := os.Stat(filepath.Join(dir, "f")); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("mode %v, %v", st.Mode(), err)
	}
	if got := names(t, dir); !slices.Equal(got, []string{".", "f"}) {
		t.Errorf("tree %q", got)
	}
}

func TestRemoveStale(t *testing.T) {
	t.Parallel()
	r, dir := open(t)
	for _, n := range []string{".core.pakt-0123456789abcdef", "core", ".hidden", "a.pakt-x"} {
		os.WriteFile(filepath.Join(dir, n), nil, 0o644)
	}
	removed, err := r.RemoveStale(".")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(removed, []string{".core.pakt-0123456789abcdef"}) {
		t.Errorf("removed %q", removed)
	}
	if got := names(t, dir); !slices.Equal(got, []string{".", ".hidden", "a.pakt-x", "core"}) {
		t.Errorf("tree %q", got)
	}
}

// OpenWrt roots have var -> /tmp; the write must land in <root>/tmp, as
// it would on the device, never in the host's /tmp.
func TestAbsoluteLinksResolveInsideRoot(t *testing.T) {
	t.Parallel()
	r, dir := open(t)
	os.Mkdir(filepath.Join(dir, "tmp"), 0o755)
	os.Symlink("/tmp", filepath.Join(dir, "var"))
	os.Symlink("../../..", filepath.Join(dir, "tmp", "up"))
	os.Symlink("/loop", filepath.Join(dir, "loop"))
	if err := r.MkdirAll("/var/lock", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := r.WriteFile("/var/lock/x", []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "tmp/lock/x")); err != nil {
		t.Errorf("not written under <root>/tmp: %v", err)
	}
	for name, want := range map[string]string{
		"var/lock/x":           "tmp/lock/x",
		"/var/../etc/passwd":   "etc/passwd",
		"../../../etc/passwd":  "etc/passwd",
		"var/up/etc/opkg.conf": "etc/opkg.conf",
		"var":                  "var",
		"/":                    ".",
	} {
		got, err := r.Resolve(name)
		if err != nil || got != want {
			t.Errorf("Resolve(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
	_, err := r.Resolve("loop/x")
	if !errors.Is(err, ErrTooManyLinks) {
		t.Errorf("link loop: %v", err)
	}
	var fe *Error
	if err := r.Remove("nothing"); !errors.As(err, &fe) || !errors.Is(err, fs.ErrNotExist) || fe.Path != dir+"/nothing" {
		t.Errorf("Remove of a missing file: %v", err)
	}
}

func TestLockIsOpkgLedes(t *testing.T) {
	t.Parallel()
	r, dir := open(t)
	if _, err := r.Lock("/var/lock/opkg.lock"); err == nil {
		t.Fatal("locked in a missing directory")
	} else {
		var le *LockError
		if !errors.As(err, &le) || le.Op != "create" || !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("missing directory: %#v", err)
		}
	}
	if err := r.MkdirAll("var/lock", 0o755); err != nil {
		t.Fatal(err)
	}
	l, err := r.Lock("/var/lock/opkg.lock")
	if err != nil {
		t.Fatal(err)
	}
	lockFile := filepath.Join(dir, "var/lock/opkg.lock")
	info, err := os.Stat(lockFile)
	if err != nil || info.Mode().Perm()&^0o640 != 0 {
		t.Fatalf("lock file: %v %v", info, err)
	}
	// Another process (this test binary as a helper) must be refused
	// with EAGAIN, as lockf(F_TLOCK) refuses opkg-lede.
	if err := lockFromHelper(t, dir); !strings.Contains(err, "lock") || !strings.Contains(err, syscall.EAGAIN.Error()) {
		t.Errorf("second process got %q, want a lock error with EAGAIN", err)
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(lockFile); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("lock file not removed at unlock: %v", err)
	}
	if err := lockFromHelper(t, dir); err != "ok" {
		t.Errorf("after unlock, second process got %q", err)
	}
	if err := l.Unlock(); err != nil {
		t.Errorf("second Unlock: %v", err)
	}
}

// lockFromHelper runs TestLockHelper in a child process against dir and
// returns what it reports.
func lockFromHelper(t *testing.T, dir string) string {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "FSROOT_LOCK_HELPER="+dir)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helper: %v\n%s", err, out)
	}
	s := string(out)
	i := strings.Index(s, "RESULT:")
	if i < 0 {
		t.Fatalf("helper said %q", s)
	}
	return strings.TrimSpace(strings.SplitN(s[i+7:], "\n", 2)[0])
}

func TestLockHelper(t *testing.T) {
	dir := os.Getenv("FSROOT_LOCK_HELPER")
	if dir == "" {
		t.Skip("helper process for TestLockIsOpkgLedes")
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	l, err := r.Lock("var/lock/opkg.lock")
	if err != nil {
		os.Stdout.WriteString("RESULT:" + err.Error() + "\n")
		return
	}
	time.Sleep(10 * time.Millisecond)
	l.Unlock()
	os.Stdout.WriteString("RESULT:ok\n")
}

// TestResolvedCreateAfterDirReplaced: files created through Resolved land
// in the directory their name names now, also after that directory was
// removed and made again, or renamed away, through the Root.
func TestResolvedCreateAfterDirReplaced(t *testing.T) {
	t.Parallel()
	r, dir := open(t)
	fsys := r.Resolved()
	create := func(name string) {
		t.Helper()
		f, err := fsys.Create(name, 0o644)
		if err != nil {
			t.Fatal(err)
		}
		f.Write([]byte(name))
		f.Close()
	}
	if err := fsys.MkdirAll("a/b", 0o755); err != nil {
		t.Fatal(err)
	}
	create("a/b/one")
	if err := fsys.Rename("a/b", "a/c"); err != nil {
		t.Fatal(err)
	}
	if err := fsys.Mkdir("a/b", 0o755); err != nil {
		t.Fatal(err)
	}
	create("a/b/two")
	if err := fsys.Remove("a/b/two"); err != nil {
		t.Fatal(err)
	}
	if err := fsys.Remove("a/b"); err != nil {
		t.Fatal(err)
	}
	if err := fsys.Mkdir("a/b", 0o755); err != nil {
		t.Fatal(err)
	}
	create("a/b/three")
	create("top")
	for name, want := range map[string]string{"a/c/one": "a/b/one", "a/b/three": "a/b/three", "top": "top"} {
		if got, err := os.ReadFile(filepath.Join(dir, name)); err != nil || string(got) != want {
			t.Errorf("%s: %q, %v", name, got, err)
		}
	}
	if _, err := fsys.Create("a/b/../../../escape", 0o644); err == nil {
		t.Error("a name leaving the root was created")
	}
}
