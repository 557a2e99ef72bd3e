package solver

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"pakt/internal/relation"
	"pakt/internal/version"
)

// A scenario file holds scenarios in a compact text form:
//
//	== name
//	inst NAME VERSION; dep: …; pre: …; rec: …; sug: …; con: …; prov: …; rep: …; arch: ARCH PRIO; hold; auto; essential
//	avail NAME VERSION; …                     (same fields; default arch "all" priority 1)
//	req install A 'B>=1.0' C=2 | remove X | upgrade X
//	opt upgrade-all autoremove remove-dependents no-recommends force-depends nodeps
//	    force-downgrade force-reinstall force-hold force-essential exclude=A,B
//	want:                                     the plan, one step per line, or "nothing" (last)
//	error:                                    lines that must occur in the error text, in order (last)
type scenario struct {
	name  string
	file  string
	line  int
	pkgs  []*Package
	req   Request
	want  []string
	error []string
}

func parseScenarios(t *testing.T, file string) []*scenario {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	var out []*scenario
	var cur *scenario
	mode := ""
	for i, line := range strings.Split(string(data), "\n") {
		where := fmt.Sprintf("%s:%d", filepath.Base(file), i+1)
		trimmed := strings.TrimSpace(line)
		if trimmed == "" || strings.HasPrefix(trimmed, "#") {
			continue
		}
		if name, ok := strings.CutPrefix(trimmed, "== "); ok {
			cur = &scenario{name: name, file: filepath.Base(file), line: i + 1}
			out = append(out, cur)
			mode = ""
			continue
		}
		if cur == nil {
			t.Fatalf("%s: text before the first scenario", where)
		}
		word, rest, _ := strings.Cut(trimmed, " ")
		switch mode { // want: and error: run to the next scenario
		case "want":
			cur.want = append(cur.want, trimmed)
			continue
		case "error":
			cur.error = append(cur.error, trimmed)
			continue
		}
		switch word {
		case "inst", "avail":
			cur.pkgs = append(cur.pkgs, parsePackage(t, where, word == "inst", rest))
		case "req":
			parseRequest(t, where, &cur.req, rest)
		case "opt":
			parseOptions(t, where, &cur.req, rest)
		case "want:":
			mode = "want"
		case "error:":
			mode = "error"
		default:
			t.Fatalf("%s: unknown line %q", where, trimmed)
		}
	}
	return out
}

func parsePackage(t *testing.T, where string, installed bool, text string) *Package {
	parts := strings.Split(text, ";")
	nv := strings.Fields(parts[0])
	if len(nv) != 2 {
		t.Fatalf("%s: want NAME VERSION, got %q", where, parts[0])
	}
	p := &Package{Name: nv[0], Version: nv[1], Arch: "all", ArchPriority: 1, Installed: installed}
	groups := func(field, v string) []relation.Group {
		g, err := relation.ParseDepends(field, v)
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		return g
	}
	for _, part := range parts[1:] {
		key, val, _ := strings.Cut(strings.TrimSpace(part), ":")
		val = strings.TrimSpace(val)
		var err error
		switch key {
		case "dep":
			p.Depends = groups("Depends", val)
		case "pre":
			p.PreDepends = groups("Pre-Depends", val)
		case "rec":
			p.Recommends = groups("Recommends", val)
		case "sug":
			p.Suggests = groups("Suggests", val)
		case "con":
			p.Conflicts = groups("Conflicts", val)
		case "prov":
			p.Provides, err = relation.ParseProvides(val)
		case "rep":
			p.Replaces, err = relation.ParseReplaces(val)
		case "arch":
			f := strings.Fields(val)
			p.Arch = f[0]
			p.ArchPriority, err = strconv.Atoi(f[1])
		case "hold":
			p.Hold = true
		case "auto":
			p.Auto = true
		case "essential":
			p.Essential = true
		default:
			t.Fatalf("%s: unknown field %q", where, key)
		}
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
	}
	return p
}

// parseTarget reads "name", "name=ver" or "name>=ver" (any operator) as
// opkg's command line does.
func parseTarget(t *testing.T, where, s string) relation.Atom {
	s = strings.Trim(s, "'")
	i := strings.IndexAny(s, "<=>")
	if i < 0 {
		return relation.Atom{Name: s}
	}
	op, n := version.CutOp(s[i:])
	if n == 0 {
		t.Fatalf("%s: bad target %q", where, s)
	}
	return relation.Atom{Name: s[:i], Constraint: relation.Constraint{Op: op, Version: s[i+n:]}}
}

func parseRequest(t *testing.T, where string, r *Request, text string) {
	f := strings.Fields(text)
	switch f[0] {
	case "install":
		for _, s := range f[1:] {
			r.Install = append(r.Install, parseTarget(t, where, s))
		}
	case "remove":
		r.Remove = append(r.Remove, f[1:]...)
	case "upgrade":
		r.Upgrade = append(r.Upgrade, f[1:]...)
	default:
		t.Fatalf("%s: unknown request %q", where, f[0])
	}
}

func parseOptions(t *testing.T, where string, r *Request, text string) {
	for _, o := range strings.Fields(text) {
		switch o {
		case "upgrade-all":
			r.UpgradeAll = true
		case "autoremove":
			r.Autoremove = true
		case "remove-dependents":
			r.RemoveDependents = true
		case "no-recommends":
			r.NoRecommends = true
		case "force-depends":
			r.ForceDepends = true
		case "nodeps":
			r.NoDeps = true
		case "force-downgrade":
			r.ForceDowngrade = true
		case "force-reinstall":
			r.ForceReinstall = true
		case "force-hold":
			r.ForceHold = true
		case "force-essential":
			r.ForceRemoveEssential = true
		default:
			if v, ok := strings.CutPrefix(o, "exclude="); ok {
				r.Exclude = strings.Split(v, ",")
				continue
			}
			t.Fatalf("%s: unknown option %q", where, o)
		}
	}
}

// formatPlan writes a plan one step per line, the form scenarios expect.
func formatPlan(p *Plan) []string {
	var out []string
	reason := func(s Step) string { return " (" + s.Reason.String() + ")" }
	for _, s := range p.Install {
		out = append(out, "install "+s.Package.String()+reason(s))
	}
	for _, s := range p.Upgrade {
		out = append(out, "upgrade "+s.Package.Name+" "+s.From.Version+" -> "+s.Package.Version+reason(s))
	}
	for _, s := range p.Reinstall {
		out = append(out, "reinstall "+s.Package.String())
	}
	for _, s := range p.Remove {
		out = append(out, "remove "+s.Package.String()+reason(s))
	}
	for _, u := range p.Suggested {
		out = append(out, "suggest "+u.Package.Name+": "+u.Relation.String())
	}
	for _, u := range p.Broken {
		out = append(out, "broken "+u.Package.Name+": "+u.Relation.String())
	}
	for _, h := range p.HeldBack {
		out = append(out, "held back "+h.Package.String()+" (newest "+h.Newest.Version+")")
	}
	if len(out) == 0 {
		out = append(out, "nothing")
	}
	return out
}

func TestScenarios(t *testing.T) {
	t.Parallel()
	files, err := filepath.Glob("testdata/*.txt")
	if err != nil || len(files) == 0 {
		t.Fatal("no scenario files", err)
	}
	total := 0
	for _, file := range files {
		for _, sc := range parseScenarios(t, file) {
			total++
			t.Run(sc.name, func(t *testing.T) {
				t.Parallel()
				runScenario(t, sc)
			})
		}
	}
	t.Logf("%d scenarios", total)
}

func runScenario(t *testing.T, sc *scenario) {
	t.Helper()
	where := fmt.Sprintf("%s:%d", sc.file, sc.line)
	u := NewIndex(sc.pkgs)
	plan, err := Solve(u, sc.req)
	if len(sc.error) > 0 {
		if err == nil {
			t.Fatalf("%s: want an error, got plan:\n%s", where, strings.Join(formatPlan(plan), "\n"))
		}
		text := err.Error()
		rest := text
		for _, want := range sc.error {
			i := strings.Index(rest, want)
			if i < 0 {
				t.Fatalf("%s: error lacks %q (in order); got:\n%s", where, want, text)
			}
			rest = rest[i+len(want):]
		}
	} else {
		if err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		if got := formatPlan(plan); !slices.Equal(got, sc.want) {
			t.Fatalf("%s: plan\n%s\nwant\n%s", where, strings.Join(got, "\n"), strings.Join(sc.want, "\n"))
		}
		if err := Check(u, sc.req, plan); err != nil {
			t.Fatalf("%s: checker: %v", where, err)
		}
	}
	// Cross-check with brute force when the universe is tiny.
	if !sc.req.Autoremove {
		if bf, ok := bruteForce(sc.pkgs, sc.req, 1<<14); ok {
			switch {
			case bf == nil && err == nil:
				t.Fatalf("%s: brute force finds no solution, solver found one", where)
			case bf != nil && err != nil:
				t.Fatalf("%s: brute force finds a solution (%v), solver: %v", where, bf.cost, err)
			case bf != nil:
				if got := costOf(sc.pkgs, sc.req, plan.Final, plan.Broken); !slices.Equal(got, bf.cost) {
					t.Fatalf("%s: solver cost %v, brute-force optimum %v (%v)", where, got, bf.cost, bf.final)
				}
			}
		}
	}
}

func TestWhyNotHeldBack(t *testing.T) {
	t.Parallel()
	pkgs := []*Package{
		{Name: "app", Version: "1.0", Installed: true, Depends: []relation.Group{{Alts: []relation.Atom{{Name: "lib", Constraint: relation.Constraint{Op: version.Less, Version: "2.0"}}}}}},
		{Name: "lib", Version: "1.0", Installed: true},
		{Name: "lib", Version: "2.0", Arch: "all", ArchPriority: 1},
	}
	u := NewIndex(pkgs)
	req := Request{UpgradeAll: true}
	plan, err := Solve(u, req)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.HeldBack) != 1 || plan.HeldBack[0].Newest.Version != "2.0" {
		t.Fatalf("HeldBack = %+v", plan.HeldBack)
	}
	why := WhyNot(u, req, "lib", "2.0")
	if why == nil || !strings.Contains(why.Error(), "lib 2.0: app 1.0 (installed) requires lib (<< 2.0)") {
		t.Fatalf("WhyNot: %v", why)
	}
	if err := WhyNot(u, req, "lib", "1.0"); err != nil {
		t.Fatalf("WhyNot of the kept version: %v", err)
	}
}
