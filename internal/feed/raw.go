package feed

import (
	"bytes"
	"strings"
)

// fieldOf finds a field in a stanza's text as AppendText wrote it: field
// lines at the margin, continuation lines beginning with a space or a tab.
// It follows control's Value rules so that Field and Package agree.
func fieldOf[T ~string | ~[]byte](text T, name string) (T, bool) {
	found := -1
	for pos := 0; pos < len(text); {
		end := indexByte(text[pos:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += pos
		}
		line := text[pos:end]
		if len(line) > 0 && line[0] != ' ' && line[0] != '\t' {
			if c := indexByte(line, ':'); c == len(name) && equalFold(line[:c], name) {
				found = pos
			}
		}
		pos = end + 1
	}
	if found < 0 {
		return text[:0], false
	}
	return valueAt(text, found+len(name)+1), true
}

// valueAt reads the value whose text starts at pos (just after the colon).
func valueAt[T ~string | ~[]byte](text T, pos int) T {
	end := indexByte(text[pos:], '\n')
	if end < 0 {
		end = len(text)
	} else {
		end += pos
	}
	first := trimSpace(text[pos:end])
	// Continuation lines follow until the next field line or the end.
	last := end
	for last < len(text) {
		next := last + 1
		if next >= len(text) || (text[next] != ' ' && text[next] != '\t') {
			break
		}
		e := indexByte(text[next:], '\n')
		if e < 0 {
			last = len(text)
		} else {
			last = next + e
		}
	}
	if last == end {
		return first
	}
	rest := text[end:last] // "\n cont…"
	if len(first) == 0 {
		return rest
	}
	// first ends where its line ends unless trailing blanks were trimmed;
	// then the value is one piece of the text.
	if trailing := end - pos - len(trimRight(text[pos:end])); trailing == 0 {
		return text[end-len(first) : last]
	}
	return T(string(first) + string(rest))
}

func trimRight[T ~string | ~[]byte](s T) T {
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

func indexByte[T ~string | ~[]byte](s T, c byte) int {
	switch v := any(s).(type) {
	case string:
		return strings.IndexByte(v, c)
	case []byte:
		return bytes.IndexByte(v, c)
	}
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// equalFold compares a field name as written with a name in ASCII.
func equalFold[T ~string | ~[]byte](a T, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		c, d := a[i], b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if c != d {
			return false
		}
	}
	return true
}

// trimSpace trims C isspace bytes, as opkg-lede's trim and control do.
func trimSpace[T ~string | ~[]byte](s T) T {
	for len(s) > 0 && isSpace(s[0]) {
		s = s[1:]
	}
	for len(s) > 0 && isSpace(s[len(s)-1]) {
		s = s[:len(s)-1]
	}
	return s
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// forEachWord calls f for each word of a Provides or Replaces value:
// opkg-lede splits them on commas and white space alike.
func forEachWord[T ~string | ~[]byte](s T, f func(T)) {
	start := -1
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' || isSpace(s[i]) {
			if start >= 0 {
				f(s[start:i])
				start = -1
			}
			continue
		}
		if start < 0 {
			start = i
		}
	}
}

func cloneString(s string) string { return strings.Clone(s) }

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}
