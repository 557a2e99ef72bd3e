package fsroot

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path"
	"syscall"
)

// FS is what a transaction needs from a root: every call that changes the
// tree, so a test can put a FaultFS in front of a Root and fail any one of
// them. Names are as for Root (relative to the root, links in the directory
// part followed as inside a chroot).
type FS interface {
	Resolve(name string) (string, error)
	Lstat(name string) (fs.FileInfo, error)
	Open(name string) (*os.File, error)
	ReadDir(name string) ([]fs.DirEntry, error)
	Readlink(name string) (string, error)
	// Create makes a new file (it must not exist) with exactly perm, umask
	// and set-id bits included.
	Create(name string, perm fs.FileMode) (File, error)
	// OpenAppend opens an existing file for appending.
	OpenAppend(name string) (File, error)
	Mkdir(name string, perm fs.FileMode) error
	MkdirAll(name string, perm fs.FileMode) error
	Symlink(target, name string) error
	Lchown(name string, uid, gid int) error
	Rename(oldname, newname string) error
	Remove(name string) error
	// SyncDir makes the entries of a directory (creations, renames,
	// removals) durable.
	SyncDir(name string) error
	Space(name string) (Space, error)
}

// File is a file being written under the root.
type File interface {
	io.Writer
	// Chown sets the owner; Chmod after it, since chown clears set-id bits.
	Chown(uid, gid int) error
	Chmod(mode fs.FileMode) error
	Sync() error
	Truncate(size int64) error
	Close() error
}

// rootFile reports errors as *Error with the name under the root.
type rootFile struct {
	f    *os.File
	path string
}

func (f *rootFile) Write(b []byte) (int, error) {
	n, err := f.f.Write(b)
	if err != nil {
		return n, &Error{Op: "write", Path: f.path, Err: cause(err)}
	}
	return n, nil
}

func (f *rootFile) Chown(uid, gid int) error {
	if err := f.f.Chown(uid, gid); err != nil {
		return &Error{Op: "chown", Path: f.path, Err: cause(err)}
	}
	return nil
}

func (f *rootFile) Chmod(mode fs.FileMode) error {
	if err := f.f.Chmod(mode); err != nil {
		return &Error{Op: "chmod", Path: f.path, Err: cause(err)}
	}
	return nil
}

func (f *rootFile) Sync() error {
	if err := f.f.Sync(); err != nil {
		return &Error{Op: "sync", Path: f.path, Err: cause(err)}
	}
	return nil
}

func (f *rootFile) Truncate(size int64) error {
	if err := f.f.Truncate(size); err != nil {
		return &Error{Op: "truncate", Path: f.path, Err: cause(err)}
	}
	return nil
}

func (f *rootFile) Close() error {
	if err := f.f.Close(); err != nil {
		return &Error{Op: "close", Path: f.path, Err: cause(err)}
	}
	return nil
}

// Create makes a new file with exactly perm (set-id and sticky bits too,
// which os.OpenFile's umask would otherwise clear).
func (r *Root) Create(name string, perm fs.FileMode) (File, error) {
	res, err := r.Resolve(name)
	if err != nil {
		return nil, err
	}
	f, err := r.root.OpenFile(res, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm&fs.ModePerm)
	if err != nil {
		return nil, &Error{Op: "create", Path: r.OSPath(name), Err: cause(err)}
	}
	if err := f.Chmod(perm); err != nil {
		f.Close()
		return nil, &Error{Op: "chmod", Path: r.OSPath(name), Err: cause(err)}
	}
	return &rootFile{f: f, path: r.OSPath(name)}, nil
}

// OpenAppend opens an existing file for appending.
func (r *Root) OpenAppend(name string) (File, error) {
	res, err := r.Resolve(name)
	if err != nil {
		return nil, err
	}
	f, err := r.root.OpenFile(res, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, &Error{Op: "open", Path: r.OSPath(name), Err: cause(err)}
	}
	return &rootFile{f: f, path: r.OSPath(name)}, nil
}

// ReadDir lists a directory, sorted by name.
func (r *Root) ReadDir(name string) ([]fs.DirEntry, error) {
	res, err := r.Resolve(path.Join(name, "x"))
	if err != nil {
		return nil, err
	}
	entries, err := fs.ReadDir(r.root.FS(), path.Dir(res))
	if err != nil {
		return nil, &Error{Op: "open", Path: r.OSPath(name), Err: cause(err)}
	}
	return entries, nil
}

// Readlink is the target of a symbolic link, as stored.
func (r *Root) Readlink(name string) (string, error) {
	res, err := r.Resolve(name)
	if err != nil {
		return "", err
	}
	t, err := r.root.Readlink(res)
	if err != nil {
		return "", &Error{Op: "readlink", Path: r.OSPath(name), Err: cause(err)}
	}
	return t, nil
}

// Mkdir creates one directory with exactly perm.
func (r *Root) Mkdir(name string, perm fs.FileMode) error {
	res, err := r.Resolve(name)
	if err != nil {
		return err
	}
	if err := r.root.Mkdir(res, perm&fs.ModePerm); err != nil {
		return &Error{Op: "mkdir", Path: r.OSPath(name), Err: cause(err)}
	}
	if err := r.root.Chmod(res, perm); err != nil {
		return &Error{Op: "chmod", Path: r.OSPath(name), Err: cause(err)}
	}
	return nil
}

// Symlink creates name as a symbolic link to target. The target is stored
// as given (absolute targets are fine: they are only read on the device).
func (r *Root) Symlink(target, name string) error {
	res, err := r.Resolve(name)
	if err != nil {
		return err
	}
	if err := r.root.Symlink(target, res); err != nil {
		return &Error{Op: "symlink", Path: r.OSPath(name), Err: cause(err)}
	}
	return nil
}

// Lchown sets the owner of name itself (not of a link's target).
func (r *Root) Lchown(name string, uid, gid int) error {
	res, err := r.Resolve(name)
	if err != nil {
		return err
	}
	if err := r.root.Lchown(res, uid, gid); err != nil {
		return &Error{Op: "chown", Path: r.OSPath(name), Err: cause(err)}
	}
	return nil
}

// Rename moves oldname to newname, replacing a file there.
func (r *Root) Rename(oldname, newname string) error {
	r.forgetCreated()
	from, err := r.Resolve(oldname)
	if err != nil {
		return err
	}
	to, err := r.Resolve(newname)
	if err != nil {
		return err
	}
	if err := r.root.Rename(from, to); err != nil {
		return &Error{Op: "rename", Path: r.OSPath(oldname) + " -> " + r.OSPath(newname), Err: cause(err)}
	}
	return nil
}

// SyncDir makes the entries of directory name durable.
func (r *Root) SyncDir(name string) error {
	res, err := r.Resolve(path.Join(name, "x"))
	if err != nil {
		return err
	}
	return r.syncDir(path.Dir(res), path.Join(name, "x"))
}

// Device is the filesystem a file lives on (st_dev), so a walk can stay on
// one filesystem. It is 0 when the information is not available.
func Device(info fs.FileInfo) uint64 {
	if st, ok := info.Sys().(*syscall.Stat_t); ok {
		return uint64(st.Dev)
	}
	return 0
}

// IsNotExist reports whether err says a name does not exist.
func IsNotExist(err error) bool { return errors.Is(err, fs.ErrNotExist) }

// A Root, and the test wrappers in front of one, are what transactions use.
var (
	_ FS = (*Root)(nil)
	_ FS = (*FaultFS)(nil)
	_ FS = (*CountingFS)(nil)
)
