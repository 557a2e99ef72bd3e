package opkgconf

import (
	"reflect"
	"strings"
	"testing"
)

// The expected cuts were produced by running opkg-lede's line expression
// (opkg_conf.c valid_line_re) through glibc's regcomp/regexec.
func TestSplitLineMatchesGlibcRegex(t *testing.T) {
	t.Parallel()
	tests := []struct {
		line             string
		typ, name, value string
		garbage          bool
	}{
		{"src/gz a http://x", "src/gz", "a", "http://x", false},
		{"a b c d", "a", "b", "c", false},  // a fourth word is silently ignored
		{"a b c d e", "a", "b", "c", true}, // a fifth is garbage
		{"a b c d e f", "a", "b", "c", true},
		{"a b c   ", "a", "b", "c", false}, // trailing blanks
		{"a b c d   ", "a", "b", "c", false},
		{"a b c\r", "a", "b", "c", false}, // CRLF files
		{"a\tb\tc\t", "a", "b", "c", false},
		{"a\vb\fc", "a", "b", "c", false},
		{`"abc" x y`, "abc", "x", "y", false},
		{`"a"b c d`, "a", "b", "c", false}, // no space needed after a quoted token
		{`"a b"c d`, "a b", "c", "d", false},
		{`"a""b" c`, "a", "b", "c", false},
		{`a "b"c d e`, "a", "b", "c", true},
		{`a b "c"d`, "a", "b", `"c"d`, false}, // a quoted third token must end the word
		{`a b "c"d e`, "a", "b", `"c"d`, false},
		{`"abc x y`, `"abc`, "x", "y", false}, // unterminated quote is a plain word
		{`"a b`, `"a`, "b", "", false},
		{`a "b c" "d e f"`, "a", "b c", "d e f", false},
		{`a b c "d e" f`, "a", "b", "c", true}, // only the first three may be quoted
		{`a b c "d e"`, "a", "b", "c", true},
		{`"" b c`, "", "b", "c", false},
		{"arch mips", "arch", "mips", "", false},
		{"src", "src", "", "", false},
	}
	for _, tt := range tests {
		f := splitLine(tt.line)
		got := []string{f.typ, f.name, f.value}
		want := []string{tt.typ, tt.name, tt.value}
		if !reflect.DeepEqual(got, want) || hasTrailingGarbage(f.rest) != tt.garbage {
			t.Errorf("splitLine(%q) = %q garbage=%v, want %q garbage=%v",
				tt.line, got, hasTrailingGarbage(f.rest), want, tt.garbage)
		}
	}
}

func parse(t *testing.T, text string) (*Config, []string) {
	t.Helper()
	cfg := &Config{}
	var msgs []string
	for _, w := range Parse("/etc/opkg.conf", []byte(text), cfg) {
		msgs = append(msgs, w.Func+"|"+w.String())
	}
	return cfg, msgs
}

// Message texts are opkg-lede's (libopkg/opkg_conf.c), byte for byte.
func TestParseWarningTexts(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		text string
		want []string
	}{
		{"trailing garbage names file and line", "# c\n\nsrc/gz a http://a/ x y\n",
			[]string{"opkg_conf_parse_file|/etc/opkg.conf:3: Ignoring config line with trailing garbage: `src/gz a http://a/ x y'"}},
		{"unknown type", "foo bar baz\n",
			[]string{"opkg_conf_parse_file|/etc/opkg.conf:1: Ignoring invalid line: `foo bar baz'"}},
		{"dist is invalid in lede and skips the garbage check", "dist/gz stable http://d main contrib non-free\n",
			[]string{"opkg_conf_parse_file|/etc/opkg.conf:1: Ignoring invalid line: `dist/gz stable http://d main contrib non-free'"}},
		{"duplicate src, either kind", "src/gz a http://a\nsrc a http://b\n",
			[]string{"opkg_conf_parse_file|Duplicate src declaration (a http://b). Skipping."}},
		{"duplicate boolean", "option check_signature\noption check_signature 0\n",
			[]string{"opkg_conf_set_option|Duplicate boolean option check_signature, leaving this option on."}},
		{"test and noaction are one setting", "option test\noption noaction\n",
			[]string{"opkg_conf_set_option|Duplicate boolean option noaction, leaving this option on."}},
		{"duplicate string keeps the first", "option http_proxy http://p1\noption http_proxy http://p2\n",
			[]string{`opkg_conf_set_option|Duplicate option http_proxy, using first seen value "http://p1".`}},
		{"duplicate int keeps the first", "option verbosity 3\noption verbosity 0\n",
			[]string{`opkg_conf_set_option|Duplicate option verbosity, using first seen value "3".`}},
		{"unknown option", "option frobnicate yes\noption nothing\n",
			[]string{"opkg_conf_set_option|Unrecognized option: frobnicate=yes", "opkg_conf_set_option|Unrecognized option: nothing="}},
		{"string option without value", "option tmp_dir\n",
			[]string{"opkg_conf_set_option|Option tmp_dir needs an argument"}},
		{"arch without priority", "arch mips\n",
			[]string{"|No priority given for architecture mips,defaulting to 10"}},
		{"parsing continues after errors", "bogus\nsrc/gz a http://a\nsrc/gz a http://b\ndest root /\n",
			[]string{"opkg_conf_parse_file|/etc/opkg.conf:1: Ignoring invalid line: `bogus'",
				"opkg_conf_parse_file|Duplicate src declaration (a http://b). Skipping."}},
		{"src without url", "src/gz only\n",
			[]string{"opkg_conf_parse_file|/etc/opkg.conf:1: Ignoring invalid line: `src/gz only'"}},
		{"upstream options are known", "option lists_dir /var/lib/opkg/lists\noption autoremove\noption signature_type gpg\n", nil},
		{"comments and blanks", "#x\n   # y\n\t\n\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, got := parse(t, tt.text)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("warnings\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestWarningPositionAndLevel(t *testing.T) {
	t.Parallel()
	cfg := &Config{}
	ws := Parse("/etc/opkg/x.conf", []byte("dest root /\r\noption check_signature\noption check_signature\narch a\n"), cfg)
	if len(ws) != 2 {
		t.Fatalf("got %d warnings: %v", len(ws), ws)
	}
	if ws[0].File != "/etc/opkg/x.conf" || ws[0].Line != 3 || ws[0].Level != LevelError {
		t.Errorf("duplicate option warning at %s:%d level %v", ws[0].File, ws[0].Line, ws[0].Level)
	}
	if ws[1].Line != 4 || ws[1].Level != LevelNotice || ws[1].Func != "" {
		t.Errorf("arch notice at line %d level %v func %q", ws[1].Line, ws[1].Level, ws[1].Func)
	}
	if cfg.Dests[0].Path != "/" {
		t.Errorf("CRLF line: dest path %q", cfg.Dests[0].Path)
	}
}

func TestParseSettings(t *testing.T) {
	t.Parallel()
	cfg, msgs := parse(t, strings.Join([]string{
		`src/gz core "http://example.org/a b"`,
		`src plain file:///srv/feed`,
		`src/gz up http://u [trusted=yes]`,
		`src [Trusted=YES arch=x] deb http://d`,
		`src/gz nottrusted http://n [trusted=no]`,
		`dest root /`,
		`dest "ram" "/tmp"`,
		`lists_dir ext /var/opkg-lists`,
		`lists_dir ext2 /var/opkg-lists2`,
		`arch all 1`,
		`arch mips_24kc 0x10`,
		`arch all 5`,
		`arch noprio`,
		`option check_signature 0`,
		`option verbosity 2x`,
		`option overlay_root /overlay`,
		`option ssl_ca_path /etc/ssl`,
	}, "\n"))
	if msgs[0] != "|No priority given for architecture noprio,defaulting to 10" || len(msgs) != 1 {
		t.Fatalf("warnings: %q", msgs)
	}
	at := func(line int) Pos { return Pos{Source: FromFile, File: "/etc/opkg.conf", Line: line} }
	wantFeeds := []Feed{
		{Name: "core", URL: "http://example.org/a b", Gzip: true, Pos: at(1)},
		{Name: "plain", URL: "file:///srv/feed", Pos: at(2)},
		{Name: "up", URL: "http://u", Gzip: true, Trusted: true, Options: []string{"trusted=yes"}, Pos: at(3)},
		{Name: "deb", URL: "http://d", Trusted: true, Options: []string{"Trusted=YES", "arch=x"}, Pos: at(4)},
		{Name: "nottrusted", URL: "http://n", Gzip: true, Options: []string{"trusted=no"}, Pos: at(5)},
	}
	if !reflect.DeepEqual(cfg.Feeds, wantFeeds) {
		t.Errorf("feeds\n got %+v\nwant %+v", cfg.Feeds, wantFeeds)
	}
	wantDests := []Dest{{"root", "/", at(6)}, {"ram", "/tmp", at(7)}}
	if !reflect.DeepEqual(cfg.Dests, wantDests) {
		t.Errorf("dests %+v", cfg.Dests)
	}
	// lede overwrites lists_dir on every line: the last one wins.
	if cfg.ListsDirLine != "/var/opkg-lists2" || cfg.ListsDirPos != at(9) {
		t.Errorf("lists_dir %q at %v", cfg.ListsDirLine, cfg.ListsDirPos)
	}
	wantArches := []Arch{
		{"all", 1, "1", at(10)},
		{"mips_24kc", 16, "0x10", at(11)}, // lede reads priorities with strtol(…, 0)
		{"all", 5, "5", at(12)},
		{"noprio", 10, "10", at(13)},
	}
	if !reflect.DeepEqual(cfg.Arches, wantArches) {
		t.Errorf("arches\n got %+v\nwant %+v", cfg.Arches, wantArches)
	}
	// lede pkg_set_architecture: the first entry of a name gives the priority.
	if p, ok := cfg.ArchPriority("all"); !ok || p != 1 {
		t.Errorf("ArchPriority(all) = %d, %v", p, ok)
	}
	if _, ok := cfg.ArchPriority("x86_64"); ok {
		t.Error("unconfigured arch accepted")
	}
	if !cfg.Flag("check_signature") {
		t.Error(`"option check_signature 0" must turn checking on (lede ignores bool values)`)
	}
	if cfg.Flag("force_depends") {
		t.Error("force_depends on without a line")
	}
	if cfg.Verbosity() != 2 {
		t.Errorf("verbosity %d, want atoi(\"2x\") = 2", cfg.Verbosity())
	}
	if cfg.Value("overlay_root") != "/overlay" || cfg.Value("ssl_ca_path") != "/etc/ssl" {
		t.Errorf("string options %q %q", cfg.Value("overlay_root"), cfg.Value("ssl_ca_path"))
	}
	if o, _ := cfg.Option("ssl_ca_path"); !o.Upstream {
		t.Error("ssl_ca_path not marked upstream")
	}
	if f, ok := cfg.Feed("up"); !ok || !f.Trusted {
		t.Errorf("Feed(up) = %+v, %v", f, ok)
	}
}

func TestStrtol(t *testing.T) {
	t.Parallel()
	tests := []struct {
		s    string
		base int
		want int64
	}{
		{"10", 0, 10}, {"010", 0, 8}, {"0x1f", 0, 31}, {"0x", 0, 0}, {" -7", 0, -7},
		{"12abc", 10, 12}, {"", 10, 0}, {"abc", 10, 0}, {"99999999999999999999", 10, 1<<31 - 1},
		{"-99999999999999999999", 10, -1 << 31}, {"09", 0, 0}, {"+5", 10, 5},
	}
	for _, tt := range tests {
		if got := strtol(tt.s, tt.base); got != tt.want {
			t.Errorf("strtol(%q, %d) = %d, want %d", tt.s, tt.base, got, tt.want)
		}
	}
}
