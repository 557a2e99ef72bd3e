package roottest

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSnapshotCopyDiff: a copy snapshots equal to its original; every kind
// of change shows in Diff; the lock, an empty journal directory and
// Installed-Time do not.
func TestSnapshotCopyDiff(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for name, data := range map[string]string{
		"usr/bin/app":         "#!/bin/sh\n",
		"usr/lib/opkg/status": "Package: app\nInstalled-Time: 1700000000\n",
		LockFile:              "",
	} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	os.MkdirAll(filepath.Join(dir, JournalDir), 0o755)
	os.Symlink("app", filepath.Join(dir, "usr/bin/a"))
	old := Snapshot(t, dir)
	if _, ok := old[LockFile]; ok {
		t.Error("the lock file is in the snapshot")
	}
	if _, ok := old[JournalDir]; ok {
		t.Error("the empty journal directory is in the snapshot")
	}
	cp := filepath.Join(t.TempDir(), "copy")
	Copy(t, dir, cp)
	if d := Diff(Snapshot(t, cp), old); d != "" {
		t.Errorf("copy differs:%s", d)
	}
	os.WriteFile(filepath.Join(cp, "usr/lib/opkg/status"), []byte("Package: app\nInstalled-Time: 1800000000\n"), 0o755)
	if d := Diff(Snapshot(t, cp), old); d != "" {
		t.Errorf("Installed-Time counts:%s", d)
	}
	for _, change := range []struct {
		name string
		do   func(root string) error
	}{
		{"usr/bin/app", func(r string) error { return os.Chmod(filepath.Join(r, "usr/bin/app"), 0o644) }},
		{"usr/bin/app", func(r string) error { return os.WriteFile(filepath.Join(r, "usr/bin/app"), []byte("x"), 0o755) }},
		{"usr/bin/a", func(r string) error {
			os.Remove(filepath.Join(r, "usr/bin/a"))
			return os.Symlink("b", filepath.Join(r, "usr/bin/a"))
		}},
		{"usr/bin/new", func(r string) error { return os.WriteFile(filepath.Join(r, "usr/bin/new"), nil, 0o644) }},
		{JournalDir + "/journal", func(r string) error { return os.WriteFile(filepath.Join(r, JournalDir, "journal"), nil, 0o644) }},
	} {
		root := filepath.Join(t.TempDir(), "root")
		Copy(t, dir, root)
		if err := change.do(root); err != nil {
			t.Fatal(err)
		}
		if d := Diff(Snapshot(t, root), old); !strings.Contains(d, change.name+":") {
			t.Errorf("change to %s: diff %q", change.name, d)
		}
	}
}
