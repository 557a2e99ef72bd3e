package engine

import (
	"strings"

	"pakt/internal/pkginfo"
	"pakt/internal/relation"
	"pakt/internal/statusdb"
)

// opkg-lede keeps packages in a hash table of 1024 buckets keyed by name
// (djb2), each bucket a chain in insertion order, and info, status,
// list-upgradable and search walk it bucket by bucket (hash_table.c,
// pkg_hash.c). Their output order is therefore neither sorted nor file
// order, and scripts diffing opkg's output see it. pakt reproduces it:
// the bucket is the low 10 bits of djb2, the same whatever the width of
// C's unsigned long, and the chain order is the order in which lede first
// meets each name: while parsing a stanza, the names of its Provides and
// Replaces (after the package's own), Depends, Pre-Depends, Recommends,
// Suggests and Conflicts, in field order; then the package itself when it
// is kept. One difference is left: lede also meets the names of packages
// it then drops for their architecture; pakt does not keep those stanzas,
// so such a name can take a later place in its chain.
const ledeHashBuckets = 1024

func djb2Bucket(name string) int {
	var h uint32 = 5381
	for i := 0; i < len(name); i++ {
		h = h*33 + uint32(name[i])
	}
	return int(h % ledeHashBuckets)
}

// nameOrder records names in the order lede's hash table chains them.
type nameOrder struct {
	seen  map[string]int // name → first-seen rank
	names []string
}

func (o *nameOrder) add(name string) {
	if name == "" {
		return
	}
	if _, ok := o.seen[name]; ok {
		return
	}
	o.seen[name] = len(o.names)
	o.names = append(o.names, name)
}

// sorted returns the names in hash iteration order.
func (o *nameOrder) sorted() []string {
	buckets := make([][]string, ledeHashBuckets)
	for _, n := range o.names {
		b := djb2Bucket(n)
		buckets[b] = append(buckets[b], n)
	}
	out := make([]string, 0, len(o.names))
	for _, b := range buckets {
		out = append(out, b...)
	}
	return out
}

// hashOrder returns every package name of the world in lede's hash
// iteration order (feed names only when feeds were loaded).
func (w *world) hashOrder(feeds bool) []string {
	o := &nameOrder{seen: make(map[string]int)}
	if feeds {
		for i := 0; i < w.available.Len(); i++ {
			e := w.available.Entry(i)
			text := w.available.Text(i)
			for len(text) > 0 {
				line := text
				if j := strings.IndexByte(text, '\n'); j >= 0 {
					line, text = text[:j], text[j+1:]
				} else {
					text = ""
				}
				name, value, ok := strings.Cut(line, ":")
				if !ok || line[0] == ' ' || line[0] == '\t' {
					continue
				}
				switch name {
				case "Provides", "Replaces":
					o.add(e.Name)
					for _, w := range strings.FieldsFunc(value, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
						o.add(w)
					}
				case "Depends", "Pre-Depends", "Recommends", "Suggests", "Conflicts":
					depNames(value, o.add)
				}
			}
			o.add(e.Name)
		}
	}
	for _, p := range w.installed.Packages() {
		statusNames(p, o.add)
	}
	return o.sorted()
}

// depNames calls f with each package name of a dependency field, as
// lede's parseDepends meets them.
func depNames(value string, f func(string)) {
	for _, item := range strings.Split(value, ",") {
		for _, alt := range strings.Split(item, "|") {
			alt = strings.TrimSpace(alt)
			if i := strings.IndexAny(alt, " (\t"); i >= 0 {
				alt = alt[:i]
			}
			f(alt)
		}
	}
}

// statusNames meets a status package's names in the order lede writes
// (and so reads) a status stanza's fields.
func statusNames(p *statusdb.Package, f func(string)) {
	groups := func(gs []relation.Group) {
		for _, g := range gs {
			for _, a := range g.Alts {
				f(a.Name)
			}
		}
	}
	groups(p.Depends)
	groups(p.PreDepends)
	groups(p.Recommends)
	groups(p.Suggests)
	atoms := func(as []relation.Atom) {
		if len(as) == 0 {
			return
		}
		f(p.Name)
		for _, a := range as {
			f(a.Name)
		}
	}
	atoms(p.Provides)
	atoms(p.Replaces)
	groups(p.Conflicts)
	f(p.Name)
}

// candidate is one package of lede's per-name vector: a feed entry, a
// status package, or both merged (the status one from a feed's twin).
type candidate struct {
	entry  int // feed entry, -1 for none
	status *statusdb.Package
}

// vectors groups the world's packages by name as lede's abstract
// packages do: feed entries in load order, a later entry of the same
// name, version and architecture replacing an earlier one in place
// (pkg_vec_insert_merge), then status packages merged onto their feed twin
// or appended.
func (w *world) vectors(feeds bool, only string) map[string][]candidate {
	v := make(map[string][]candidate)
	if feeds {
		for i := 0; i < w.available.Len(); i++ {
			e := w.available.Entry(i)
			if only != "" && e.Name != only {
				continue
			}
			vec := v[e.Name]
			replaced := false
			for k, c := range vec {
				o := w.available.Entry(c.entry)
				if o.Version == e.Version && o.Architecture == e.Architecture {
					vec[k] = candidate{entry: i}
					replaced = true
					break
				}
			}
			if !replaced {
				v[e.Name] = append(vec, candidate{entry: i})
			}
		}
	}
	for _, p := range w.installed.Packages() {
		if only != "" && p.Name != only {
			continue
		}
		vec := v[p.Name]
		replaced := false
		for k, c := range vec {
			if c.entry < 0 {
				continue
			}
			o := w.available.Entry(c.entry)
			if o.Version == p.Version && o.Architecture == p.Architecture {
				vec[k] = candidate{entry: c.entry, status: p}
				replaced = true
				break
			}
		}
		if !replaced {
			v[p.Name] = append(vec, candidate{entry: -1, status: p})
		}
	}
	return v
}

// merged is the package lede shows for a candidate: the status record,
// with what it lacks taken from its feed twin (pkg_merge), or the feed
// record alone.
func (w *world) merged(c candidate) (*pkginfo.Package, error) {
	if c.entry < 0 {
		return c.status.Package, nil
	}
	fp, err := w.available.Package(c.entry)
	if err != nil {
		return nil, err
	}
	if c.status == nil {
		return fp, nil
	}
	p := *c.status.Package
	fill := func(dst *string, src string) {
		if *dst == "" {
			*dst = src
		}
	}
	fill(&p.Description, fp.Description)
	fill(&p.Section, fp.Section)
	fill(&p.Maintainer, fp.Maintainer)
	fill(&p.MD5Sum, fp.MD5Sum)
	fill(&p.SHA256sum, fp.SHA256sum)
	fill(&p.Filename, fp.Filename)
	fill(&p.Source, fp.Source)
	fill(&p.Tags, fp.Tags)
	if p.Size == 0 {
		p.Size = fp.Size
	}
	if p.InstalledSize == 0 {
		p.InstalledSize = fp.InstalledSize
	}
	if p.Depends == nil {
		p.Depends = fp.Depends
	}
	if p.Recommends == nil {
		p.Recommends = fp.Recommends
	}
	if p.Suggests == nil {
		p.Suggests = fp.Suggests
	}
	return &p, nil
}

// statusOf reports whether a candidate is installed (or unpacked), as
// lede's pkg_hash_fetch_all_installed selects.
func (c candidate) installed() bool { return c.status != nil && c.status.Installed() }
