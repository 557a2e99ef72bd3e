package control

import "strings"

// Field is one `Name: value` entry of a stanza, continuation lines included.
type Field struct {
	// Name as written (its case is kept; lookups ignore case).
	Name string
	// Value: the text after the colon with the first line's surrounding
	// blanks trimmed, then every continuation line verbatim, each after a
	// "\n" (its leading space kept, CR removed). "Conffiles:" followed by two
	// lines has the Value "\n /etc/a <hash>\n /etc/b <hash>".
	Value string
	// Line is the 1-based line number of the `Name:` line; 0 when built in
	// code.
	Line int

	// rawStart and rawEnd locate the text after the colon, exactly as read
	// (CR removed), in the Stanza.text it was read into, so that the writer
	// reproduces "Description:  x" and trailing spaces. Offsets rather than a
	// string keep Field at two pointers. The writer uses that text only if
	// it still reads as Value, so a Value edited directly, or a Field copied
	// into another stanza, is never written as stale text.
	rawStart, rawEnd uint32
}

// Stanza is one paragraph: fields in input order. A Stanza returned by
// Reader.Next or Parse is never reused by the reader; it stays valid and may
// be kept or modified. Its strings share one allocation per stanza, and
// stanzas share chunks of Field and Stanza structs, so keeping part of one
// keeps more alive: a long-lived structure should copy what it keeps
// (strings.Clone, Stanza.Clone). See "Memory and lifetime" in the package
// documentation.
type Stanza struct {
	// File is the name the stanza was read from (as given to NewReader), for
	// error messages; empty for stanzas built in code.
	File string
	// Fields in the order read (or added). Duplicate names are kept.
	Fields []Field

	text string // what the fields were read from; see Field.rawStart
}

// Line is the line number of the stanza's first field, or 0.
func (s *Stanza) Line() int {
	if len(s.Fields) == 0 {
		return 0
	}
	return s.Fields[0].Line
}

// Lookup returns the field called name (ASCII case-insensitive). When the
// name occurs more than once the last one wins, as in opkg-lede, where every
// later line overwrites the earlier value.
func (s *Stanza) Lookup(name string) (Field, bool) {
	if i := s.index(name); i >= 0 {
		return s.Fields[i], true
	}
	return Field{}, false
}

// Get returns the Value of the field called name, or "" when there is none;
// see Lookup.
func (s *Stanza) Get(name string) string {
	if i := s.index(name); i >= 0 {
		return s.Fields[i].Value
	}
	return ""
}

// Has reports whether a field called name is present (even if empty).
func (s *Stanza) Has(name string) bool { return s.index(name) >= 0 }

func (s *Stanza) index(name string) int {
	for i := len(s.Fields) - 1; i >= 0; i-- {
		if equalFold(s.Fields[i].Name, name) {
			return i
		}
	}
	return -1
}

// Set gives the field called name the value: the first such field keeps its
// position and takes the new spelling and value, later duplicates are
// removed; without one, the field is appended.
func (s *Stanza) Set(name, value string) {
	first := -1
	for i := range s.Fields {
		if equalFold(s.Fields[i].Name, name) {
			first = i
			break
		}
	}
	if first < 0 {
		s.Append(name, value)
		return
	}
	s.Fields[first] = Field{Name: name, Value: value, Line: s.Fields[first].Line}
	s.deleteExcept(name, first)
}

// Append adds a field at the end, even if one of that name exists.
func (s *Stanza) Append(name, value string) {
	s.Fields = append(s.Fields, Field{Name: name, Value: value})
}

// Delete removes every field called name and reports whether there was one.
func (s *Stanza) Delete(name string) bool { return s.deleteExcept(name, -1) }

func (s *Stanza) deleteExcept(name string, keep int) bool {
	out := s.Fields[:0]
	found := false
	for i, f := range s.Fields {
		if i != keep && equalFold(f.Name, name) {
			found = true
			continue
		}
		out = append(out, f)
	}
	clear(s.Fields[len(out):])
	s.Fields = out
	return found
}

// Clone returns a deep copy whose strings share no memory with s (one
// allocation for all of them), so that keeping it does not keep the rest of
// an index's text alive.
func (s *Stanza) Clone() *Stanza {
	var b strings.Builder
	b.WriteString(s.File)
	b.WriteString(s.text)
	for _, f := range s.Fields {
		b.WriteString(f.Name)
		b.WriteString(f.Value)
	}
	all, off := b.String(), 0
	next := func(n int) string {
		off += n
		return all[off-n : off]
	}
	c := &Stanza{File: next(len(s.File)), text: next(len(s.text)), Fields: make([]Field, len(s.Fields))}
	for i, f := range s.Fields {
		c.Fields[i] = Field{Name: next(len(f.Name)), Value: next(len(f.Value)), Line: f.Line, rawStart: f.rawStart, rawEnd: f.rawEnd}
	}
	return c
}

// equalFold is strings.EqualFold for ASCII names, without its Unicode work.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if x|0x20 != y|0x20 || x|0x20 < 'a' || x|0x20 > 'z' {
			return false
		}
	}
	return true
}
