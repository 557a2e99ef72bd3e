package cli

import (
	"reflect"
	"strings"
	"testing"
)

// item builders keep the table readable.
func opt(id optionID) scanItem              { return scanItem{id: id} }
func optArg(id optionID, v string) scanItem { return scanItem{id: id, value: v, hasArg: true} }
func diag(text string) scanItem             { return scanItem{diagnostic: text} }

// TestScan pins the option scanner to musl's getopt_long_only as opkg-lede
// calls it (src/opkg-cl.c args_parse; musl src/misc/getopt_long.c and
// getopt.c), plus pakt's '_' = '-' rule.
func TestScan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		args     string
		items    []scanItem
		operands []string
	}{
		{"plain", "install foo", nil, []string{"install", "foo"}},
		{"no arguments", "", nil, []string{}},
		{"two dashes", "--force-depends install foo", []scanItem{opt(optForceDepends)}, []string{"install", "foo"}},
		{"one dash long, lede's own hint", "-force-depends install", []scanItem{opt(optForceDepends)}, []string{"install"}},
		{"option after the sub-command (permutation)", "install foo --force-depends bar", []scanItem{opt(optForceDepends)}, []string{"install", "foo", "bar"}},
		{"options between operands keep operand order", "list -A foo -V2 bar", []scanItem{opt(optQueryAll), optArg(optVerbosity, "2")}, []string{"list", "foo", "bar"}},
		{"unique prefix", "--force-dep install", []scanItem{opt(optForceDepends)}, []string{"install"}},
		{"unique prefix, one dash", "-force-rein install", []scanItem{opt(optForceReinstall)}, []string{"install"}},
		{"underscore spelling lede has", "--force_depends x", []scanItem{opt(optForceDepends)}, []string{"x"}},
		{"underscore spelling lede lacks", "--download_only x", []scanItem{opt(optDownloadOnly)}, []string{"x"}},
		{"underscore prefix", "--force_rein x", []scanItem{opt(optForceReinstall)}, []string{"x"}},
		{"both spellings are one option", "--strip x", []scanItem{opt(optStripABI)}, []string{"x"}},
		{"ambiguous prefix", "--force x", []scanItem{diag("option is ambiguous: force")}, []string{"x"}},
		{"ambiguous even when both mean the same (long_only)", "--co f x", []scanItem{diag("option is ambiguous: co")}, []string{"f", "x"}},
		{"ambiguous with =value keeps the text", "--force-rem=1 x", []scanItem{diag("option is ambiguous: force-rem=1")}, []string{"x"}},
		{"exact name beats longer names", "--conf /c x", []scanItem{optArg(optConfFile, "/c")}, []string{"x"}},
		{"exact name, one dash", "-conf /c x", []scanItem{optArg(optConfFile, "/c")}, []string{"x"}},
		{"required argument attached with =", "--conf=/c x", []scanItem{optArg(optConfFile, "/c")}, []string{"x"}},
		{"required argument attached with =, one dash", "-offline-root=/r x", []scanItem{optArg(optOfflineRoot, "/r")}, []string{"x"}},
		{"required argument may be empty with =", "--dest= x", []scanItem{optArg(optDest, "")}, []string{"x"}},
		{"required argument missing at the end", "x --dest", []scanItem{diag("option requires an argument: dest")}, []string{"x"}},
		{"required argument taken even if it looks like an option", "--dest --nodeps x", []scanItem{optArg(optDest, "--nodeps")}, []string{"x"}},
		{"no argument allowed", "--nodeps=1 x", []scanItem{diag("option does not take an argument: nodeps")}, []string{"x"}},
		{"unknown long option", "--bogus x", []scanItem{diag("unrecognized option: bogus")}, []string{"x"}},
		{"unknown long option with value", "--bogus=1 x", []scanItem{diag("unrecognized option: bogus=1")}, []string{"x"}},
		{"verbosity without level", "--verbosity x", []scanItem{opt(optVerbosity)}, []string{"x"}},
		{"verbosity level only attached", "--verbosity 3 x", []scanItem{opt(optVerbosity)}, []string{"3", "x"}},
		{"verbosity level with =", "--verbosity=3 x", []scanItem{optArg(optVerbosity, "3")}, []string{"x"}},
		{"bare -V", "-V x", []scanItem{opt(optVerbosity)}, []string{"x"}},
		{"-V with attached level", "-V3 x", []scanItem{optArg(optVerbosity, "3")}, []string{"x"}},
		{"-V level is never the next word", "-V 3 x", []scanItem{opt(optVerbosity)}, []string{"3", "x"}},
		{"short bundle, argument from next word", "-Af /c x", []scanItem{opt(optQueryAll), optArg(optConfFile, "/c")}, []string{"x"}},
		{"short bundle after an operand", "x -Af /c y", []scanItem{opt(optQueryAll), optArg(optConfFile, "/c")}, []string{"x", "y"}},
		{"short option with attached argument", "-dram x", []scanItem{optArg(optDest, "ram")}, []string{"x"}},
		{"short option argument from next word", "-d ram x", []scanItem{optArg(optDest, "ram")}, []string{"x"}},
		{"short option missing its argument", "x -d", []scanItem{diag("option requires an argument: d")}, []string{"x"}},
		{"one dash, ambiguous long prefix, reads as short options", "-of x", []scanItem{optArg(optOfflineRoot, "f")}, []string{"x"}},
		{"one dash, no long match, reads as short options", "-foo x", []scanItem{optArg(optConfFile, "oo")}, []string{"x"}},
		{"unknown short options, one message each", "-xyz a", []scanItem{diag("unrecognized option: x"), diag("unrecognized option: y"), diag("unrecognized option: z")}, []string{"a"}},
		{"-h is not an option", "-h", []scanItem{diag("unrecognized option: h")}, []string{}},
		{"single letter unique long prefix", "-r x", []scanItem{opt(optForceRemovalOfDependent)}, []string{"x"}},
		{"single letter short option beats long prefix", "-i x", []scanItem{opt(optNoCase)}, []string{"x"}},
		{"-q is query-all", "-q x", []scanItem{opt(optQueryAll)}, []string{"x"}},
		{"-v is the version", "-v", []scanItem{opt(optVersion)}, []string{}},
		{"--v is ambiguous", "--v", []scanItem{diag("option is ambiguous: v")}, []string{}},
		{"lede's unhandled -n", "-n x", []scanItem{opt(optConfusedN)}, []string{"x"}},
		{"lede's unhandled -p takes an argument", "-p 1 x", []scanItem{optArg(optConfusedP, "1")}, []string{"x"}},
		{"-- ends options", "install -- --force-depends", nil, []string{"install", "--force-depends"}},
		{"-- first", "-- -A x", nil, []string{"-A", "x"}},
		{"options before -- still count", "x -A -- -V", []scanItem{opt(optQueryAll)}, []string{"x", "-V"}},
		{"lone dash is an operand", "install - -A", []scanItem{opt(optQueryAll)}, []string{"install", "-"}},
		{"pakt's --json", "list --json", []scanItem{opt(optJSON)}, []string{"list"}},
		{"upstream --cache-dir", "--cache-dir /c x", []scanItem{optArg(optCache, "/c")}, []string{"x"}},
		{"--cache stays exact beside --cache-dir", "--cache /c x", []scanItem{optArg(optCache, "/c")}, []string{"x"}},
		{"--cach is ambiguous once upstream's --cache-dir exists", "--cach /c x", []scanItem{diag("option is ambiguous: cach")}, []string{"/c", "x"}},
		{"--add-arch and --add-dest", "--add-arch a:1 --add-dest d:/d x", []scanItem{optArg(optAddArch, "a:1"), optArg(optAddDest, "d:/d")}, []string{"x"}},
		{"--test is --noaction", "--test x", []scanItem{opt(optNoAction)}, []string{"x"}},
		{"--recursive", "--recursive x", []scanItem{opt(optForceRemovalOfDependent)}, []string{"x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			args := append([]string{"opkg"}, strings.Fields(tt.args)...)
			got := syntax.scan(args)
			if !reflect.DeepEqual(got.items, tt.items) {
				t.Errorf("items = %+v, want %+v", got.items, tt.items)
			}
			if !reflect.DeepEqual(append([]string{}, got.operands...), tt.operands) {
				t.Errorf("operands = %q, want %q", got.operands, tt.operands)
			}
			wantFailed := false
			for _, it := range tt.items {
				wantFailed = wantFailed || it.diagnostic != ""
			}
			if got.failed != wantFailed {
				t.Errorf("failed = %v, want %v", got.failed, wantFailed)
			}
		})
	}
}

// TestScanDoesNotModifyArgs: the scanner permutes a copy.
func TestScanDoesNotModifyArgs(t *testing.T) {
	t.Parallel()
	args := []string{"opkg", "install", "foo", "-A", "bar"}
	orig := append([]string(nil), args...)
	syntax.scan(args)
	if !reflect.DeepEqual(args, orig) {
		t.Errorf("args changed to %q", args)
	}
}

// TestEveryLongOptionHasBothSpellings checks the '_' rule over the whole
// table: each name, with its dashes turned into underscores, selects the
// same option.
func TestEveryLongOptionHasBothSpellings(t *testing.T) {
	t.Parallel()
	for _, o := range syntax.long {
		for _, spelling := range []string{o.name, strings.ReplaceAll(o.name, "-", "_")} {
			args := []string{"opkg", "--" + spelling}
			if o.arg == requiredArgument {
				args = append(args, "v")
			}
			got := syntax.scan(args)
			if len(got.items) != 1 || got.items[0].id != o.id {
				t.Errorf("--%s: items %+v, want option %d", spelling, got.items, o.id)
			}
		}
	}
}

func TestAtoi(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]int{
		"": 0, "2": 2, " 3": 3, "+4": 4, "-1": -1, "2x": 2, "x2": 0, "007": 7,
		"99999999999999999999": 1 << 30,
	} {
		if got := atoi(in); got != want {
			t.Errorf("atoi(%q) = %d, want %d", in, got, want)
		}
	}
}

// FuzzScan: the scanner never panics, every operand comes from the
// command line, and an option's argument is never an operand too.
func FuzzScan(f *testing.F) {
	for _, s := range []string{
		"install foo --force-depends", "-Af x -V2 -- -x", "--co=1 -xyz -d", "--verbosity=3 -V -oroot list",
		"-of --add-arch a:1 --dest", "x -- --", "- -- -", "-p", "--=", "-=", "---x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		args := append([]string{"opkg"}, strings.Split(line, " ")...)
		got := syntax.scan(args)
		if len(got.operands) > len(args)-1 {
			t.Fatalf("%d operands from %d arguments", len(got.operands), len(args)-1)
		}
		count := map[string]int{}
		for _, a := range args[1:] {
			count[a]++
		}
		for _, o := range got.operands {
			if count[o] == 0 {
				t.Fatalf("operand %q is not an argument", o)
			}
			count[o]--
		}
	})
}
