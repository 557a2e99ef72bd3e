package control

import (
	"errors"
	"strconv"
	"strings"
)

// Causes a *SyntaxError may wrap, for errors.Is.
var (
	// ErrLineTooLong: a line is longer than MaxLineLen bytes.
	ErrLineTooLong = errors.New("line longer than 1048576 bytes")
	// ErrStanzaTooLong: a stanza's text is longer than MaxStanzaLen bytes.
	ErrStanzaTooLong = errors.New("stanza longer than 4194304 bytes")
)

// SyntaxError is what the reader returns for input it refuses, and what the
// writer returns for a stanza it cannot write so that it reads back the same.
// It prints as `file:line: field: message: cause`, leaving out the parts that
// are empty or zero (the writer knows no file or line; some reader errors
// concern no field).
//
// Other packages that decode stanzas (pkginfo, statusdb) may return it too, so
// that every error about a stanza reads the same way.
type SyntaxError struct {
	File  string // name given to NewReader or Parse
	Line  int    // 1-based line number; 0 when unknown
	Field string // field name, as written in the input
	Msg   string // what is wrong
	Err   error  // cause, if any: ErrLineTooLong, ErrStanzaTooLong, an I/O error
}

func (e *SyntaxError) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		if e.File == "" {
			b.WriteString("line ")
		} else {
			b.WriteByte(':')
		}
		b.WriteString(strconv.Itoa(e.Line))
	}
	sep := func() {
		if b.Len() > 0 {
			b.WriteString(": ")
		}
	}
	if e.Field != "" {
		sep()
		b.WriteString(e.Field)
	}
	if e.Msg != "" {
		sep()
		b.WriteString(e.Msg)
	}
	if e.Err != nil {
		sep()
		b.WriteString(e.Err.Error())
	}
	return b.String()
}

func (e *SyntaxError) Unwrap() error { return e.Err }
