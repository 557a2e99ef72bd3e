package feed

import "strings"

// fieldOf finds a field in a stanza's text as AppendText wrote it: field
// lines at the margin, continuation lines beginning with a space or a tab.
// It follows control's Value rules so that Field and Package agree.
func fieldOf(text, name string) (string, bool) {
	found := -1
	for pos := 0; pos < len(text); {
		end := strings.IndexByte(text[pos:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += pos
		}
		line := text[pos:end]
		if len(line) > 0 && line[0] != ' ' && line[0] != '\t' {
			if c := strings.IndexByte(line, ':'); c == len(name) && strings.EqualFold(line[:c], name) {
				found = pos
			}
		}
		pos = end + 1
	}
	if found < 0 {
		return "", false
	}
	return valueAt(text, found+len(name)+1), true
}

// valueAt reads the value whose text starts at pos (just after the colon).
func valueAt(text string, pos int) string {
	end := strings.IndexByte(text[pos:], '\n')
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
		e := strings.IndexByte(text[next:], '\n')
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
	// first is text[a:b] with b <= end; contiguous when nothing was trimmed
	// at its end.
	b := strings.Index(text[pos:end], first) + pos + len(first)
	if b == end {
		return text[b-len(first) : last]
	}
	return first + rest
}

// trimSpace trims C isspace bytes, as opkg-lede's trim and control do.
func trimSpace(s string) string {
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
func forEachWord(s string, f func(string)) {
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
