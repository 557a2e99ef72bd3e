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

// memberName normalises an outer member name: "./data.tar.gz" and the GNU ar
// form "data.tar.gz/" both become "data.tar.gz".
func memberName(raw string) string {
	name := strings.TrimPrefix(raw, "./")
	if len(name) > 1 {
		name = strings.TrimSuffix(name, "/")
	}
	return name
}
