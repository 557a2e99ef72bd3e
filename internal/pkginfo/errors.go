package pkginfo

import (
	"errors"
	"fmt"
	"strconv"

	"pakt/internal/relation"
)

// Causes an *Error may wrap, for errors.Is. Relationship fields wrap a
// *relation.SyntaxError and Version a *version.Error instead.
var (
	ErrNoPackage   = errors.New("stanza has no Package field")
	ErrNoVersion   = errors.New("package has no Version field")
	ErrName        = errors.New("package name contains white space or a control character")
	ErrNumber      = errors.New("not a decimal number")
	ErrConffile    = errors.New("bad Conffiles line")
	ErrAlternative = errors.New("bad Alternatives entry")
)

func statusError(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrStatus}, args...)...)
}

// Error reports a stanza that does not decode to a valid package: where
// (file and line of the field), which package, which field, and why.
type Error struct {
	File    string // as given to control.NewReader; "" when unknown
	Line    int    // line of the field (or of the stanza); 0 when unknown
	Package string // the stanza's Package value, "" when it has none
	Field   string // the field as written
	Err     error
}

// Error prints `file:line: package name: Field: cause`, leaving out what is
// unknown.
func (e *Error) Error() string {
	s := ""
	if e.File != "" {
		s = e.File + ":"
	}
	if e.Line > 0 {
		s += strconv.Itoa(e.Line) + ":"
	}
	if s != "" {
		s += " "
	}
	if e.Package != "" {
		s += "package " + e.Package + ": "
	}
	// A relation error already starts with its field name.
	var rel *relation.SyntaxError
	if e.Field != "" && !errors.As(e.Err, &rel) {
		s += e.Field + ": "
	}
	return s + e.Err.Error()
}

func (e *Error) Unwrap() error { return e.Err }
