package fsroot

import (
	"fmt"
	"io/fs"
	"syscall"
)

// FaultFS is an FS that fails one chosen call: the At-th call (counting
// from 1) among those that write — create, write, sync, truncate, mkdir,
// symlink, chown, rename, remove, directory sync — returns Err (ENOSPC, EIO,
// ...) instead of happening. Every other call goes to the wrapped FS. Tests
// run a transaction with At = 1, 2, ... until it no longer reaches the
// fault, so every write of the transaction has been made to fail once.
// A FaultFS is used by one goroutine.
type FaultFS struct {
	FS
	At  int
	Err syscall.Errno

	calls int
	fired string // the call that failed, "" until then
}

// Calls is how many writing calls have been made.
func (f *FaultFS) Calls() int { return f.calls }

// Fired names the call that was made to fail ("" if none): the operation
// and the name, for test messages.
func (f *FaultFS) Fired() string { return f.fired }

// fail counts a writing call and says whether it is the one to fail.
func (f *FaultFS) fail(op, name string) error {
	f.calls++
	if f.calls != f.At {
		return nil
	}
	f.fired = fmt.Sprintf("%s %s", op, name)
	return &Error{Op: op, Path: name, Err: f.Err}
}

func (f *FaultFS) Create(name string, perm fs.FileMode) (File, error) {
	if err := f.fail("create", name); err != nil {
		return nil, err
	}
	file, err := f.FS.Create(name, perm)
	if err != nil {
		return nil, err
	}
	return &faultFile{File: file, fs: f, name: name}, nil
}

func (f *FaultFS) OpenAppend(name string) (File, error) {
	file, err := f.FS.OpenAppend(name)
	if err != nil {
		return nil, err
	}
	return &faultFile{File: file, fs: f, name: name}, nil
}

func (f *FaultFS) Mkdir(name string, perm fs.FileMode) error {
	if err := f.fail("mkdir", name); err != nil {
		return err
	}
	return f.FS.Mkdir(name, perm)
}

func (f *FaultFS) MkdirAll(name string, perm fs.FileMode) error {
	if err := f.fail("mkdir", name); err != nil {
		return err
	}
	return f.FS.MkdirAll(name, perm)
}

func (f *FaultFS) Symlink(target, name string) error {
	if err := f.fail("symlink", name); err != nil {
		return err
	}
	return f.FS.Symlink(target, name)
}

func (f *FaultFS) Lchown(name string, uid, gid int) error {
	if err := f.fail("chown", name); err != nil {
		return err
	}
	return f.FS.Lchown(name, uid, gid)
}

func (f *FaultFS) Rename(oldname, newname string) error {
	if err := f.fail("rename", oldname+" -> "+newname); err != nil {
		return err
	}
	return f.FS.Rename(oldname, newname)
}

func (f *FaultFS) Remove(name string) error {
	if err := f.fail("remove", name); err != nil {
		return err
	}
	return f.FS.Remove(name)
}

func (f *FaultFS) SyncDir(name string) error {
	if err := f.fail("sync", name); err != nil {
		return err
	}
	return f.FS.SyncDir(name)
}

// faultFile counts the writes, syncs and truncations of one file.
type faultFile struct {
	File
	fs   *FaultFS
	name string
}

func (f *faultFile) Write(b []byte) (int, error) {
	if err := f.fs.fail("write", f.name); err != nil {
		return 0, err
	}
	return f.File.Write(b)
}

func (f *faultFile) Sync() error {
	if err := f.fs.fail("sync", f.name); err != nil {
		return err
	}
	return f.File.Sync()
}

func (f *faultFile) Truncate(size int64) error {
	if err := f.fs.fail("truncate", f.name); err != nil {
		return err
	}
	return f.File.Truncate(size)
}

// CountingFS counts what a transaction costs: fsyncs (files and
// directories) and bytes written. For benchmarks; one goroutine.
type CountingFS struct {
	FS
	Syncs int
	Bytes int64
}

func (c *CountingFS) Create(name string, perm fs.FileMode) (File, error) {
	file, err := c.FS.Create(name, perm)
	if err != nil {
		return nil, err
	}
	return &countingFile{File: file, c: c}, nil
}

func (c *CountingFS) OpenAppend(name string) (File, error) {
	file, err := c.FS.OpenAppend(name)
	if err != nil {
		return nil, err
	}
	return &countingFile{File: file, c: c}, nil
}

func (c *CountingFS) SyncDir(name string) error {
	c.Syncs++
	return c.FS.SyncDir(name)
}

type countingFile struct {
	File
	c *CountingFS
}

func (f *countingFile) Write(b []byte) (int, error) {
	n, err := f.File.Write(b)
	f.c.Bytes += int64(n)
	return n, err
}

func (f *countingFile) Sync() error {
	f.c.Syncs++
	return f.File.Sync()
}
