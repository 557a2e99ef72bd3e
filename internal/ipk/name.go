package ipk

import "strings"

// cleanName normalises a tar entry name: "./usr/bin/" becomes "usr/bin",
// "a//b" and "a/./b" become "a/b". The archive's root ("." or "./") becomes
// "". Names that could leave the root are refused rather than cleaned:
// "a/../b" is refused although it would clean to "b", because a name that
// needs such cleaning was written to mislead.
func cleanName(raw string) (string, Reason) {
	if raw == "" || strings.IndexByte(raw, 0) >= 0 || len(raw) > maxPathLen {
		return "", ReasonBadName
	}
	if raw[0] == '/' {
		return "", ReasonAbsolutePath
	}
	if name, ok := alreadyClean(raw); ok {
		return name, 0
	}
	var b strings.Builder
	rest := raw
	for rest != "" {
		comp := rest
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			comp, rest = rest[:i], rest[i+1:]
		} else {
			rest = ""
		}
		switch {
		case comp == "" || comp == ".":
			continue
		case comp == "..":
			return "", ReasonDotDot
		case len(comp) > maxComponentLen:
			return "", ReasonBadName
		}
		if b.Len() > 0 {
			b.WriteByte('/')
		}
		b.WriteString(comp)
	}
	return b.String(), 0
}

// alreadyClean returns raw without its "./" prefix and trailing "/" when
// that is the whole normalisation (the common case: no copy is made).
func alreadyClean(raw string) (string, bool) {
	name := strings.TrimPrefix(raw, "./")
	name = strings.TrimSuffix(name, "/")
	start := 0
	for i := 0; i <= len(name); i++ {
		if i < len(name) && name[i] != '/' {
			continue
		}
		comp := name[start:i]
		if comp == "" || comp == "." || comp == ".." || len(comp) > maxComponentLen {
			return "", false
		}
		start = i + 1
	}
	return name, true
}

// memberName normalises an outer member name: "./data.tar.gz" and the GNU ar
// form "data.tar.gz/" both become "data.tar.gz".
func memberName(raw string) string {
	name := strings.TrimPrefix(raw, "./")
	if len(name) > 1 {
		name = strings.TrimSuffix(name, "/")
	}
	return name
}
