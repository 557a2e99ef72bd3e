package control

import (
	"fmt"
	"io"
	"strings"
)

const writerFlushLen = 32 << 10

// Writer writes stanzas in the Packages/status form: each stanza's fields,
// then one blank line. It buffers; call Flush at the end.
type Writer struct {
	w   io.Writer
	buf []byte
	err error // sticky write error
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: w} }

// Write adds s and the blank line that ends it. A stanza that cannot be
// written (see AppendText) is refused with a *SyntaxError and nothing of it is
// written; the Writer stays usable.
func (w *Writer) Write(s *Stanza) error {
	if w.err != nil {
		return w.err
	}
	b, err := s.AppendText(w.buf)
	if err != nil {
		w.buf = b[:len(w.buf)]
		return err
	}
	w.buf = append(b, '\n')
	if len(w.buf) >= writerFlushLen {
		return w.Flush()
	}
	return nil
}

// Flush writes what is buffered to the underlying io.Writer.
func (w *Writer) Flush() error {
	if w.err != nil {
		return w.err
	}
	if len(w.buf) == 0 {
		return nil
	}
	n, err := w.w.Write(w.buf)
	if err == nil && n < len(w.buf) {
		err = io.ErrShortWrite
	}
	if err != nil {
		w.err = err
		return err
	}
	w.buf = w.buf[:0]
	return nil
}

// AppendText appends the stanza's fields to b, one `Name: value` entry each
// followed by its continuation lines, without the blank line that separates
// stanzas: the form of a control file. A field read by Reader whose Value is
// unchanged is written byte for byte as read; any other field is written as
// "Name: " + Value ("Name:" + Value when Value is empty or starts with a
// newline). It returns a *SyntaxError, leaving b's content past its original
// length unspecified, when the stanza has no fields or a field would not read
// back as written: a name that is empty or holds a colon, white space or a
// control character; a Value whose first line begins or ends with white
// space; a continuation line that does not begin with a space or tab, that is
// a tab and white space only (a separator), or that ends with a CR.
func (s *Stanza) AppendText(b []byte) ([]byte, error) {
	if len(s.Fields) == 0 {
		return b, &SyntaxError{File: s.File, Msg: "stanza has no fields"}
	}
	for i := range s.Fields {
		f := &s.Fields[i]
		if msg := checkName(f.Name); msg != "" {
			return b, &SyntaxError{File: s.File, Line: f.Line, Field: f.Name, Msg: msg}
		}
		b = append(b, f.Name...)
		b = append(b, ':')
		switch {
		case s.readAs(f):
			b = append(b, s.text[f.rawStart:f.rawEnd]...)
		case f.Value == "":
		default:
			if msg := checkValue(f.Value); msg != "" {
				return b, &SyntaxError{File: s.File, Line: f.Line, Field: f.Name, Msg: msg}
			}
			if f.Value[0] != '\n' {
				b = append(b, ' ')
			}
			b = append(b, f.Value...)
		}
		b = append(b, '\n')
	}
	return b, nil
}

func checkName(name string) string {
	if name == "" {
		return "empty field name"
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c == ':' || c == 0x7f {
			return fmt.Sprintf("field name %q contains a colon, space or control character", name)
		}
	}
	return ""
}

// checkValue says why value would not read back as itself, or "".
func checkValue(value string) string {
	first, rest, multi := strings.Cut(value, "\n")
	if first != "" && (isSpace(first[0]) || isSpace(first[len(first)-1])) {
		return "value begins or ends with white space"
	}
	for n := 2; multi; n++ {
		var line string
		line, rest, multi = strings.Cut(rest, "\n")
		switch {
		case line == "" || (line[0] != ' ' && line[0] != '\t'):
			return fmt.Sprintf("value line %d does not begin with a space or tab", n)
		case line[0] == '\t' && isBlank(line):
			return fmt.Sprintf("value line %d is white space after a tab (a stanza separator)", n)
		case line[len(line)-1] == '\r':
			return fmt.Sprintf("value line %d ends with a carriage return", n)
		}
	}
	return ""
}

// readAs reports whether f holds text as read whose value is still f.Value.
func (s *Stanza) readAs(f *Field) bool {
	if f.rawEnd == 0 || f.rawStart > f.rawEnd || int(f.rawEnd) > len(s.text) {
		return false
	}
	raw := s.text[f.rawStart:f.rawEnd]
	nl := strings.IndexByte(raw, '\n')
	if nl < 0 {
		nl = len(raw)
	}
	return valueOf(raw, nl) == f.Value
}
