package fsroot

import (
	"io/fs"
	"os"
	"path"
)

// Resolved is the root for a caller that resolves every name once
// (Resolve) and then uses only the result, as a transaction does: each
// call goes straight to the os.Root, without walking the name's links
// again. os.Root still refuses any name that would leave the tree, so a
// link changed since the name was resolved fails the call rather than
// escape. Resolve itself is the Root's.
func (r *Root) Resolved() FS { return resolvedFS{r} }

type resolvedFS struct{ r *Root }

var _ FS = resolvedFS{}

func (f resolvedFS) Resolve(name string) (string, error) { return f.r.Resolve(name) }

func (f resolvedFS) Space(name string) (Space, error) { return f.r.Space(name) }

func (f resolvedFS) MkdirAll(name string, perm fs.FileMode) error { return f.r.MkdirAll(name, perm) }

func (f resolvedFS) Lstat(name string) (fs.FileInfo, error) {
	info, err := f.r.root.Lstat(name)
	if err != nil {
		return nil, &Error{Op: "stat", Path: f.r.OSPath(name), Err: cause(err)}
	}
	return info, nil
}

func (f resolvedFS) Open(name string) (*os.File, error) {
	file, err := f.r.root.Open(name)
	if err != nil {
		return nil, &Error{Op: "open", Path: f.r.OSPath(name), Err: cause(err)}
	}
	return file, nil
}

func (f resolvedFS) ReadDir(name string) ([]fs.DirEntry, error) {
	entries, err := fs.ReadDir(f.r.root.FS(), path.Clean(name))
	if err != nil {
		return nil, &Error{Op: "open", Path: f.r.OSPath(name), Err: cause(err)}
	}
	return entries, nil
}

func (f resolvedFS) Readlink(name string) (string, error) {
	t, err := f.r.root.Readlink(name)
	if err != nil {
		return "", &Error{Op: "readlink", Path: f.r.OSPath(name), Err: cause(err)}
	}
	return t, nil
}

func (f resolvedFS) Create(name string, perm fs.FileMode) (File, error) {
	var file *os.File
	var err error
	if dir, base := path.Split(path.Clean(name)); dir == "" {
		file, err = f.r.root.OpenFile(base, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm&fs.ModePerm)
	} else {
		file, err = f.r.createIn(path.Clean(dir), base, perm)
	}
	if err != nil {
		return nil, &Error{Op: "create", Path: f.r.OSPath(name), Err: cause(err)}
	}
	if err := file.Chmod(perm); err != nil {
		file.Close()
		return nil, &Error{Op: "chmod", Path: f.r.OSPath(name), Err: cause(err)}
	}
	return &rootFile{f: file, path: f.r.OSPath(name)}, nil
}

func (f resolvedFS) OpenAppend(name string) (File, error) {
	file, err := f.r.root.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return nil, &Error{Op: "open", Path: f.r.OSPath(name), Err: cause(err)}
	}
	return &rootFile{f: file, path: f.r.OSPath(name)}, nil
}

func (f resolvedFS) Mkdir(name string, perm fs.FileMode) error {
	if err := f.r.root.Mkdir(name, perm&fs.ModePerm); err != nil {
		return &Error{Op: "mkdir", Path: f.r.OSPath(name), Err: cause(err)}
	}
	if err := f.r.root.Chmod(name, perm); err != nil {
		return &Error{Op: "chmod", Path: f.r.OSPath(name), Err: cause(err)}
	}
	return nil
}

func (f resolvedFS) Symlink(target, name string) error {
	if err := f.r.root.Symlink(target, name); err != nil {
		return &Error{Op: "symlink", Path: f.r.OSPath(name), Err: cause(err)}
	}
	return nil
}

func (f resolvedFS) Lchown(name string, uid, gid int) error {
	if err := f.r.root.Lchown(name, uid, gid); err != nil {
		return &Error{Op: "chown", Path: f.r.OSPath(name), Err: cause(err)}
	}
	return nil
}

func (f resolvedFS) Rename(oldname, newname string) error {
	f.r.forgetCreated()
	if err := f.r.root.Rename(oldname, newname); err != nil {
		return &Error{Op: "rename", Path: f.r.OSPath(oldname) + " -> " + f.r.OSPath(newname), Err: cause(err)}
	}
	return nil
}

func (f resolvedFS) Remove(name string) error {
	f.r.forgetCreated()
	if err := f.r.root.Remove(name); err != nil {
		return &Error{Op: "remove", Path: f.r.OSPath(name), Err: cause(err)}
	}
	return nil
}

func (f resolvedFS) SyncDir(name string) error {
	return f.r.syncDir(path.Clean(name), path.Join(name, "x"))
}
