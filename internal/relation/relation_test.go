package relation

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"pakt/internal/realdata"
	"pakt/internal/version"
)

func atom(name string) Atom { return Atom{Name: name} }
func vatom(name string, op version.Op, v string) Atom {
	return Atom{Name: name, Constraint: Constraint{Op: op, Version: v}}
}
func groups(gs ...Group) []Group { return gs }
func one(a ...Atom) Group        { return Group{Alts: a} }
func greedy(a ...Atom) Group     { return Group{Alts: a, Greedy: true} }

func TestParseDepends(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in string
		want     []Group
		format   string
	}{
		{"plain", "libc, libpthread", groups(one(atom("libc")), one(atom("libpthread"))), "libc, libpthread"},
		{"alternatives", "a (>= 1.2) | b, c", groups(one(vatom("a", version.GreaterEqual, "1.2"), atom("b")), one(atom("c"))), "a (>= 1.2) | b, c"},
		{"every operator", "a (<< 1), b (<= 1), c (= 1), d (>= 1), e (>> 1)",
			groups(one(vatom("a", version.Less, "1")), one(vatom("b", version.LessEqual, "1")), one(vatom("c", version.Equal, "1")),
				one(vatom("d", version.GreaterEqual, "1")), one(vatom("e", version.Greater, "1"))),
			"a (<< 1), b (<= 1), c (= 1), d (>= 1), e (>> 1)"},
		// pkg_depends.c parseDepends: legacy '<' and '>' mean <= and >=.
		{"legacy ops", "a (< 2), b (> 1)", groups(one(vatom("a", version.LessEqual, "2")), one(vatom("b", version.GreaterEqual, "1"))), "a (<= 2), b (>= 1)"},
		// data README §1: OpenWrt indexes write no space after the operator.
		{"no space after op", "kernel (=5.10.146-1-47964456485559d992fe6f536131fc64), kmod-nft-core",
			groups(one(vatom("kernel", version.Equal, "5.10.146-1-47964456485559d992fe6f536131fc64")), one(atom("kmod-nft-core"))),
			"kernel (= 5.10.146-1-47964456485559d992fe6f536131fc64), kmod-nft-core"},
		{"no space before paren", "foo(>=1.0)", groups(one(vatom("foo", version.GreaterEqual, "1.0"))), "foo (>= 1.0)"},
		{"spaces inside", "foo (  >=   1.0  )", groups(one(vatom("foo", version.GreaterEqual, "1.0"))), "foo (>= 1.0)"},
		// data README §1: double constraint; lede keeps the first, pakt both.
		{"double constraint", "nginx-ssl-util (>=1.5-1) (<2), libc",
			groups(one(Atom{Name: "nginx-ssl-util", Constraint: Constraint{version.GreaterEqual, "1.5-1"}, Also: []Constraint{{version.LessEqual, "2"}}}), one(atom("libc"))),
			"nginx-ssl-util (>= 1.5-1) (<= 2), libc"},
		// Names with parentheses: yocto libc6 and arago.
		{"paren names", "rtld(GNU_HASH), pkgconfig(pkg-config) (>= 0.29)",
			groups(one(atom("rtld(GNU_HASH)")), one(vatom("pkgconfig(pkg-config)", version.GreaterEqual, "0.29"))),
			"rtld(GNU_HASH), pkgconfig(pkg-config) (>= 0.29)"},
		{"repeated names", "libpthread, libpthread", groups(one(atom("libpthread")), one(atom("libpthread"))), "libpthread, libpthread"},
		// pkg_depends.c: a '*' token after an atom marks a greedy dependency.
		{"greedy", "kmod-usb *, b (>= 1) *", groups(greedy(atom("kmod-usb")), greedy(vatom("b", version.GreaterEqual, "1"))), "kmod-usb *, b (>= 1) *"},
		{"greedy in alternative", "a * | b", groups(greedy(atom("a"), atom("b"))), "a | b *"},
		{"epoch in conflict", "netbase (<< 1:5.0)", groups(one(vatom("netbase", version.Less, "1:5.0"))), "netbase (<< 1:5.0)"},
		{"empty", "", nil, ""},
		{"blank", "   ", nil, ""},
		{"empty items skipped", "a, , b,", groups(one(atom("a")), one(atom("b"))), "a, b"},
		{"empty alternatives skipped", "a | | b |", groups(one(atom("a"), atom("b"))), "a | b"},
		{"tabs", "a\t(>=\t1),\tb", groups(one(vatom("a", version.GreaterEqual, "1")), one(atom("b"))), "a (>= 1), b"},
		{"name with equals", "erlang-erts=6.4", groups(one(atom("erlang-erts=6.4"))), "erlang-erts=6.4"},
	}
	for _, tt := range tests {
		got, err := ParseDepends("Depends", tt.in)
		if err != nil {
			t.Errorf("%s: ParseDepends(%q): %v", tt.name, tt.in, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: ParseDepends(%q) = %#v, want %#v", tt.name, tt.in, got, tt.want)
		}
		if f := Format(got); f != tt.format {
			t.Errorf("%s: Format = %q, want %q", tt.name, f, tt.format)
		}
	}
}

func TestParseAtoms(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, field, in string
		want            []Atom
		format          string
	}{
		{"comma list", "Provides", "libopenssl, openssl", []Atom{atom("libopenssl"), atom("openssl")}, "libopenssl, openssl"},
		// data README §1: 15.05 base feeds separate Provides by spaces.
		{"space separated", "Provides", "openvpn openvpn-crypto", []Atom{atom("openvpn"), atom("openvpn-crypto")}, "openvpn, openvpn-crypto"},
		// data README §1: 15.05 packages feeds; lede makes literal names, pakt versions.
		{"name=version", "Provides", "erlang-erts=6.4 erlang-kernel=3.2",
			[]Atom{vatom("erlang-erts", version.Equal, "6.4"), vatom("erlang-kernel", version.Equal, "3.2")},
			"erlang-erts (= 6.4), erlang-kernel (= 3.2)"},
		{"name=version commas", "Provides", "erlang-erts=10.0.1, erlang-kernel=6.0",
			[]Atom{vatom("erlang-erts", version.Equal, "10.0.1"), vatom("erlang-kernel", version.Equal, "6.0")},
			"erlang-erts (= 10.0.1), erlang-kernel (= 6.0)"},
		{"versioned provide", "Provides", "libfoo (= 1.2-1), bar", []Atom{vatom("libfoo", version.Equal, "1.2-1"), atom("bar")}, "libfoo (= 1.2-1), bar"},
		{"versioned provide no space", "Provides", "libfoo(=1.2)", []Atom{vatom("libfoo", version.Equal, "1.2")}, "libfoo (= 1.2)"},
		{"paren names", "Provides", "eglibc, glibc, rtld(GNU_HASH)", []Atom{atom("eglibc"), atom("glibc"), atom("rtld(GNU_HASH)")}, "eglibc, glibc, rtld(GNU_HASH)"},
		{"empty", "Provides", "", nil, ""},
		{"self", "Provides", "hostapd", []Atom{atom("hostapd")}, "hostapd"},
		// data README §6: yocto libcheck.
		{"versioned replaces", "Replaces", "check (<= 0.9.5)", []Atom{vatom("check", version.LessEqual, "0.9.5")}, "check (<= 0.9.5)"},
		{"replaces mixed separators", "Replaces", "a b,c ,  d", []Atom{atom("a"), atom("b"), atom("c"), atom("d")}, "a, b, c, d"},
	}
	for _, tt := range tests {
		parse := ParseProvides
		if tt.field == "Replaces" {
			parse = ParseReplaces
		}
		got, err := parse(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: parse(%q) = %#v, want %#v", tt.name, tt.in, got, tt.want)
		}
		if f := FormatAtoms(got); f != tt.format {
			t.Errorf("%s: FormatAtoms = %q, want %q", tt.name, f, tt.format)
		}
	}
}

func TestSyntaxErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		field, in string
		err       error
		offset    int
	}{
		{"Depends", "a (1.0)", ErrNoOp, 3},
		{"Depends", "a (foo)", ErrNoOp, 3},
		{"Depends", "a (>= 1.0", ErrUnclosed, 9},
		{"Depends", "a (>= 1.0, b", ErrUnclosed, 9},
		{"Depends", "a (>= )", version.ErrEmpty, 6},
		{"Depends", "a (>= 1 2)", version.ErrSpace, 7},
		{"Depends", "a (== 1)", version.ErrSpace, 5},
		{"Depends", "a (>= 1(2)", ErrVersionByte, 7},
		{"Depends", "a b", ErrTrailing, 2},
		{"Depends", "a (>= 1) b", ErrTrailing, 9},
		{"Depends", "(>= 1)", ErrNoName, 0},
		{"Depends", "a\x01b", ErrControl, 1},
		{"Conflicts", "a | (>= 1)", ErrNoName, 4},
		{"Provides", "a | b", ErrAlternatives, 2},
		{"Provides", "a (>= 1)", ErrProvidesOp, 0},
		{"Provides", "a=", version.ErrEmpty, 2},
		{"Provides", "=1", ErrNoName, 0},
		{"Replaces", "a (<= 1", ErrUnclosed, 7},
	}
	for _, tt := range tests {
		var err error
		switch tt.field {
		case "Provides":
			_, err = ParseProvides(tt.in)
		case "Replaces":
			_, err = ParseReplaces(tt.in)
		default:
			_, err = ParseDepends(tt.field, tt.in)
		}
		var se *SyntaxError
		if !errors.As(err, &se) || !errors.Is(err, tt.err) {
			t.Errorf("%s %q: error %v, want %v", tt.field, tt.in, err, tt.err)
			continue
		}
		if se.Field != tt.field || se.Text != tt.in {
			t.Errorf("%s %q: error names %q / %q", tt.field, tt.in, se.Field, se.Text)
		}
		if se.Offset != tt.offset {
			t.Errorf("%s %q: offset %d, want %d (%v)", tt.field, tt.in, se.Offset, tt.offset, err)
		}
		if !strings.HasPrefix(err.Error(), tt.field+": column ") {
			t.Errorf("%s %q: message %q does not start with the field and column", tt.field, tt.in, err)
		}
	}
}

func TestAccepts(t *testing.T) {
	t.Parallel()
	gs, err := ParseDepends("Depends", "nginx-ssl-util (>=1.5-1) (<2), x (<< 2.0), y")
	if err != nil {
		t.Fatal(err)
	}
	double, strict, any := gs[0].Alts[0], gs[1].Alts[0], gs[2].Alts[0]
	for _, tt := range []struct {
		a    Atom
		v    string
		want bool
	}{
		{double, "1.6-18", true}, // the feed's nginx-ssl-util
		{double, "1.5-0", false},
		{double, "2", true}, // legacy '<' is <=
		{double, "2.1", false},
		{strict, "2.0", false}, // << is strict (opkg-lede's writer loses this)
		{strict, "1.9", true},
		{any, "(null)-3", true},
	} {
		if got := tt.a.Accepts(tt.v); got != tt.want {
			t.Errorf("%s accepts %q = %v, want %v", tt.a, tt.v, got, tt.want)
		}
	}
	if any.Versioned() || !strict.Versioned() {
		t.Error("Versioned wrong")
	}
}

var relationFields = []string{"Depends", "Pre-Depends", "Recommends", "Suggests", "Conflicts", "Provides", "Replaces"}

// realRelationLines yields every relationship field of every feed index,
// status file and info/*.control in the data as (file, field, value).
func realRelationLines(tb testing.TB, visit func(file, field, value string)) {
	tb.Helper()
	var files []string
	for _, g := range []string{"feeds/*/Packages", "status/*/status", "status/*/info/*.control", "status/*/info-controls-concatenated.txt"} {
		files = append(files, realdata.Glob(tb, g)...)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			tb.Fatal(err)
		}
		for line := range bytes.Lines(data) {
			name, value, ok := bytes.Cut(line, []byte(":"))
			if !ok || len(name) == 0 || name[0] == ' ' {
				continue
			}
			for _, field := range relationFields {
				if string(name) == field {
					visit(f, field, string(bytes.TrimSpace(value)))
				}
			}
		}
	}
}

func parseField(field, value string) (string, error) {
	switch field {
	case "Provides":
		a, err := ParseProvides(value)
		return FormatAtoms(a), err
	case "Replaces":
		a, err := ParseReplaces(value)
		return FormatAtoms(a), err
	}
	g, err := ParseDepends(field, value)
	return Format(g), err
}

func TestRealData(t *testing.T) {
	t.Parallel()
	n := map[string]int{}
	sameText := 0
	realRelationLines(t, func(file, field, value string) {
		n[field]++
		canon, err := parseField(field, value)
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(filepath.Dir(file)), err)
			return
		}
		again, err := parseField(field, canon)
		if err != nil || again != canon {
			t.Errorf("%s: canonical form %q does not re-parse to itself (%q, %v)", field, canon, again, err)
		}
		if canon == value {
			sameText++
		}
	})
	if n["Depends"] < 30000 || n["Provides"] == 0 || n["Conflicts"] == 0 || n["Replaces"] == 0 || n["Recommends"] == 0 {
		t.Errorf("too few relation lines found: %v", n)
	}
	t.Logf("relation lines per field: %v; %d already canonical", n, sameText)
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"a (>= 1.2) | b, c", "kernel (=5.10.146-1-4796)", "nginx-ssl-util (>=1.5-1) (<2)",
		"rtld(GNU_HASH), pkgconfig(pkg-config)", "openvpn openvpn-crypto", "erlang-erts=6.4 erlang-kernel=3.2",
		"a *", "a | | b,", "netbase (<< 1:5.0)", "foo(>=1)", "a (", "(", "|", "=", "a=(", "x (= (null)-3)"} {
		f.Add(s)
	}
	// Real relation lines (a sample of the data's, see testdata/relations.txt).
	real, err := os.ReadFile("testdata/relations.txt")
	if err != nil {
		f.Fatal(err)
	}
	for line := range strings.Lines(string(real)) {
		if _, v, ok := strings.Cut(line, ":"); ok {
			f.Add(strings.TrimSpace(v))
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, field := range []string{"Depends", "Provides", "Replaces"} {
			canon, err := parseField(field, s)
			if err != nil {
				var se *SyntaxError
				if !errors.As(err, &se) || se.Offset < 0 || se.Offset > len(s) {
					t.Fatalf("%s %q: bad error %v", field, s, err)
				}
				continue
			}
			again, err := parseField(field, canon)
			if err != nil || again != canon {
				t.Fatalf("%s %q: canonical %q re-parses to %q, %v", field, s, canon, again, err)
			}
		}
		// Structural round trip, not only textual.
		if g, err := ParseDepends("Depends", s); err == nil {
			g2, err := ParseDepends("Depends", Format(g))
			if err != nil || !reflect.DeepEqual(g, g2) {
				t.Fatalf("%q: %#v != %#v (%v)", s, g, g2, err)
			}
		}
	})
}

func BenchmarkParseDependsLargestFeed(b *testing.B) {
	data := realdata.Read(b, "feeds/yocto-kirkstone-rpi3-64-cortexa53/Packages")
	var lines []string
	size := 0
	for line := range bytes.Lines(data) {
		if v, ok := bytes.CutPrefix(line, []byte("Depends:")); ok {
			lines = append(lines, string(bytes.TrimSpace(v)))
			size += len(v)
		}
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, l := range lines {
			if _, err := ParseDepends("Depends", l); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// TestDocClaims checks what doc.go says about the data when it justifies a
// departure from opkg-lede.
func TestDocClaims(t *testing.T) {
	t.Parallel()
	// "no package in the data depends on those names" (name=version provides).
	provided := map[string]bool{}
	var depended []string
	realRelationLines(t, func(file, field, value string) {
		switch field {
		case "Provides":
			as, err := ParseProvides(value)
			if err != nil {
				t.Fatal(err)
			}
			for _, a := range as {
				if a.Versioned() {
					provided[a.Name] = true
				}
			}
		case "Depends", "Pre-Depends", "Recommends", "Suggests":
			gs, err := ParseDepends(field, value)
			if err != nil {
				t.Fatal(err)
			}
			for _, g := range gs {
				for _, a := range g.Alts {
					depended = append(depended, a.Name)
				}
			}
		}
	})
	if !provided["erlang-erts"] {
		t.Fatal("erlang-erts=6.4 provides not found: the claim checks nothing")
	}
	for _, name := range depended {
		if provided[name] {
			t.Errorf("%s is provided as name=version and depended on: doc.go's claim is wrong", name)
		}
	}
	// "the feed's nginx-ssl-util 1.6-18 satisfies both" constraints.
	data := realdata.Read(t, "feeds/openwrt-23.05-snapshot-arm_cortex-a9_vfpv3-d16-packages/Packages")
	_, rest, ok := bytes.Cut(data, []byte("\nPackage: nginx-ssl-util\n"))
	if !ok {
		t.Fatal("nginx-ssl-util not in the feed")
	}
	_, rest, _ = bytes.Cut(rest, []byte("Version: "))
	ver, _, _ := bytes.Cut(rest, []byte("\n"))
	gs, err := ParseDepends("Depends", "nginx-ssl-util (>=1.5-1) (<2)")
	if err != nil {
		t.Fatal(err)
	}
	a := gs[0].Alts[0]
	if !a.Accepts(string(ver)) || !a.Constraint.Accepts(string(ver)) {
		t.Errorf("nginx-ssl-util %s: lede (first constraint) and pakt (both) disagree", ver)
	}
}

func TestHostileAllocation(t *testing.T) {
	// Not parallel: testing.AllocsPerRun refuses to run in parallel tests.
	// A megabyte of separators parses to nothing and allocates little
	// (DESIGN: bounded allocation on hostile input).
	line := strings.Repeat(",|", 1<<19)
	allocs := testing.AllocsPerRun(3, func() {
		if g, err := ParseDepends("Depends", line); err != nil || g != nil {
			t.Fatalf("got %v, %v", g, err)
		}
	})
	if allocs > 4 {
		t.Errorf("%v allocations for a line of separators", allocs)
	}
	// Many real items: the result is correct however the arrays grew.
	var b strings.Builder
	for i := range 3000 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("p")
		b.WriteString(strconv.Itoa(i))
		if i%3 == 0 {
			b.WriteString(" | q")
		}
	}
	g, err := ParseDepends("Recommends", b.String())
	if err != nil || len(g) != 3000 || Format(g) != b.String() {
		t.Fatalf("3000 items: %d groups, %v", len(g), err)
	}
}
