package engine

// fnmatch reports whether name matches the shell pattern as glibc's
// fnmatch(3) does with no flags, or FNM_CASEFOLD when fold is set: '*'
// and '?' match any byte including '/', '[...]' is a set ('!' or '^'
// negates, ranges, ']' first is literal), '\' quotes the next byte. A
// malformed set ('[' without ']') matches a literal '['. This is what
// opkg-lede applies to package names and file paths; Go's path.Match
// differs ('*' stops at '/').
func fnmatch(pattern, name string, fold bool) bool {
	// Iterative with one backtrack point for the last '*', so hostile
	// patterns cost O(len(pattern)*len(name)).
	p, n := 0, 0
	starP, starN := -1, 0
	for n < len(name) {
		if p < len(pattern) {
			switch c := pattern[p]; c {
			case '*':
				starP, starN = p, n
				p++
				continue
			case '?':
				p++
				n++
				continue
			case '[':
				if ok, next, valid := matchSet(pattern, p, name[n], fold); valid {
					if ok {
						p = next
						n++
						continue
					}
				} else if name[n] == '[' {
					p++
					n++
					continue
				}
			case '\\':
				if p+1 < len(pattern) && equalByte(pattern[p+1], name[n], fold) {
					p += 2
					n++
					continue
				}
				if p+1 == len(pattern) && name[n] == '\\' {
					p++
					n++
					continue
				}
			default:
				if equalByte(c, name[n], fold) {
					p++
					n++
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		starN++
		p, n = starP+1, starN
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// matchSet matches c against the set starting at pattern[p] == '['. It
// returns whether c is in the set, the index after the set, and whether
// the set is well formed.
func matchSet(pattern string, p int, c byte, fold bool) (match bool, next int, valid bool) {
	i := p + 1
	negate := false
	if i < len(pattern) && (pattern[i] == '!' || pattern[i] == '^') {
		negate = true
		i++
	}
	first := true
	for i < len(pattern) {
		if pattern[i] == ']' && !first {
			return match != negate, i + 1, true
		}
		first = false
		lo := pattern[i]
		if lo == '\\' && i+1 < len(pattern) {
			i++
			lo = pattern[i]
		}
		i++
		hi := lo
		if i+1 < len(pattern) && pattern[i] == '-' && pattern[i+1] != ']' {
			hi = pattern[i+1]
			if hi == '\\' && i+2 < len(pattern) {
				hi = pattern[i+2]
				i++
			}
			i += 2
		}
		if inRange(c, lo, hi) || (fold && (inRange(lower(c), lo, hi) || inRange(upper(c), lo, hi))) {
			match = true
		}
	}
	return false, 0, false
}

func inRange(c, lo, hi byte) bool { return lo <= c && c <= hi }

func equalByte(a, b byte, fold bool) bool {
	return a == b || (fold && lower(a) == lower(b))
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func upper(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}
