package ipk

import (
	"archive/tar"
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// MemberKind classifies an outer member by its name.
type MemberKind int

// The kinds of outer members.
const (
	MemberOther        MemberKind = iota // anything else (e.g. Debian's "_gpgbuilder"): skipped
	MemberDebianBinary                   // "debian-binary"
	MemberControl                        // "control.tar" or "control.tar.*"
	MemberData                           // "data.tar" or "data.tar.*"
)

// Member is one member of the outer archive.
type Member struct {
	Name string // normalised: no "./" prefix, no GNU ar "/" suffix
	Kind MemberKind
	Size int64 // stored (compressed) size
}

// OuterFormat is the container around the members.
type OuterFormat int

// The outer containers.
const (
	OuterTarGzip OuterFormat = iota // OpenWrt ipkg-build, opkg-build -c; the only form opkg-lede reads
	OuterAr                         // Debian, Yocto opkg-build's default
	OuterTar                        // uncompressed tar; read only
)

func memberKind(name string) MemberKind {
	switch {
	case name == "debian-binary":
		return MemberDebianBinary
	case name == "control.tar" || strings.HasPrefix(name, "control.tar."):
		return MemberControl
	case name == "data.tar" || strings.HasPrefix(name, "data.tar."):
		return MemberData
	}
	return MemberOther
}

// Reader reads a package as a stream of members: call Next, and for the
// control member Control, for the data member Data. It never seeks and never
// holds the data member in memory.
type Reader struct {
	pkg   string
	opts  Options
	outer OuterFormat

	src *bufio.Reader // the package file
	gz  *gzip.Reader  // OuterTarGzip: decompressed view of src
	tr  *tar.Reader   // OuterTar, OuterTarGzip
	ar  *arReader     // OuterAr

	body    io.Reader // raw bytes of the current member
	cur     *Member
	used    bool // Control or Data was called for cur
	version string
	seen    [4]bool // by MemberKind
	data    *DataReader
	err     error // sticky

	outerEntries int
}

// maxOuterEntries bounds the entries of the outer archive; a package has
// three members, four with a "./" entry.
const maxOuterEntries = 64

// NewReader starts reading a package. name identifies it in errors (the
// file name, a URL); it is not opened.
func NewReader(r io.Reader, name string, opts Options) (*Reader, error) {
	opts.Limits = opts.Limits.withDefaults()
	if opts.Buffers == nil {
		opts.Buffers = &Buffers{}
	}
	pr := &Reader{pkg: name, opts: opts, src: reuseBufio(&opts.Buffers.src, r, 64<<10)}
	head, _ := pr.src.Peek(512)
	switch {
	case bytes.HasPrefix(head, []byte(arMagic)):
		pr.outer = OuterAr
		pr.src.Discard(len(arMagic))
		pr.ar = &arReader{r: pr.src, maxZeros: opts.Limits.MaxTrailingZeros}
	case bytes.HasPrefix(head, magicGzip):
		pr.outer = OuterTarGzip
		gz, err := reuseGzip(&opts.Buffers.outer, pr.src)
		if err != nil {
			return nil, pr.formatError("", err)
		}
		// One gzip stream, then only zero bytes: a second stream would be
		// a second, unchecked archive.
		gz.Multistream(false)
		pr.gz = gz
		pr.tr = tar.NewReader(gz)
	case len(head) == 512 && (bytes.Equal(head[257:263], []byte("ustar\x00")) || bytes.Equal(head[257:265], []byte("ustar  \x00"))):
		pr.outer = OuterTar
		pr.tr = tar.NewReader(pr.src)
	default:
		if len(head) == 0 {
			return nil, &FormatError{Package: name, Problem: ProblemTruncated, Detail: "empty file"}
		}
		return nil, &FormatError{Package: name, Problem: ProblemNotPackage}
	}
	return pr, nil
}

// Outer reports the outer container format.
func (r *Reader) Outer() OuterFormat { return r.outer }

// Version is the content of debian-binary without its newline ("2.0"), once
// that member has been read.
func (r *Reader) Version() string { return r.version }

// formatError turns an error from below into a *FormatError for member
// (empty: the outer archive). Errors already typed pass through.
func (r *Reader) formatError(member string, err error) error {
	complete := r.seen[MemberDebianBinary] && r.seen[MemberControl] && r.seen[MemberData]
	return classify(r.pkg, member, err, complete)
}

// classify turns an error from a decompressor, archive/tar or the ar reader
// into a *FormatError. complete says all members were seen, so that a bad ar
// header where the archive could have ended is reported as trailing data.
func classify(pkg, member string, err error, complete bool) error {
	var fe *FormatError
	var ue *UnsafeEntryError
	if errors.As(err, &fe) || errors.As(err, &ue) {
		return err
	}
	e := &FormatError{Package: pkg, Member: member, Problem: ProblemCorrupt, Err: err}
	var trailing *errTrailing
	var dict *errDictionary
	var arh *errArHeader
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		e.Problem, e.Err = ProblemTruncated, nil
	case errors.As(err, &trailing):
		e.Problem, e.Err = ProblemTrailingData, nil
		e.Detail = trailing.Error()
	case errors.As(err, &dict), errors.Is(err, errStreamLimit),
		errors.Is(err, zstd.ErrWindowSizeExceeded), errors.Is(err, zstd.ErrDecoderSizeExceeded):
		e.Problem = ProblemTooLarge
	case errors.Is(err, errUnsupportedCompression):
		e.Problem = ProblemUnsupportedCompress
	case errors.As(err, &arh) && complete:
		e.Problem = ProblemTrailingData
	}
	return e
}

func (r *Reader) fail(err error) error {
	if r.err == nil {
		r.err = err
	}
	return err
}

// Next advances to the next member, skipping what is left of the current
// one. At the end of the archive it checks that nothing but zero bytes
// follows and that debian-binary, a control and a data member were all
// present, and returns io.EOF.
func (r *Reader) Next() (*Member, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.data != nil {
		r.data.release()
		r.data = nil
	}
	maxSize := r.opts.Limits.maxMemberSize()
	var raw string
	var size int64
	for {
		// Skipped entries ("./", symbol tables, PAX globals) and other
		// members count too: a gzip bomb of empty headers stops here.
		r.outerEntries++
		if r.outerEntries > maxOuterEntries {
			return nil, r.fail(&FormatError{Package: r.pkg, Problem: ProblemTooLarge, Detail: fmt.Sprintf("more than %d outer entries", maxOuterEntries)})
		}
		var err error
		if r.ar != nil {
			raw, size, err = r.ar.next(maxSize)
			r.body = r.ar
		} else {
			var h *tar.Header
			h, err = r.tr.Next()
			if err == nil {
				if h.Typeflag == tar.TypeXGlobalHeader {
					continue
				}
				if h.Typeflag == tar.TypeDir {
					if n, reason := cleanName(h.Name); reason == 0 && n == "" {
						continue // "./": tar -C dir .
					}
				}
				if h.Typeflag != tar.TypeReg {
					return nil, r.fail(&FormatError{Package: r.pkg, Member: memberName(h.Name), Problem: ProblemBadMember,
						Detail: fmt.Sprintf("type flag %q", h.Typeflag)})
				}
				raw, size = h.Name, h.Size
				if size > maxSize {
					return nil, r.fail(&FormatError{Package: r.pkg, Member: memberName(raw), Problem: ProblemTooLarge,
						Detail: fmt.Sprintf("%d bytes, limit %d", size, maxSize)})
				}
				r.body = r.tr
			}
		}
		if err == io.EOF {
			return nil, r.finish()
		}
		if err != nil {
			return nil, r.fail(r.formatError("", err))
		}
		break
	}
	m := &Member{Name: memberName(raw), Kind: memberKind(memberName(raw)), Size: size}
	if m.Kind != MemberOther {
		if r.seen[m.Kind] {
			return nil, r.fail(&FormatError{Package: r.pkg, Member: m.Name, Problem: ProblemDuplicateMember})
		}
		r.seen[m.Kind] = true
	}
	r.cur, r.used = m, false
	if m.Kind == MemberDebianBinary {
		if err := r.readVersion(m); err != nil {
			return nil, r.fail(err)
		}
	}
	return m, nil
}

// readVersion reads debian-binary: "2.0\n" in every known package; any 2.x
// is accepted as dpkg does.
func (r *Reader) readVersion(m *Member) error {
	const maxVersion = 64
	if m.Size > maxVersion {
		return &FormatError{Package: r.pkg, Member: m.Name, Problem: ProblemBadVersion, Detail: fmt.Sprintf("%d bytes", m.Size)}
	}
	buf := make([]byte, m.Size)
	if _, err := io.ReadFull(r.body, buf); err != nil {
		return r.formatError(m.Name, noEOF(err))
	}
	v := strings.TrimRight(string(buf), "\n")
	if !strings.HasPrefix(v, "2.") || strings.ContainsAny(v, "\n\x00") {
		return &FormatError{Package: r.pkg, Member: m.Name, Problem: ProblemBadVersion, Detail: fmt.Sprintf("%q", v)}
	}
	r.version = v
	r.body = bytes.NewReader(nil)
	return nil
}

// finish checks the end of the outer archive.
func (r *Reader) finish() error {
	maxZeros := r.opts.Limits.MaxTrailingZeros
	if r.gz != nil {
		// tar's end-of-archive blocks have been read; the record padding
		// GNU tar adds follows, then gzip's trailer (CRC, length), then the
		// end of the file.
		n, err := drainZeros(r.gz, maxZeros)
		if err != nil {
			return r.fail(r.formatError("", err))
		}
		maxZeros -= n
	}
	if r.outer != OuterAr {
		if _, err := drainZeros(r.src, maxZeros); err != nil {
			return r.fail(r.formatError("", err))
		}
	}
	for _, k := range []MemberKind{MemberDebianBinary, MemberControl, MemberData} {
		if !r.seen[k] {
			name := map[MemberKind]string{MemberDebianBinary: "debian-binary", MemberControl: "control.tar.*", MemberData: "data.tar.*"}[k]
			return r.fail(&FormatError{Package: r.pkg, Problem: ProblemMissingMember, Detail: name})
		}
	}
	r.err = io.EOF
	return io.EOF
}

// Read reads the raw (still compressed) bytes of the current member.
func (r *Reader) Read(p []byte) (int, error) {
	if r.cur == nil || r.used {
		return 0, &FormatError{Package: r.pkg, Problem: ProblemMisuse, Detail: "Read without a current member"}
	}
	n, err := r.body.Read(p)
	if err != nil && err != io.EOF {
		err = r.formatError(r.cur.Name, err)
	}
	return n, err
}

func (r *Reader) openMember(kind MemberKind) (*decompressor, error) {
	if r.err != nil {
		return nil, r.err
	}
	if r.cur == nil || r.cur.Kind != kind || r.used {
		return nil, &FormatError{Package: r.pkg, Problem: ProblemMisuse, Detail: "current member is not an unread " + map[MemberKind]string{MemberControl: "control", MemberData: "data"}[kind] + " member"}
	}
	r.used = true
	dec, err := newDecompressor(reuseBufio(&r.opts.Buffers.member, r.body, 32<<10), r.opts.Limits, r.opts.Buffers)
	if err != nil {
		return nil, r.fail(r.formatError(r.cur.Name, err))
	}
	return dec, nil
}

// Control reads the current member, which must be the control member, into
// memory (bounded by Limits.MaxControlFileSize and MaxControlSize).
func (r *Reader) Control() (*Control, error) {
	dec, err := r.openMember(MemberControl)
	if err != nil {
		return nil, err
	}
	defer dec.Close()
	c, err := readControl(dec, r.pkg, r.cur.Name, r.opts)
	if err != nil {
		return nil, r.fail(r.formatError(r.cur.Name, err))
	}
	return c, nil
}

// Data starts reading the current member, which must be the data member, as
// a stream of checked entries.
func (r *Reader) Data() (*DataReader, error) {
	dec, err := r.openMember(MemberData)
	if err != nil {
		return nil, err
	}
	d := newDataReader(dec, r.pkg, r.cur.Name, r.opts)
	d.owner = r
	r.data = d
	return d, nil
}

// boundedReader fails once more than limit bytes have been read through it;
// the limit grows with what the tar reader has accepted (see
// entryChecker.streamAllowance).
type boundedReader struct {
	r        io.Reader
	n, limit int64
}

var errStreamLimit = errors.New("decompressed stream over the limit")

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.n > b.limit {
		return 0, errStreamLimit
	}
	if rest := b.limit - b.n + 1; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := b.r.Read(p)
	b.n += int64(n)
	return n, err
}

// DataReader iterates over the entries of a data archive, each checked
// against the safety rules before it is returned.
type DataReader struct {
	pkg, member string
	opts        Options
	dec         *decompressor
	bound       *boundedReader
	tr          *tar.Reader
	check       *entryChecker
	cur         *Entry
	owner       *Reader
	err         error
}

func newDataReader(dec *decompressor, pkg, member string, opts Options) *DataReader {
	check := newEntryChecker(pkg, member, opts, false)
	bound := &boundedReader{r: dec, limit: check.streamAllowance()}
	return &DataReader{pkg: pkg, member: member, opts: opts, dec: dec, bound: bound,
		tr: tar.NewReader(bound), check: check}
}

func (d *DataReader) release() {
	d.dec.Close()
	if d.err == nil {
		d.err = &FormatError{Package: d.pkg, Member: d.member, Problem: ProblemMisuse, Detail: "data reader used after Next on the package"}
	}
}

func (d *DataReader) fail(err error) error {
	fe := classify(d.pkg, d.member, err, false)
	d.err = fe
	if d.owner != nil {
		d.owner.fail(fe)
	}
	return fe
}

// Next returns the next entry. At the end of the archive it checks what
// follows (only zero bytes, then the end of the compressed stream, whose
// checksum is verified) and returns io.EOF.
func (d *DataReader) Next() (*Entry, error) {
	if d.err != nil {
		return nil, d.err
	}
	for {
		h, err := d.tr.Next()
		if errors.Is(err, tar.ErrInsecurePath) {
			err = nil // with GODEBUG=tarinsecurepath=0; check names it precisely
		}
		if err == io.EOF {
			if err := d.dec.finish(d.opts.Limits.MaxTrailingZeros); err != nil {
				return nil, d.fail(err)
			}
			d.dec.Close()
			d.err = io.EOF
			return nil, io.EOF
		}
		if err != nil {
			return nil, d.fail(err)
		}
		e, err := d.check.check(h)
		if err != nil {
			return nil, d.fail(err)
		}
		d.bound.limit = d.check.streamAllowance()
		if e == nil {
			continue
		}
		d.cur = e
		return e, nil
	}
}

// Read reads the content of the current entry (regular files only).
func (d *DataReader) Read(p []byte) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	n, err := d.tr.Read(p)
	if err != nil && err != io.EOF {
		err = d.fail(err)
	}
	return n, err
}

// ControlFile is one member of the control archive.
type ControlFile struct {
	Name string      // "control", "conffiles", "postinst", …
	Mode fs.FileMode // permission bits
	Data []byte
}

// Control is the whole control archive, in archive order.
type Control struct {
	Files []ControlFile
}

// File returns the content of the named control member.
func (c *Control) File(name string) ([]byte, bool) {
	for _, f := range c.Files {
		if f.Name == name {
			return f.Data, true
		}
	}
	return nil, false
}

// readControl reads a control archive into memory.
func readControl(dec *decompressor, pkg, member string, opts Options) (*Control, error) {
	check := newEntryChecker(pkg, member, opts, true)
	bound := &boundedReader{r: dec, limit: check.streamAllowance()}
	tr := tar.NewReader(bound)
	c := &Control{}
	for {
		h, err := tr.Next()
		if errors.Is(err, tar.ErrInsecurePath) {
			err = nil
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		e, err := check.check(h)
		if err != nil {
			return nil, err
		}
		bound.limit = check.streamAllowance()
		if e == nil {
			continue
		}
		buf := make([]byte, e.Size)
		if _, err := io.ReadFull(tr, buf); err != nil {
			return nil, noEOF(err)
		}
		c.Files = append(c.Files, ControlFile{Name: e.Name, Mode: e.Mode.Perm(), Data: buf})
	}
	if err := dec.finish(opts.Limits.MaxTrailingZeros); err != nil {
		return nil, err
	}
	if _, ok := c.File("control"); !ok {
		return nil, &FormatError{Package: pkg, Member: member, Problem: ProblemMissingControlFile}
	}
	return c, nil
}
