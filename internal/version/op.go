package version

import "fmt"

// Op is a version relation operator. The zero Op is not an operator; the
// relation package uses it for "any version".
type Op uint8

// The operators, in the order of the comparison result they accept.
const (
	Less         Op = iota + 1 // <<: strictly older
	LessEqual                  // <=, also legacy <
	Equal                      // =
	GreaterEqual               // >=, also legacy >
	Greater                    // >>: strictly newer
)

var opText = [...]string{Less: "<<", LessEqual: "<=", Equal: "=", GreaterEqual: ">=", Greater: ">>"}

// String returns the operator as pakt writes it: "<<", "<=", "=", ">=", ">>";
// "" for the zero or an unknown Op.
func (op Op) String() string {
	if op.Valid() {
		return opText[op]
	}
	return ""
}

// Valid reports whether op is one of the five operators.
func (op Op) Valid() bool { return op >= Less && op <= Greater }

// Holds reports whether a comparison result (the sign of Compare(v, ref))
// satisfies op. An invalid op holds for nothing.
func (op Op) Holds(cmp int) bool {
	switch op {
	case Less:
		return cmp < 0
	case LessEqual:
		return cmp <= 0
	case Equal:
		return cmp == 0
	case GreaterEqual:
		return cmp >= 0
	case Greater:
		return cmp > 0
	}
	return false
}

// Satisfies reports whether version v stands in relation op to ref, e.g.
// Satisfies("1.0", Less, "1.0") is false (strict, unlike opkg-lede's
// status-file round trip; see the package doc).
func Satisfies(v string, op Op, ref string) bool { return op.Holds(Compare(v, ref)) }

// CutOp reads an operator at the start of s the way opkg-lede's dependency
// parser does (pkg_depends.c): two-character operators first, then "=", then
// the legacy single "<" and ">" (meaning <= and >=). It returns the operator
// and the number of bytes it used, or (0, 0) when s starts with none.
func CutOp(s string) (Op, int) {
	if len(s) >= 2 {
		switch s[:2] {
		case "<<":
			return Less, 2
		case "<=":
			return LessEqual, 2
		case ">=":
			return GreaterEqual, 2
		case ">>":
			return Greater, 2
		}
	}
	if len(s) >= 1 {
		switch s[0] {
		case '=':
			return Equal, 1
		case '<':
			return LessEqual, 1
		case '>':
			return GreaterEqual, 1
		}
	}
	return 0, 0
}

// ParseOp reads a whole operator as given to "compare-versions": one of
// << <= = >= >> or the legacy < and >. Anything else, "==" and "!=" included
// (opkg-lede rejects both), is an *OpError.
func ParseOp(s string) (Op, error) {
	op, n := CutOp(s)
	if n == 0 || n != len(s) {
		return 0, &OpError{Op: s}
	}
	return op, nil
}

// OpError reports text that is not a version operator. The CLI prints
// opkg-lede's message from it: "Unknown operator: " + Op + ".".
type OpError struct {
	Op string // the text as given
}

func (e *OpError) Error() string { return fmt.Sprintf("unknown version operator %q", e.Op) }
