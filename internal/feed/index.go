package feed

import (
	"bufio"
	"errors"
	"io"
	"slices"

	"pakt/internal/control"
	"pakt/internal/pkginfo"
)

// chunkSize is the size of the string chunks stanza text is packed into.
// Big enough that a release's lists take a few dozen allocations, small
// enough that the unused tail of the last chunk does not matter.
const chunkSize = 64 << 10

// entryBlock is how many entries are allocated at a time.
const entryBlock = 512

// Entry is one package of the index: the fields every query needs, where
// its stanza is, and the links that chain it to the other entries of the
// same name. Strings are interned.
type Entry struct {
	Name         string
	Version      string // as written
	Architecture string
	ABIVersion   string
	// List is the index of the list the entry came from (see Lists).
	List int
	// Line is the line of the stanza's first field in that list.
	Line int

	chunk     int32  // which chunk holds the stanza text
	off, size uint32 // where in it
	provFirst int32  // first of its provided names in Index.provides
	provCount int32
	nextName  int32 // previous entry of the same name, or -1
}

// Filter decides whether an entry read by Add is kept; it may record why
// not (the engine prints opkg's notice). Provided names are not yet linked
// when it runs; Index.Provides is not usable from it.
type Filter func(e *Entry) bool

// Index is the available-package index. Its zero value is an empty index
// ready for Add.
type Index struct {
	lists []string
	// entries in blocks of entryBlock, so that growing never copies or
	// leaves the old array behind as garbage.
	entries [][]Entry
	n       int
	chunks  []string
	pending []byte // the chunk being filled; sealed into chunks at the end of Add

	provides []string // provided names of every entry, entry by entry
	provNext []int32  // previous slot providing provides[k], or -1

	// Chains run from the newest entry back (prepending needs no second
	// map); Named and Providers turn them around.
	byName     map[string]int32  // name → newest entry
	byProvided map[string]int32  // provided name → newest slot in provides
	strs       map[string]string // interned strings

	keepOnly []string      // when set, the only fields whose lines are stored
	rd       *bufio.Reader // reused by every Add
}

// Reserve sizes the index's maps for about this many more packages, so
// that loading does not rehash them as they grow; a guess is fine (the
// engine guesses from the compressed lists' sizes). It must come before
// the first Add.
func (x *Index) Reserve(packages int) {
	if x.byName != nil || packages <= 0 {
		return
	}
	x.byName = make(map[string]int32, packages)
	x.byProvided = make(map[string]int32, packages/8)
	x.strs = make(map[string]string, 2*packages)
}

// KeepOnly makes later Adds store only the lines of these fields (names
// matched without case), and their continuation lines. A command that
// needs a few fields of every package (list: the name, version and
// description) so holds about half the text. The kept fields of an Entry
// are always read. Package then decodes what was kept, and line numbers
// in its errors count the stored lines, not the list's.
func (x *Index) KeepOnly(fields ...string) { x.keepOnly = fields }

// ListError is a list that could not be read to its end: which list, at
// which line, and why.
type ListError struct {
	List string // the name given to Add
	Line int    // 1-based; 0 when unknown
	Err  error  // *control.SyntaxError, an I/O error such as io.ErrUnexpectedEOF
}

func (e *ListError) Error() string {
	var syn *control.SyntaxError
	if errors.As(e.Err, &syn) {
		// control already says file:line.
		return "reading package list: " + e.Err.Error()
	}
	if e.Line > 0 {
		return "reading package list " + e.List + " after line " + itoa(e.Line) + ": " + e.Err.Error()
	}
	return "reading package list " + e.List + ": " + e.Err.Error()
}

func (e *ListError) Unwrap() error { return e.Err }

// Add reads one uncompressed Packages list from r and adds its packages,
// in list order, after those already in the index. name identifies the list
// in errors and in Lists (the engine passes the feed name). keep, when not
// nil, is asked about every entry first; entries it refuses are dropped
// with their text. On error the entries read so far stay in the index.
func (x *Index) Add(name string, r io.Reader, keep Filter) error {
	if x.byName == nil {
		x.byName = make(map[string]int32)
		x.byProvided = make(map[string]int32)
		x.strs = make(map[string]string)
	}
	s := scanner{x: x, list: len(x.lists), name: name, keep: keep}
	x.lists = append(x.lists, name)
	defer x.seal()
	if err := s.run(r); err != nil {
		line := 0
		var syn *control.SyntaxError
		if errors.As(err, &syn) {
			line = syn.Line
		}
		return &ListError{List: name, Line: line, Err: err}
	}
	return nil
}

// seal turns the pending bytes into a string chunk. The byte buffer is
// reused for the next chunk when it is the standard size.
func (x *Index) seal() {
	if len(x.pending) == 0 {
		return
	}
	x.chunks = append(x.chunks, string(x.pending))
	if cap(x.pending) == chunkSize {
		x.pending = x.pending[:0]
	} else {
		x.pending = nil
	}
}

// link appends e to the entries and to the chains of its name and of
// every name it provides.
func (x *Index) link(e Entry) {
	i := int32(x.n)
	if prev, ok := x.byName[e.Name]; ok {
		e.nextName = prev
	} else {
		e.nextName = -1
	}
	if x.n%entryBlock == 0 {
		x.entries = append(x.entries, make([]Entry, 0, entryBlock))
	}
	last := len(x.entries) - 1
	x.entries[last] = append(x.entries[last], e)
	x.n++
	x.byName[e.Name] = i
	for k := e.provFirst; k < e.provFirst+e.provCount; k++ {
		p := x.provides[k]
		if prev, ok := x.byProvided[p]; ok {
			x.provNext[k] = prev
		}
		x.byProvided[p] = k
	}
}

// internBytes is intern for a value still in the read buffer: the map
// lookup does not allocate.
func (x *Index) internBytes(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	if v, ok := x.strs[string(b)]; ok {
		return v
	}
	v := string(b)
	x.strs[v] = v
	return v
}

func (x *Index) intern(s string) string {
	if s == "" {
		return ""
	}
	if v, ok := x.strs[s]; ok {
		return v
	}
	// The value aliases its stanza's text; clone it so that keeping the
	// name does not keep the stanza.
	v := cloneString(s)
	x.strs[v] = v
	return v
}

// Intern returns the index's copy of s, adding it if new: callers that keep
// names beside the index (the installed database) share its strings.
func (x *Index) Intern(s string) string {
	if x.strs == nil {
		x.strs = make(map[string]string)
	}
	return x.intern(s)
}

// Lists returns the names of the lists added, in order; Entry.List indexes
// it.
func (x *Index) Lists() []string { return x.lists }

// Len is the number of entries.
func (x *Index) Len() int { return x.n }

// Entry returns entry i, 0 <= i < Len. The pointer stays valid until the
// next Add.
func (x *Index) Entry(i int) *Entry { return &x.entries[i/entryBlock][i%entryBlock] }

// Named returns the entries called name, in load order.
func (x *Index) Named(name string) []int {
	first, ok := x.byName[name]
	if !ok {
		return nil
	}
	var out []int
	for i := first; i >= 0; i = x.Entry(int(i)).nextName {
		out = append(out, int(i))
	}
	slices.Reverse(out)
	return out
}

// Names calls f with every distinct package name, in no particular order.
func (x *Index) Names(f func(name string)) {
	for n := range x.byName {
		f(n)
	}
}

// Providers returns the entries whose Provides names name, in load order
// (an entry's own Name is not a provision: use Named too).
func (x *Index) Providers(name string) []int {
	k, ok := x.byProvided[name]
	if !ok {
		return nil
	}
	var out []int
	for ; k >= 0; k = x.provNext[k] {
		out = append(out, x.entryOfProvide(k))
	}
	slices.Reverse(out)
	return out
}

// entryOfProvide finds the entry owning provides[k] (binary search: the
// slots are laid out entry by entry).
func (x *Index) entryOfProvide(k int32) int {
	lo, hi := 0, x.n
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if e := x.Entry(m); e.provFirst+e.provCount <= k {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo
}

// Provides returns the names entry i provides, as written (split on commas
// and spaces, as opkg-lede splits them). The slice is shared: do not
// modify it.
func (x *Index) Provides(i int) []string {
	e := x.Entry(i)
	return x.provides[e.provFirst : e.provFirst+e.provCount : e.provFirst+e.provCount]
}

// Text returns entry i's stanza as read (fields only, no blank line after).
func (x *Index) Text(i int) string {
	e := x.Entry(i)
	return x.chunks[e.chunk][e.off : e.off+e.size]
}

// Field returns the value of entry i's field called name (ASCII case
// ignored, the last one when repeated) and whether it is present, with
// control's Value rules: the first line trimmed, continuation lines after
// "\n". It allocates only when the first line has trailing blanks and
// continuation lines follow.
func (x *Index) Field(i int, name string) (string, bool) {
	return fieldOf(x.Text(i), name)
}

// Package decodes entry i fully. Errors name the list and the line in it.
func (x *Index) Package(i int) (*pkginfo.Package, error) {
	e := x.Entry(i)
	stanzas, err := control.Parse(x.lists[e.List], []byte(x.Text(i)))
	if err != nil {
		var syn *control.SyntaxError
		if errors.As(err, &syn) && syn.Line > 0 {
			syn.Line += e.Line - 1
		}
		return nil, err
	}
	if len(stanzas) != 1 {
		return nil, &ListError{List: x.lists[e.List], Line: e.Line, Err: errors.New("stored stanza does not read back as one stanza")}
	}
	s := &stanzas[0]
	for k := range s.Fields {
		s.Fields[k].Line += e.Line - 1
	}
	return pkginfo.Decode(s)
}
