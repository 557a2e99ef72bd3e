package opkgconf

import (
	"fmt"
	"strings"
)

// Parse reads one configuration file into cfg, line by line, and returns the
// complaints opkg-lede would print for it. It never fails: a bad line is
// reported and skipped, as in lede. name is how messages name the file.
func Parse(name string, data []byte, cfg *Config) []Warning {
	var warns []Warning
	// One conversion for the file: settings keep substrings of it.
	text := string(data)
	for lineNo := 1; len(text) > 0; lineNo++ {
		line := text
		if i := strings.IndexByte(text, '\n'); i >= 0 {
			line, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		// lede handles lines as C strings: a NUL ends the line.
		if i := strings.IndexByte(line, 0); i >= 0 {
			line = line[:i]
		}
		if isBlankOrComment(line) {
			continue
		}
		warns = parseLine(cfg, line, Pos{Source: FromFile, File: name, Line: lineNo}, warns)
	}
	return warns
}

// opkg-lede's texts for a line it skips (opkg_conf_parse_file).
const (
	msgInvalidLine     = "%s:%d: Ignoring invalid line: `%s'"
	msgTrailingGarbage = "%s:%d: Ignoring config line with trailing garbage: `%s'"
)

// isSpace is C's isspace in the C locale, which [[:space:]] matches.
func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

func isBlankOrComment(line string) bool {
	for _, c := range []byte(line) {
		if !isSpace(c) {
			return c == '#'
		}
	}
	return true
}

// fields is a line cut the way opkg-lede's line regular expression cuts it.
type fields struct {
	typ, name, value string
	// rest is the text after the third token, unparsed.
	rest string
}

// splitLine cuts a line into "type name value" and the rest. Each of the
// three tokens is either a double-quoted string (quotes removed, spaces
// kept) or a run of non-space bytes; white space between them is optional
// ("a"b is two tokens). A third token in quotes must be followed by white
// space or the end, else it is read unquoted. This is what glibc's regexec
// does with lede's expression (checked on glibc for each case in the tests).
func splitLine(line string) fields {
	pos := skipSpace(line, 0)
	var tok [3]string
	for i := range tok {
		if i > 0 {
			pos = skipSpace(line, pos)
		}
		tok[i], pos = nextToken(line, pos, i == 2)
	}
	return fields{typ: tok[0], name: tok[1], value: tok[2], rest: line[pos:]}
}

func skipSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

func nextToken(s string, i int, last bool) (string, int) {
	if i < len(s) && s[i] == '"' {
		if j := strings.IndexByte(s[i+1:], '"'); j >= 0 {
			end := i + 1 + j + 1
			if !last || end == len(s) || isSpace(s[end]) {
				return s[i+1 : end-1], end
			}
		}
	}
	j := i
	for j < len(s) && !isSpace(s[j]) {
		j++
	}
	return s[i:j], j
}

// hasTrailingGarbage applies lede's rule to the text after the third token:
// one more word is silently ignored, a second one is garbage.
func hasTrailingGarbage(rest string) bool {
	i := skipSpace(rest, 0)
	if i == 0 {
		// The third token ends at white space or the end of the line, so
		// this is the end of the line.
		return rest != ""
	}
	for i < len(rest) && !isSpace(rest[i]) { // the ignored fourth word
		i++
	}
	return skipSpace(rest, i) < len(rest)
}

func parseLine(cfg *Config, line string, pos Pos, warns []Warning) []Warning {
	f := splitLine(line)
	lineWarn := func(format string) []Warning {
		return append(warns, Warning{File: pos.File, Line: pos.Line, Level: LevelError, Func: funcParseFile,
			Msg: fmt.Sprintf(format, pos.File, pos.Line, line)})
	}
	if f.typ == "src" || f.typ == "src/gz" {
		return parseSrc(cfg, line, f, pos, warns, lineWarn)
	}
	// lede skips the garbage check for every type starting with "dist"
	// (upstream's Release-file feeds take components there), then rejects
	// those types as invalid.
	if !strings.HasPrefix(f.typ, "dist") && hasTrailingGarbage(f.rest) {
		return lineWarn(msgTrailingGarbage)
	}
	switch f.typ {
	case "option":
		if w, ok := cfg.setOption(f.name, f.value, pos); ok {
			warns = append(warns, w)
		}
	case "dest":
		if f.name == "" || f.value == "" {
			return lineWarn(msgInvalidLine)
		}
		cfg.Dests = append(cfg.Dests, Dest{Name: f.name, Path: f.value, Pos: pos})
	case "lists_dir":
		if f.value == "" {
			return lineWarn(msgInvalidLine)
		}
		cfg.ListsDirLine, cfg.ListsDirPos = f.value, pos
	case "arch":
		if f.name == "" {
			return lineWarn(msgInvalidLine)
		}
		prio := f.value
		if prio == "" {
			warns = append(warns, Warning{File: pos.File, Line: pos.Line, Level: LevelNotice,
				Msg: fmt.Sprintf("No priority given for architecture %s,defaulting to %d", f.name, DefaultArchPriority)})
			prio = fmt.Sprint(DefaultArchPriority)
		}
		cfg.Arches = append(cfg.Arches, Arch{Name: f.name, Priority: int(strtol(prio, 0)), PriorityText: prio, Pos: pos})
	default:
		return lineWarn(msgInvalidLine)
	}
	return warns
}

// parseSrc handles "src" and "src/gz" lines, with upstream opkg's bracket
// options either after the URL (upstream's place) or after the type
// (apt's place): "src/gz name url [trusted=yes]", "src [trusted=yes] name url".
func parseSrc(cfg *Config, line string, f fields, pos Pos, warns []Warning, lineWarn func(string) []Warning) []Warning {
	var opts string
	if after := strings.TrimLeft(line, " \t\v\f\r"); strings.HasPrefix(after, f.typ) {
		body := after[len(f.typ):]
		if b := strings.TrimLeft(body, " \t\v\f\r"); len(b) < len(body) && strings.HasPrefix(b, "[") {
			if end := strings.IndexByte(b, ']'); end > 0 {
				opts = b[1:end]
				f = splitLine(f.typ + " " + b[end+1:])
			}
		}
	}
	if opts == "" {
		if r := strings.TrimLeft(f.rest, " \t\v\f\r"); len(r) < len(f.rest) && strings.HasPrefix(r, "[") {
			if end := strings.IndexByte(r, ']'); end > 0 {
				opts = r[1:end]
				f.rest = r[end+1:]
				if strings.Trim(f.rest, " \t\v\f\r") != "" {
					return lineWarn(msgTrailingGarbage)
				}
			}
		}
	}
	if hasTrailingGarbage(f.rest) {
		return lineWarn(msgTrailingGarbage)
	}
	if f.name == "" || f.value == "" {
		return lineWarn(msgInvalidLine)
	}
	cfg.reindex()
	if _, dup := cfg.feedIndex[f.name]; dup {
		return append(warns, Warning{File: pos.File, Line: pos.Line, Level: LevelError, Func: funcParseFile,
			Msg: fmt.Sprintf("Duplicate src declaration (%s %s). Skipping.", f.name, f.value)})
	}
	feed := Feed{Name: f.name, URL: f.value, Gzip: f.typ == "src/gz", Pos: pos}
	for _, word := range strings.Fields(opts) {
		feed.Options = append(feed.Options, word)
		// Upstream splits at the last '=' and compares without case.
		if eq := strings.LastIndexByte(word, '='); eq >= 0 && strings.EqualFold(word[:eq], "trusted") {
			feed.Trusted = strings.EqualFold(word[eq+1:], "yes")
		}
	}
	cfg.feedIndex[f.name] = len(cfg.Feeds)
	cfg.Feeds = append(cfg.Feeds, feed)
	return warns
}
