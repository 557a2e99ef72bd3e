package engine

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"pakt/internal/control"
	"pakt/internal/sign"
)

// pakt index is ipkg-make-index.sh / opkg-make-index: one stanza per .ipk
// found below a directory, in byte order of the file's path, each the
// package's control file with Filename, Size and SHA256sum (and MD5Sum on
// request, for upstream opkg built without sha256) inserted before
// Description, where both tools put them. It writes Packages, its gzip
// (no name, no time: gzip -n) and, given a secret key, Packages.sig over
// the uncompressed Packages, which is what opkg-lede's usign check covers.
//
// Every package is read whole and checked by the ipk reader before anything
// is written: an index must not list a package that no client could
// install. The three files are staged as temporaries, then renamed in the
// order a client fetches them (Packages, Packages.gz, Packages.sig). A
// Packages.sig left from an earlier run is removed when no key is given:
// it would not match the new Packages.
//
// Departures: ipkg-make-index.sh skips kernel_* and libc_* (OpenWrt puts
// them in the image, not the feed) and inserts nothing when a control file
// has no Description; pakt indexes every package and appends the fields
// at the end then. opkg-make-index keeps only the newest version of each
// name unless -a; pakt keeps all, as ipkg-make-index.sh does.

// IndexRequest asks for the index of a directory of packages.
type IndexRequest struct {
	Dir       string
	SecretKey string // secret key file: write Packages.sig; "" means none
	MD5       bool   // add MD5Sum (upstream opkg without --enable-sha256 needs it)
}

// Indexed is what Index wrote.
type Indexed struct {
	Dir      string
	Packages int      // stanzas written
	Files    []string // written, in the directory as given
	Signed   bool
	KeyID    sign.KeyID // the signing key, when Signed
	// RemovedSignature is a stale Packages.sig Index removed, "" if none.
	RemovedSignature string
}

// The files of a feed directory.
const (
	packagesFile    = "Packages"
	packagesGzFile  = "Packages.gz"
	packagesSigFile = "Packages.sig"
)

// Index indexes the packages below req.Dir. On error nothing is written.
func (e *Engine) Index(ctx context.Context, req IndexRequest) (*Indexed, error) {
	dir := req.Dir
	info, err := fs.Stat(e.sys.Files, e.fsPath(dir))
	if err != nil || !info.IsDir() {
		return nil, &SourceError{Path: dir, Problem: "directory does not exist", Err: pathCauseOrNil(err)}
	}
	fsys, err := fs.Sub(e.sys.Files, e.fsPath(dir))
	if err != nil {
		return nil, &SourceError{Path: dir, Problem: "cannot read", Err: err}
	}
	var key *sign.SecretKey
	if req.SecretKey != "" {
		data, err := e.readSmall(req.SecretKey)
		if err != nil {
			return nil, err
		}
		if key, err = sign.ParseSecretKey(req.SecretKey, data); err != nil {
			return nil, err
		}
	}
	names, err := packageFiles(fsys)
	if err != nil {
		return nil, &SourceError{Path: dir, Problem: "cannot read", Err: pathCause(err)}
	}
	var text bytes.Buffer
	w := control.NewWriter(&text)
	for _, name := range names {
		pf, err := readPackageFile(ctx, fsys, name, path.Join(dir, name), req.MD5)
		if err != nil {
			return nil, err
		}
		if err := w.Write(indexStanza(pf, name)); err != nil {
			return nil, &PackageFileError{Path: path.Join(dir, name), Err: err}
		}
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	if len(names) == 0 {
		// ipkg-make-index.sh prints one empty line for an empty directory;
		// real empty feeds are that one byte.
		text.WriteByte('\n')
	}
	files := []stagedFile{{name: packagesFile, data: text.Bytes()}}
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.DefaultCompression) // level is valid
	zw.Write(text.Bytes())
	if err := zw.Close(); err != nil {
		return nil, err
	}
	files = append(files, stagedFile{name: packagesGzFile, data: gz.Bytes()})
	res := &Indexed{Dir: dir, Packages: len(names)}
	if key != nil {
		sig, err := key.Sign(text.Bytes(), "")
		if err != nil {
			return nil, err
		}
		data, err := sig.Marshal()
		if err != nil {
			return nil, err
		}
		files = append(files, stagedFile{name: packagesSigFile, data: data})
		res.Signed, res.KeyID = true, key.ID
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	abs := e.osPath(dir)
	if err := replaceFiles(abs, files); err != nil {
		return nil, &FileError{Op: "write", Path: dir, Err: pathCause(err)}
	}
	for _, f := range files {
		res.Files = append(res.Files, filepath.Join(dir, f.name))
	}
	if key == nil {
		stale := filepath.Join(abs, packagesSigFile)
		if err := os.Remove(stale); err == nil {
			res.RemovedSignature = filepath.Join(dir, packagesSigFile)
			if err := syncDir(abs); err != nil {
				return res, &FileError{Op: "write", Path: dir, Err: err}
			}
		} else if !errors.Is(err, fs.ErrNotExist) {
			return res, &FileError{Op: "remove", Path: filepath.Join(dir, packagesSigFile), Err: pathCause(err)}
		}
	}
	return res, nil
}

// packageFiles lists the .ipk files below the directory, sorted bytewise
// (ipkg-make-index.sh: find -name '*.ipk' | sort). Symlinks to files count,
// as find lists them and tar reads through them; hidden temporaries of an
// interrupted pakt build do not end in .ipk.
func packageFiles(fsys fs.FS) ([]string, error) {
	var names []string
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(name, ".ipk") {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			fi, err := fs.Stat(fsys, name)
			if err != nil || !fi.Mode().IsRegular() {
				return nil
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		names = append(names, name)
		return nil
	})
	slices.Sort(names)
	return names, err
}

// indexFields are the fields an index adds; a control file carrying any of
// them (it should not: opkg-build refuses Filename) has them replaced.
var indexFields = []string{"Filename", "Size", "MD5Sum", "SHA256sum"}

// indexStanza is a package's index entry: its control file with Filename,
// Size, [MD5Sum,] SHA256sum before Description (ipkg-make-index.sh's order;
// opkg-make-index puts MD5Sum first too).
func indexStanza(pf *packageFile, name string) *control.Stanza {
	s := pf.stanza
	for _, f := range indexFields {
		s.Delete(f)
	}
	add := []control.Field{
		{Name: "Filename", Value: name},
		{Name: "Size", Value: strconv.FormatInt(pf.size, 10)},
	}
	if pf.md5 != "" {
		add = append(add, control.Field{Name: "MD5Sum", Value: pf.md5})
	}
	add = append(add, control.Field{Name: "SHA256sum", Value: pf.sha256})
	at := slices.IndexFunc(s.Fields, func(f control.Field) bool { return strings.EqualFold(f.Name, "Description") })
	if at < 0 {
		at = len(s.Fields)
	}
	s.Fields = slices.Insert(s.Fields, at, add...)
	return s
}

// stagedFile is one file of a group replaced together.
type stagedFile struct {
	name string
	data []byte
}

// replaceFiles writes every file to a temporary name in dir, syncs them,
// then renames them into place in order and syncs dir. Until the first
// rename nothing visible changes; a failure before it removes the
// temporaries.
func replaceFiles(dir string, files []stagedFile) error {
	tmps := make([]string, 0, len(files))
	cleanup := func() {
		for _, t := range tmps {
			os.Remove(t)
		}
	}
	for _, f := range files {
		t, err := os.CreateTemp(dir, "."+f.name+".pakt-*")
		if err != nil {
			cleanup()
			return err
		}
		tmps = append(tmps, t.Name())
		_, err = t.Write(f.data)
		if err == nil {
			err = t.Chmod(0o644)
		}
		if err == nil {
			err = t.Sync()
		}
		if cerr := t.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			cleanup()
			return err
		}
	}
	for i, f := range files {
		if err := os.Rename(tmps[i], filepath.Join(dir, f.name)); err != nil {
			for _, t := range tmps[i:] {
				os.Remove(t)
			}
			return err
		}
	}
	return syncDir(dir)
}
