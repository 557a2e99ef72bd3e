package solver

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"pakt/internal/relation"
	"pakt/internal/version"
)

// byteSource turns fuzz input into choices; past the end every choice is 0.
type byteSource struct {
	data []byte
	pos  int
}

func (b *byteSource) pick(n int) int {
	if n <= 1 {
		return 0
	}
	if b.pos >= len(b.data) {
		return 0
	}
	v := int(b.data[b.pos]) % n
	b.pos++
	return v
}

func (b *byteSource) chance(percent int) bool { return b.pick(100) < percent }

var (
	genNames    = []string{"a", "b", "c", "d", "e"}
	genVersions = []string{"1.0", "2.0", "3.0"}
	genOps      = []version.Op{version.Less, version.LessEqual, version.Equal, version.GreaterEqual, version.Greater}
)

func genAtom(b *byteSource, virtual bool) relation.Atom {
	names := genNames
	if virtual {
		names = append(slices.Clip(genNames), "v")
	}
	a := relation.Atom{Name: names[b.pick(len(names))]}
	if b.chance(35) {
		a.Constraint = relation.Constraint{Op: genOps[b.pick(len(genOps))], Version: genVersions[b.pick(len(genVersions))]}
	}
	return a
}

func genGroups(b *byteSource, maxGroups, maxAlts int) []relation.Group {
	var gs []relation.Group
	for range b.pick(maxGroups + 1) {
		var g relation.Group
		for range 1 + b.pick(maxAlts) {
			g.Alts = append(g.Alts, genAtom(b, true))
		}
		gs = append(gs, g)
	}
	return gs
}

func genPackage(b *byteSource, name, ver string, installed bool) *Package {
	p := &Package{Name: name, Version: ver, Arch: "all", ArchPriority: 1, Installed: installed}
	switch b.pick(10) {
	case 0:
		p.Arch, p.ArchPriority = "other", 0
	case 1:
		p.Arch, p.ArchPriority = "native", 2
	}
	p.Depends = genGroups(b, 2, 2)
	if b.chance(15) {
		p.PreDepends = genGroups(b, 1, 1)
	}
	if b.chance(20) {
		p.Recommends = genGroups(b, 1, 1)
	}
	if b.chance(25) {
		p.Conflicts = []relation.Group{{Alts: []relation.Atom{genAtom(b, true)}}}
	}
	if b.chance(30) {
		pr := relation.Atom{Name: "v"}
		if b.chance(30) {
			pr.Constraint = relation.Constraint{Op: version.Equal, Version: genVersions[b.pick(len(genVersions))]}
		}
		p.Provides = append(p.Provides, pr)
	}
	if b.chance(10) {
		p.Replaces = []relation.Atom{genAtom(b, true)}
	}
	if installed {
		p.Auto = b.chance(40)
		p.Hold = b.chance(10)
		p.Essential = b.chance(10)
	}
	return p
}

// genProblem builds a tiny random universe and request.
func genProblem(b *byteSource) ([]*Package, Request) {
	var pkgs []*Package
	var installed []string
	for _, n := range genNames[:3+b.pick(3)] {
		for _, v := range genVersions {
			if b.chance(55) {
				pkgs = append(pkgs, genPackage(b, n, v, false))
			}
		}
		if b.chance(35) {
			v := genVersions[b.pick(len(genVersions))]
			pkgs = append(pkgs, genPackage(b, n, v, true))
			installed = append(installed, n)
		}
	}
	var req Request
	switch b.pick(4) {
	case 0, 1:
		for range 1 + b.pick(2) {
			a := genAtom(b, true)
			req.Install = append(req.Install, a)
		}
	case 2:
		if len(installed) > 0 {
			req.Remove = []string{installed[b.pick(len(installed))]}
		}
	case 3:
		if b.chance(50) {
			req.UpgradeAll = true
		} else if len(installed) > 0 {
			req.Upgrade = []string{installed[b.pick(len(installed))]}
		}
	}
	req.ForceDepends = b.chance(10)
	req.RemoveDependents = b.chance(10)
	req.NoRecommends = b.chance(10)
	req.ForceDowngrade = b.chance(10)
	req.ForceHold = b.chance(10)
	req.NoDeps = b.chance(5)
	req.ForceRemoveEssential = b.chance(10)
	if b.chance(10) {
		req.Exclude = []string{genNames[b.pick(len(genNames))]}
	}
	req.Autoremove = b.chance(10)
	return pkgs, req
}

func describeProblem(pkgs []*Package, req Request) string {
	var s strings.Builder
	for _, p := range pkgs {
		kind := "avail"
		if p.Installed {
			kind = "inst"
		}
		fmt.Fprintf(&s, "%s %s %s; arch: %s %d; dep: %s; pre: %s; rec: %s; con: %s; prov: %s; rep: %s; hold=%v auto=%v essential=%v\n",
			kind, p.Name, p.Version, p.Arch, p.ArchPriority, relation.Format(p.Depends), relation.Format(p.PreDepends),
			relation.Format(p.Recommends), relation.Format(p.Conflicts), relation.FormatAtoms(p.Provides),
			relation.FormatAtoms(p.Replaces), p.Hold, p.Auto, p.Essential)
	}
	fmt.Fprintf(&s, "request: %+v\n", req)
	return s.String()
}

// crossCheck solves one problem and compares it with the checker and the
// brute-force optimum.
func crossCheck(t *testing.T, pkgs []*Package, req Request) {
	t.Helper()
	u := NewIndex(pkgs)
	plan, err := Solve(u, req)
	var unsat *Unsatisfiable
	if err != nil && !errors.As(err, &unsat) {
		t.Fatalf("%v\n%s", err, describeProblem(pkgs, req))
	}
	if unsat != nil {
		first, _, _ := strings.Cut(err.Error(), "\n")
		known := []string{"Unknown package '", "Cannot satisfy the following dependencies for ", "The following packages conflict with ",
			"Package ", "Refusing to remove essential package ", "The installed packages are inconsistent:"}
		if !slices.ContainsFunc(known, func(k string) bool { return strings.HasPrefix(first, k) }) || unsat.Package == "" && unsat.Kind != InconsistentInstall {
			t.Fatalf("explanation starts %q (package %q)\n%s", first, unsat.Package, describeProblem(pkgs, req))
		}
		if len(unsat.Why) == 0 && unsat.Kind != HeldPackage {
			t.Fatalf("explanation without a chain:\n%v\n%s", err, describeProblem(pkgs, req))
		}
	}
	if plan != nil {
		if cerr := Check(u, req, plan); cerr != nil {
			t.Fatalf("checker: %v\nplan:\n%s\n%s", cerr, strings.Join(formatPlan(plan), "\n"), describeProblem(pkgs, req))
		}
	}
	bf, ok := bruteForce(pkgs, req, 1<<13)
	if !ok {
		return
	}
	switch {
	case bf == nil && plan != nil:
		t.Fatalf("brute force: no solution; solver:\n%s\n%s", strings.Join(formatPlan(plan), "\n"), describeProblem(pkgs, req))
	case bf != nil && plan == nil:
		t.Fatalf("brute force: %s (cost %v); solver: %v\n%s", bfNames(bf.final), bf.cost, err, describeProblem(pkgs, req))
	case bf != nil && !req.Autoremove:
		if got := costOf(pkgs, req, plan.Final, plan.Broken); !slices.Equal(got, bf.cost) {
			t.Fatalf("solver cost %v (%s), optimum %v (%s)\n%s", got, bfNames(plan.Final), bf.cost, bfNames(bf.final), describeProblem(pkgs, req))
		}
	}
}

func TestRandomAgainstBruteForce(t *testing.T) {
	t.Parallel()
	n := 1500
	if testing.Short() {
		n = 300
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range n {
		data := make([]byte, 256)
		for j := range data {
			data[j] = byte(rng.UintN(256))
		}
		pkgs, req := genProblem(&byteSource{data: data})
		t.Run(fmt.Sprint(i), func(t *testing.T) { crossCheck(t, pkgs, req) })
	}
}

// The plan must not depend on the order the universe lists packages in, nor
// on the order of the requested names.
func TestOrderIndependent(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 500 {
		data := make([]byte, 256)
		for j := range data {
			data[j] = byte(rng.UintN(256))
		}
		pkgs, req := genProblem(&byteSource{data: data})
		first, err1 := Solve(NewIndex(pkgs), req)
		shuffled := slices.Clone(pkgs)
		rng.Shuffle(len(shuffled), func(a, b int) { shuffled[a], shuffled[b] = shuffled[b], shuffled[a] })
		req2 := req
		req2.Install = slices.Clone(req.Install)
		slices.Reverse(req2.Install)
		second, err2 := Solve(NewIndex(shuffled), req2)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("%d: %v vs %v\n%s", i, err1, err2, describeProblem(pkgs, req))
		}
		if err1 != nil {
			continue
		}
		if a, b := formatPlan(first), formatPlan(second); !slices.Equal(a, b) {
			t.Fatalf("%d: plans differ\n%s\n--\n%s\n%s", i, strings.Join(a, "\n"), strings.Join(b, "\n"), describeProblem(pkgs, req))
		}
	}
}

func FuzzSolve(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"))
	rng := rand.New(rand.NewPCG(5, 6))
	for range 8 {
		data := make([]byte, 200)
		for j := range data {
			data[j] = byte(rng.UintN(256))
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		pkgs, req := genProblem(&byteSource{data: data})
		crossCheck(t, pkgs, req)
	})
}

// Larger random universes, beyond brute force: every plan must pass the
// checker, every failure must be an explained *Unsatisfiable.
func TestRandomLargeChecked(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(11, 12))
	names := make([]string, 40)
	for i := range names {
		names[i] = fmt.Sprintf("p%02d", i)
	}
	for iter := range 300 {
		var pkgs []*Package
		atom := func() relation.Atom {
			a := relation.Atom{Name: names[rng.IntN(len(names))]}
			if rng.IntN(4) == 0 {
				a.Name = fmt.Sprintf("virt%d", rng.IntN(4))
			}
			if rng.IntN(3) == 0 {
				a.Constraint = relation.Constraint{Op: genOps[rng.IntN(len(genOps))], Version: genVersions[rng.IntN(3)]}
			}
			return a
		}
		for _, n := range names {
			for _, v := range genVersions {
				if rng.IntN(2) == 0 {
					continue
				}
				p := &Package{Name: n, Version: v, Arch: "all", ArchPriority: 1}
				for range rng.IntN(3) {
					g := relation.Group{}
					for range 1 + rng.IntN(2) {
						g.Alts = append(g.Alts, atom())
					}
					p.Depends = append(p.Depends, g)
				}
				if rng.IntN(6) == 0 {
					p.Conflicts = []relation.Group{{Alts: []relation.Atom{atom()}}}
				}
				if rng.IntN(4) == 0 {
					p.Provides = []relation.Atom{{Name: fmt.Sprintf("virt%d", rng.IntN(4))}}
				}
				if rng.IntN(8) == 0 {
					p.Recommends = []relation.Group{{Alts: []relation.Atom{atom()}}}
				}
				pkgs = append(pkgs, p)
			}
		}
		// Install a consistent starting set: solve an install and mark it.
		u := NewIndex(pkgs)
		seed, err := Solve(u, Request{Install: []relation.Atom{{Name: names[rng.IntN(len(names))]}}})
		if err == nil {
			var inst []*Package
			for _, p := range seed.Final {
				q := *p
				q.Installed, q.Auto = true, rng.IntN(2) == 0
				inst = append(inst, &q)
			}
			pkgs = append(pkgs, inst...)
			u = NewIndex(pkgs)
		}
		req := Request{Install: []relation.Atom{atom(), atom()}}
		switch rng.IntN(3) {
		case 0:
			req.UpgradeAll = true
		case 1:
			req.Autoremove = true
		}
		plan, err := Solve(u, req)
		var unsat *Unsatisfiable
		switch {
		case err == nil:
			if cerr := Check(u, req, plan); cerr != nil {
				t.Fatalf("%d: %v", iter, cerr)
			}
		case errors.As(err, &unsat):
			if !strings.Contains(err.Error(), "\n") && unsat.Kind != UnknownPackage {
				t.Fatalf("%d: explanation has no chain: %v", iter, err)
			}
		default:
			t.Fatalf("%d: %v", iter, err)
		}
	}
}
