package solver

import (
	"slices"
	"strings"

	"pakt/internal/relation"
	"pakt/internal/version"
)

// The brute-force solver tries every installed set of a tiny universe, keeps
// those Check accepts, and returns the least cost. costOf restates the
// solver's policy (doc.go, "Least change") over a final set, written from the
// definition rather than from the encoding.

type bfResult struct {
	cost  []int
	final []*Package
}

// bfUniverse is the universe with an installed record and a feed record of
// the same version merged into one choice, as the solver does.
type bfUniverse struct {
	names  []string
	choice map[string][]*Package // per name: merged candidates
	rep    map[*Package]*Package // any record -> its merged candidate
	start  map[string]*Package
	pkgs   []*Package
}

func newBFUniverse(pkgs []*Package) *bfUniverse {
	b := &bfUniverse{pkgs: pkgs, choice: map[string][]*Package{}, rep: map[*Package]*Package{}, start: map[string]*Package{}}
	ordered := slices.Clone(pkgs)
	slices.SortStableFunc(ordered, func(x, y *Package) int {
		if x.Installed != y.Installed {
			if x.Installed {
				return -1
			}
			return 1
		}
		return 0
	})
	for _, p := range ordered {
		if p.Installed {
			b.start[p.Name] = p
		}
		if _, ok := b.choice[p.Name]; !ok {
			b.names = append(b.names, p.Name)
		}
		merged := false
		for _, q := range b.choice[p.Name] {
			if q.Version == p.Version && q.Arch == p.Arch {
				b.rep[p] = q
				merged = true
				break
			}
		}
		if !merged {
			b.choice[p.Name] = append(b.choice[p.Name], p)
			b.rep[p] = p
		}
	}
	slices.Sort(b.names)
	return b
}

func (b *bfUniverse) eligible(p *Package, req Request) bool {
	inst := b.start[p.Name]
	switch {
	case inst == p:
		return true
	case p.ArchPriority <= 0, slices.Contains(req.Exclude, p.Name):
		return false
	case inst != nil && inst.Hold && !req.ForceHold:
		return false
	case inst != nil && !req.ForceDowngrade && version.Compare(p.Version, inst.Version) < 0:
		return false
	}
	return true
}

// best is the newest eligible feed candidate of name (then higher arch
// priority), and the highest arch priority among them.
func (b *bfUniverse) best(name string, req Request) (*Package, int) {
	var best *Package
	arch := 0
	for _, p := range b.choice[name] {
		if p == b.start[name] || !b.eligible(p, req) {
			continue
		}
		if best == nil || comparePackages(p, best) < 0 {
			best = p
		}
		arch = max(arch, p.ArchPriority)
	}
	return best, arch
}

// reachable lists the names the installed set and the request lead to: a
// plan never installs a package nothing asks for or needs (doc.go). Only
// packages that may be installed lead further.
func (b *bfUniverse) reachable(req Request) []string {
	seen := map[string]bool{}
	var queue []string
	add := func(name string) {
		if !seen[name] {
			seen[name] = true
			queue = append(queue, name)
		}
	}
	for n := range b.start {
		add(n)
	}
	for _, a := range req.Install {
		add(a.Name)
	}
	for _, n := range append(slices.Clip(req.Remove), append(req.Upgrade, req.Exclude...)...) {
		add(n)
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		for _, n := range b.names {
			for _, p := range b.choice[n] {
				if p.Name != name && slices.ContainsFunc(p.Provides, func(a relation.Atom) bool { return a.Name == name }) {
					add(p.Name)
				}
			}
		}
		for _, p := range b.choice[name] {
			if !b.eligible(p, req) {
				continue
			}
			var groups []relation.Group
			installed := b.start[name] == p
			if installed || !req.NoDeps {
				groups = append(groups, p.PreDepends...)
				groups = append(groups, p.Depends...)
			}
			if !installed && !req.NoRecommends {
				groups = append(groups, p.Recommends...)
			}
			for _, g := range groups {
				for _, a := range g.Alts {
					add(a.Name)
				}
			}
		}
	}
	var out []string
	for _, n := range b.names {
		if seen[n] {
			out = append(out, n)
		}
	}
	return out
}

// rank counts the distinct eligible feed versions of p's name newer than p.
func (b *bfUniverse) rank(p *Package, req Request) int {
	var newer []string
	for _, q := range b.choice[p.Name] {
		if q != b.start[p.Name] && b.eligible(q, req) && version.Compare(q.Version, p.Version) > 0 &&
			!slices.ContainsFunc(newer, func(v string) bool { return version.Compare(v, q.Version) == 0 }) {
			newer = append(newer, q.Version)
		}
	}
	return min(len(newer), maxRank)
}

func (b *bfUniverse) matching(a relation.Atom) []*Package {
	var out []*Package
	for _, n := range b.names {
		for _, p := range b.choice[n] {
			if bfMeets(p, a) {
				out = append(out, p)
			}
		}
	}
	return out
}

func bfMeets(p *Package, a relation.Atom) bool {
	if p.Name == a.Name && a.Accepts(p.Version) {
		return true
	}
	for _, pr := range p.Provides {
		if pr.Name != a.Name {
			continue
		}
		v := p.Version
		if pr.Constraint.Version != "" {
			v = pr.Constraint.Version
		}
		if a.Accepts(v) {
			return true
		}
	}
	return false
}

func costOf(pkgs []*Package, req Request, finalList []*Package, broken []Unmet) []int {
	b := newBFUniverse(pkgs)
	final := map[string]*Package{}
	for _, p := range finalList {
		final[p.Name] = b.rep[p]
	}
	upgrade := map[string]bool{}
	for _, n := range req.Upgrade {
		upgrade[n] = true
	}
	for _, a := range req.Install {
		if b.start[a.Name] != nil && !a.Versioned() {
			upgrade[a.Name] = true
		}
	}
	if req.UpgradeAll {
		for n := range b.start {
			upgrade[n] = true
		}
	}
	chosen := func(ps []*Package) bool {
		return slices.ContainsFunc(ps, func(p *Package) bool { return final[p.Name] == p })
	}
	groupSats := func(g relation.Group) []*Package {
		var out []*Package
		for _, a := range g.Alts {
			for _, p := range b.matching(a) {
				if !slices.Contains(out, p) {
					out = append(out, p)
				}
			}
		}
		return out
	}
	// prefer counts a relation met by none of its preferred, eligible
	// satisfiers when some satisfier is not preferred.
	prefer := func(sats []*Package, preferred func(*Package) bool) int {
		var good []*Package
		for _, p := range sats {
			if preferred(p) && b.eligible(p, req) {
				good = append(good, p)
			}
		}
		if len(good) == 0 || len(good) == len(sats) || chosen(good) {
			return 0
		}
		return 1
	}
	cost := make([]int, 11)
	cost[0] = len(broken)
	for n, inst := range b.start {
		p := final[n]
		switch {
		case p == nil && !slices.Contains(req.Remove, n):
			cost[1]++
		case p == nil:
		case p != inst && version.Compare(p.Version, inst.Version) < 0:
			cost[2]++
		}
		if upgrade[n] && p != nil {
			cost[3] += b.rank(p, req)
		}
		if !upgrade[n] && p != nil && p != inst {
			cost[4]++
		}
	}
	for i, a := range req.Install {
		_ = i
		cost[7] += prefer(b.matching(a), func(p *Package) bool { return p.Name == a.Name })
	}
	for n, p := range final {
		if p == b.start[n] {
			continue
		}
		if b.start[n] == nil {
			cost[6]++
		}
		if !req.NoRecommends {
			for _, g := range p.Recommends {
				if sats := groupSats(g); len(sats) > 0 && !chosen(sats) {
					cost[5]++
				}
			}
		}
		if !req.NoDeps {
			for _, g := range append(slices.Clip(p.PreDepends), p.Depends...) {
				sats := groupSats(g)
				cost[7] += prefer(sats, func(q *Package) bool {
					return slices.ContainsFunc(g.Alts, func(a relation.Atom) bool { return a.Name == q.Name })
				})
				cost[8] += prefer(sats, func(q *Package) bool { return bfMeets(q, g.Alts[0]) })
			}
		}
		_, bestArch := b.best(n, req)
		if p.ArchPriority < bestArch {
			cost[9]++
		}
		cost[10] += b.rank(p, req)
	}
	return cost
}

// bruteForce returns the optimum, nil when no set is valid, and ok false when
// the universe has more than limit sets to try.
func bruteForce(pkgs []*Package, req Request, limit int) (*bfResult, bool) {
	b := newBFUniverse(pkgs)
	b.names = b.reachable(req)
	total := 1
	for _, n := range b.names {
		total *= len(b.choice[n]) + 1
		if total > limit {
			return nil, false
		}
	}
	u := NewIndex(pkgs)
	var best *bfResult
	pick := make([]int, len(b.names))
	for range total {
		var final []*Package
		for i, n := range b.names {
			if pick[i] > 0 {
				final = append(final, b.choice[n][pick[i]-1])
			}
		}
		if res := bfEvaluate(b, u, req, final); res != nil && (best == nil || slices.Compare(res.cost, best.cost) < 0) {
			best = res
		}
		for i := range pick {
			pick[i]++
			if pick[i] <= len(b.choice[b.names[i]]) {
				break
			}
			pick[i] = 0
		}
	}
	return best, true
}

// bfEvaluate builds the plan that reaches final and returns its cost when
// Check accepts it.
func bfEvaluate(b *bfUniverse, u Universe, req Request, final []*Package) *bfResult {
	plan := &Plan{Final: final}
	in := map[string]*Package{}
	for _, p := range final {
		in[p.Name] = p
		switch inst := b.start[p.Name]; {
		case inst == nil:
			plan.Install = append(plan.Install, Step{Package: p})
		case inst != p:
			plan.Upgrade = append(plan.Upgrade, Step{Package: p, From: inst})
		}
	}
	for n, inst := range b.start {
		if in[n] == nil {
			plan.Remove = append(plan.Remove, Step{Package: inst})
		}
	}
	if req.ForceDepends {
		for _, p := range final {
			if req.NoDeps && b.start[p.Name] != p {
				continue
			}
			for _, g := range append(slices.Clip(p.PreDepends), p.Depends...) {
				met := func(set map[string]*Package) bool {
					for _, q := range set {
						for _, a := range g.Alts {
							if bfMeets(q, a) {
								return true
							}
						}
					}
					return false
				}
				if b.start[p.Name] == p && !met(b.start) {
					continue
				}
				if !met(in) {
					plan.Broken = append(plan.Broken, Unmet{Package: p, Relation: g})
				}
			}
		}
	}
	if Check(u, req, plan) != nil {
		return nil
	}
	return &bfResult{cost: costOf(b.pkgs, req, final, plan.Broken), final: final}
}

func bfNames(ps []*Package) string {
	var s []string
	for _, p := range ps {
		s = append(s, p.String())
	}
	return strings.Join(s, ", ")
}
