package engine

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"pakt/internal/control"
	"pakt/internal/ipk"
	"pakt/internal/pkginfo"
)

// A package is read twice while it is applied. The first pass (scanPackage)
// checks the whole archive, keeps the control archive and the list of data
// entries, and hashes the conffiles; nothing is written. The second pass
// streams each file's bytes into its staged copy while the transaction
// prepares: txn stages files in the order of the ops, which is the order of
// the entries, so one forward pass over each archive serves them all.

// scannedPackage is what the first pass learnt of a package file.
type scannedPackage struct {
	path    string // OS path of the .ipk
	ctl     *ipk.Control
	stanza  *control.Stanza
	info    *pkginfo.Package
	entries []ipk.Entry
	// sums are the sha256 of the package's conffiles, by entry name.
	sums map[string]string
}

// readBuffers lends one set of ipk read buffers to the package reads of a
// transaction, which mostly come one after another: scanning each package,
// then streaming each into place. A read that starts while another holds
// them gets its own.
type readBuffers struct {
	b     ipk.Buffers
	owner any // the pkgStream holding b; nil when free
}

// lend returns options for a read by owner, with the shared buffers if
// they are free.
func (rb *readBuffers) lend(owner any) ipk.Options {
	if rb == nil || rb.owner != nil && rb.owner != owner {
		return ipk.Options{}
	}
	rb.owner = owner
	return ipk.Options{Buffers: &rb.b}
}

func (rb *readBuffers) give(owner any) {
	if rb != nil && rb.owner == owner {
		rb.owner = nil
	}
}

// scanPackage reads a package file whole and checks it.
func scanPackage(ctx context.Context, file, shown string, rb *readBuffers) (*scannedPackage, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, &PackageFileError{Path: shown, Err: pathCause(err)}
	}
	defer f.Close()
	sp := &scannedPackage{path: file, sums: map[string]string{}}
	opts := rb.lend(sp)
	defer rb.give(sp)
	// The conffiles are hashed while the data is read; in ipkg-build's
	// layout the control member comes last, so it is read first on its
	// own (the data member is skipped without being unpacked).
	first, err := ipk.ReadControl(f, shown, opts)
	if err != nil {
		return nil, &PackageFileError{Path: shown, Err: err}
	}
	conffiles := map[string]bool{}
	if data, ok := first.File("conffiles"); ok {
		for _, line := range splitLines(string(data)) {
			conffiles[strings.TrimPrefix(strings.TrimSpace(line), "/")] = true
		}
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return nil, &PackageFileError{Path: shown, Err: err}
	}
	h := sha256.New()
	ctl, err := ipk.Walk(f, shown, opts, ipk.Handler{
		Entry: func(e *ipk.Entry, content io.Reader) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			sp.entries = append(sp.entries, *e)
			if e.Type == ipk.TypeFile && conffiles[e.Name] {
				h.Reset()
				if _, err := io.Copy(h, content); err != nil {
					return err
				}
				sp.sums[e.Name] = hex.EncodeToString(h.Sum(nil))
			}
			return nil
		},
	})
	if err != nil {
		return nil, &PackageFileError{Path: shown, Err: err}
	}
	sp.ctl = ctl
	data, _ := ctl.File("control")
	stanzas, err := control.Parse(shown+": control", data)
	if err != nil {
		return nil, &PackageFileError{Path: shown, Err: err}
	}
	if len(stanzas) != 1 {
		return nil, &PackageFileError{Path: shown, Err: fmt.Errorf("control file holds %d stanzas, want 1", len(stanzas))}
	}
	sp.stanza = &stanzas[0]
	if sp.info, err = pkginfo.Decode(sp.stanza); err != nil {
		return nil, &PackageFileError{Path: shown, Err: err}
	}
	return sp, nil
}

// conffiles lists the package's conffiles (the conffiles member: one
// absolute path a line).
func (sp *scannedPackage) conffiles() []string {
	data, ok := sp.ctl.File("conffiles")
	if !ok {
		return nil
	}
	var out []string
	for _, line := range splitLines(string(data)) {
		if line != "" {
			out = append(out, line)
		}
	}
	return out
}

// pkgStream reads one package's data entries in archive order for staging.
type pkgStream struct {
	path, shown string
	f           *os.File
	d           *ipk.DataReader
	pos         int // index of the entry d is at; -1 before the first
	bufs        *readBuffers
	// readers counts the entryData not yet read to their end: the last
	// one closes the stream, so that a transaction of many packages holds
	// one decompressor at a time, not one per package (~180 KiB each).
	readers int
}

// errStreamChanged is a package file that no longer has the entry the first
// pass saw (changed on disk in between).
var errStreamChanged = errors.New("package file changed while being installed")

// at returns a reader of entry i's content.
func (s *pkgStream) at(i int) (io.Reader, error) {
	// An entry already begun cannot be read again from where it started:
	// a hard link to an earlier entry reopens the package.
	if s.d == nil || i <= s.pos {
		if err := s.open(); err != nil {
			return nil, err
		}
	}
	for s.pos < i {
		if _, err := s.d.Next(); err != nil {
			if err == io.EOF {
				err = errStreamChanged
			}
			return nil, &PackageFileError{Path: s.shown, Err: err}
		}
		s.pos++
	}
	return s.d, nil
}

func (s *pkgStream) open() error {
	s.close()
	f, err := os.Open(s.path)
	if err != nil {
		return &PackageFileError{Path: s.shown, Err: pathCause(err)}
	}
	s.f, s.pos = f, -1
	r, err := ipk.NewReader(f, s.shown, s.bufs.lend(s))
	if err != nil {
		return &PackageFileError{Path: s.shown, Err: err}
	}
	for {
		m, err := r.Next()
		if err != nil {
			if err == io.EOF {
				err = errStreamChanged
			}
			return &PackageFileError{Path: s.shown, Err: err}
		}
		if m.Kind == ipk.MemberData {
			if s.d, err = r.Data(); err != nil {
				return &PackageFileError{Path: s.shown, Err: err}
			}
			return nil
		}
	}
}

func (s *pkgStream) close() {
	if s.f != nil {
		s.f.Close()
	}
	s.f, s.d = nil, nil
	s.bufs.give(s)
}

// entryData is the content of one entry, found when first read.
type entryData struct {
	s    *pkgStream
	i    int
	r    io.Reader
	done bool
}

func (s *pkgStream) entry(i int) *entryData {
	s.readers++
	return &entryData{s: s, i: i}
}

func (e *entryData) Read(p []byte) (int, error) {
	if e.done {
		return 0, io.EOF
	}
	if e.r == nil {
		r, err := e.s.at(e.i)
		if err != nil {
			return 0, err
		}
		e.r = r
	}
	n, err := e.r.Read(p)
	if err == io.EOF {
		e.done, e.r = true, nil
		if e.s.readers--; e.s.readers <= 0 {
			e.s.close()
		}
	}
	return n, err
}

func splitLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' {
			i++
		}
		line := s[:i]
		if len(line) > 0 && line[len(line)-1] == '\r' {
			line = line[:len(line)-1]
		}
		out = append(out, line)
		if i < len(s) {
			i++
		}
		s = s[i:]
	}
	return out
}
