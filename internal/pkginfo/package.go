package pkginfo

import (
	"fmt"
	"strconv"
	"strings"

	"pakt/internal/control"
	"pakt/internal/relation"
	"pakt/internal/version"
)

// Package is one package as opkg knows it, from a feed index, a status
// file or a control file. Strings alias the decoded stanza's text.
type Package struct {
	Name         string
	Version      string // as written, validated by version.Parse
	ABIVersion   string
	Architecture string

	Depends    []relation.Group
	PreDepends []relation.Group
	Recommends []relation.Group
	Suggests   []relation.Group
	Conflicts  []relation.Group
	Provides   []relation.Atom
	Replaces   []relation.Atom

	Status        Status // zero: "unknown ok not-installed"
	Essential     bool   // "Essential: yes"
	AutoInstalled bool   // "Auto-Installed: yes"
	InstalledTime int64  // Unix seconds; 0: absent
	Alternatives  []Alternative
	Conffiles     []Conffile

	InstalledSize uint64 // 0: absent
	Size          uint64 // 0: absent
	SHA256sum     string
	MD5Sum        string
	Filename      string
	Description   string // first line, then "\n"-separated continuation lines with their leading space
	Section       string
	Source        string
	Maintainer    string
	Tags          string

	// Extra holds every field pakt does not interpret, in input order
	// (License, URL, CPE-ID, SourceDateEpoch, Priority, OE, HomePage…).
	// They are dropped from the status file, as opkg-lede does.
	Extra []control.Field

	// empty marks known fields that were present with an empty value
	// ("Provides:" in opkg 0.1.x status files), so that they are written
	// back as read.
	empty fieldSet
}

// Conffile is one line of the Conffiles field: a configuration file and the
// hash of the package's version of it.
type Conffile struct {
	Path string
	Hash string // md5 (32 hex digits) or sha256 (64); see HashKind
}

// HashKind tells which digest Hash holds, by its length as opkg-lede does
// (conffile.c: longer than 33 characters means sha256): "sha256" or "md5".
func (c Conffile) HashKind() string {
	if len(c.Hash) > 33 {
		return "sha256"
	}
	return "md5"
}

// Alternative is one entry of the Alternatives field, "prio:path:target":
// Path is a symlink to Target owned by the installed provider with the
// highest Priority.
type Alternative struct {
	Priority int
	Path     string
	Target   string
}

func (a Alternative) String() string {
	return strconv.Itoa(a.Priority) + ":" + a.Path + ":" + a.Target
}

// fieldID numbers the fields pakt interprets.
type fieldID uint8

const (
	fPackage fieldID = iota
	fVersion
	fABIVersion
	fArchitecture
	fDepends
	fPreDepends
	fRecommends
	fSuggests
	fConflicts
	fProvides
	fReplaces
	fStatus
	fEssential
	fAutoInstalled
	fInstalledTime
	fAlternatives
	fConffiles
	fInstalledSize
	fSize
	fSHA256sum
	fMD5Sum
	fFilename
	fDescription
	fSection
	fSource
	fMaintainer
	fTags
	numFields
)

// fieldNames spells each field as opkg-lede writes it.
var fieldNames = [numFields]string{
	fPackage: "Package", fVersion: "Version", fABIVersion: "ABIVersion", fArchitecture: "Architecture",
	fDepends: "Depends", fPreDepends: "Pre-Depends", fRecommends: "Recommends", fSuggests: "Suggests",
	fConflicts: "Conflicts", fProvides: "Provides", fReplaces: "Replaces", fStatus: "Status",
	fEssential: "Essential", fAutoInstalled: "Auto-Installed", fInstalledTime: "Installed-Time",
	fAlternatives: "Alternatives", fConffiles: "Conffiles", fInstalledSize: "Installed-Size", fSize: "Size",
	fSHA256sum: "SHA256sum", fMD5Sum: "MD5Sum", fFilename: "Filename", fDescription: "Description",
	fSection: "Section", fSource: "Source", fMaintainer: "Maintainer", fTags: "Tags",
}

type fieldSet uint32

func (s fieldSet) has(f fieldID) bool { return s&(1<<f) != 0 }

// fieldByName finds the field a name denotes, ignoring ASCII case (control
// matches names that way; opkg-lede takes both MD5sum and MD5Sum). It is on
// the hot path of loading a feed: dispatch on the first letter first.
func fieldByName(name string) (fieldID, bool) {
	if name == "" {
		return 0, false
	}
	switch name[0] | 0x20 {
	case 'a':
		return match(name, fABIVersion, fArchitecture, fAutoInstalled, fAlternatives)
	case 'c':
		return match(name, fConflicts, fConffiles)
	case 'd':
		return match(name, fDepends, fDescription)
	case 'e':
		return match(name, fEssential)
	case 'f':
		return match(name, fFilename)
	case 'i':
		return match(name, fInstalledSize, fInstalledTime)
	case 'm':
		return match(name, fMD5Sum, fMaintainer)
	case 'p':
		return match(name, fPackage, fPreDepends, fProvides)
	case 'r':
		return match(name, fRecommends, fReplaces)
	case 's':
		return match(name, fSize, fSHA256sum, fSection, fSource, fStatus, fSuggests)
	case 't':
		return match(name, fTags)
	case 'v':
		return match(name, fVersion)
	}
	return 0, false
}

func match(name string, ids ...fieldID) (fieldID, bool) {
	for _, id := range ids {
		if n := fieldNames[id]; len(n) == len(name) && (n == name || strings.EqualFold(n, name)) {
			return id, true
		}
	}
	return 0, false
}

// Decode reads a package from a stanza of a feed index, a status file or a
// control file. A field named twice takes its last value (as control and
// opkg-lede do). The first invalid field ends decoding with an *Error; a
// stanza without a Package field gives ErrNoPackage (opkg skips such a
// stanza, "probably just a blank line": the feed reader should too).
func Decode(s *control.Stanza) (*Package, error) {
	p := &Package{}
	var seen fieldSet
	for i := range s.Fields {
		f := &s.Fields[i]
		id, known := fieldByName(f.Name)
		if !known {
			if p.Extra == nil {
				// One allocation for all of them, not a growing slice.
				p.Extra = make([]control.Field, 0, len(s.Fields)-i)
			}
			p.Extra = append(p.Extra, *f)
			continue
		}
		seen |= 1 << id
		if f.Value == "" {
			p.empty |= 1 << id
		} else {
			p.empty &^= 1 << id
		}
		if err := p.set(id, f.Value); err != nil {
			return nil, &Error{File: s.File, Line: f.Line, Package: s.Get("Package"), Field: f.Name, Err: err}
		}
	}
	if !seen.has(fPackage) || p.Name == "" {
		return nil, &Error{File: s.File, Line: s.Line(), Field: "Package", Err: ErrNoPackage}
	}
	if !seen.has(fVersion) {
		return nil, &Error{File: s.File, Line: s.Line(), Package: p.Name, Field: "Version", Err: ErrNoVersion}
	}
	return p, nil
}

func (p *Package) set(id fieldID, v string) error {
	var err error
	switch id {
	case fPackage:
		if v == "" {
			return ErrNoPackage
		}
		if i := strings.IndexFunc(v, func(r rune) bool { return r <= ' ' || r == 0x7f }); i >= 0 {
			return fmt.Errorf("%w: %q", ErrName, v)
		}
		p.Name = v
	case fVersion:
		if _, err := version.Parse(v); err != nil {
			return err
		}
		p.Version = v
	case fABIVersion:
		p.ABIVersion = v
	case fArchitecture:
		p.Architecture = v
	case fDepends:
		p.Depends, err = relation.ParseDepends("Depends", v)
	case fPreDepends:
		p.PreDepends, err = relation.ParseDepends("Pre-Depends", v)
	case fRecommends:
		p.Recommends, err = relation.ParseDepends("Recommends", v)
	case fSuggests:
		p.Suggests, err = relation.ParseDepends("Suggests", v)
	case fConflicts:
		p.Conflicts, err = relation.ParseDepends("Conflicts", v)
	case fProvides:
		p.Provides, err = relation.ParseProvides(v)
	case fReplaces:
		p.Replaces, err = relation.ParseReplaces(v)
	case fStatus:
		p.Status, err = ParseStatus(v)
	case fEssential:
		p.Essential = v == "yes" // opkg-lede: anything else is no
	case fAutoInstalled:
		p.AutoInstalled = v == "yes"
	case fInstalledTime:
		var n uint64
		n, err = parseNumber(v, 63)
		p.InstalledTime = int64(n)
	case fAlternatives:
		p.Alternatives, err = parseAlternatives(v)
	case fConffiles:
		p.Conffiles, err = parseConffiles(v)
	case fInstalledSize:
		p.InstalledSize, err = parseNumber(v, 64)
	case fSize:
		p.Size, err = parseNumber(v, 64)
	case fSHA256sum:
		p.SHA256sum = v
	case fMD5Sum:
		p.MD5Sum = v
	case fFilename:
		p.Filename = v
	case fDescription:
		p.Description = v
	case fSection:
		p.Section = v
	case fSource:
		p.Source = v
	case fMaintainer:
		p.Maintainer = v
	case fTags:
		p.Tags = v
	}
	return err
}

// parseNumber reads a decimal count. opkg-lede uses strtoul base 0, which
// also takes hex and octal and ignores trailing junk; no real file needs
// that, and a size misread as octal is worse than an error.
func parseNumber(v string, bits int) (uint64, error) {
	n, err := strconv.ParseUint(v, 10, bits)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrNumber, err)
	}
	return n, nil
}

// parseConffiles reads the continuation lines " path hash".
func parseConffiles(v string) ([]Conffile, error) {
	var out []Conffile
	for line := range strings.SplitSeq(v, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		f := strings.Fields(line)
		if len(f) != 2 {
			return nil, fmt.Errorf("%w: %q: want \" <path> <hash>\"", ErrConffile, line)
		}
		out = append(out, Conffile{Path: f[0], Hash: f[1]})
	}
	return out, nil
}

// parseAlternatives reads "prio:path:target, …". opkg-lede silently skips
// entries it cannot use (pkg_parse.c parse_alternatives: path not absolute,
// empty target); pakt reports them.
func parseAlternatives(v string) ([]Alternative, error) {
	var out []Alternative
	for item := range strings.SplitSeq(v, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		parts := strings.Split(item, ":")
		if len(parts) != 3 {
			return nil, fmt.Errorf("%w: %q: want prio:path:target", ErrAlternative, item)
		}
		prio, err := strconv.Atoi(parts[0])
		if err != nil {
			return nil, fmt.Errorf("%w: %q: priority: %w", ErrAlternative, item, err)
		}
		if !strings.HasPrefix(parts[1], "/") || parts[2] == "" {
			return nil, fmt.Errorf("%w: %q: path must be absolute and target non-empty", ErrAlternative, item)
		}
		out = append(out, Alternative{Priority: prio, Path: parts[1], Target: parts[2]})
	}
	return out, nil
}
