package fsroot

import (
	"errors"
	"io/fs"
	"path"
	"syscall"
)

// Space is the room left on the filesystem that holds a name.
type Space struct {
	Device    uint64 // st_dev of the directory measured: equal for names on one filesystem
	Dir       string // the existing directory that was measured, as the OS spells it
	Available int64  // bytes an unprivileged writer may still use (f_bavail)
	BlockSize int64  // allocation unit: every file takes a multiple of it
}

// Space measures the filesystem that name is (or would be) on: the nearest
// existing directory at or above it, so it works before a package's
// directories are created.
func (r *Root) Space(name string) (Space, error) {
	res, err := r.Resolve(name)
	if err != nil {
		return Space{}, err
	}
	for {
		info, err := r.root.Lstat(res)
		if err == nil && info.IsDir() {
			break
		}
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			return Space{}, &Error{Op: "stat", Path: r.OSPath(res), Err: cause(err)}
		}
		if res == "." {
			break
		}
		res = path.Dir(res)
	}
	f, err := r.root.Open(res)
	if err != nil {
		return Space{}, &Error{Op: "open", Path: r.OSPath(res), Err: cause(err)}
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return Space{}, &Error{Op: "stat", Path: r.OSPath(res), Err: cause(err)}
	}
	var st syscall.Statfs_t
	if err := syscall.Fstatfs(int(f.Fd()), &st); err != nil {
		return Space{}, &Error{Op: "statfs", Path: r.OSPath(res), Err: err}
	}
	bsize := int64(st.Bsize)
	if bsize <= 0 {
		bsize = 4096
	}
	return Space{
		Device:    Device(info),
		Dir:       r.OSPath(res),
		Available: int64(st.Bavail) * bsize,
		BlockSize: bsize,
	}, nil
}
