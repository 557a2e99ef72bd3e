package pkginfo

import (
	"strconv"
	"strings"

	"pakt/internal/control"
	"pakt/internal/relation"
)

// statusOrder is opkg-lede's status-file field order (pkg.c
// pkg_print_status), plus Pre-Depends after Depends where upstream opkg
// writes it: lede drops Pre-Depends on install, pakt keeps it
// (DESIGN.md §4, opkg-compat.md §9).
var statusOrder = []fieldID{fPackage, fABIVersion, fVersion, fDepends, fPreDepends, fRecommends, fSuggests,
	fProvides, fReplaces, fConflicts, fStatus, fEssential, fArchitecture, fConffiles, fInstalledTime,
	fAutoInstalled, fAlternatives}

// infoOrder is what opkg-lede's "info" and "status" commands print, in its
// order (pkg.c pkg_formatted_info).
var infoOrder = []fieldID{fPackage, fVersion, fDepends, fRecommends, fSuggests, fProvides, fReplaces,
	fConflicts, fStatus, fSection, fEssential, fArchitecture, fMaintainer, fMD5Sum, fSize, fFilename,
	fConffiles, fSource, fDescription, fInstalledTime, fTags}

// StatusStanza renders p as a stanza of /usr/lib/opkg/status, in opkg-lede's
// field order. Only fields with a value are written, except Status, which
// is always written, and fields that were decoded present but empty, which
// are written empty ("Provides:" in old opkg's files). Unknown fields,
// Description, sizes and checksums are not part of a status stanza (opkg-lede
// keeps none of them). Relationship fields are written in relation's
// canonical form: "(= x)" with a space, << and >> in full.
func (p *Package) StatusStanza() *control.Stanza {
	s := &control.Stanza{Fields: make([]control.Field, 0, len(statusOrder))}
	for _, id := range statusOrder {
		p.appendField(s, id)
	}
	return s
}

// InfoStanza renders p as opkg-lede's "info" command prints it: its fields
// and order, Status always, "MD5Sum" spelled so. The Description is the
// stored multi-line value; opkg-lede joins the lines when stdout is not a
// terminal (opkg-compat.md §1.5), which is the output layer's business.
// With verbose, the fields lede's info leaves out follow in upstream opkg's
// spirit: Pre-Depends, ABIVersion, Installed-Size, SHA256sum,
// Auto-Installed, Alternatives, then every unknown field in input order.
func (p *Package) InfoStanza(verbose bool) *control.Stanza {
	s := &control.Stanza{Fields: make([]control.Field, 0, len(infoOrder))}
	for _, id := range infoOrder {
		p.appendField(s, id)
	}
	if verbose {
		for _, id := range []fieldID{fPreDepends, fABIVersion, fInstalledSize, fSHA256sum, fAutoInstalled, fAlternatives} {
			p.appendField(s, id)
		}
		for _, f := range p.Extra {
			s.Append(f.Name, f.Value)
		}
	}
	return s
}

// appendField adds field id to s when p has a value for it.
func (p *Package) appendField(s *control.Stanza, id fieldID) {
	v := p.value(id)
	if v == "" && id != fStatus && !p.empty.has(id) {
		return
	}
	s.Append(fieldNames[id], v)
}

// value renders field id of p as it is written, "" when p has none.
func (p *Package) value(id fieldID) string {
	switch id {
	case fPackage:
		return p.Name
	case fVersion:
		return p.Version
	case fABIVersion:
		return p.ABIVersion
	case fArchitecture:
		return p.Architecture
	case fDepends:
		return relation.Format(p.Depends)
	case fPreDepends:
		return relation.Format(p.PreDepends)
	case fRecommends:
		return relation.Format(p.Recommends)
	case fSuggests:
		return relation.Format(p.Suggests)
	case fConflicts:
		return relation.Format(p.Conflicts)
	case fProvides:
		return relation.FormatAtoms(p.Provides)
	case fReplaces:
		return relation.FormatAtoms(p.Replaces)
	case fStatus:
		return p.Status.String()
	case fEssential:
		return yes(p.Essential)
	case fAutoInstalled:
		return yes(p.AutoInstalled)
	case fInstalledTime:
		if p.InstalledTime == 0 {
			return ""
		}
		return strconv.FormatInt(p.InstalledTime, 10)
	case fAlternatives:
		var b strings.Builder
		for i, a := range p.Alternatives {
			if i > 0 {
				b.WriteString(", ")
			}
			b.WriteString(a.String())
		}
		return b.String()
	case fConffiles:
		var b strings.Builder
		for _, c := range p.Conffiles {
			b.WriteString("\n ")
			b.WriteString(c.Path)
			b.WriteByte(' ')
			b.WriteString(c.Hash)
		}
		return b.String()
	case fInstalledSize:
		return count(p.InstalledSize)
	case fSize:
		return count(p.Size)
	case fSHA256sum:
		return p.SHA256sum
	case fMD5Sum:
		return p.MD5Sum
	case fFilename:
		return p.Filename
	case fDescription:
		return p.Description
	case fSection:
		return p.Section
	case fSource:
		return p.Source
	case fMaintainer:
		return p.Maintainer
	case fTags:
		return p.Tags
	}
	return ""
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

func count(n uint64) string {
	if n == 0 {
		return ""
	}
	return strconv.FormatUint(n, 10)
}
