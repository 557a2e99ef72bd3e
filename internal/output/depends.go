package output

import (
	"io"

	"pakt/internal/relation"
)

// The dependency queries' texts (opkg_cmd.c). lede prints them as NOTICE
// messages, so the cli writes them only at the normal verbosity or above.

// DependsHeader writes the line depends prints before a package's
// dependencies.
func DependsHeader(w io.Writer, name string) error {
	_, err := io.WriteString(w, name+" depends on:\n")
	return err
}

// DependsLines writes one tab-indented line per Depends group, as
// pkg_depend_str spells it but with pakt's operators: lede prints << and
// >> as "<" and ">" (which it reads back as <= and >=); pakt writes "<<"
// and ">>". Greedy groups ("a *") are not Depends in lede's model and
// are left out, as lede leaves them out.
func DependsLines(w io.Writer, groups []relation.Group) error {
	e := &errWriter{w: w}
	var buf []byte
	for _, g := range groups {
		if g.Greedy {
			continue
		}
		buf = append(buf[:0], '\t')
		buf = relation.AppendFormat(buf, []relation.Group{g})
		buf = append(buf, '\n')
		e.bytes(buf)
	}
	return e.err
}

// WhatHeader writes "Root set:", the root set's names and the line that
// introduces the matches ("What depends on root set").
func WhatHeader(w io.Writer, verb string, root []string) error {
	e := &errWriter{w: w}
	e.str("Root set:\n")
	for _, n := range root {
		e.str("  " + n + "\n")
	}
	e.str("What " + verb + " root set\n")
	return e.err
}

// WhatLine is one package found by whatdepends and its twins.
type WhatLine struct {
	Name, Version string
	Verb          string // "depends on", "recommends", ...
	Via           relation.Atom
	Unsatisfiable bool
}

// WhatLines writes "\t<pkg> <version>\t<verb> <atom>[ unsatisfiable]".
func WhatLines(w io.Writer, lines []WhatLine) error {
	e := &errWriter{w: w}
	for _, l := range lines {
		e.str("\t" + l.Name + " " + l.Version + "\t" + l.Verb + " " + l.Via.String())
		if l.Unsatisfiable {
			e.str(" unsatisfiable")
		}
		e.str("\n")
	}
	return e.err
}

// ProvidesLine is one package found by whatprovides or whatreplaces.
type ProvidesLine struct {
	Package string
	Name    string // the provided (replaced) name
	Exact   bool   // Name is the pattern itself
}

// Provides writes "What <verb> <pattern>" and then "    <pkg>" per match;
// when the matched name is not the pattern itself, lede adds
// "\t<verb> <name>" and ends that match with an empty line.
func Provides(w io.Writer, verb, pattern string, lines []ProvidesLine) error {
	e := &errWriter{w: w}
	e.str("What " + verb + " " + pattern + "\n")
	for _, l := range lines {
		e.str("    " + l.Package)
		if !l.Exact {
			e.str("\t" + verb + " " + l.Name + "\n")
		}
		e.str("\n")
	}
	return e.err
}
