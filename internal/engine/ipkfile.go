package engine

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"io/fs"
	"strings"

	"pakt/internal/control"
	"pakt/internal/ipk"
	"pakt/internal/pkginfo"
)

// A local package file (pakt index reads a directory of them; info and
// install take one on the command line) is read in one streaming pass:
// every entry of the data archive goes through the ipk reader's safety
// rules, and the file's digests are taken from the same bytes, so what was
// checked is what was hashed.

// PackageFileError is a local .ipk that cannot be used: unreadable,
// unsafe, or with a control file that does not describe a package.
type PackageFileError struct {
	Path string // as named on the command line (or directory + file name)
	Err  error  // *ipk.FormatError, *ipk.UnsafeEntryError, *control.SyntaxError, *pkginfo.Error, ...
}

func (e *PackageFileError) Error() string {
	// The ipk and control errors already name the file they were given.
	var fe *ipk.FormatError
	var ue *ipk.UnsafeEntryError
	var se *control.SyntaxError
	if errors.As(e.Err, &fe) || errors.As(e.Err, &ue) || errors.As(e.Err, &se) {
		return e.Err.Error()
	}
	return e.Path + ": " + e.Err.Error()
}

func (e *PackageFileError) Unwrap() error { return e.Err }

// packageFile is what one pass over a .ipk learnt.
type packageFile struct {
	stanza *control.Stanza // the control file
	pkg    *pkginfo.Package
	size   int64
	sha256 string
	md5    string // only when asked for
}

// readPackageFile reads a whole package from fsys, checking every entry,
// and returns its control stanza and digests. name is the file inside fsys,
// shown is how errors name it.
func readPackageFile(ctx context.Context, fsys fs.FS, name, shown string, withMD5 bool) (*packageFile, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, &PackageFileError{Path: shown, Err: pathCause(err)}
	}
	defer f.Close()
	sum := sha256.New()
	hashes := []io.Writer{sum}
	var md hash.Hash
	if withMD5 {
		md = md5.New()
		hashes = append(hashes, md)
	}
	counted := &countingReader{r: io.TeeReader(f, io.MultiWriter(hashes...))}
	ctl, err := ipk.Walk(counted, shown, ipk.Options{}, ipk.Handler{
		Entry: func(*ipk.Entry, io.Reader) error { return ctx.Err() },
	})
	if err != nil {
		return nil, &PackageFileError{Path: shown, Err: err}
	}
	// Walk has checked that only padding follows the archive; hash it too.
	if _, err := io.Copy(io.Discard, counted); err != nil {
		return nil, &PackageFileError{Path: shown, Err: err}
	}
	data, _ := ctl.File("control") // the reader guarantees it
	stanzas, err := control.Parse(shown+": control", data)
	if err != nil {
		return nil, &PackageFileError{Path: shown, Err: err}
	}
	if len(stanzas) != 1 {
		return nil, &PackageFileError{Path: shown, Err: fmt.Errorf("control file holds %d stanzas, want 1", len(stanzas))}
	}
	p, err := pkginfo.Decode(&stanzas[0])
	if err != nil {
		return nil, &PackageFileError{Path: shown, Err: err}
	}
	for _, field := range []string{"Version", "Architecture"} {
		if !stanzas[0].Has(field) {
			return nil, &PackageFileError{Path: shown, Err: fmt.Errorf("control file has no %s field", field)}
		}
	}
	pf := &packageFile{stanza: &stanzas[0], pkg: p, size: counted.n, sha256: hex.EncodeToString(sum.Sum(nil))}
	if md != nil {
		pf.md5 = hex.EncodeToString(md.Sum(nil))
	}
	return pf, nil
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// InfoFile reads a local package file (info ./file.ipk, as upstream opkg
// allows) and returns the package its control file describes, after
// checking the whole archive. Only the control file is described: Size,
// Filename and checksums belong to an index.
func (e *Engine) InfoFile(ctx context.Context, file string) (*pkginfo.Package, error) {
	pf, err := readPackageFile(ctx, e.sys.Files, e.fsPath(file), file, false)
	if err != nil {
		return nil, err
	}
	return pf.pkg, nil
}

// IsPackageFile reports whether a command-line argument names a local
// package file rather than a glob or a package name: upstream opkg's rule,
// a name ending in .ipk, .opk or .deb.
func IsPackageFile(arg string) bool {
	for _, ext := range []string{".ipk", ".opk", ".deb"} {
		if strings.HasSuffix(arg, ext) {
			return true
		}
	}
	return false
}

// InfoFiles is info on local package files (upstream opkg's
// `info ./x.ipk`; lede has no such branch): one stanza per file, rendered as
// info renders a package known from a feed, Status "unknown ok
// not-installed".
func (e *Engine) InfoFiles(ctx context.Context, files []string) (*InfoResult, error) {
	res := &InfoResult{}
	for _, f := range files {
		p, err := e.InfoFile(ctx, f)
		if err != nil {
			return res, err
		}
		res.Stanzas = append(res.Stanzas, InfoStanza{Stanza: infoStanza(p)})
	}
	return res, nil
}
