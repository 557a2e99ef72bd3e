package output

import (
	"bytes"
	"encoding/json"
	"io"
	"strings"

	"pakt/internal/pkginfo"
	"pakt/internal/relation"
)

// pakt's --json (README "JSON output"): every query prints exactly one
// JSON document on stdout, an object whose "message_type" names its shape,
// followed by a newline. Package objects have one schema everywhere; what
// a document adds around them depends on the command. Field names are
// snake_case; a field with nothing to say is left out, except the arrays
// of a document, which are always present (possibly empty) so a reader
// can iterate without checking.

// Document shapes (the "message_type" values).
const (
	TypePackages      = "packages"      // list, list-installed, find, search, info, status, depends
	TypeUpgradable    = "upgradable"    // list-upgradable
	TypeConffiles     = "conffiles"     // list-changed-conffiles
	TypeFiles         = "files"         // files
	TypeWhat          = "what"          // whatdepends, whatdependsrec, whatrecommends, whatsuggests, whatconflicts
	TypeProvides      = "provides"      // whatprovides, whatreplaces
	TypeDownloads     = "downloads"     // download
	TypeArchitectures = "architectures" // print-architecture
)

// AtomJSON is one package name of a relation, with its constraint.
type AtomJSON struct {
	Name    string `json:"name"`
	Op      string `json:"op,omitempty"`      // << <= = >= >>
	Version string `json:"version,omitempty"` // with op
	// Also holds further constraints on the same name, all required
	// ("a (>= 1) (<< 2)"); absent almost always.
	Also []ConstraintJSON `json:"also,omitempty"`
	// Greedy marks every atom of a group written with opkg's trailing
	// " *" (install every provider).
	Greedy bool `json:"greedy,omitempty"`
}

// ConstraintJSON is one "(op version)".
type ConstraintJSON struct {
	Op      string `json:"op"`
	Version string `json:"version"`
}

// StatusJSON is the Status field split into its three words; flags is
// empty for "ok".
type StatusJSON struct {
	Want  string   `json:"want"`
	Flags []string `json:"flags"`
	State string   `json:"state"`
}

// ConffileJSON is one Conffiles line.
type ConffileJSON struct {
	Path string `json:"path"`
	Hash string `json:"hash"`
	Kind string `json:"kind"` // "md5" or "sha256"
}

// PackageJSON is a package object.
type PackageJSON struct {
	Name          string         `json:"name"`
	Version       string         `json:"version"`
	Architecture  string         `json:"architecture,omitempty"`
	ABIVersion    string         `json:"abi_version,omitempty"`
	Feed          string         `json:"feed,omitempty"` // list it came from
	Dest          string         `json:"dest,omitempty"` // dest it is recorded on
	Installed     bool           `json:"installed"`      // state installed or unpacked
	Status        StatusJSON     `json:"status"`
	Essential     bool           `json:"essential,omitempty"`
	AutoInstalled bool           `json:"auto_installed,omitempty"`
	InstalledTime int64          `json:"installed_time,omitempty"` // Unix seconds
	Depends       [][]AtomJSON   `json:"depends,omitempty"`
	PreDepends    [][]AtomJSON   `json:"pre_depends,omitempty"`
	Recommends    [][]AtomJSON   `json:"recommends,omitempty"`
	Suggests      [][]AtomJSON   `json:"suggests,omitempty"`
	Conflicts     [][]AtomJSON   `json:"conflicts,omitempty"`
	Provides      []AtomJSON     `json:"provides,omitempty"`
	Replaces      []AtomJSON     `json:"replaces,omitempty"`
	Size          uint64         `json:"size,omitempty"`
	InstalledSize uint64         `json:"installed_size,omitempty"`
	Filename      string         `json:"filename,omitempty"`
	SHA256sum     string         `json:"sha256sum,omitempty"`
	MD5Sum        string         `json:"md5sum,omitempty"`
	Section       string         `json:"section,omitempty"`
	Maintainer    string         `json:"maintainer,omitempty"`
	Source        string         `json:"source,omitempty"`
	Conffiles     []ConffileJSON `json:"conffiles,omitempty"`
	Description   string         `json:"description,omitempty"` // lines joined by "\n", as written
	// Files are, for search, the installed files that matched.
	Files  []string          `json:"files,omitempty"`
	Fields map[string]string `json:"fields,omitempty"` // every other field (License, URL, ...)
}

// Relations turns a dependency-like field into groups of atoms.
func Relations(gs []relation.Group) [][]AtomJSON {
	if len(gs) == 0 {
		return nil
	}
	out := make([][]AtomJSON, len(gs))
	for i, g := range gs {
		alts := make([]AtomJSON, len(g.Alts))
		for j, a := range g.Alts {
			alts[j] = Atom(a)
			alts[j].Greedy = g.Greedy
		}
		out[i] = alts
	}
	return out
}

// Atom is one relation atom as JSON.
func Atom(a relation.Atom) AtomJSON {
	j := AtomJSON{Name: a.Name}
	if a.Constraint.Op != 0 {
		j.Op, j.Version = a.Constraint.Op.String(), a.Constraint.Version
	}
	for _, c := range a.Also {
		j.Also = append(j.Also, ConstraintJSON{Op: c.Op.String(), Version: c.Version})
	}
	return j
}

func atoms(as []relation.Atom) []AtomJSON {
	if len(as) == 0 {
		return nil
	}
	out := make([]AtomJSON, len(as))
	for i, a := range as {
		out[i] = Atom(a)
	}
	return out
}

// Status splits a Status value.
func Status(s pkginfo.Status) StatusJSON {
	j := StatusJSON{Want: s.Want.String(), State: s.State.String(), Flags: []string{}}
	if f := s.Flags.String(); f != "ok" && f != "" {
		j.Flags = strings.Split(f, ",")
	}
	return j
}

// Package is the package object of p; feed and dest say where it was
// found ("" for none).
func Package(p *pkginfo.Package, feed, dest string) PackageJSON {
	j := PackageJSON{
		Name:          p.Name,
		Version:       p.Version,
		Architecture:  p.Architecture,
		ABIVersion:    p.ABIVersion,
		Feed:          feed,
		Dest:          dest,
		Installed:     dest != "" && (p.Status.State == pkginfo.StateInstalled || p.Status.State == pkginfo.StateUnpacked),
		Status:        Status(p.Status),
		Essential:     p.Essential,
		AutoInstalled: p.AutoInstalled,
		InstalledTime: p.InstalledTime,
		Depends:       Relations(p.Depends),
		PreDepends:    Relations(p.PreDepends),
		Recommends:    Relations(p.Recommends),
		Suggests:      Relations(p.Suggests),
		Conflicts:     Relations(p.Conflicts),
		Provides:      atoms(p.Provides),
		Replaces:      atoms(p.Replaces),
		Size:          p.Size,
		InstalledSize: p.InstalledSize,
		Filename:      p.Filename,
		SHA256sum:     p.SHA256sum,
		MD5Sum:        p.MD5Sum,
		Section:       p.Section,
		Maintainer:    p.Maintainer,
		Source:        p.Source,
		Description:   p.Description,
	}
	for _, c := range p.Conffiles {
		j.Conffiles = append(j.Conffiles, ConffileJSON{Path: c.Path, Hash: c.Hash, Kind: c.HashKind()})
	}
	for _, f := range p.Extra {
		if j.Fields == nil {
			j.Fields = make(map[string]string)
		}
		j.Fields[f.Name] = f.Value
	}
	return j
}

// PackagesDoc is the document of the package queries.
type PackagesDoc struct {
	MessageType string        `json:"message_type"` // TypePackages
	Packages    []PackageJSON `json:"packages"`
}

// UpgradableJSON is one upgradable package.
type UpgradableJSON struct {
	Name             string `json:"name"`
	InstalledVersion string `json:"installed_version"`
	Version          string `json:"version"` // the candidate's
}

// UpgradableDoc is list-upgradable's document.
type UpgradableDoc struct {
	MessageType string           `json:"message_type"` // TypeUpgradable
	Packages    []UpgradableJSON `json:"packages"`
}

// ConffilesDoc is list-changed-conffiles' document: the paths of the
// conffiles that differ from the packaged version.
type ConffilesDoc struct {
	MessageType string   `json:"message_type"` // TypeConffiles
	Paths       []string `json:"paths"`
}

// FilesDoc is files' document; Package is null when the package is not
// installed (the error says so on stderr).
type FilesDoc struct {
	MessageType string            `json:"message_type"` // TypeFiles
	Package     *FilesPackageJSON `json:"package"`
	Files       []string          `json:"files"`
}

// FilesPackageJSON names the installed package files lists.
type FilesPackageJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Dest    string `json:"dest"`
}

// WhatMatchJSON is one package found by a what* query.
type WhatMatchJSON struct {
	Package PackageJSON `json:"package"`
	// Via is the atom of the package's field that names the root set.
	Via         AtomJSON `json:"via"`
	Satisfiable bool     `json:"satisfiable"`
}

// WhatDoc is the document of whatdepends and its twins.
type WhatDoc struct {
	MessageType string          `json:"message_type"` // TypeWhat
	Relation    string          `json:"relation"`     // depends, recommends, suggests, conflicts
	Recursive   bool            `json:"recursive"`
	RootSet     []PackageJSON   `json:"root_set"`
	Matches     []WhatMatchJSON `json:"matches"`
}

// ProvidesMatchJSON is one package providing (replacing) Name.
type ProvidesMatchJSON struct {
	Package PackageJSON `json:"package"`
	Name    string      `json:"name"`
}

// ProvidesQueryJSON is one pattern of whatprovides/whatreplaces.
type ProvidesQueryJSON struct {
	Pattern string              `json:"pattern"`
	Matches []ProvidesMatchJSON `json:"matches"`
}

// ProvidesDoc is whatprovides' and whatreplaces' document.
type ProvidesDoc struct {
	MessageType string              `json:"message_type"` // TypeProvides
	Relation    string              `json:"relation"`     // provides, replaces
	Queries     []ProvidesQueryJSON `json:"queries"`
}

// DownloadJSON is one package download asked for.
type DownloadJSON struct {
	Request string `json:"request"`           // the name given
	Name    string `json:"name,omitempty"`    // the package chosen
	Version string `json:"version,omitempty"` // its version
	URL     string `json:"url,omitempty"`
	File    string `json:"file,omitempty"` // where it was written
	Size    int64  `json:"size,omitempty"`
	Error   string `json:"error,omitempty"` // why not; "" on success
}

// DownloadsDoc is download's document.
type DownloadsDoc struct {
	MessageType string         `json:"message_type"` // TypeDownloads
	Downloads   []DownloadJSON `json:"downloads"`
}

// WriteJSON writes v as one line of JSON.
func WriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// WriteStream writes one document whose last field, key, is an array too
// long to build in memory first (thousands of package objects): head is
// the rest of the document, marshalled as an object; items calls emit
// once per element, in order. The bytes are those WriteJSON would write
// for the whole document.
func WriteStream(w io.Writer, head any, key string, items func(emit func(any) error) error) error {
	h, err := json.Marshal(head)
	if err != nil {
		return err
	}
	if len(h) < 2 || h[len(h)-1] != '}' {
		return &json.UnsupportedValueError{Str: "stream head is not an object"}
	}
	e := &errWriter{w: w}
	e.bytes(h[:len(h)-1])
	if len(h) > 2 {
		e.str(",")
	}
	e.str(`"` + key + `":[`)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	first := true
	err = items(func(v any) error {
		buf.Reset()
		if err := enc.Encode(v); err != nil {
			return err
		}
		if !first {
			e.str(",")
		}
		first = false
		e.bytes(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
		return e.err
	})
	if err != nil {
		return err
	}
	e.str("]}\n")
	return e.err
}
