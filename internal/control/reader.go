package control

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

const (
	// MaxLineLen is the longest line accepted, newline excluded: opkg-lede's
	// EXCESSIVE_LINE_LEN (4096<<8, pkg_parse.h). The real data's longest line
	// is 66,344 bytes.
	MaxLineLen = 1 << 20
	// MaxStanzaLen bounds one stanza's text (lines and their newlines). opkg
	// has no such limit; the largest real stanza is 66,906 bytes.
	MaxStanzaLen = 4 << 20
)

const (
	initialBufLen = 64 << 10
	maxBufLen     = MaxLineLen + 2 // a longest line, "\r\n" included
	fieldChunk    = 128            // Fields handed out per allocation
	stanzaChunk   = 16             // Stanzas handed out per allocation
)

// Reader reads stanzas one at a time from an io.Reader, holding only the
// current stanza and one buffer of input (at most MaxLineLen+2 bytes) in
// memory. Its zero value is not usable; call NewReader.
type Reader struct {
	name string
	src  io.Reader

	buf        []byte // input window buf[start:end]
	start, end int
	scanned    int // buf[start:scanned] holds no newline
	eof        bool
	line       int   // lines returned so far
	err        error // sticky: returned by every later Next

	text  []byte // the current stanza's lines, each followed by '\n'
	spans []span // its fields, as offsets into text

	// Fields and Stanzas are carved from these chunks to save allocations;
	// each piece is capped so that appending to one stanza never writes into
	// another.
	fields  []Field
	stanzas []Stanza
}

type span struct {
	start, colon  int32 // text[start:colon] is the name
	firstEnd, end int32 // text[colon+1:end] the raw value, text[colon+1:firstEnd] its first line
	line          int
}

// NewReader returns a Reader of r; name is used in errors and Stanza.File.
func NewReader(name string, r io.Reader) *Reader {
	return &Reader{name: name, src: r}
}

// Next returns the next stanza, or io.EOF after the last one. Any other
// error is a *SyntaxError; it is returned again by every later call.
func (r *Reader) Next() (*Stanza, error) {
	if r.err != nil {
		return nil, r.err
	}
	s, err := r.next()
	if err != nil {
		r.err = err
		return nil, err
	}
	return s, nil
}

// Parse reads every stanza of data. It never modifies data, and the stanzas
// share no memory with it. On error it returns the stanzas before the bad
// one with the *SyntaxError.
func Parse(name string, data []byte) ([]Stanza, error) {
	r := &Reader{name: name, buf: data, end: len(data), eof: true}
	var out []Stanza
	for {
		s, err := r.Next()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, *s)
	}
}

func (r *Reader) next() (*Stanza, error) {
	// Local copies: appending to r.text itself would store a pointer into
	// the heap-allocated Reader for every line, each with a GC write barrier.
	// They are stored back for reuse when a stanza is complete; after an
	// error the Reader is done anyway.
	text, spans := r.text[:0], r.spans[:0]
	for {
		line, err := r.readLine()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		if len(line) == 0 {
			if len(spans) == 0 {
				continue // blank lines before a stanza
			}
			break
		}
		switch c := line[0]; {
		case c == ' ' || (c == '\t' && !isBlank(line)):
			if len(spans) == 0 {
				if isBlank(line) {
					continue // opkg-lede: a blank line while no field is open ends an empty stanza
				}
				return nil, r.syntaxError("", "continuation line before any field", nil)
			}
			text = append(text, line...)
			text = append(text, '\n')
			spans[len(spans)-1].end = int32(len(text) - 1)
		case isSpace(c) && isBlank(line):
			if len(spans) == 0 {
				continue
			}
			r.text, r.spans = text, spans
			return r.build(text, spans), nil
		default:
			colon := nameEnd(line)
			if colon < 0 {
				return nil, r.badFieldLine(line)
			}
			start := int32(len(text)) // text stays far below 2 GiB: see MaxStanzaLen
			text = append(text, line...)
			text = append(text, '\n')
			end := int32(len(text) - 1)
			spans = append(spans, span{start: start, colon: start + int32(colon), firstEnd: end, end: end, line: r.line})
		}
		if len(text) > MaxStanzaLen {
			sp := spans[len(spans)-1]
			return nil, r.syntaxError(string(text[sp.start:sp.colon]), "", ErrStanzaTooLong)
		}
	}
	r.text, r.spans = text, spans
	if len(spans) == 0 {
		return nil, io.EOF
	}
	return r.build(text, spans), nil
}

// nameEnd returns the index of the colon ending a valid field name, or -1.
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

func (r *Reader) badFieldLine(line []byte) error {
	colon := bytes.IndexByte(line, ':')
	switch {
	case colon < 0:
		return r.syntaxError("", fmt.Sprintf("line %s is not a field (no colon), a continuation or a blank line", quoteStart(line)), nil)
	case colon == 0:
		return r.syntaxError("", fmt.Sprintf("empty field name in %s", quoteStart(line)), nil)
	default:
		return r.syntaxError("", fmt.Sprintf("field name %s contains a space or control character", quoteStart(line[:colon])), nil)
	}
}

func quoteStart(b []byte) string {
	const max = 40
	if len(b) > max {
		return fmt.Sprintf("%q...", b[:max])
	}
	return fmt.Sprintf("%q", b)
}

func (r *Reader) syntaxError(field, msg string, err error) *SyntaxError {
	return &SyntaxError{File: r.name, Line: r.line, Field: field, Msg: msg, Err: err}
}

// build turns the stanza's text and spans into a Stanza: one string
// allocation for all of its text, plus a share of a Field and a Stanza chunk.
func (r *Reader) build(buf []byte, spans []span) *Stanza {
	text := string(buf)
	n := len(spans)
	if len(r.fields) < n {
		r.fields = make([]Field, max(fieldChunk, n))
	}
	fields := r.fields[:n:n]
	r.fields = r.fields[n:]
	for i, sp := range spans {
		// Field by field rather than a composite literal, which the compiler
		// copies with a bulk write barrier that is slow while the GC marks.
		f := &fields[i]
		f.Name = text[sp.start:sp.colon]
		f.Value = valueOf(text[sp.colon+1:sp.end], int(sp.firstEnd-sp.colon-1))
		f.Line = sp.line
		f.rawStart, f.rawEnd = uint32(sp.colon+1), uint32(sp.end)
	}
	if len(r.stanzas) == 0 {
		r.stanzas = make([]Stanza, stanzaChunk)
	}
	s := &r.stanzas[0]
	r.stanzas = r.stanzas[1:]
	s.File, s.Fields, s.text = r.name, fields, text
	return s
}

// valueOf turns the raw text after a colon into a Field.Value: the first
// line trimmed of surrounding white space, the continuation lines verbatim.
// raw[:nl] is the first line. It allocates only when the first line of a
// multi-line value has trailing white space.
func valueOf(raw string, nl int) string {
	i, j := 0, nl
	for i < j && isSpace(raw[i]) {
		i++
	}
	for j > i && isSpace(raw[j-1]) {
		j--
	}
	switch {
	case j == nl:
		return raw[i:]
	case i == j:
		return raw[nl:]
	default:
		return raw[i:j] + raw[nl:]
	}
}

// readLine returns the next line without its "\n" and any CRs before it
// (so that no value read ends with a CR the writer would have to keep),
// valid until the next call, or io.EOF.
func (r *Reader) readLine() ([]byte, error) {
	for {
		if i := bytes.IndexByte(r.buf[r.scanned:r.end], '\n'); i >= 0 {
			nl := r.scanned + i
			line := r.buf[r.start:nl]
			r.start = nl + 1
			r.scanned = r.start
			return r.countLine(line)
		}
		r.scanned = r.end
		if r.eof {
			if r.start == r.end {
				return nil, io.EOF
			}
			line := r.buf[r.start:r.end]
			r.start = r.end
			return r.countLine(line)
		}
		if err := r.fill(); err != nil {
			return nil, err
		}
	}
}

func (r *Reader) countLine(line []byte) ([]byte, error) {
	r.line++
	for len(line) > 0 && line[len(line)-1] == '\r' {
		line = line[:len(line)-1]
	}
	if len(line) > MaxLineLen {
		return nil, r.syntaxError("", "", ErrLineTooLong)
	}
	return line, nil
}

// fill reads more input into r.buf, first moving the unread part to the
// front and growing the buffer (never beyond maxBufLen) if it is full.
func (r *Reader) fill() error {
	if r.start > 0 {
		n := copy(r.buf, r.buf[r.start:r.end])
		r.scanned -= r.start
		r.start, r.end = 0, n
	}
	if r.end >= maxBufLen {
		return &SyntaxError{File: r.name, Line: r.line + 1, Err: ErrLineTooLong}
	}
	if r.end == len(r.buf) {
		nb := make([]byte, min(max(2*len(r.buf), initialBufLen), maxBufLen))
		copy(nb, r.buf[:r.end])
		r.buf = nb
	}
	for range 100 {
		n, err := r.src.Read(r.buf[r.end:])
		if n < 0 || n > len(r.buf)-r.end {
			return &SyntaxError{File: r.name, Line: r.line + 1, Msg: "read", Err: errors.New("invalid count from io.Reader")}
		}
		r.end += n
		if err == io.EOF {
			r.eof = true
			return nil
		}
		if err != nil {
			return &SyntaxError{File: r.name, Line: r.line + 1, Msg: "read", Err: err}
		}
		if n > 0 {
			return nil
		}
	}
	return &SyntaxError{File: r.name, Line: r.line + 1, Msg: "read", Err: io.ErrNoProgress}
}

// isSpace is C's isspace without '\n', which never occurs inside a line;
// opkg-lede trims values with isspace.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'
}

func isBlank[T string | []byte](line T) bool {
	for i := 0; i < len(line); i++ {
		if !isSpace(line[i]) {
			return false
		}
	}
	return true
}
