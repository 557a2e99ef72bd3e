package fsroot

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
)

func TestParseCrasher(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		spec  string
		point string
		nth   int
		bad   bool
	}{
		{spec: ""},
		{spec: "staged", point: "staged", nth: 1},
		{spec: "renamed:3", point: "renamed", nth: 3},
		{spec: "renamed:0", bad: true},
		{spec: "renamed:x", bad: true},
		{spec: ":2", bad: true},
	} {
		c, err := ParseCrasher(tc.spec)
		var se *CrashSpecError
		if tc.bad {
			if !errors.As(err, &se) {
				t.Errorf("%q: err = %v, want *CrashSpecError", tc.spec, err)
			}
			continue
		}
		if err != nil {
			t.Errorf("%q: %v", tc.spec, err)
			continue
		}
		if tc.point == "" {
			if c != nil {
				t.Errorf("%q: want nil", tc.spec)
			}
			c.At("anything") // a nil Crasher never crashes
			continue
		}
		if c.point != tc.point || c.nth != tc.nth {
			t.Errorf("%q: got %s:%d", tc.spec, c.point, c.nth)
		}
	}
}

// TestCrasherKills runs a child that passes a crash point twice and must
// die by SIGKILL the second time, not before.
func TestCrasherKills(t *testing.T) {
	t.Parallel()
	if os.Getenv("FSROOT_CRASH_CHILD") == "1" {
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrasherChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), "FSROOT_CRASH_CHILD=1", CrashEnv+"=here:2")
	out, err := cmd.Output()
	ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus)
	if err == nil || !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("child: %v, output %q", err, out)
	}
	if string(out) != "before\nonce\n" {
		t.Errorf("child output %q, want it killed at the second pass", out)
	}
}

func TestCrasherChild(t *testing.T) {
	if os.Getenv("FSROOT_CRASH_CHILD") != "1" {
		t.Skip("child of TestCrasherKills")
	}
	c, err := ParseCrasher(os.Getenv(CrashEnv))
	if err != nil {
		t.Fatal(err)
	}
	os.Stdout.WriteString("before\n")
	c.At("elsewhere")
	c.At("here")
	os.Stdout.WriteString("once\n")
	c.At("here")
	os.Stdout.WriteString("survived\n")
}

func TestFSCalls(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	counting := &CountingFS{FS: r}
	var fsys FS = counting
	if err := fsys.Mkdir("d", 0o750|fs.ModeSetgid); err != nil {
		t.Fatal(err)
	}
	f, err := fsys.Create("d/f", 0o755|fs.ModeSetuid)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	if err := f.Sync(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := fsys.Create("d/f", 0o644); !errors.Is(err, fs.ErrExist) {
		t.Errorf("Create over a file: %v, want ErrExist", err)
	}
	a, err := fsys.OpenAppend("d/f")
	if err != nil {
		t.Fatal(err)
	}
	a.Write([]byte(" world"))
	a.Close()
	if err := fsys.Symlink("/etc/passwd", "d/link"); err != nil {
		t.Fatal(err)
	}
	if err := fsys.Rename("d/f", "d/g"); err != nil {
		t.Fatal(err)
	}
	if err := fsys.SyncDir("d"); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "d/g")); string(got) != "hello world" {
		t.Errorf("content %q", got)
	}
	if info, _ := os.Lstat(filepath.Join(dir, "d/g")); info.Mode() != 0o755|fs.ModeSetuid {
		t.Errorf("file mode %v", info.Mode())
	}
	if info, _ := os.Lstat(filepath.Join(dir, "d")); info.Mode() != fs.ModeDir|0o750|fs.ModeSetgid {
		t.Errorf("dir mode %v", info.Mode())
	}
	if target, err := fsys.Readlink("d/link"); err != nil || target != "/etc/passwd" {
		t.Errorf("Readlink = %q, %v", target, err)
	}
	entries, err := fsys.ReadDir("d")
	if err != nil || len(entries) != 2 || entries[0].Name() != "g" {
		t.Errorf("ReadDir = %v, %v", entries, err)
	}
	if counting.Syncs != 2 || counting.Bytes != 11 {
		t.Errorf("counted %d syncs, %d bytes; want 2, 11", counting.Syncs, counting.Bytes)
	}
}

func TestFaultFS(t *testing.T) {
	t.Parallel()
	for at := 1; at <= 4; at++ {
		dir := t.TempDir()
		r, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		faulty := &FaultFS{FS: r, At: at, Err: syscall.ENOSPC}
		var errs []error
		f, err := faulty.Create("a", 0o644) // call 1
		errs = append(errs, err)
		if err == nil {
			_, err = f.Write([]byte("x")) // call 2
			errs = append(errs, err)
			errs = append(errs, f.Sync()) // call 3
			f.Close()
			errs = append(errs, faulty.Rename("a", "b")) // call 4
		}
		failed := 0
		for i, err := range errs {
			if err != nil {
				failed++
				if i+1 != at || !errors.Is(err, syscall.ENOSPC) {
					t.Errorf("at %d: call %d failed: %v", at, i+1, err)
				}
			}
		}
		if failed != 1 || faulty.Fired() == "" {
			t.Errorf("at %d: %d calls failed, fired %q", at, failed, faulty.Fired())
		}
		r.Close()
	}
}

func TestSpace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	sp, err := r.Space("not/yet/there")
	if err != nil {
		t.Fatal(err)
	}
	if sp.Available <= 0 || sp.BlockSize <= 0 || sp.Dir != r.OSPath(".") {
		t.Errorf("Space = %+v", sp)
	}
	info, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if sp.Device != Device(info) {
		t.Errorf("device %d, want %d", sp.Device, Device(info))
	}
}

// TestResolved: names resolved once are used as they are, and a name that
// passes through an absolute link (not resolved first) fails instead of
// leaving the tree.
func TestResolved(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "tmp"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/tmp", filepath.Join(dir, "var")); err != nil {
		t.Fatal(err)
	}
	r, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	fsys := r.Resolved()
	name, err := fsys.Resolve("/var/x")
	if err != nil || name != "tmp/x" {
		t.Fatalf("Resolve = %q, %v", name, err)
	}
	f, err := fsys.Create(name, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if _, err := os.Stat(filepath.Join(dir, "tmp/x")); err != nil {
		t.Errorf("file not under the root's tmp: %v", err)
	}
	if _, err := fsys.Create("var/y", 0o600); err == nil {
		t.Error("Create through an absolute link succeeded")
	}
	if err := fsys.Rename(name, "tmp/z"); err != nil {
		t.Fatal(err)
	}
	if err := fsys.Remove("tmp/z"); err != nil {
		t.Fatal(err)
	}
	if _, err := fsys.Lstat("tmp/z"); !IsNotExist(err) {
		t.Errorf("Lstat after Remove: %v", err)
	}
}
