package fsroot

import (
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"strings"
	"sync"
)

// maxSymlinks is how many symbolic links a name may pass through, as on
// Linux (MAXSYMLINKS).
const maxSymlinks = 40

// Root is a directory tree under management.
type Root struct {
	dir  string
	root *os.Root

	// created is the directory the last file was created in through
	// Resolved, open as a Root of its own: a transaction stages its files
	// directory by directory, and creating each in an open directory
	// costs one openat instead of one per component of its name (a third
	// of an install's CPU time on a router's deep paths). Any rename or
	// removal through the Root forgets it, so it never outlives the
	// directory it names.
	createdMu   sync.Mutex
	createdName string
	created     *os.Root
}

// Error is an operation under the root that failed: Path is the name as
// the operating system sees it (the root's directory joined with the name).
type Error struct {
	Op   string // "open", "mkdir", "write", "sync", "rename", "remove", "resolve", "lock", "create"
	Path string
	Err  error
}

func (e *Error) Error() string { return fmt.Sprintf("%s %s: %v", e.Op, e.Path, e.Err) }
func (e *Error) Unwrap() error { return e.Err }

// ErrTooManyLinks is the cause of a resolve Error for a name that passes
// through more than 40 symbolic links (ELOOP).
var ErrTooManyLinks = errors.New("too many levels of symbolic links")

// Open opens dir as a managed root.
func Open(dir string) (*Root, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, &Error{Op: "open", Path: dir, Err: cause(err)}
	}
	return &Root{dir: dir, root: r}, nil
}

// Close releases the root's directory handle.
func (r *Root) Close() error {
	r.forgetCreated()
	return r.root.Close()
}

// forgetCreated closes the cached directory of the last creation.
func (r *Root) forgetCreated() {
	r.createdMu.Lock()
	defer r.createdMu.Unlock()
	if r.created != nil {
		r.created.Close()
	}
	r.created, r.createdName = nil, ""
}

// createIn creates the file base in the resolved directory dir, through
// the cached Root of the last directory a file was created in.
func (r *Root) createIn(dir, base string, perm fs.FileMode) (*os.File, error) {
	r.createdMu.Lock()
	defer r.createdMu.Unlock()
	if r.created == nil || r.createdName != dir {
		sub, err := r.root.OpenRoot(dir)
		if err != nil {
			return nil, err
		}
		if r.created != nil {
			r.created.Close()
		}
		r.created, r.createdName = sub, dir
	}
	return r.created.OpenFile(base, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm&fs.ModePerm)
}

// Dir is the directory the root was opened at.
func (r *Root) Dir() string { return r.dir }

// FS reads the tree, with os.Root's rules (no absolute links); use Resolve
// first for names that may pass through one.
func (r *Root) FS() fs.FS { return r.root.FS() }

// OSPath is a name under the root as the operating system spells it.
func (r *Root) OSPath(name string) string {
	return strings.TrimSuffix(r.dir, "/") + "/" + strings.TrimPrefix(path.Clean("/"+name), "/")
}

// Resolve returns name with every symbolic link in its directory part
// replaced by its target, read as inside a chroot (see the package
// documentation). The last element is kept as it is, so the name can be
// replaced or removed as itself. The result has no leading "/"; "." is the
// root itself.
func (r *Root) Resolve(name string) (string, error) {
	clean := path.Clean("/" + name)
	if clean == "/" {
		return ".", nil
	}
	dir, base := path.Split(clean)
	resolved, err := r.resolveDir(dir)
	if err != nil {
		return "", &Error{Op: "resolve", Path: r.OSPath(name), Err: err}
	}
	return path.Join(resolved, base), nil
}

// resolveDir walks dir component by component, following links.
func (r *Root) resolveDir(dir string) (string, error) {
	var done []string // resolved components, none a link
	todo := splitPath(dir)
	links := 0
	for len(todo) > 0 {
		elem := todo[0]
		todo = todo[1:]
		switch elem {
		case ".":
			continue
		case "..":
			if len(done) > 0 {
				done = done[:len(done)-1]
			}
			continue
		}
		cur := path.Join(append(append([]string{}, done...), elem)...)
		info, err := r.root.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			// Nothing further can be a link: keep the rest as written,
			// so MkdirAll can create it.
			done = append(done, elem)
			continue
		}
		if err != nil {
			return "", cause(err)
		}
		if info.Mode()&fs.ModeSymlink == 0 {
			done = append(done, elem)
			continue
		}
		links++
		if links > maxSymlinks {
			return "", ErrTooManyLinks
		}
		target, err := r.root.Readlink(cur)
		if err != nil {
			return "", cause(err)
		}
		if strings.HasPrefix(target, "/") {
			done = done[:0]
		}
		todo = append(splitPath(target), todo...)
	}
	if len(done) == 0 {
		return ".", nil
	}
	return path.Join(done...), nil
}

func splitPath(p string) []string {
	var out []string
	for _, e := range strings.Split(p, "/") {
		if e != "" {
			out = append(out, e)
		}
	}
	return out
}

// MkdirAll creates a directory and its missing parents (mkdir -p).
func (r *Root) MkdirAll(name string, perm fs.FileMode) error {
	res, err := r.Resolve(name)
	if err != nil {
		return err
	}
	if err := r.root.MkdirAll(res, perm); err != nil {
		return &Error{Op: "mkdir", Path: r.OSPath(name), Err: cause(err)}
	}
	return nil
}

// Remove deletes a file or an empty directory. A name that does not exist
// is an error wrapping fs.ErrNotExist.
func (r *Root) Remove(name string) error {
	r.forgetCreated()
	res, err := r.Resolve(name)
	if err != nil {
		return err
	}
	if err := r.root.Remove(res); err != nil {
		return &Error{Op: "remove", Path: r.OSPath(name), Err: cause(err)}
	}
	return nil
}

// Lstat describes a name without following a final link.
func (r *Root) Lstat(name string) (fs.FileInfo, error) {
	res, err := r.Resolve(name)
	if err != nil {
		return nil, err
	}
	info, err := r.root.Lstat(res)
	if err != nil {
		return nil, &Error{Op: "stat", Path: r.OSPath(name), Err: cause(err)}
	}
	return info, nil
}

// Open opens a file for reading.
func (r *Root) Open(name string) (*os.File, error) {
	res, err := r.Resolve(name)
	if err != nil {
		return nil, err
	}
	f, err := r.root.Open(res)
	if err != nil {
		return nil, &Error{Op: "open", Path: r.OSPath(name), Err: cause(err)}
	}
	return f, nil
}

// WriteFile replaces name with data atomically (see Pending).
func (r *Root) WriteFile(name string, data []byte, perm fs.FileMode) error {
	p, err := r.CreateTemp(name, perm)
	if err != nil {
		return err
	}
	if _, err := p.Write(data); err != nil {
		p.Abort()
		return err
	}
	return p.Commit()
}

// RemoveStale deletes the temporaries a crashed writer left in dir
// (".*.pakt-*"). Call it only while holding the lock, when no other writer
// can be half-way. It returns the names removed.
func (r *Root) RemoveStale(dir string) ([]string, error) {
	res, err := r.Resolve(path.Join(dir, "x"))
	if err != nil {
		return nil, err
	}
	res = path.Dir(res)
	entries, err := fs.ReadDir(r.root.FS(), res)
	if err != nil {
		return nil, &Error{Op: "open", Path: r.OSPath(dir), Err: cause(err)}
	}
	var removed []string
	for _, e := range entries {
		n := e.Name()
		if !strings.HasPrefix(n, ".") || !strings.Contains(n, tempMarker) || e.IsDir() {
			continue
		}
		if err := r.root.Remove(path.Join(res, n)); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return removed, &Error{Op: "remove", Path: r.OSPath(path.Join(dir, n)), Err: cause(err)}
		}
		removed = append(removed, path.Join(dir, n))
	}
	return removed, nil
}

// tempMarker is in every temporary name, so RemoveStale can find them.
const tempMarker = ".pakt-"

// Pending is a new version of a file being written beside it.
type Pending struct {
	root *Root
	name string // destination, as given
	dir  string // resolved directory
	dest string // resolved destination
	temp string // resolved temporary name
	f    *os.File
	done bool
}

// CreateTemp starts a new version of name: a temporary file with perm in
// the same directory. Write to it, then Commit or Abort.
func (r *Root) CreateTemp(name string, perm fs.FileMode) (*Pending, error) {
	dest, err := r.Resolve(name)
	if err != nil {
		return nil, err
	}
	dir, base := path.Split(dest)
	if dir == "" {
		dir = "."
	}
	for range 100 {
		temp := path.Join(dir, fmt.Sprintf(".%s%s%016x", base, tempMarker, rand.Uint64()))
		f, err := r.root.OpenFile(temp, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, &Error{Op: "create", Path: r.OSPath(temp), Err: cause(err)}
		}
		return &Pending{root: r, name: name, dir: dir, dest: dest, temp: temp, f: f}, nil
	}
	return nil, &Error{Op: "create", Path: r.OSPath(name), Err: fs.ErrExist}
}

// Write appends to the new version.
func (p *Pending) Write(b []byte) (int, error) {
	n, err := p.f.Write(b)
	if err != nil {
		return n, &Error{Op: "write", Path: p.root.OSPath(p.temp), Err: cause(err)}
	}
	return n, nil
}

// File is the temporary file, open for reading and writing, e.g. to check
// what was written before committing it.
func (p *Pending) File() *os.File { return p.f }

// Commit makes the new version durable and puts it in place: fsync, close,
// rename over the destination, fsync of the directory.
func (p *Pending) Commit() error { return p.commit(true) }

// Publish puts the new version in place without making it durable: for
// files checked again before every use (the package cache, whose copies
// are compared with the index's size and checksum), where a crash can at
// worst leave an empty or partial file that the next check throws away.
// On flash it saves two fsyncs per downloaded package.
func (p *Pending) Publish() error { return p.commit(false) }

func (p *Pending) commit(durable bool) error {
	if p.done {
		return &Error{Op: "rename", Path: p.root.OSPath(p.name), Err: fs.ErrClosed}
	}
	p.done = true
	fail := func(op string, err error) error {
		p.f.Close()
		p.root.root.Remove(p.temp)
		return &Error{Op: op, Path: p.root.OSPath(p.name), Err: cause(err)}
	}
	if durable {
		if err := p.f.Sync(); err != nil {
			return fail("sync", err)
		}
	}
	if err := p.f.Close(); err != nil {
		return fail("write", err)
	}
	if err := p.root.root.Rename(p.temp, p.dest); err != nil {
		return fail("rename", err)
	}
	if !durable {
		return nil
	}
	return p.root.syncDir(p.dir, p.name)
}

// Abort drops the new version; the destination is untouched. Calling it
// after Commit does nothing.
func (p *Pending) Abort() {
	if p.done {
		return
	}
	p.done = true
	p.f.Close()
	p.root.root.Remove(p.temp)
}

// syncDir makes a rename in dir durable.
func (r *Root) syncDir(dir, name string) error {
	d, err := r.root.Open(dir)
	if err != nil {
		return &Error{Op: "sync", Path: r.OSPath(path.Dir(name)), Err: cause(err)}
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return &Error{Op: "sync", Path: r.OSPath(path.Dir(name)), Err: cause(err)}
	}
	return nil
}

// cause drops os's *PathError and *LinkError: Error says which path.
func cause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}
