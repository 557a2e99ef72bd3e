package fsroot

import (
	"errors"
	"io"
	"os"
	"syscall"
)

// Lock is a held opkg lock.
type Lock struct {
	root *Root
	name string // resolved
	f    *os.File
}

// LockError is a lock that could not be taken. Op is "create" when the
// file could not be created (lede: "Could not create lock file") and
// "lock" when another process holds it (lede: "Could not lock"); Err is
// the errno (EAGAIN when held).
type LockError struct {
	Op   string
	Path string
	Err  error
}

func (e *LockError) Error() string { return e.Op + " " + e.Path + ": " + e.Err.Error() }
func (e *LockError) Unwrap() error { return e.Err }

// ErrLocked is the cause of a "lock" LockError: another process holds the lock.
var ErrLocked = syscall.EAGAIN

// lockAttempts bounds the retries when the locked file was replaced
// under its name between open and lock.
const lockAttempts = 16

// Lock takes the lock file name the way opkg-lede does: creat(2) with mode
// 0640, then lockf(F_TLOCK), never waiting.
func (r *Root) Lock(name string) (*Lock, error) {
	res, err := r.Resolve(name)
	if err != nil {
		return nil, &LockError{Op: "create", Path: r.OSPath(name), Err: errors.Unwrap(err)}
	}
	for range lockAttempts {
		f, err := r.root.OpenFile(res, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o640)
		if err != nil {
			return nil, &LockError{Op: "create", Path: r.OSPath(name), Err: cause(err)}
		}
		if err := tlock(f); err != nil {
			f.Close()
			return nil, &LockError{Op: "lock", Path: r.OSPath(name), Err: err}
		}
		// The holder before us may have unlinked the file after we
		// opened it: then we locked an orphan and must start again.
		got, err1 := f.Stat()
		now, err2 := r.root.Lstat(res)
		if err1 == nil && err2 == nil && os.SameFile(got, now) {
			return &Lock{root: r, name: res, f: f}, nil
		}
		f.Close()
	}
	return nil, &LockError{Op: "lock", Path: r.OSPath(name), Err: ErrLocked}
}

// tlock is lockf(fd, F_TLOCK, 0): a write lock from the current offset
// (0 after creat) to the end of the file, failing at once when held.
func tlock(f *os.File) error {
	lk := syscall.Flock_t{Type: syscall.F_WRLCK, Whence: io.SeekCurrent, Start: 0, Len: 0}
	for {
		err := syscall.FcntlFlock(f.Fd(), syscall.F_SETLK, &lk)
		switch err {
		case nil:
			return nil
		case syscall.EINTR:
			continue
		case syscall.EACCES:
			// POSIX lets F_SETLK answer EACCES; lockf reports EAGAIN.
			return syscall.EAGAIN
		}
		return err
	}
}

// Unlock deletes the lock file and releases the lock, as opkg-lede does at
// exit. The file is removed while still locked, so nobody can lock it and
// then see it vanish.
func (l *Lock) Unlock() error {
	if l == nil || l.f == nil {
		return nil
	}
	rmErr := l.root.root.Remove(l.name)
	closeErr := l.f.Close() // closing releases the fcntl lock
	l.f = nil
	if rmErr != nil && !errors.Is(rmErr, os.ErrNotExist) {
		return &Error{Op: "remove", Path: l.root.OSPath(l.name), Err: cause(rmErr)}
	}
	if closeErr != nil {
		return &Error{Op: "close", Path: l.root.OSPath(l.name), Err: cause(closeErr)}
	}
	return nil
}
