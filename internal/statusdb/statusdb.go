package statusdb

import (
	"bytes"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"path"
	"strings"

	"pakt/internal/control"
	"pakt/internal/pkginfo"
)

// Dest is one installation destination's database location, spelled as
// opkg-lede spells it (opkgconf.Config.StatusFile and InfoDir).
type Dest struct {
	Name       string
	Root       string // the dest's root directory, ending in '/'
	StatusFile string
	InfoDir    string
}

// Package is one stanza of a status file.
type Package struct {
	*pkginfo.Package
	Dest *Dest
	Line int // line of the stanza's first field in Dest.StatusFile
}

// Installed reports whether opkg counts the package as installed: state
// installed or unpacked (pkg_hash_fetch_all_installed).
func (p *Package) Installed() bool {
	return p.Status.State == pkginfo.StateInstalled || p.Status.State == pkginfo.StateUnpacked
}

// Filter decides whether a package read by Load is kept.
type Filter func(p *Package) bool

// DB is the installed database of every dest.
type DB struct {
	dests  []*Dest
	pkgs   []*Package
	byName map[string][]*Package
}

// Error is a status or info file that cannot be trusted: which file, which
// line (0 when it concerns the whole file), what is wrong.
type Error struct {
	File string
	Line int
	Err  error
}

func (e *Error) Error() string {
	var syn *control.SyntaxError
	var pe *pkginfo.Error
	if errors.As(e.Err, &syn) || errors.As(e.Err, &pe) {
		// Those already say file:line.
		return "corrupt installed database: " + e.Err.Error()
	}
	if e.Line > 0 {
		return fmt.Sprintf("corrupt installed database: %s:%d: %v", e.File, e.Line, e.Err)
	}
	return fmt.Sprintf("corrupt installed database: %s: %v", e.File, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Sentinel causes of an *Error.
var (
	ErrTruncated = errors.New("file does not end with a newline: cut short?")
	ErrNoPackage = errors.New("stanza has no Package field")
	ErrNoStatus  = errors.New("stanza has no Status field")
)

// MaxStatusSize bounds what Load reads of one status file; the largest
// real one is under half a megabyte.
const MaxStatusSize = 64 << 20

// FSPath turns an absolute path as opkg spells it into a name for an
// fs.FS rooted at "/".
func FSPath(p string) string {
	p = strings.TrimPrefix(path.Clean("/"+p), "/")
	if p == "" {
		return "."
	}
	return p
}

// Load reads the status file of every dest, in dest order.
func Load(fsys fs.FS, dests []Dest, keep Filter) (*DB, error) {
	db := &DB{byName: make(map[string][]*Package)}
	for i := range dests {
		d := dests[i]
		db.dests = append(db.dests, &d)
	}
	for _, d := range db.dests {
		data, err := readFile(fsys, d.StatusFile, MaxStatusSize)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, &Error{File: d.StatusFile, Err: err}
		}
		pkgs, err := Parse(d, data)
		for _, p := range pkgs {
			if keep != nil && !keep(p) {
				continue
			}
			db.pkgs = append(db.pkgs, p)
			db.byName[p.Name] = append(db.byName[p.Name], p)
		}
		if err != nil {
			return db, err
		}
	}
	return db, nil
}

// Parse decodes one dest's status file. On error it returns the packages
// before the bad stanza with the *Error.
func Parse(d *Dest, data []byte) ([]*Package, error) {
	r := control.NewReader(d.StatusFile, bytes.NewReader(data))
	var out []*Package
	last := 0
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			line := 0
			var syn *control.SyntaxError
			if errors.As(err, &syn) {
				line = syn.Line
			}
			return out, &Error{File: d.StatusFile, Line: line, Err: err}
		}
		if n := len(s.Fields); n > 0 {
			last = s.Fields[n-1].Line
		}
		p, err := pkginfo.Decode(s)
		if errors.Is(err, pkginfo.ErrNoPackage) {
			return out, &Error{File: d.StatusFile, Line: s.Line(), Err: ErrNoPackage}
		}
		if err != nil {
			return out, &Error{File: d.StatusFile, Line: s.Line(), Err: err}
		}
		if !s.Has("Status") {
			return out, &Error{File: d.StatusFile, Line: s.Line(), Err: fmt.Errorf("package %s: %w", p.Name, ErrNoStatus)}
		}
		out = append(out, &Package{Package: p, Dest: d, Line: s.Line()})
	}
	if len(data) > 0 && data[len(data)-1] != '\n' {
		return out, &Error{File: d.StatusFile, Line: last, Err: ErrTruncated}
	}
	return out, nil
}

// Dests returns the dests, in configuration order.
func (db *DB) Dests() []*Dest { return db.dests }

// Packages returns every package kept, in load order (dest by dest, file
// order within one).
func (db *DB) Packages() []*Package { return db.pkgs }

// Named returns the packages called name, in load order.
func (db *DB) Named(name string) []*Package { return db.byName[name] }

// InstalledNamed returns the first installed (or unpacked) package called
// name, or nil: what opkg-lede's pkg_hash_fetch_installed_by_name finds.
func (db *DB) InstalledNamed(name string) *Package {
	for _, p := range db.byName[name] {
		if p.Installed() {
			return p
		}
	}
	return nil
}

// MaxInfoSize bounds what InfoFile reads of one info file.
const MaxInfoSize = 16 << 20

// InfoFile reads one member of a package's info directory entry,
// info/<name>.<member> ("control", "conffiles", "postinst", …): opkg-lede
// keeps every member of the package's control archive there. The error
// wraps fs.ErrNotExist when the package has no such member.
func InfoFile(fsys fs.FS, p *Package, member string) ([]byte, error) {
	return readFile(fsys, p.Dest.InfoDir+"/"+p.Name+"."+member, MaxInfoSize)
}

// ListFile is the path of a package's file list, as opkg-lede spells it.
func ListFile(p *Package) string { return p.Dest.InfoDir + "/" + p.Name + ".list" }

// MaxListSize bounds what Files reads of one .list file.
const MaxListSize = 64 << 20

// Files returns the paths recorded in the package's info/<name>.list, in
// file order, each as the file holds it (lede: an absolute path relative to
// the dest root; upstream opkg appends a tab, the mode and a link target,
// which are kept). An unreadable list is an error wrapping the cause
// (fs.ErrNotExist when there is none).
func (db *DB) Files(fsys fs.FS, p *Package) ([]string, error) {
	data, err := readFile(fsys, ListFile(p), MaxListSize)
	if err != nil {
		return nil, err
	}
	var out []string
	for len(data) > 0 {
		line := data
		if i := bytes.IndexByte(data, '\n'); i >= 0 {
			line, data = data[:i], data[i+1:]
		} else {
			data = nil
		}
		out = append(out, string(line))
	}
	return out, nil
}

// ConffileSum hashes the file of a conffile the way its recorded hash was
// made: sha256 when the recorded hash is longer than 33 characters, else
// md5 (opkg-lede's conffile_has_been_modified). offlineRoot is prefixed to
// the path ("" on a running system). The error is the file's open or read
// error.
func ConffileSum(fsys fs.FS, offlineRoot string, c pkginfo.Conffile) (string, error) {
	var h hash.Hash
	if len(c.Hash) > 33 {
		h = sha256.New()
	} else {
		h = md5.New()
	}
	f, err := fsys.Open(FSPath(offlineRoot + c.Path))
	if err != nil {
		return "", err
	}
	defer f.Close()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ConffileChanged reports whether the file of a conffile differs from the
// hash recorded at install. A conffile without a hash, or whose file is
// missing or unreadable, counts as changed, as in lede.
func ConffileChanged(fsys fs.FS, offlineRoot string, c pkginfo.Conffile) bool {
	if c.Hash == "" {
		return true
	}
	sum, err := ConffileSum(fsys, offlineRoot, c)
	return err != nil || sum != c.Hash
}

// readFile reads a whole file through fsys, refusing one above limit.
func readFile(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(FSPath(name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > limit {
		return nil, fmt.Errorf("larger than %d bytes", limit)
	}
	return data, nil
}
