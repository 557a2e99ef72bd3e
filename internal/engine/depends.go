package engine

import (
	"context"
	"strings"

	"pakt/internal/pkginfo"
	"pakt/internal/relation"
)

// The dependency queries: depends, whatdepends (and its recursive,
// recommends, suggests and conflicts twins), whatprovides and whatreplaces.
// Each walks lede's package vector (opkg_cmd.c): every known package with
// -A (pkg_hash_fetch_available), the installed ones without
// (pkg_hash_fetch_all_installed), in lede's hash-table order, so that
// output order and lede's order-dependent marking both come out the same.

// PackageRecord is one package as a query found it: the package (a
// status record merged with its feed twin, as lede shows it), the list it
// came from and the dest it is installed on.
type PackageRecord struct {
	*pkginfo.Package
	Feed string // name of the list it came from; "" when only installed
	Dest string // dest of its status record; "" when only in a feed
}

// FoundPackage is a package a query found: its name and version, and
// the way to its whole record. lede's text needs only the first two, and
// decoding thousands of stanzas up front would be most of the work (and
// memory) of a query over a release: Record decodes one when asked.
type FoundPackage struct {
	Name    string
	Version string
	w       *world
	c       candidate
}

// Record decodes the whole package (a status record merged with its
// feed twin, as lede shows it).
func (f FoundPackage) Record() (PackageRecord, error) { return f.w.record(f.c) }

// DisplayVersion is the version as lede prints it: rebuilt from its
// parts, so an epoch of 0 is not shown.
func (f FoundPackage) DisplayVersion() string { return versionText(f.Version) }

// DependsResult is the answer of Depends: the packages matched, in lede's
// order (once per glob that matches them), each with its Depends.
type DependsResult struct {
	Messages []Message
	Packages []DependsPackage
}

// DependsPackage is one package of depends and its Depends field.
type DependsPackage struct {
	FoundPackage
	Depends []relation.Group
}

// WhatRelation is the field a what* query follows.
type WhatRelation int

// The fields of whatdepends, whatrecommends, whatsuggests, whatconflicts.
const (
	WhatDependsOn WhatRelation = iota
	WhatRecommendsOf
	WhatSuggestsOf
	WhatConflictsWith
)

// Verb is how lede names the relation in its lines ("depends on").
func (r WhatRelation) Verb() string {
	switch r {
	case WhatRecommendsOf:
		return "recommends"
	case WhatSuggestsOf:
		return "suggests"
	case WhatConflictsWith:
		return "conflicts with"
	}
	return "depends on"
}

// Field is the control field the relation is read from.
func (r WhatRelation) Field() string {
	switch r {
	case WhatRecommendsOf:
		return "Recommends"
	case WhatSuggestsOf:
		return "Suggests"
	case WhatConflictsWith:
		return "Conflicts"
	}
	return "Depends"
}

// WhatRequest asks which packages relate to the packages matching Globs.
type WhatRequest struct {
	Relation  WhatRelation
	Recursive bool // whatdependsrec: repeat until nothing new is found
	Globs     []string
}

// WhatMatch is one line of a what* answer: the package found, and Via,
// the first atom of its field naming a marked name (a package of the root
// set, one found before it, or a name either provides).
type WhatMatch struct {
	FoundPackage
	Via relation.Atom
	// Satisfiable: some known package (feed or installed) meets Via.
	Satisfiable bool
}

// WhatResult is the answer of a what* query.
type WhatResult struct {
	Messages []Message
	Relation WhatRelation
	RootSet  []FoundPackage
	Matches  []WhatMatch
}

// ProvidesResult is the answer of WhatProvides and WhatReplaces: per
// glob, in the order given, the packages providing (replacing) a name
// matching it.
type ProvidesResult struct {
	Messages []Message
	Replaces bool // whatreplaces
	Queries  []ProvidesQuery
}

// ProvidesQuery is one glob of whatprovides or whatreplaces and what it found.
type ProvidesQuery struct {
	Glob    string
	Matches []ProvidesMatch
}

// ProvidesMatch is one package providing (replacing) Name. A package's
// own name counts as provided (lede's provides list starts with itself),
// not as replaced.
type ProvidesMatch struct {
	FoundPackage
	// Name is the provided (replaced) name.
	Name string
	// Exact: Name is the glob itself (lede then leaves the name out of
	// its line), compared without case under --nocase.
	Exact bool
}

// vectorEntry is one package of lede's vector with what the queries ask
// of it again and again.
type vectorEntry struct {
	c        candidate
	name     string
	version  string
	provides []string // not including the name itself
}

// queryVector is lede's available_pkgs: every package (all) or the
// installed ones, in hash order.
func (w *world) queryVector(all bool) []vectorEntry {
	vecs := w.vectors(true, "")
	out := make([]vectorEntry, 0, w.available.Len()+len(w.installed.Packages()))
	for _, name := range w.hashOrder(true) {
		for _, c := range vecs[name] {
			if !all && !c.installed() {
				continue
			}
			out = append(out, w.vectorEntry(c))
		}
	}
	return out
}

func (w *world) vectorEntry(c candidate) vectorEntry {
	if c.status != nil {
		v := vectorEntry{c: c, name: c.status.Name, version: c.status.Version}
		for _, a := range c.status.Provides {
			v.provides = append(v.provides, a.Name)
		}
		return v
	}
	en := w.available.Entry(c.entry)
	return vectorEntry{c: c, name: en.Name, version: en.Version, provides: w.available.Provides(c.entry)}
}

// record is the package lede shows for a candidate, with where it lives.
func (w *world) record(c candidate) (PackageRecord, error) {
	p, err := w.merged(c)
	if err != nil {
		return PackageRecord{}, err
	}
	r := PackageRecord{Package: p}
	if c.entry >= 0 {
		r.Feed = w.available.Lists()[w.available.Entry(c.entry).List]
	}
	if c.status != nil {
		r.Dest = c.status.Dest.Name
	}
	return r, nil
}

// found is what a query reports of a vector entry.
func (w *world) found(v *vectorEntry) FoundPackage {
	return FoundPackage{Name: v.name, Version: v.version, w: w, c: v.c}
}

// groups returns a candidate's relation field, merged as w.merged merges
// it, without decoding the rest of a feed stanza.
func (w *world) groups(c candidate, field string) ([]relation.Group, error) {
	if c.status != nil {
		var gs []relation.Group
		fill := false
		switch field {
		case "Depends":
			gs, fill = c.status.Depends, true
		case "Recommends":
			gs, fill = c.status.Recommends, true
		case "Suggests":
			gs, fill = c.status.Suggests, true
		case "Conflicts":
			gs = c.status.Conflicts
		}
		if gs != nil || !fill || c.entry < 0 {
			return gs, nil
		}
	}
	text, ok := w.available.Field(c.entry, field)
	if !ok {
		return nil, nil
	}
	gs, err := relation.ParseDepends(field, text)
	if err != nil {
		// The full decode names the list and the line.
		if _, perr := w.available.Package(c.entry); perr != nil {
			return nil, perr
		}
		return nil, err
	}
	return gs, nil
}

// preinstallCheck is lede's pkg_info_preinstall_check, which depends,
// whatprovides, whatreplaces and download run first: it reads the file
// list of every installed package of vec (in hash order) and reports each
// one it cannot open.
func (e *Engine) preinstallCheck(w *world, vec []vectorEntry) []Message {
	msgs := []Message{{Level: Info, Func: "pkg_info_preinstall_check", Text: "Updating file owner list."}}
	for _, v := range vec {
		if !v.c.installed() {
			continue
		}
		if _, msg := e.installedFiles(w, v.c.status); msg != nil {
			msgs = append(msgs, *msg)
		}
	}
	return msgs
}

// Depends shows the Depends of every package matching each glob
// (opkg_depends_cmd): installed packages, or every known one with -A.
func (e *Engine) Depends(ctx context.Context, args []string) (*DependsResult, error) {
	w, err := e.load(true)
	if err != nil {
		return &DependsResult{Messages: w.msgs}, err
	}
	res := &DependsResult{Messages: joinMsgs(w.msgs, w.feedNotices, w.statusNotices)}
	vec := w.queryVector(e.opts.QueryAll)
	res.Messages = append(res.Messages, e.preinstallCheck(w, vec)...)
	for _, glob := range args {
		for i := range vec {
			v := &vec[i]
			if !e.match(glob, v.name) {
				continue
			}
			f := w.found(v)
			gs, err := w.groups(v.c, "Depends")
			if err != nil {
				return res, err
			}
			res.Packages = append(res.Packages, DependsPackage{FoundPackage: f, Depends: gs})
		}
	}
	return res, nil
}

// What answers whatdepends, whatdependsrec, whatrecommends, whatsuggests
// and whatconflicts (opkg_what_depends_conflicts_cmd). The root set is
// every package in the vector whose name, or a name it provides, matches
// a glob (case always matters here, as in lede's pkg_vec_mark_if_matches).
// Marking a package marks its name and every name it provides. Then each
// package whose name is not marked yet and whose field names a marked name
// is reported once, for the first such atom, and marked in turn — during
// the same pass, so a package later in hash order that relates to one
// found earlier is found too, even without recursion; whatdependsrec
// repeats the pass until nothing changes.
//
// Satisfiable uses pakt's version order (<< and >> strict), where lede
// lets an equal version satisfy them.
func (e *Engine) What(ctx context.Context, req WhatRequest) (*WhatResult, error) {
	w, err := e.load(true)
	res := &WhatResult{Relation: req.Relation}
	if err != nil {
		res.Messages = w.msgs
		return res, err
	}
	res.Messages = joinMsgs(w.msgs, w.feedNotices, w.statusNotices)
	vec := w.queryVector(e.opts.QueryAll)
	marked := make(map[string]bool, 64)
	mark := func(v *vectorEntry) {
		marked[v.name] = true
		for _, p := range v.provides {
			marked[p] = true
		}
	}
	inRoot := make([]bool, len(vec))
	for _, glob := range req.Globs {
		for i := range vec {
			v := &vec[i]
			if fnmatch(glob, v.name, false) {
				inRoot[i] = true
				continue
			}
			for _, p := range v.provides {
				if fnmatch(glob, p, false) {
					inRoot[i] = true
				}
			}
		}
	}
	for i := range vec {
		if !inRoot[i] {
			continue
		}
		mark(&vec[i])
		res.RootSet = append(res.RootSet, w.found(&vec[i]))
	}
	field := req.Relation.Field()
	// A pass reads each package's field once; only whatdependsrec's
	// further passes need it again, so only it keeps them.
	var fields [][]relation.Group
	var read []bool
	if req.Recursive {
		fields, read = make([][]relation.Group, len(vec)), make([]bool, len(vec))
	}
	satisfiable := make(map[string]bool)
	for {
		changed := false
		for i := range vec {
			v := &vec[i]
			if marked[v.name] {
				continue
			}
			var gs []relation.Group
			if read != nil && read[i] {
				gs = fields[i]
			} else {
				var err error
				if gs, err = w.groups(v.c, field); err != nil {
					return res, err
				}
				if read != nil {
					fields[i], read[i] = gs, true
				}
			}
			atom, found := firstMarked(gs, marked)
			if !found {
				continue
			}
			mark(v)
			changed = true
			f := w.found(v)
			ok, known := satisfiable[atom.String()]
			if !known {
				ok = w.satisfiable(atom)
				satisfiable[atom.String()] = ok
			}
			res.Matches = append(res.Matches, WhatMatch{FoundPackage: f, Via: atom, Satisfiable: ok})
		}
		if !changed || !req.Recursive {
			break
		}
	}
	return res, nil
}

// firstMarked finds the first atom naming a marked package. Greedy
// groups ("a *") are left out: lede gives them a type of their own that
// matches none of the queries.
func firstMarked(gs []relation.Group, marked map[string]bool) (relation.Atom, bool) {
	for _, g := range gs {
		if g.Greedy {
			continue
		}
		for _, a := range g.Alts {
			if marked[a.Name] {
				return a, true
			}
		}
	}
	return relation.Atom{}, false
}

// satisfiable reports whether some known package, feed or installed,
// called so or providing the name, meets the atom (lede's
// pkg_dependence_satisfiable, which checks a provider's own version).
func (w *world) satisfiable(a relation.Atom) bool {
	if w.atomMet(a) {
		return true
	}
	for _, p := range w.installed.Packages() {
		for _, pr := range p.Provides {
			if pr.Name == a.Name && a.Accepts(p.Version) {
				return true
			}
		}
	}
	return false
}

// WhatDepends shows which packages depend on the given ones.
func (e *Engine) WhatDepends(ctx context.Context, args []string) (*WhatResult, error) {
	return e.What(ctx, WhatRequest{Relation: WhatDependsOn, Globs: args})
}

// WhatDependsRec shows which packages depend on the given ones, recursively.
func (e *Engine) WhatDependsRec(ctx context.Context, args []string) (*WhatResult, error) {
	return e.What(ctx, WhatRequest{Relation: WhatDependsOn, Recursive: true, Globs: args})
}

// WhatRecommends shows which packages recommend the given ones.
func (e *Engine) WhatRecommends(ctx context.Context, args []string) (*WhatResult, error) {
	return e.What(ctx, WhatRequest{Relation: WhatRecommendsOf, Globs: args})
}

// WhatSuggests shows which packages suggest the given ones.
func (e *Engine) WhatSuggests(ctx context.Context, args []string) (*WhatResult, error) {
	return e.What(ctx, WhatRequest{Relation: WhatSuggestsOf, Globs: args})
}

// WhatConflicts shows which packages conflict with the given ones.
func (e *Engine) WhatConflicts(ctx context.Context, args []string) (*WhatResult, error) {
	return e.What(ctx, WhatRequest{Relation: WhatConflictsWith, Globs: args})
}

// WhatProvides shows which packages provide names matching the globs
// (opkg_what_provides_replaces_cmd): for each glob, each package of the
// vector once per provided name (its own name first) that matches.
func (e *Engine) WhatProvides(ctx context.Context, args []string) (*ProvidesResult, error) {
	return e.providesReplaces(args, false)
}

// WhatReplaces shows which packages replace names matching the globs.
func (e *Engine) WhatReplaces(ctx context.Context, args []string) (*ProvidesResult, error) {
	return e.providesReplaces(args, true)
}

func (e *Engine) providesReplaces(args []string, replaces bool) (*ProvidesResult, error) {
	w, err := e.load(true)
	res := &ProvidesResult{Replaces: replaces}
	if err != nil {
		res.Messages = w.msgs
		return res, err
	}
	res.Messages = joinMsgs(w.msgs, w.feedNotices, w.statusNotices)
	vec := w.queryVector(e.opts.QueryAll)
	res.Messages = append(res.Messages, e.preinstallCheck(w, vec)...)
	for _, glob := range args {
		q := ProvidesQuery{Glob: glob}
		for i := range vec {
			v := &vec[i]
			var names []string
			if replaces {
				names, err = w.replacedNames(v.c)
				if err != nil {
					return res, err
				}
			} else {
				names = append([]string{v.name}, v.provides...)
			}
			for _, n := range names {
				if !e.match(glob, n) {
					continue
				}
				f := w.found(v)
				exact := n == glob || (e.opts.NoCase && strings.EqualFold(n, glob))
				q.Matches = append(q.Matches, ProvidesMatch{FoundPackage: f, Name: n, Exact: exact})
			}
		}
		res.Queries = append(res.Queries, q)
	}
	return res, nil
}

// replacedNames is a candidate's Replaces names.
func (w *world) replacedNames(c candidate) ([]string, error) {
	var atoms []relation.Atom
	if c.status != nil {
		atoms = c.status.Replaces
	} else {
		text, ok := w.available.Field(c.entry, "Replaces")
		if !ok {
			return nil, nil
		}
		var err error
		if atoms, err = relation.ParseReplaces(text); err != nil {
			if _, perr := w.available.Package(c.entry); perr != nil {
				return nil, perr
			}
			return nil, err
		}
	}
	names := make([]string, len(atoms))
	for i, a := range atoms {
		names[i] = a.Name
	}
	return names, nil
}
