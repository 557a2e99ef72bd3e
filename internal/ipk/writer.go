package ipk

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
)

// Package is what Write puts into a .ipk.
type Package struct {
	// Control holds the control archive's members: "control" (required),
	// "conffiles", maintainer scripts. Names are flat; Mode is taken as
	// given (scripts 0755, the rest 0644 is what opkg-build checks for), a
	// zero Mode as 0644.
	Control []ControlFile
	// Data is the tree installed under the root: directories, regular files
	// and symlinks (symlinks need an fs.ReadLinkFS such as os.DirFS). Its
	// root becomes "./".
	Data fs.FS
	// Exclude names paths of Data left out with all they hold: "CONTROL"
	// when Data is the package source directory, as ipkg-build excludes it.
	Exclude []string
}

// WriteOptions fix everything that would otherwise make two builds differ.
type WriteOptions struct {
	Outer OuterFormat // OuterTarGzip (default, what opkg-lede reads) or OuterAr
	// ModTime is every entry's mtime, e.g. SOURCE_DATE_EPOCH; zero means
	// the Unix epoch. Sub-second parts are dropped.
	ModTime time.Time
	Uid     int // owner of every data and control entry (numeric only)
	Gid     int
	// GzipLevel is the compression level of every gzip stream; 0 means
	// gzip's default (6), as `gzip -n` without a level.
	GzipLevel int
}

// tarRecord is GNU tar's default record size (blocking factor 20): its
// output, and so the Installed-Size that ipkg-build measures, is a multiple
// of it.
const tarRecord = 20 * 512

// UnsupportedFileError is returned by Write and DataSize for a file in the
// data tree that a package cannot hold (devices, sockets, FIFOs), or a
// symlink in an fs.FS that cannot read links.
type UnsupportedFileError struct {
	Path string
	Mode fs.FileMode
	Err  error
}

func (e *UnsupportedFileError) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %v", e.Path, e.Err)
	}
	return fmt.Sprintf("%s: cannot package a file of mode %v", e.Path, e.Mode)
}

func (e *UnsupportedFileError) Unwrap() error { return e.Err }

// DataSize returns the size of the uncompressed data archive Write would
// make from pkg.Data: the figure OpenWrt's ipkg-build writes into the control
// stanza's Installed-Size. The caller updates the stanza, then calls Write.
// File contents are not read, only their sizes.
func DataSize(pkg Package, opts WriteOptions) (int64, error) {
	var n countWriter
	if err := writeDataTar(&n, pkg, opts, false); err != nil {
		return 0, err
	}
	return int64(n), nil
}

type countWriter int64

func (c *countWriter) Write(p []byte) (int, error) {
	*c += countWriter(len(p))
	return len(p), nil
}

// Write writes a package to w. The output depends only on pkg and opts:
// entries are sorted, owners numeric, mtimes fixed, gzip headers carry no
// name or time, and no PAX header is written (opkg-lede refuses them), so
// two builds of the same tree are identical byte for byte.
//
// The outer archive needs each member's length before its content, so the
// data archive is compressed twice, once to measure it and once to write
// it; memory stays constant whatever the size of the tree.
func Write(w io.Writer, pkg Package, opts WriteOptions) error {
	if opts.GzipLevel == 0 {
		opts.GzipLevel = gzip.DefaultCompression
	}
	// inner makes the control archive, then the data archive twice; outer
	// is open around the second.
	inner, outer := &gzipper{level: opts.GzipLevel}, &gzipper{level: opts.GzipLevel}
	control, err := controlArchive(inner, pkg.Control, opts)
	if err != nil {
		return err
	}
	var dataLen countWriter
	if err := inner.to(&dataLen, func(w io.Writer) error { return writeDataTar(w, pkg, opts, true) }); err != nil {
		return err
	}
	writeData := func(w io.Writer) error {
		return inner.to(w, func(w io.Writer) error { return writeDataTar(w, pkg, opts, true) })
	}
	members := []struct {
		name  string
		size  int64
		write func(io.Writer) error
	}{
		{"debian-binary", 4, func(w io.Writer) error { _, err := io.WriteString(w, "2.0\n"); return err }},
		{"data.tar.gz", int64(dataLen), writeData},
		{"control.tar.gz", int64(len(control)), func(w io.Writer) error { _, err := w.Write(control); return err }},
	}
	if opts.Outer == OuterAr {
		// Yocto's opkg-build: `ar -crfD pkg debian-binary control.tar.gz data.tar.*`.
		members[1], members[2] = members[2], members[1]
		aw := &arWriter{w: w}
		for _, m := range members {
			if err := aw.writeHeader(m.name, m.size); err != nil {
				return err
			}
			if err := writeExactly(w, m.size, m.write); err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
			if err := aw.writePadding(m.size); err != nil {
				return err
			}
		}
		return nil
	}
	if opts.Outer != OuterTarGzip {
		return fmt.Errorf("ipk: cannot write outer format %d", opts.Outer)
	}
	// OpenWrt's ipkg-build: `tar -cf - ./debian-binary ./data.tar.gz
	// ./control.tar.gz | gzip -n`, data before control.
	return outer.to(w, func(w io.Writer) error {
		p := &recordPadder{w: w}
		tw := tar.NewWriter(p)
		for _, m := range members {
			h := header(opts, "./"+m.name, tar.TypeReg, 0o644)
			h.Size = m.size
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
			if err := m.write(tw); err != nil {
				return fmt.Errorf("%s: %w", m.name, err)
			}
		}
		if err := tw.Close(); err != nil {
			return err
		}
		return p.pad()
	})
}

// writeExactly runs write and checks it produced size bytes: the data tree
// changing between the two passes would otherwise corrupt an ar archive.
func writeExactly(w io.Writer, size int64, write func(io.Writer) error) error {
	cw := &limitWriter{w: w, left: size}
	if err := write(cw); err != nil {
		return err
	}
	if cw.left != 0 {
		return errChanged
	}
	return nil
}

var errChanged = errors.New("content changed while the package was written")

type limitWriter struct {
	w    io.Writer
	left int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.left {
		return 0, errChanged
	}
	l.left -= int64(len(p))
	return l.w.Write(p)
}

// gzipper makes gzip streams one after the other with one compressor: a
// compressor's tables weigh megabytes, and Write needs four streams.
type gzipper struct {
	level int
	zw    *gzip.Writer
}

func (g *gzipper) to(w io.Writer, body func(io.Writer) error) error {
	if g.zw == nil {
		level := g.level
		if level == 0 {
			level = gzip.DefaultCompression
		}
		zw, err := gzip.NewWriterLevel(w, level)
		if err != nil {
			return err
		}
		g.zw = zw
	} else {
		g.zw.Reset(w)
	}
	// gzip -n: no name, mtime 0 (this gzip writes a zero time.Time as
	// a wrapped negative number, so the epoch is set explicitly); OS byte
	// "Unix" as gzip(1) writes it.
	g.zw.ModTime = time.Unix(0, 0)
	g.zw.OS = 3
	if err := body(g.zw); err != nil {
		return err
	}
	return g.zw.Close()
}

func header(opts WriteOptions, name string, typ byte, mode int64) *tar.Header {
	mtime := opts.ModTime
	if mtime.IsZero() {
		mtime = time.Unix(0, 0)
	}
	return &tar.Header{
		Typeflag: typ,
		Name:     name,
		Mode:     mode,
		Uid:      opts.Uid,
		Gid:      opts.Gid,
		ModTime:  mtime.Truncate(time.Second),
		Format:   tar.FormatGNU,
	}
}

// recordPadder counts what goes through it so the archive can be padded to
// a whole record at the end.
type recordPadder struct {
	w io.Writer
	n int64
}

func (p *recordPadder) Write(b []byte) (int, error) {
	n, err := p.w.Write(b)
	p.n += int64(n)
	return n, err
}

func (p *recordPadder) pad() error {
	if rest := p.n % tarRecord; rest != 0 {
		_, err := p.Write(make([]byte, tarRecord-rest))
		return err
	}
	return nil
}

func tarMode(m fs.FileMode) int64 {
	mode := int64(m.Perm())
	if m&fs.ModeSetuid != 0 {
		mode |= 0o4000
	}
	if m&fs.ModeSetgid != 0 {
		mode |= 0o2000
	}
	if m&fs.ModeSticky != 0 {
		mode |= 0o1000
	}
	return mode
}

// controlArchive builds control.tar.gz in memory (it is small): "./" then
// the members sorted by name, as `tar --sort=name -C CONTROL .` does.
func controlArchive(gz *gzipper, files []ControlFile, opts WriteOptions) ([]byte, error) {
	sorted := append([]ControlFile(nil), files...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i].Name < sorted[j].Name })
	hasControl := false
	for i, f := range sorted {
		if f.Name == "" || f.Name == "." || f.Name == ".." || strings.ContainsAny(f.Name, "/\x00") {
			return nil, fmt.Errorf("ipk: bad control file name %q", f.Name)
		}
		if i > 0 && sorted[i-1].Name == f.Name {
			return nil, fmt.Errorf("ipk: control file %q given twice", f.Name)
		}
		hasControl = hasControl || f.Name == "control"
	}
	if !hasControl {
		return nil, errors.New(`ipk: no "control" file`)
	}
	var buf bytes.Buffer
	err := gz.to(&buf, func(w io.Writer) error {
		p := &recordPadder{w: w}
		tw := tar.NewWriter(p)
		if err := tw.WriteHeader(header(opts, "./", tar.TypeDir, 0o755)); err != nil {
			return err
		}
		for _, f := range sorted {
			mode := tarMode(f.Mode)
			if mode == 0 {
				mode = 0o644 // an unset Mode, not a wish for an unreadable file
			}
			h := header(opts, "./"+f.Name, tar.TypeReg, mode)
			h.Size = int64(len(f.Data))
			if err := tw.WriteHeader(h); err != nil {
				return err
			}
			if _, err := tw.Write(f.Data); err != nil {
				return err
			}
		}
		if err := tw.Close(); err != nil {
			return err
		}
		return p.pad()
	})
	return buf.Bytes(), err
}

// writeDataTar writes the data archive of fsys: "./", then every entry in
// fs.WalkDir's order, which is lexical within each directory, as GNU tar's
// --sort=name. Without content, files are written as zeros (DataSize).
func writeDataTar(w io.Writer, pkg Package, opts WriteOptions, content bool) error {
	fsys := pkg.Data
	buf := make([]byte, 32<<10) // io.CopyN would allocate one per file
	p := &recordPadder{w: w}
	tw := tar.NewWriter(p)
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if slices.Contains(pkg.Exclude, name) {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		mode := info.Mode()
		var h *tar.Header
		switch {
		case name == ".":
			h = header(opts, "./", tar.TypeDir, tarMode(mode))
		case mode.IsDir():
			h = header(opts, "./"+name+"/", tar.TypeDir, tarMode(mode))
		case mode.IsRegular():
			h = header(opts, "./"+name, tar.TypeReg, tarMode(mode))
			h.Size = info.Size()
		case mode&fs.ModeSymlink != 0:
			target, err := fs.ReadLink(fsys, name)
			if err != nil {
				return &UnsupportedFileError{Path: name, Mode: mode, Err: err}
			}
			h = header(opts, "./"+name, tar.TypeSymlink, 0o777)
			h.Linkname = target
		default:
			return &UnsupportedFileError{Path: name, Mode: mode}
		}
		if err := tw.WriteHeader(h); err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		if h.Typeflag != tar.TypeReg || h.Size == 0 {
			return nil
		}
		if !content {
			_, err := io.CopyBuffer(tw, io.LimitReader(zeros{}, h.Size), buf)
			return err
		}
		f, err := fsys.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		n, err := io.CopyBuffer(tw, io.LimitReader(f, h.Size), buf)
		if err == nil && n < h.Size {
			err = errChanged
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if err := tw.Close(); err != nil {
		return err
	}
	return p.pad()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}
