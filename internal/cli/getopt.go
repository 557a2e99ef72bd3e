package cli

import "strings"

// This file is pakt's own implementation of the option scanner opkg-lede gets
// from its C library: getopt_long_only with the short-option string
// "Ad:f:ino:p:l:t:vV::" and lede's long-option table (src/opkg-cl.c).
//
// OpenWrt links opkg against musl, so the scanner follows musl 1.2's
// getopt_long_only, which is what a user of a router actually sees:
//   - "--name" and "-name" are long options; "--name=value" or
//     "--name value" give a required argument, only "=value" an optional one.
//   - a unique prefix selects a long option; an exact name always wins; two
//     or more prefix matches are ambiguous, even when they mean the same thing.
//   - a single-dash word that is not a unique long option is read as a bundle
//     of short options ("-Af x", "-V2", "-oroot"); a single letter that is a
//     short option is never taken for a long-option prefix ("-d ram").
//   - non-options are skipped and the options after them are moved in front
//     (GNU permutation); "--" ends the options.
//   - diagnostics are musl's: "<argv0>: unrecognized option: <text>",
//     "<argv0>: option is ambiguous: <text>", "... option requires an
//     argument: <name>", "... option does not take an argument: <name>".
// glibc words its diagnostics differently and reports an ambiguous
// single-dash word instead of reading it as short options; pakt follows musl.
//
// pakt departs from getopt in one way: '_' and '-' are the same character
// when a long option is matched, so every option has both spellings (lede
// has "--force_depends" but not "--download_only"). Everything lede accepts
// still means the same; a few prefixes that lede calls ambiguous only
// because both spellings match ("--strip", "--tmp") are accepted.

// argKind says whether an option takes an argument.
type argKind uint8

const (
	noArgument argKind = iota
	requiredArgument
	optionalArgument // only attached: "-V2", "--verbosity=2"
)

// longOption is one row of the long-option table.
type longOption struct {
	name string // canonical spelling, words joined by '-'
	arg  argKind
	id   optionID
}

// shortOption is one letter of the short-option string.
type shortOption struct {
	letter byte
	arg    argKind
	id     optionID
}

// optionSyntax is a complete getopt configuration.
type optionSyntax struct {
	long  []longOption
	short []shortOption
}

// scanItem is one thing the scanner found, in command-line order: an
// option occurrence, or a diagnostic line getopt would have printed.
type scanItem struct {
	id     optionID
	value  string // the argument, when hasArg
	hasArg bool
	// diagnostic is the text after "<argv0>: " of a getopt error line;
	// when set, id is zero and the scan has failed.
	diagnostic string
}

// scanResult is the outcome of scanning a whole command line.
type scanResult struct {
	items    []scanItem
	operands []string // sub-command and its arguments, options removed
	failed   bool     // at least one diagnostic
}

func (s *optionSyntax) shortFor(c byte) (shortOption, bool) {
	for _, o := range s.short {
		if o.letter == c {
			return o, true
		}
	}
	return shortOption{}, false
}

// scan reads args (args[0] is the program name, which is skipped) the way
// musl's getopt_long_only loop in lede's args_parse does.
func (s *optionSyntax) scan(args []string) scanResult {
	argv := append([]string(nil), args...)
	var res scanResult
	optind, optpos := 1, 0
	for optind < len(argv) {
		skipped := optind
		i := optind
		for i < len(argv) && !isOptionWord(argv[i]) {
			i++
		}
		if i == len(argv) {
			break // only non-options left: optind stays on the first one
		}
		optind = i
		resumed := optind
		var item scanItem
		var done bool
		item, optind, optpos, done = s.next(argv, optind, optpos)
		consumed := min(optind, len(argv))
		// Move what was just consumed in front of the skipped non-options.
		if resumed > skipped {
			n := consumed - resumed
			block := append([]string(nil), argv[resumed:consumed]...)
			copy(argv[skipped+n:consumed], argv[skipped:resumed])
			copy(argv[skipped:], block)
			optind = skipped + n
			if consumed < optind {
				optind = consumed
			}
		}
		if done {
			break
		}
		if item.diagnostic != "" {
			res.failed = true
		}
		res.items = append(res.items, item)
		if optind > len(argv) {
			optind = len(argv)
		}
	}
	if optind > len(argv) {
		optind = len(argv)
	}
	res.operands = argv[optind:]
	return res
}

// isOptionWord reports whether getopt treats w as an option (or "--").
func isOptionWord(w string) bool { return len(w) >= 2 && w[0] == '-' }

// next scans one option starting at argv[optind] (at byte optpos inside a
// bundle of short options). done reports "--", which ends the options.
func (s *optionSyntax) next(argv []string, optind, optpos int) (item scanItem, newOptind, newOptpos int, done bool) {
	word := argv[optind]
	if word == "--" {
		return scanItem{}, optind + 1, 0, true
	}
	if optpos == 0 {
		item, n, ok := s.longAt(argv, optind)
		if ok {
			return item, n, 0, false
		}
	}
	return s.shortAt(argv, optind, optpos)
}

// longAt tries argv[optind] as a long option. ok is false when the word must
// be read as short options instead.
func (s *optionSyntax) longAt(argv []string, optind int) (item scanItem, newOptind int, ok bool) {
	word := argv[optind]
	doubleDash := word[1] == '-'
	text := word[1:]
	if doubleDash {
		text = word[2:]
	}
	name, value, hasValue := strings.Cut(text, "=")
	matches, match := 0, -1
	for i, o := range s.long {
		if !hasNormalizedPrefix(o.name, name) {
			continue
		}
		match = i
		if len(o.name) == len(name) {
			matches = 1
			break
		}
		matches++
	}
	// A single letter that is also a short option stays a short option,
	// even when it happens to be the unique prefix of a long one.
	if matches == 1 && !doubleDash && len(name) == 1 {
		if _, isShort := s.shortFor(name[0]); isShort {
			matches = 2
		}
	}
	if matches != 1 {
		if !doubleDash {
			return scanItem{}, optind, false
		}
		if matches == 0 {
			return scanItem{diagnostic: "unrecognized option: " + text}, optind + 1, true
		}
		return scanItem{diagnostic: "option is ambiguous: " + text}, optind + 1, true
	}
	o := s.long[match]
	optind++
	switch {
	case hasValue && o.arg == noArgument:
		return scanItem{diagnostic: "option does not take an argument: " + o.name}, optind, true
	case hasValue:
		return scanItem{id: o.id, value: value, hasArg: true}, optind, true
	case o.arg == requiredArgument:
		if optind >= len(argv) {
			return scanItem{diagnostic: "option requires an argument: " + o.name}, optind + 1, true
		}
		return scanItem{id: o.id, value: argv[optind], hasArg: true}, optind + 1, true
	}
	return scanItem{id: o.id}, optind, true
}

// hasNormalizedPrefix reports whether prefix is a prefix of name when '_'
// counts as '-'.
func hasNormalizedPrefix(name, prefix string) bool {
	if len(prefix) > len(name) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		c := prefix[i]
		if c == '_' {
			c = '-'
		}
		if c != name[i] {
			return false
		}
	}
	return true
}

// shortAt scans the short option at argv[optind][optpos] (optpos 0 means
// the start of the word, just after its '-').
func (s *optionSyntax) shortAt(argv []string, optind, optpos int) (item scanItem, newOptind, newOptpos int, done bool) {
	word := argv[optind]
	if optpos == 0 {
		optpos = 1
	}
	c := word[optpos]
	optpos++
	rest := word[optpos:]
	if rest == "" {
		optind++
		optpos = 0
	}
	o, ok := s.shortFor(c)
	if !ok || c == ':' {
		return scanItem{diagnostic: "unrecognized option: " + string([]byte{c})}, optind, optpos, false
	}
	switch o.arg {
	case requiredArgument:
		if rest != "" {
			return scanItem{id: o.id, value: rest, hasArg: true}, optind + 1, 0, false
		}
		if optind >= len(argv) {
			return scanItem{diagnostic: "option requires an argument: " + string([]byte{c})}, optind + 1, 0, false
		}
		return scanItem{id: o.id, value: argv[optind], hasArg: true}, optind + 1, 0, false
	case optionalArgument:
		if rest != "" {
			return scanItem{id: o.id, value: rest, hasArg: true}, optind + 1, 0, false
		}
		return scanItem{id: o.id}, optind, 0, false
	}
	return scanItem{id: o.id}, optind, optpos, false
}
