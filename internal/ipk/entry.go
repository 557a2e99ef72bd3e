package ipk

import (
	"archive/tar"
	"fmt"
	"io/fs"
	"time"
)

// EntryType is the kind of a data archive entry.
type EntryType int

// The entry types the reader passes on.
const (
	TypeFile EntryType = iota + 1
	TypeDir
	TypeSymlink
	TypeHardlink
	TypeCharDevice
	TypeBlockDevice
	TypeFIFO
)

func (t EntryType) String() string {
	switch t {
	case TypeFile:
		return "file"
	case TypeDir:
		return "directory"
	case TypeSymlink:
		return "symlink"
	case TypeHardlink:
		return "hard link"
	case TypeCharDevice:
		return "character device"
	case TypeBlockDevice:
		return "block device"
	case TypeFIFO:
		return "fifo"
	}
	return fmt.Sprintf("EntryType(%d)", int(t))
}

// Entry is one checked entry of a data archive.
type Entry struct {
	// Name is relative to the root, normalised: no "./" prefix, no trailing
	// slash, no empty or "." components ("usr/bin/foo").
	Name string
	Type EntryType
	// Mode holds the permission bits, fs.ModeSetuid/ModeSetgid/ModeSticky,
	// and the type bits matching Type.
	Mode fs.FileMode
	Size int64 // content length; 0 unless Type is TypeFile
	// Linkname is a symlink's target exactly as stored (it may be absolute or
	// climb with ".."; it is resolved, if ever, inside the root at install
	// time), or a hard link's target normalised like Name.
	Linkname           string
	Uid, Gid           int
	Uname, Gname       string
	ModTime            time.Time
	Devmajor, Devminor int64
}

// entryChecker applies the safety rules to the entries of one tar stream and
// remembers what it needs for the rules that look back (duplicates, symlink
// parents, hard link targets).
type entryChecker struct {
	pkg, member string
	opts        Options
	control     bool // control archive: flat regular files only
	maxEntries  int
	maxFile     int64
	maxTotal    int64

	seen      map[string]EntryType
	entries   int
	total     int64 // sum of file sizes
	nameBytes int64
}

func newEntryChecker(pkg, member string, opts Options, control bool) *entryChecker {
	c := &entryChecker{pkg: pkg, member: member, opts: opts, control: control,
		seen: make(map[string]EntryType)}
	if control {
		c.maxEntries, c.maxFile, c.maxTotal = maxControlEntries, opts.Limits.MaxControlFileSize, opts.Limits.MaxControlSize
	} else {
		c.maxEntries, c.maxFile, c.maxTotal = opts.Limits.MaxEntries, opts.Limits.MaxFileSize, opts.Limits.MaxDataSize
	}
	return c
}

// maxControlEntries bounds the members of a control archive; real ones have
// a handful.
const maxControlEntries = 256

// streamAllowance is how many decompressed bytes the tar stream may have
// produced so far: the accepted content plus a fixed allowance per entry.
func (c *entryChecker) streamAllowance() int64 {
	return c.total + int64(c.entries+2)*metadataAllowance + c.opts.Limits.MaxTrailingZeros
}

func (c *entryChecker) refuse(raw string, reason Reason, detail string) error {
	return &UnsafeEntryError{Package: c.pkg, Member: c.member, Entry: raw, Reason: reason, Detail: detail}
}

// check validates h. It returns nil, nil for entries that are skipped: the
// archive's root directory and PAX global headers.
func (c *entryChecker) check(h *tar.Header) (*Entry, error) {
	c.entries++
	if c.entries > c.maxEntries {
		return nil, c.refuse(h.Name, ReasonTooManyEntries, fmt.Sprintf("limit %d", c.maxEntries))
	}
	var typ EntryType
	var mode fs.FileMode
	switch h.Typeflag {
	case tar.TypeXGlobalHeader:
		return nil, nil
	case tar.TypeReg: // archive/tar reports the old "\x00" flag as TypeReg too
		typ = TypeFile
	case tar.TypeDir:
		typ, mode = TypeDir, fs.ModeDir
	case tar.TypeSymlink:
		typ, mode = TypeSymlink, fs.ModeSymlink
	case tar.TypeLink:
		typ = TypeHardlink
	case tar.TypeChar:
		typ, mode = TypeCharDevice, fs.ModeDevice|fs.ModeCharDevice
	case tar.TypeBlock:
		typ, mode = TypeBlockDevice, fs.ModeDevice
	case tar.TypeFifo:
		typ, mode = TypeFIFO, fs.ModeNamedPipe
	default:
		return nil, c.refuse(h.Name, ReasonUnsupportedType, fmt.Sprintf("type flag %q", h.Typeflag))
	}
	name, reason := cleanName(h.Name)
	if reason != 0 {
		return nil, c.refuse(h.Name, reason, "")
	}
	if name == "" {
		if typ == TypeDir {
			return nil, nil // the archive's root, "./"
		}
		return nil, c.refuse(h.Name, ReasonBadName, "")
	}
	if c.control && (typ != TypeFile || containsSlash(name)) {
		return nil, c.refuse(h.Name, ReasonNotInControl, typ.String())
	}
	c.nameBytes += int64(len(name))
	if c.nameBytes > c.opts.Limits.MaxNameBytes {
		return nil, c.refuse(h.Name, ReasonTooLarge, fmt.Sprintf("names over %d bytes", c.opts.Limits.MaxNameBytes))
	}
	if _, dup := c.seen[name]; dup {
		return nil, c.refuse(h.Name, ReasonDuplicate, "")
	}
	for i := 0; i < len(name); i++ {
		if name[i] != '/' {
			continue
		}
		switch t, ok := c.seen[name[:i]]; {
		case !ok || t == TypeDir:
		case t == TypeSymlink:
			return nil, c.refuse(h.Name, ReasonThroughSymlink, name[:i])
		default:
			return nil, c.refuse(h.Name, ReasonParentNotDirectory, name[:i])
		}
	}
	if h.Size < 0 || h.Size > c.maxFile {
		return nil, c.refuse(h.Name, ReasonBadSize, fmt.Sprintf("%d bytes, limit %d", h.Size, c.maxFile))
	}
	size := int64(0)
	if typ == TypeFile {
		size = h.Size
		c.total += size
		if c.total > c.maxTotal {
			return nil, c.refuse(h.Name, ReasonTooLarge, fmt.Sprintf("limit %d", c.maxTotal))
		}
	}
	link := ""
	switch typ {
	case TypeHardlink:
		target, reason := cleanName(h.Linkname)
		switch reason {
		case 0:
		case ReasonAbsolutePath, ReasonDotDot:
			return nil, c.refuse(h.Name, ReasonHardlinkOutside, h.Linkname)
		default:
			return nil, c.refuse(h.Name, reason, "link target "+h.Linkname)
		}
		switch t, ok := c.seen[target]; {
		case !ok:
			return nil, c.refuse(h.Name, ReasonHardlinkMissing, h.Linkname)
		case t != TypeFile:
			return nil, c.refuse(h.Name, ReasonHardlinkNotFile, h.Linkname)
		}
		link = target
	case TypeSymlink:
		if h.Linkname == "" || len(h.Linkname) > maxPathLen || containsNUL(h.Linkname) {
			return nil, c.refuse(h.Name, ReasonBadSymlink, "")
		}
		link = h.Linkname
	case TypeCharDevice, TypeBlockDevice, TypeFIFO:
		if !c.opts.AllowDevices {
			return nil, c.refuse(h.Name, ReasonDevice, typ.String())
		}
	}
	mode |= fs.FileMode(h.Mode & 0o777)
	if h.Mode&0o4000 != 0 {
		mode |= fs.ModeSetuid
	}
	if h.Mode&0o2000 != 0 {
		mode |= fs.ModeSetgid
	}
	if h.Mode&0o1000 != 0 {
		mode |= fs.ModeSticky
	}
	// setgid on a directory only decides the group of new files in it.
	if mode&(fs.ModeSetuid|fs.ModeSetgid) != 0 && typ != TypeDir && typ != TypeSymlink && !c.opts.AllowSetuid {
		return nil, c.refuse(h.Name, ReasonSetuid, fmt.Sprintf("mode %#o", h.Mode&0o7777))
	}
	recorded := typ
	if typ == TypeHardlink {
		recorded = TypeFile // a hard link is a file: a later link may name it
	}
	c.seen[name] = recorded
	return &Entry{
		Name: name, Type: typ, Mode: mode, Size: size, Linkname: link,
		Uid: h.Uid, Gid: h.Gid, Uname: h.Uname, Gname: h.Gname,
		ModTime: h.ModTime, Devmajor: h.Devmajor, Devminor: h.Devminor,
	}, nil
}

func containsSlash(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == '/' {
			return true
		}
	}
	return false
}

func containsNUL(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] == 0 {
			return true
		}
	}
	return false
}
