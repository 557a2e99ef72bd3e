package version

import (
	"bytes"
	"errors"
	"os"
	"sort"
	"strings"
	"testing"

	"pakt/internal/realdata"
)

func TestCompare(t *testing.T) {
	t.Parallel()
	tests := []struct {
		a, b string
		want int
		why  string
	}{
		// opkg-compat.md §5.1, verified on both opkg binaries.
		{"1.0", "1.0-0", 0, "missing revision equals revision 0"},
		{"1.01", "1.1", 0, "leading zeros do not count"},
		{"1.0~rc1", "1.0", -1, "~ sorts before the end"},
		{"1.0a", "1.0+", -1, "letters before other punctuation"},
		{"1.0.1", "1.0a", 1, "'.' after letters"},
		{"1.0-r1", "1.0-r10", -1, "digit runs compare numerically"},
		{"2:1.0", "1:9.9", 1, "epoch first"},
		{"1:1.0", "9.9", 1, "any epoch beats none"},
		{"1.0-1-2", "1.0-1", 1, "revision is after the last '-'"},
		{"2024.10.16~38eccbb1-r1", "2022.02.24~d038e5b6-r2", 1, "opkg's own version"},
		// data/README.md §1 "Versions".
		{"9c97d5ecd795709c8584e972bfdf3aee3a5b846d-9", "618-2", -1, "bare hash: 9 < 618"},
		{"(null)-3", "2.27-1", 1, "'(' weighs more than any digit run start"},
		{"(null)-3", "(null)-1", 1, "same upstream, revision decides"},
		{"0.0.1-10", "git-18.198.51540-60e7ea2-8", -1, "mossdef scheme change reads as a downgrade"},
		{"git-24.072.73299-397b1b2", "git-18.198.51540-60e7ea2-8", 1, "letter-first versions"},
		{"test2-11", "test4-17", -1, "redsocks2 in kiddin9"},
		{"Release42-26", "Release43-29", -1, "smartdns in kiddin9"},
		{"3:3.14.1-r0", "3.14.1-r0", 1, "arago epoch"},
		{"3:3.14.1-r0", "2:9.9-r9", 1, "arago epoch vs smaller epoch"},
		{"1.1.0-r1", "1.1.0-r0", 1, "apk-style revision"},
		{"12", "11", 1, "no revision (swconfig)"},
		{"6.6.86~422144fea623288f7402e1a9a15724c8-r1", "6.6.86-r1", -1, "kernel hash after ~"},
		// '~' corner cases (the data has none).
		{"1.0~", "1.0", -1, ""},
		{"1.0~~", "1.0~", -1, ""},
		{"1.0~~a", "1.0~", -1, ""},
		{"~", "", -1, ""},
		// Epoch rule (package doc): pakt splits only after digits.
		{"a:1.0", "1.0", 1, "opkg-lede says 0: it drops 'a'; pakt keeps it in upstream"},
		{":1.0", "1.0", 0, "empty epoch is 0 in both opkgs"},
		{"007:1", "7:1", 0, "epoch compares numerically"},
		{"99999999999999999999999:1", "99999999999999999999998:9", 1, "huge epochs do not overflow"},
		{"1.0", "1.0-", 0, "empty revision"},
		{"1.0.0", "1.0", 1, ""},
		{"1.0a", "1.0", 1, "letter after the end"},
		{"a", "a0", 0, "trailing zero digit run equals none"},
		{"", "", 0, ""},
	}
	for _, tt := range tests {
		if got := Compare(tt.a, tt.b); got != tt.want {
			t.Errorf("Compare(%q, %q) = %d, want %d (%s)", tt.a, tt.b, got, tt.want, tt.why)
		}
		if got := Compare(tt.b, tt.a); got != -tt.want {
			t.Errorf("Compare(%q, %q) = %d, want %d (antisymmetry)", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestSatisfies(t *testing.T) {
	t.Parallel()
	tests := []struct {
		v, op, ref string
		want       bool
	}{
		{"1.0", "<", "1.0", true}, // opkg-compat.md §5.1: legacy < means <=
		{"1.0", "<<", "1.0", false},
		{"0.9", "<<", "1.0", true},
		{"1.0", ">", "1.0", true},
		{"1.0", ">>", "1.0", false},
		{"1.1", ">>", "1.0", true},
		{"1.0", "=", "1.0-0", true},
		{"1.0", "=", "1.0-1", false},
		{"1.0", "<=", "1.0", true},
		{"1.1", "<=", "1.0", false},
		{"1.0", ">=", "1.0", true},
		{"0.9", ">=", "1.0", false},
		{"3:1", ">>", "2:9", true},
	}
	for _, tt := range tests {
		op, err := ParseOp(tt.op)
		if err != nil {
			t.Fatalf("ParseOp(%q): %v", tt.op, err)
		}
		if got := Satisfies(tt.v, op, tt.ref); got != tt.want {
			t.Errorf("Satisfies(%q, %s, %q) = %v, want %v", tt.v, tt.op, tt.ref, got, tt.want)
		}
	}
}

func TestParseOp(t *testing.T) {
	t.Parallel()
	good := []struct {
		in     string
		want   Op
		String string
	}{
		{"<<", Less, "<<"},
		{"<=", LessEqual, "<="},
		{"<", LessEqual, "<="},
		{"=", Equal, "="},
		{">=", GreaterEqual, ">="},
		{">", GreaterEqual, ">="},
		{">>", Greater, ">>"},
	}
	for _, tt := range good {
		op, err := ParseOp(tt.in)
		if err != nil || op != tt.want || op.String() != tt.String {
			t.Errorf("ParseOp(%q) = %v (%q), %v; want %v (%q)", tt.in, op, op.String(), err, tt.want, tt.String)
		}
	}
	// opkg-lede pkg.c pkg_version_satisfied: anything else is "Unknown operator".
	for _, in := range []string{"==", "!=", "", "<<=", "=>", "<>", "lt", " <"} {
		op, err := ParseOp(in)
		var oe *OpError
		if !errors.As(err, &oe) || oe.Op != in || op != 0 {
			t.Errorf("ParseOp(%q) = %v, %v; want *OpError carrying %q", in, op, err, in)
		}
	}
	if Op(0).String() != "" || Op(9).String() != "" || Op(9).Holds(0) {
		t.Error("invalid Op must print as \"\" and hold for nothing")
	}
}

func TestParse(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in                 string
		epoch              uint32
		upstream, revision string
	}{
		{"3:3.14.1-r0", 3, "3.14.1", "r0"},
		{"1.0-1-2", 0, "1.0-1", "2"},
		{"a:1.0", 0, "a:1.0", ""},
		{":1.0", 0, "1.0", ""},
		{"12", 0, "12", ""},
		{"(null)-3", 0, "(null)", "3"},
		{"1.0-", 0, "1.0", ""},
		{"4294967295:1", MaxEpoch, "1", ""},
		{"5.15.137-1-47964456485559d992fe6f536131fc64", 0, "5.15.137-1", "47964456485559d992fe6f536131fc64"},
	}
	for _, tt := range tests {
		v, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if v.String() != tt.in || v.Epoch() != tt.epoch || v.Upstream() != tt.upstream || v.Revision() != tt.revision {
			t.Errorf("Parse(%q) = %q epoch %d upstream %q revision %q; want epoch %d upstream %q revision %q",
				tt.in, v, v.Epoch(), v.Upstream(), v.Revision(), tt.epoch, tt.upstream, tt.revision)
		}
	}
	bad := []struct {
		in     string
		err    error
		offset int
	}{
		{"", ErrEmpty, 0},
		{"1.0 beta", ErrSpace, 3},
		{"1.0\n", ErrSpace, 3},
		{"\t1", ErrSpace, 0},
		{"1.0\x7f", ErrSpace, 3},
		{"4294967296:1", ErrEpochRange, 0},
	}
	for _, tt := range bad {
		_, err := Parse(tt.in)
		var e *Error
		if !errors.Is(err, tt.err) || !errors.As(err, &e) || e.Offset != tt.offset || e.Version != tt.in {
			t.Errorf("Parse(%q) error = %v; want %v at offset %d", tt.in, err, tt.err, tt.offset)
		}
	}
	if a, b := MustParse("2:1"), MustParse("1:9"); a.Compare(b) != 1 {
		t.Error("Version.Compare disagrees with Compare")
	}
}

// realVersions returns every Version field value of every feed index and
// status file in the shared data, in file order, duplicates included.
func realVersions(tb testing.TB) []string {
	tb.Helper()
	files := append(realdata.Glob(tb, "feeds/*/Packages"), realdata.Glob(tb, "status/*/status")...)
	var out []string
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		for line := range bytes.Lines(data) {
			if v, ok := bytes.CutPrefix(line, []byte("Version:")); ok {
				out = append(out, string(bytes.TrimSpace(v)))
			}
		}
	}
	if len(out) < 40000 {
		tb.Fatalf("found only %d versions in %d files", len(out), len(files))
	}
	return out
}

// ledeEpochSplit is opkg-lede's epoch rule (pkg_parse.c parse_version): the
// first ':' anywhere separates the epoch.
func ledeEpochSplit(s string) (rest string, split bool) {
	if i := strings.IndexByte(s, ':'); i >= 0 {
		return s[i+1:], true
	}
	return s, false
}

func TestRealVersions(t *testing.T) {
	t.Parallel()
	vs := realVersions(t)
	epochs := 0
	for _, s := range vs {
		if _, err := Parse(s); err != nil {
			t.Errorf("real version rejected: %v", err)
		}
		// The package doc's claim: lede's and upstream's epoch rules agree
		// on every real version.
		e, u, _ := split(s)
		ledeRest, ledeSplit := ledeEpochSplit(s)
		paktSplit := len(s) > len(e) && s[len(e)] == ':'
		if ledeSplit != paktSplit || (paktSplit && !strings.HasPrefix(ledeRest, u)) {
			t.Errorf("%q: opkg-lede and pakt split the epoch differently", s)
		}
		if paktSplit {
			epochs++
		}
	}
	if epochs == 0 {
		t.Error("no epoch in the data: the epoch check above checked nothing")
	}
	// Sorting the distinct real versions must give a consistent order:
	// neighbours never compare in reverse.
	uniq := map[string]bool{}
	for _, s := range vs {
		uniq[s] = true
	}
	list := make([]string, 0, len(uniq))
	for s := range uniq {
		list = append(list, s)
	}
	sort.Slice(list, func(i, j int) bool { return Compare(list[i], list[j]) < 0 })
	for i := 1; i < len(list); i++ {
		if Compare(list[i-1], list[i]) > 0 || Compare(list[i], list[i-1]) < 0 {
			t.Fatalf("order broken between %q and %q", list[i-1], list[i])
		}
	}
}

func FuzzCompare(f *testing.F) {
	seeds := []string{"1.0", "1.0-0", "1.01", "1.0~rc1", "1.0a", "1.0+", "2:1.0", "a:1.0", ":1", "~",
		"(null)-3", "9c97d5ecd795709c8584e972bfdf3aee3a5b846d-9", "618-2", "git-24.072.73299-397b1b2",
		"3:3.14.1-r0", "1.0-1-2", "", "0", "00", "a0", "\xff", "1.0~~a"}
	// Real versions (a sample of the data's, see testdata/versions.txt).
	real, err := os.ReadFile("testdata/versions.txt")
	if err != nil {
		f.Fatal(err)
	}
	seeds = append(seeds, strings.Fields(string(real))...)
	for i, a := range seeds {
		f.Add(a, seeds[(i+1)%len(seeds)], seeds[(i+7)%len(seeds)])
	}
	f.Fuzz(func(t *testing.T, a, b, c string) {
		ab, ba := Compare(a, b), Compare(b, a)
		if ab != -ba || ab < -1 || ab > 1 {
			t.Fatalf("Compare(%q,%q)=%d but Compare(%q,%q)=%d", a, b, ab, b, a, ba)
		}
		if Compare(a, a) != 0 {
			t.Fatalf("Compare(%q,%q) != 0", a, a)
		}
		bc, ac := Compare(b, c), Compare(a, c)
		if ab <= 0 && bc <= 0 && ac > 0 || ab >= 0 && bc >= 0 && ac < 0 {
			t.Fatalf("not transitive: %q ? %q = %d, %q ? %q = %d, %q ? %q = %d", a, b, ab, b, c, bc, a, c, ac)
		}
		if ab == 0 && bc == 0 && ac != 0 {
			t.Fatalf("equality not transitive: %q %q %q", a, b, c)
		}
		if v, err := Parse(a); err == nil {
			if v.String() != a || Compare(v.String(), a) != 0 {
				t.Fatalf("Parse(%q) changed the text", a)
			}
			// The parts put back together give the text (modulo an
			// explicit "0:" or empty epoch).
			re := v.Upstream()
			if v.Revision() != "" || strings.HasSuffix(a, "-") {
				re += "-" + v.Revision()
			}
			if !strings.HasSuffix(a, re) {
				t.Fatalf("Parse(%q) parts %d %q %q do not rebuild it", a, v.Epoch(), v.Upstream(), v.Revision())
			}
		}
	})
}

func BenchmarkCompare(b *testing.B) {
	vs := realVersions(b)
	b.ReportAllocs()
	n := 0
	for b.Loop() {
		for i := 1; i < len(vs); i++ {
			n += Compare(vs[i-1], vs[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*(len(vs)-1)), "ns/compare")
	_ = n
}
