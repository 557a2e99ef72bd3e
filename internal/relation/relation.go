package relation

import (
	"errors"
	"fmt"
	"strings"

	"pakt/internal/version"
)

// Constraint is one version condition, "(op version)". The zero Constraint
// (Op 0) accepts any version.
type Constraint struct {
	Op      version.Op
	Version string
}

// Accepts reports whether version v meets the constraint.
func (c Constraint) Accepts(v string) bool {
	if c.Op == 0 {
		return true
	}
	return version.Satisfies(v, c.Op, c.Version)
}

// String writes "(op version)", or "" for the zero Constraint.
func (c Constraint) String() string {
	if c.Op == 0 {
		return ""
	}
	return "(" + c.Op.String() + " " + c.Version + ")"
}

// Atom is a package name with optional version constraints.
type Atom struct {
	Name       string
	Constraint Constraint   // Op 0: any version
	Also       []Constraint // further constraints on Name, all required; nil almost always
}

// Versioned reports whether the atom constrains the version at all.
func (a Atom) Versioned() bool { return a.Constraint.Op != 0 }

// Accepts reports whether version v of a package named Name meets every
// constraint of the atom.
func (a Atom) Accepts(v string) bool {
	if !a.Constraint.Accepts(v) {
		return false
	}
	for _, c := range a.Also {
		if !c.Accepts(v) {
			return false
		}
	}
	return true
}

// String writes the atom in canonical form: "name", "name (op ver)" or
// "name (op ver) (op ver)".
func (a Atom) String() string { return string(a.appendTo(nil)) }

func (a Atom) appendTo(dst []byte) []byte {
	dst = append(dst, a.Name...)
	if a.Constraint.Op != 0 {
		dst = appendConstraint(dst, a.Constraint)
	}
	for _, c := range a.Also {
		dst = appendConstraint(dst, c)
	}
	return dst
}

func appendConstraint(dst []byte, c Constraint) []byte {
	dst = append(dst, " ("...)
	dst = append(dst, c.Op.String()...)
	dst = append(dst, ' ')
	dst = append(dst, c.Version...)
	return append(dst, ')')
}

// Group is one comma-separated item of a dependency-like field: any one of
// Alts satisfies it.
type Group struct {
	Alts   []Atom
	Greedy bool // opkg's trailing " *": install every available provider
}

// String writes the group in canonical form, "a (>= 1) | b" plus " *" when
// greedy.
func (g Group) String() string { return string(g.appendTo(nil)) }

func (g Group) appendTo(dst []byte) []byte {
	for i, a := range g.Alts {
		if i > 0 {
			dst = append(dst, " | "...)
		}
		dst = a.appendTo(dst)
	}
	if g.Greedy {
		dst = append(dst, " *"...)
	}
	return dst
}

// Format writes a dependency-like list in canonical form: groups joined by
// ", ".
func Format(groups []Group) string { return string(AppendFormat(nil, groups)) }

// AppendFormat appends Format(groups) to dst.
func AppendFormat(dst []byte, groups []Group) []byte {
	for i, g := range groups {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = g.appendTo(dst)
	}
	return dst
}

// FormatAtoms writes a Provides or Replaces list in canonical form: atoms
// joined by ", ", as opkg-lede writes them.
func FormatAtoms(atoms []Atom) string { return string(AppendFormatAtoms(nil, atoms)) }

// AppendFormatAtoms appends FormatAtoms(atoms) to dst.
func AppendFormatAtoms(dst []byte, atoms []Atom) []byte {
	for i, a := range atoms {
		if i > 0 {
			dst = append(dst, ", "...)
		}
		dst = a.appendTo(dst)
	}
	return dst
}

// ParseDepends parses a dependency-like field: Depends, Pre-Depends,
// Recommends, Suggests or Conflicts. field names it in errors.
func ParseDepends(field, text string) ([]Group, error) {
	p := parser{field: field, text: text}
	// One backing array for all groups and one for all atoms: two
	// allocations per field instead of one per group (feeds hold ~50k
	// Depends lines). The separator counts are upper bounds; they are
	// capped so that a hostile line of commas costs nothing up front, and
	// longer lists grow by append.
	const maxPrealloc = 256
	commas := strings.Count(text, ",")
	groups := make([]Group, 0, min(commas+1, maxPrealloc))
	p.atoms = make([]Atom, 0, min(commas+strings.Count(text, "|")+1, maxPrealloc))
	if strings.TrimLeft(text, " \t\n\r\v\f,") == "" {
		return nil, nil
	}
	for {
		p.skipSpace()
		if p.pos == len(text) {
			if len(groups) == 0 {
				return nil, nil
			}
			return groups, nil
		}
		if text[p.pos] == ',' {
			p.pos++
			continue
		}
		g, err := p.group()
		if err != nil {
			return nil, err
		}
		if len(g.Alts) > 0 {
			groups = append(groups, g)
		}
		p.skipSpace()
		if p.pos < len(text) {
			if text[p.pos] != ',' {
				return nil, p.errorAt(p.pos, ErrTrailing)
			}
			p.pos++
		}
	}
}

// ParseProvides parses a Provides field: names separated by commas or
// whitespace, each optionally "(= version)" or "name=version".
func ParseProvides(text string) ([]Atom, error) {
	return parseAtoms("Provides", text, true)
}

// ParseReplaces parses a Replaces field: names separated by commas or
// whitespace, each optionally versioned.
func ParseReplaces(text string) ([]Atom, error) {
	return parseAtoms("Replaces", text, false)
}

func parseAtoms(field, text string, provides bool) ([]Atom, error) {
	p := parser{field: field, text: text, names: true}
	var atoms []Atom
	for {
		for p.pos < len(text) && (isSpace(text[p.pos]) || text[p.pos] == ',') {
			p.pos++
		}
		if p.pos == len(text) {
			return atoms, nil
		}
		if text[p.pos] == '|' {
			return nil, p.errorAt(p.pos, ErrAlternatives)
		}
		start := p.pos
		a, err := p.atom()
		if err != nil {
			return nil, err
		}
		if provides && (a.Constraint.Op != 0 && a.Constraint.Op != version.Equal || len(a.Also) > 0) {
			return nil, p.errorAt(start, ErrProvidesOp)
		}
		atoms = append(atoms, a)
	}
}

type parser struct {
	field string
	text  string
	pos   int
	atoms []Atom // backing store for Group.Alts
	names bool   // Provides/Replaces: "name=version" tokens, no '|'
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'
}

func isOpByte(c byte) bool { return c == '<' || c == '=' || c == '>' }

func (p *parser) skipSpace() {
	for p.pos < len(p.text) && isSpace(p.text[p.pos]) {
		p.pos++
	}
}

// opFollows reports whether an operator (after optional spaces) starts at i.
func (p *parser) opFollows(i int) bool {
	for i < len(p.text) && isSpace(p.text[i]) {
		i++
	}
	return i < len(p.text) && isOpByte(p.text[i])
}

func (p *parser) group() (Group, error) {
	var g Group
	first := len(p.atoms)
	for {
		p.skipSpace()
		if p.pos == len(p.text) || p.text[p.pos] == ',' {
			g.Alts = p.atoms[first:len(p.atoms):len(p.atoms)]
			if len(g.Alts) == 0 {
				g.Alts = nil
			}
			return g, nil
		}
		if p.text[p.pos] == '|' { // empty alternative
			p.pos++
			continue
		}
		a, err := p.atom()
		if err != nil {
			return g, err
		}
		p.atoms = append(p.atoms, a)
		p.skipSpace()
		if p.pos < len(p.text) && p.text[p.pos] == '*' && p.endsToken(p.pos+1) {
			g.Greedy = true
			p.pos++
			p.skipSpace()
		}
		if p.pos < len(p.text) && p.text[p.pos] == '|' {
			p.pos++
			continue
		}
		g.Alts = p.atoms[first:len(p.atoms):len(p.atoms)]
		return g, nil
	}
}

// endsToken reports whether a token boundary (space, ',', '|', end) is at i.
func (p *parser) endsToken(i int) bool {
	return i == len(p.text) || isSpace(p.text[i]) || p.text[i] == ',' || p.text[i] == '|'
}

func (p *parser) atom() (Atom, error) {
	var a Atom
	start := p.pos
	for p.pos < len(p.text) {
		c := p.text[p.pos]
		if isSpace(c) || c == ',' || c == '|' || (c == '(' && p.opFollows(p.pos+1)) || (p.names && c == '=') {
			break
		}
		if c < 0x20 || c == 0x7f {
			return a, p.errorAt(p.pos, ErrControl)
		}
		p.pos++
	}
	if p.pos == start {
		return a, p.errorAt(start, ErrNoName)
	}
	a.Name = p.text[start:p.pos]
	if p.names && p.pos < len(p.text) && p.text[p.pos] == '=' {
		p.pos++
		vs := p.pos
		for p.pos < len(p.text) && !isSpace(p.text[p.pos]) && p.text[p.pos] != ',' && p.text[p.pos] != '|' {
			p.pos++
		}
		v := p.text[vs:p.pos]
		if err := p.checkVersion(vs, v); err != nil {
			return a, err
		}
		a.Constraint = Constraint{Op: version.Equal, Version: v}
		return a, nil
	}
	for {
		save := p.pos
		p.skipSpace()
		if p.pos == len(p.text) || p.text[p.pos] != '(' {
			p.pos = save
			return a, nil
		}
		c, err := p.constraint()
		if err != nil {
			return a, err
		}
		if a.Constraint.Op == 0 {
			a.Constraint = c
		} else {
			a.Also = append(a.Also, c)
		}
	}
}

// constraint parses "(op version)" starting at the '(' under p.pos.
func (p *parser) constraint() (Constraint, error) {
	p.pos++
	p.skipSpace()
	op, n := version.CutOp(p.text[p.pos:])
	if n == 0 {
		return Constraint{}, p.errorAt(p.pos, ErrNoOp)
	}
	p.pos += n
	p.skipSpace()
	vs := p.pos
	for p.pos < len(p.text) && p.text[p.pos] != ')' {
		if c := p.text[p.pos]; c == ',' || c == '|' {
			break
		}
		p.pos++
	}
	if p.pos == len(p.text) || p.text[p.pos] != ')' {
		return Constraint{}, p.errorAt(p.pos, ErrUnclosed)
	}
	v := strings.TrimRight(p.text[vs:p.pos], " \t\n\r\v\f")
	if err := p.checkVersion(vs, v); err != nil {
		return Constraint{}, err
	}
	p.pos++
	return Constraint{Op: op, Version: v}, nil
}

// checkVersion validates a constraint's version found at offset off.
func (p *parser) checkVersion(off int, v string) error {
	if _, err := version.Parse(v); err != nil {
		var ve *version.Error
		if errors.As(err, &ve) {
			off += ve.Offset
		}
		return p.errorAt(off, err)
	}
	if i := strings.IndexAny(v, "(),|"); i >= 0 {
		return p.errorAt(off+i, ErrVersionByte)
	}
	return nil
}

func (p *parser) errorAt(off int, err error) error {
	return &SyntaxError{Field: p.field, Text: p.text, Offset: off, Err: err}
}

// Causes inside *SyntaxError, for errors.Is. A bad version wraps the
// *version.Error instead.
var (
	ErrNoName       = errors.New("missing package name")
	ErrNoOp         = errors.New("'(' without a version operator (<< <= = >= >>)")
	ErrUnclosed     = errors.New("missing ')'")
	ErrTrailing     = errors.New("unexpected text after relation (missing ','?)")
	ErrAlternatives = errors.New("'|' alternatives are not allowed here")
	ErrProvidesOp   = errors.New("only '=' constraints are allowed in Provides")
	ErrControl      = errors.New("control character in package name")
	ErrVersionByte  = errors.New("version contains one of ( ) , |")
)

// SyntaxError reports a relationship field that cannot be parsed.
type SyntaxError struct {
	Field  string // e.g. "Depends"
	Text   string // the field's whole value
	Offset int    // byte offset of the problem in Text
	Err    error
}

func (e *SyntaxError) Error() string {
	// Relationship lines reach 66 KB in real feeds: quote only the
	// neighbourhood of the problem.
	from, to := max(0, e.Offset-24), min(len(e.Text), e.Offset+24)
	snippet := e.Text[from:to]
	if from > 0 {
		snippet = "…" + snippet
	}
	if to < len(e.Text) {
		snippet += "…"
	}
	return fmt.Sprintf("%s: column %d: %v (in %q)", e.Field, e.Offset+1, e.Err, snippet)
}

func (e *SyntaxError) Unwrap() error { return e.Err }
