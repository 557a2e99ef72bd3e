// Package roottest snapshots, compares and copies the root directories that
// pakt's crash, fault and interop tests install into, so that "the tree is
// the old one or the new one, exactly" means the same in every package
// that proves it.
//
// A snapshot maps every path under the root (slash-separated, relative) to
// a description of its type, permission bits and link target or bytes.
// What tools leave behind and is not the tree's is left out: opkg's lock
// file (created by the first locking command, then kept) and pakt's
// journal directory while it is empty. Installed-Time in the database
// (usr/lib/opkg/) is masked: it is the clock's, not the transaction's.
package roottest

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// JournalDir is the directory of pakt's journal (txn.JournalPath's; a test
// in internal/txn keeps the two equal: this package cannot import txn,
// whose own tests use it).
const JournalDir = "usr/lib/opkg/pakt"

// LockFile is opkg's lock (opkg-compat.md §3.3).
const LockFile = "var/lock/opkg.lock"

var installedTime = regexp.MustCompile(`(?m)^Installed-Time: \d+$`)

// Snapshot describes the tree under dir.
func Snapshot(t testing.TB, dir string) map[string]string {
	t.Helper()
	snap := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(dir, p)
		if err != nil || rel == "." {
			return err
		}
		rel = filepath.ToSlash(rel)
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case rel == LockFile:
		case info.IsDir():
			if rel == JournalDir {
				if entries, _ := os.ReadDir(p); len(entries) == 0 {
					return nil
				}
			}
			snap[rel] = fmt.Sprintf("dir %04o", info.Mode()&(fs.ModePerm|fs.ModeSetgid|fs.ModeSticky))
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			snap[rel] = "link -> " + target
		case info.Mode().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if strings.HasPrefix(rel, "usr/lib/opkg/") {
				data = installedTime.ReplaceAll(data, []byte("Installed-Time: T"))
			}
			snap[rel] = fmt.Sprintf("file %04o %q", info.Mode()&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid), data)
		default:
			snap[rel] = "other " + info.Mode().String()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return snap
}

// Diff lists, one line each, the paths where two snapshots differ; ""
// when they are equal.
func Diff(got, want map[string]string) string {
	var names []string
	for name := range got {
		names = append(names, name)
	}
	for name := range want {
		if _, ok := got[name]; !ok {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var b strings.Builder
	for _, name := range names {
		if g, w := got[name], want[name]; g != w {
			fmt.Fprintf(&b, "\n  %s: got %s, want %s", name, orNone(g), orNone(w))
		}
	}
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// Copy copies the tree under from to to (which must not exist yet),
// keeping modes and symbolic links: a crashed state to try many things on.
func Copy(t testing.TB, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		info, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case info.IsDir():
			if err := os.MkdirAll(dst, 0o700); err != nil {
				return err
			}
			return os.Chmod(dst, info.Mode()&(fs.ModePerm|fs.ModeSetgid|fs.ModeSticky))
		case info.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, dst)
		default:
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if err := os.WriteFile(dst, data, 0o600); err != nil {
				return err
			}
			return os.Chmod(dst, info.Mode()&(fs.ModePerm|fs.ModeSetuid|fs.ModeSetgid))
		}
	})
	if err != nil {
		t.Fatal(err)
	}
}
