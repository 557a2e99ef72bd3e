package fsroot

import (
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzResolve: whatever the name, with absolute, relative, upward and
// looping links in the tree, Resolve never panics and never names a place
// outside the root; os.Root then accepts the result.
func FuzzResolve(f *testing.F) {
	for _, seed := range []string{"var/lock/opkg.lock", "/usr/lib/opkg/lists/core", "../../etc/passwd",
		"up/up/up/x", "abs/x", "loop/x", "var/../../tmp", "./a//b/../c", "rel/rel/x"} {
		f.Add(seed)
	}
	dir := f.TempDir()
	os.MkdirAll(filepath.Join(dir, "tmp/lock"), 0o755)
	os.MkdirAll(filepath.Join(dir, "a/b"), 0o755)
	os.Symlink("/tmp", filepath.Join(dir, "var"))
	os.Symlink("../..", filepath.Join(dir, "a/b/up"))
	os.Symlink("a/b/up", filepath.Join(dir, "up"))
	os.Symlink("/etc/../../..", filepath.Join(dir, "abs"))
	os.Symlink("loop", filepath.Join(dir, "loop"))
	os.Symlink("rel", filepath.Join(dir, "rel"))
	r, err := Open(dir)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if strings.ContainsRune(name, 0) || len(name) > 4096 {
			return
		}
		got, err := r.Resolve(name)
		if err != nil {
			return
		}
		if path.IsAbs(got) || got == ".." || strings.HasPrefix(got, "../") || path.Clean(got) != got {
			t.Fatalf("Resolve(%q) = %q: not a clean name under the root", name, got)
		}
		dirPart := path.Dir(got)
		if _, err := r.root.Lstat(dirPart); err != nil && !os.IsNotExist(err) && !strings.Contains(err.Error(), "not a directory") {
			t.Fatalf("Resolve(%q) = %q: os.Root refuses its directory: %v", name, got, err)
		}
	})
}
