package version

import (
	"errors"
	"fmt"
	"strings"
)

// Compare orders two version strings: -1 if a is older than b, 0 if they
// are equal as versions (possibly different text: "1.01" = "1.1"), +1 if a
// is newer. It accepts any string and never allocates.
func Compare(a, b string) int {
	ea, ua, ra := split(a)
	eb, ub, rb := split(b)
	if c := compareNumber(ea, eb); c != 0 {
		return c
	}
	if c := verrevcmp(ua, ub); c != 0 {
		return c
	}
	return verrevcmp(ra, rb)
}

// split cuts s into its epoch digits, upstream part and revision, all views
// of s. The epoch is only split off when everything before the first ':' is
// a digit (see the package doc for why pakt differs from opkg-lede here).
func split(s string) (epoch, upstream, revision string) {
	i := 0
	for i < len(s) && isDigit(s[i]) {
		i++
	}
	if i < len(s) && s[i] == ':' {
		epoch, s = s[:i], s[i+1:]
	}
	if j := strings.LastIndexByte(s, '-'); j >= 0 {
		return epoch, s[:j], s[j+1:]
	}
	return epoch, s, ""
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// compareNumber compares two runs of decimal digits by value, whatever
// their length.
func compareNumber(a, b string) int {
	// Hand-written: runs are a few digits long, and strings.TrimLeft and
	// strings.Compare cost more than the work here.
	for len(a) > 0 && a[0] == '0' {
		a = a[1:]
	}
	for len(b) > 0 && b[0] == '0' {
		b = b[1:]
	}
	if len(a) != len(b) {
		return sign(len(a) - len(b))
	}
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] {
			return sign(int(a[i]) - int(b[i]))
		}
	}
	return 0
}

// weight is dpkg's order of a byte inside a non-digit run; the end of the
// run (and a digit, which ends it) weighs 0.
func weight(c byte) int {
	switch {
	case c == '~':
		return -1
	case isDigit(c):
		return 0
	case isAlpha(c):
		return int(c)
	default:
		return int(c) + 256
	}
}

// verrevcmp is dpkg's comparison of an upstream version or a revision.
func verrevcmp(a, b string) int {
	i, j := 0, 0
	for i < len(a) || j < len(b) {
		// Non-digit run: compare byte weights until both sides reach a
		// digit or their end.
		for (i < len(a) && !isDigit(a[i])) || (j < len(b) && !isDigit(b[j])) {
			wa, wb := 0, 0
			if i < len(a) {
				wa = weight(a[i])
			}
			if j < len(b) {
				wb = weight(b[j])
			}
			if wa != wb {
				return sign(wa - wb)
			}
			i++
			j++
		}
		// Digit run: compare as numbers.
		si := i
		for i < len(a) && isDigit(a[i]) {
			i++
		}
		sj := j
		for j < len(b) && isDigit(b[j]) {
			j++
		}
		if c := compareNumber(a[si:i], b[sj:j]); c != 0 {
			return c
		}
	}
	return 0
}

func sign(n int) int {
	switch {
	case n < 0:
		return -1
	case n > 0:
		return 1
	}
	return 0
}

// Version is a parsed, validated version. The zero Version is not valid;
// get one from Parse. It keeps the text it was parsed from, so String gives
// back exactly that text (an explicit "0:" epoch included).
type Version struct {
	text     string
	epoch    uint32
	upStart  int // upstream is text[upStart:upEnd]
	upEnd    int
	revision bool // text[upEnd] is the '-' before the revision
}

// MaxEpoch is the largest epoch Parse accepts: opkg-lede keeps epochs in an
// unsigned int.
const MaxEpoch = 1<<32 - 1

// Parse validates s as a version. It fails only on text pakt could not store
// or write back (see the package doc); any string can still be compared
// with Compare.
func Parse(s string) (Version, error) {
	if s == "" {
		return Version{}, &Error{Version: s, Offset: 0, Err: ErrEmpty}
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c <= ' ' || c == 0x7f {
			return Version{}, &Error{Version: s, Offset: i, Err: ErrSpace}
		}
	}
	epoch, upstream, _ := split(s)
	v := Version{text: s}
	if len(s) > len(epoch) && s[len(epoch)] == ':' {
		v.upStart = len(epoch) + 1
		var n uint64
		for k := 0; k < len(epoch); k++ {
			n = n*10 + uint64(epoch[k]-'0')
			if n > MaxEpoch {
				return Version{}, &Error{Version: s, Offset: 0, Err: ErrEpochRange}
			}
		}
		v.epoch = uint32(n)
	}
	v.upEnd = v.upStart + len(upstream)
	v.revision = v.upEnd < len(s)
	return v, nil
}

// MustParse is Parse for constants in tests and tables; it panics on error.
func MustParse(s string) Version {
	v, err := Parse(s)
	if err != nil {
		panic(err)
	}
	return v
}

// String returns the text the version was parsed from.
func (v Version) String() string { return v.text }

// Epoch returns the epoch, 0 when there is none.
func (v Version) Epoch() uint32 { return v.epoch }

// Upstream returns the part between the epoch and the revision.
func (v Version) Upstream() string { return v.text[v.upStart:v.upEnd] }

// Revision returns the text after the last '-', "" when there is none.
func (v Version) Revision() string {
	if !v.revision {
		return ""
	}
	return v.text[v.upEnd+1:]
}

// Compare orders v and w like Compare on their text.
func (v Version) Compare(w Version) int { return Compare(v.text, w.text) }

// Sentinel causes inside *Error, for errors.Is.
var (
	ErrEmpty      = errors.New("empty version")
	ErrSpace      = errors.New("whitespace or control character in version")
	ErrEpochRange = errors.New("epoch out of range (max 4294967295)")
)

// Error says why a version was rejected and where.
type Error struct {
	Version string // the text given to Parse
	Offset  int    // byte offset of the offending character in Version
	Err     error  // ErrEmpty, ErrSpace or ErrEpochRange
}

func (e *Error) Error() string {
	if e.Err == ErrEmpty {
		return "version: " + e.Err.Error()
	}
	return fmt.Sprintf("version %q: byte %d: %v", e.Version, e.Offset, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }
