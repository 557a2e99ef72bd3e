package feed

import (
	"bufio"
	"bytes"
	"errors"
	"io"

	"pakt/internal/control"
)

// scanner reads one list into the index. It follows control's grammar
// line for line (control/reader.go is the reference, and TestRealFeeds
// checks the two agree on every real feed) but copies each stanza's text
// straight from the read buffer into the index's pending chunk: no
// per-stanza allocation, no second copy. Whatever it does not accept, it
// hands to control to word the error, so errors read exactly like
// control's.
type scanner struct {
	x    *Index
	list int
	name string
	keep Filter
	line int // number of the last line read

	start     int  // offset of the current stanza in x.pending, -1 for none
	startLine int  // line of its first field
	open      bool // a field line has been read in this stanza
	skipping  bool // the open field is not stored (Index.KeepOnly)
	lastField []byte
	long      []byte // a line longer than the read buffer, assembled
	// at holds, for each of the fields an Entry keeps, where the value of
	// its last occurrence starts, relative to the stanza; -1 for none.
	at [numKept]int
}

// The fields every Entry keeps, found while the lines go by.
const (
	keptPackage = iota
	keptVersion
	keptArchitecture
	keptABIVersion
	keptProvides
	numKept
)

// keptField says which kept field a name is, or -1.
func keptField(name []byte) int {
	switch len(name) {
	case 7:
		if equalFold(name, "Package") {
			return keptPackage
		}
		if equalFold(name, "Version") {
			return keptVersion
		}
	case 8:
		if equalFold(name, "Provides") {
			return keptProvides
		}
	case 10:
		if equalFold(name, "ABIVersion") {
			return keptABIVersion
		}
	case 12:
		if equalFold(name, "Architecture") {
			return keptArchitecture
		}
	}
	return -1
}

func (s *scanner) run(r io.Reader) error {
	if s.x.rd == nil {
		s.x.rd = bufio.NewReaderSize(r, 64<<10)
	} else {
		s.x.rd.Reset(r)
	}
	br := s.x.rd
	defer br.Reset(nil) // drop the reader, keep the buffer
	s.start = -1
	for {
		line, err := s.readLine(br)
		if err == io.EOF && line == nil {
			return s.end()
		}
		if err != nil && err != io.EOF {
			return err
		}
		if perr := s.take(line); perr != nil {
			return perr
		}
		if err == io.EOF {
			return s.end()
		}
	}
}

// readLine returns the next line without its newline and trailing CRs
// (control drops every CR before a newline), or nil and io.EOF at the end.
// A last line without a newline comes with io.EOF.
func (s *scanner) readLine(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == bufio.ErrBufferFull {
		s.long = append(s.long[:0], line...)
		for err == bufio.ErrBufferFull {
			if len(s.long) > control.MaxLineLen {
				return nil, &control.SyntaxError{File: s.name, Line: s.line + 1, Err: control.ErrLineTooLong}
			}
			line, err = br.ReadSlice('\n')
			s.long = append(s.long, line...)
		}
		line = s.long
	}
	if err != nil && err != io.EOF {
		return nil, &control.SyntaxError{File: s.name, Line: s.line + 1, Msg: "read", Err: err}
	}
	if len(line) == 0 && err == io.EOF {
		return nil, io.EOF
	}
	s.line++
	line = bytes.TrimSuffix(line, []byte{'\n'})
	if len(line) > control.MaxLineLen {
		return nil, &control.SyntaxError{File: s.name, Line: s.line, Err: control.ErrLineTooLong}
	}
	for len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	return line, err
}

// take handles one line.
func (s *scanner) take(line []byte) error {
	if len(line) == 0 {
		return s.end()
	}
	switch c := line[0]; {
	case c == ' ' || (c == '\t' && !isBlank(line)):
		if !s.open {
			if isBlank(line) {
				return nil // opkg-lede: a blank line while no field is open
			}
			return s.controlError(line)
		}
		if s.skipping {
			return nil
		}
		return s.appendLine(line)
	case isBlankStart(c) && isBlank(line):
		return s.end()
	default:
		colon := nameEnd(line)
		if colon < 0 {
			return s.controlError(line)
		}
		if s.start < 0 {
			s.start = len(s.x.pending)
			s.startLine = s.line
			s.at = [numKept]int{-1, -1, -1, -1, -1}
		}
		s.open = true
		s.lastField = line[:colon]
		k := keptField(line[:colon])
		if k >= 0 {
			s.at[k] = len(s.x.pending) - s.start + colon + 1
		}
		s.skipping = k < 0 && s.x.keepOnly != nil && !s.wanted(line[:colon])
		if s.skipping {
			return nil
		}
		return s.appendLine(line)
	}
}

func (s *scanner) wanted(name []byte) bool {
	for _, f := range s.x.keepOnly {
		if equalFold(name, f) {
			return true
		}
	}
	return false
}

// controlError asks control to word what it says about a line it refuses
// (it does not depend on what came before), at this line's number.
func (s *scanner) controlError(line []byte) error {
	_, err := control.Parse(s.name, append(append([]byte(nil), line...), '\n'))
	var syn *control.SyntaxError
	if errors.As(err, &syn) {
		syn.Line = s.line
		return syn
	}
	return &control.SyntaxError{File: s.name, Line: s.line, Msg: "line refused"}
}

// appendLine adds a line of the current stanza to the pending chunk,
// moving the stanza to a fresh chunk when it does not fit.
func (s *scanner) appendLine(line []byte) error {
	x := s.x
	if len(x.pending)+len(line)+1 > cap(x.pending) {
		partial := x.pending[s.start:]
		x.pending = x.pending[:s.start]
		x.seal()
		size := chunkSize
		if need := len(partial) + len(line) + 1; need > size {
			size = need * 2
		}
		if cap(x.pending) < size {
			nb := make([]byte, 0, size)
			x.pending = append(nb, partial...)
		} else {
			x.pending = append(x.pending, partial...)
		}
		s.start = 0
	}
	x.pending = append(x.pending, line...)
	x.pending = append(x.pending, '\n')
	if len(x.pending)-s.start > control.MaxStanzaLen {
		return &control.SyntaxError{File: s.name, Line: s.line, Field: string(s.lastField), Err: control.ErrStanzaTooLong}
	}
	return nil
}

// end closes the current stanza, if any: it becomes an entry, or its text
// is dropped.
func (s *scanner) end() error {
	if s.start < 0 {
		return nil
	}
	x := s.x
	text := x.pending[s.start:]
	start := s.start
	s.start, s.open, s.skipping = -1, false, false
	value := func(k int) []byte {
		if s.at[k] < 0 {
			return nil
		}
		return valueAt(text, s.at[k])
	}
	pkg := value(keptPackage)
	if len(pkg) == 0 {
		x.pending = x.pending[:start] // opkg-lede: "probably just a blank line"
		return nil
	}
	ver, arch, abi := value(keptVersion), value(keptArchitecture), value(keptABIVersion)
	e := Entry{
		Name:         x.internBytes(pkg),
		Version:      x.internBytes(ver),
		Architecture: x.internBytes(arch),
		ABIVersion:   x.internBytes(abi),
		List:         s.list,
		Line:         s.startLine,
		chunk:        int32(len(x.chunks)),
		off:          uint32(start),
		size:         uint32(len(text)),
	}
	if s.keep != nil && !s.keep(&e) {
		x.pending = x.pending[:start]
		return nil
	}
	e.provFirst = int32(len(x.provides))
	if prov := value(keptProvides); len(prov) > 0 {
		forEachWord(prov, func(w []byte) {
			x.provides = append(x.provides, x.internBytes(w))
			x.provNext = append(x.provNext, -1)
		})
	}
	e.provCount = int32(len(x.provides)) - e.provFirst
	x.link(e)
	return nil
}

// nameEnd returns the index of the colon ending a valid field name, or
// -1 (control's rule: printable bytes other than space and DEL).
func nameEnd(line []byte) int {
	for i, c := range line {
		if c == ':' {
			if i == 0 {
				return -1
			}
			return i
		}
		if c <= ' ' || c == 0x7f {
			return -1
		}
	}
	return -1
}

// isBlankStart and isBlank are control's white space: a line of these
// not beginning with a space separates stanzas.
func isBlankStart(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

func isBlank(line []byte) bool {
	for _, c := range line {
		if !isBlankStart(c) {
			return false
		}
	}
	return true
}
