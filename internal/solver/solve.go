package solver

import (
	"slices"
	"strings"

	"pakt/internal/relation"
	"pakt/internal/version"
)

// Solve finds the installed set that meets the request and changes least,
// and returns the plan that reaches it, or an *Unsatisfiable error saying why
// none exists (or a *BudgetError if the search gave up).
func Solve(u Universe, req Request) (*Plan, error) {
	p := newProblem(u, req)
	p.build()
	assumptions := make([]lit, len(p.selectors))
	for i, sel := range p.selectors {
		assumptions[i] = sel.l
	}
	ok, err := p.s.solve(assumptions...)
	if err != nil {
		return nil, p.budgetError()
	}
	if !ok {
		return nil, p.explain()
	}
	for _, l := range assumptions {
		p.s.addClause(l)
	}
	if err := p.optimize(); err != nil {
		return nil, err
	}
	return p.plan(), nil
}

func (p *problem) budgetError() error {
	return &BudgetError{Conflicts: p.s.budget}
}

// optimize minimises the penalty levels one after the other: find a model,
// then ask for one with fewer penalties of the current level until there is
// none, then fix that count and go on to the next level. Each level's count
// is thus the least possible given the levels before it: the lexicographic
// optimum.
func (p *problem) optimize() error {
	best := slices.Clone(p.s.model)
	count := func(level []lit) int {
		n := 0
		for _, l := range level {
			if p.s.modelValue(l) {
				n++
			}
		}
		return n
	}
	for _, level := range p.levels {
		n := count(level)
		if n == 0 {
			for _, l := range level {
				p.s.addClause(l.not())
			}
			continue
		}
		outputs := p.s.atMost(level, n)
		for n > 0 {
			ok, err := p.s.solve(outputs[n-1].not())
			if err != nil {
				return p.budgetError()
			}
			if !ok {
				break
			}
			best = slices.Clone(p.s.model)
			n = count(level)
		}
		p.s.model = best
		if n < len(outputs) {
			p.s.addClause(outputs[n].not())
		}
	}
	p.s.model = best
	return p.canonical()
}

// canonical breaks the ties left by the penalty levels the same way whatever
// order the universe and the request came in: walking the candidates by name
// from the last to the first, it leaves each one out if the optimum allows,
// so among equally good sets the one whose packages come first by name wins.
// A candidate the current model leaves out is fixed out for free; only one
// the model has needs a solve.
func (p *problem) canonical() error {
	order := slices.Clone(p.cands)
	slices.SortFunc(order, func(a, b *cand) int {
		if c := strings.Compare(b.pkg.Name, a.pkg.Name); c != 0 {
			return c
		}
		return comparePackages(b.pkg, a.pkg)
	})
	for _, c := range order {
		if p.s.value[c.v] != 0 {
			continue // fixed already
		}
		if !p.s.modelValue(c.lit()) {
			p.s.addClause(c.lit().not())
			continue
		}
		model := slices.Clone(p.s.model)
		ok, err := p.s.solve(c.lit().not())
		if err != nil {
			return p.budgetError()
		}
		if ok {
			p.s.addClause(c.lit().not())
			continue
		}
		p.s.model = model
		p.s.addClause(c.lit())
	}
	return nil
}

// chosen reports whether c is in the final set of the model.
func (p *problem) chosen(c *cand) bool { return p.s.modelValue(c.lit()) }

// plan turns the model into steps with reasons.
func (p *problem) plan() *Plan {
	final := map[*nameInfo]*cand{}
	for _, c := range p.cands {
		if p.chosen(c) {
			final[c.name] = c
		}
	}
	if p.req.Autoremove {
		p.autoremove(final)
	}
	plan := &Plan{}
	reasons := p.reasons(final)
	requested := map[*cand]bool{}
	for _, sats := range p.targets {
		for _, c := range sats {
			if final[c.name] == c {
				requested[c] = true
				break
			}
		}
	}
	for _, n := range p.nameOrder {
		c, inst := final[n], n.installed
		switch {
		case c == nil && inst == nil:
		case c == nil:
			plan.Remove = append(plan.Remove, Step{Package: inst.pkg, Reason: p.removalReason(inst, final)})
		case inst == nil:
			plan.Install = append(plan.Install, Step{Package: c.feed, Reason: reasons[c], Auto: !requested[c]})
		case c != inst:
			plan.Upgrade = append(plan.Upgrade, Step{Package: c.feed, From: inst.pkg, Reason: reasons[c], Auto: inst.pkg.Auto && !requested[c]})
		case requested[c] && p.req.ForceReinstall && c.feed != nil:
			plan.Reinstall = append(plan.Reinstall, Step{Package: c.feed, From: inst.pkg, Reason: Reason{Kind: Requested}})
		}
		if c != nil {
			plan.Final = append(plan.Final, c.pkgForFinal())
		}
		if c != nil && n.upgrade && inst != nil {
			for _, newest := range n.cands {
				if newest.feed == nil || (newest.rejected != "" && !inst.pkg.Hold) {
					continue
				}
				if version.Compare(newest.pkg.Version, c.pkg.Version) > 0 {
					plan.HeldBack = append(plan.HeldBack, HeldBack{Package: c.pkgForFinal(), Newest: newest.feed})
				}
				break
			}
		}
	}
	for _, e := range p.edges {
		if e.broken >= 0 && final[e.from.name] == e.from &&
			!slices.ContainsFunc(e.satisfiers, func(q *cand) bool { return final[q.name] == q }) {
			plan.Broken = append(plan.Broken, Unmet{Package: e.from.pkgForFinal(), Relation: e.group})
		}
	}
	for _, c := range final {
		if c.isInstalled() {
			continue
		}
		for _, g := range c.pkg.Suggests {
			if !slices.ContainsFunc(p.groupSatisfiers(g), func(q *cand) bool { return final[q.name] == q }) {
				plan.Suggested = append(plan.Suggested, Unmet{Package: c.pkg, Relation: g})
			}
		}
	}
	byName := func(a, b Step) int { return strings.Compare(a.Package.Name, b.Package.Name) }
	slices.SortFunc(plan.Install, byName)
	slices.SortFunc(plan.Upgrade, byName)
	slices.SortFunc(plan.Reinstall, byName)
	slices.SortFunc(plan.Remove, byName)
	slices.SortFunc(plan.Final, func(a, b *Package) int { return strings.Compare(a.Name, b.Name) })
	unmetOrder := func(a, b Unmet) int {
		if c := strings.Compare(a.Package.Name, b.Package.Name); c != 0 {
			return c
		}
		return strings.Compare(a.Relation.String(), b.Relation.String())
	}
	slices.SortFunc(plan.Suggested, unmetOrder)
	slices.SortFunc(plan.Broken, unmetOrder)
	slices.SortFunc(plan.HeldBack, func(a, b HeldBack) int { return strings.Compare(a.Package.Name, b.Package.Name) })
	return plan
}

func (c *cand) pkgForFinal() *Package {
	if c.isInstalled() {
		return c.pkg
	}
	return c.feed
}

// reasons walks the final set from the requested packages outward, giving
// each new or changed package the first package found that needs it.
func (p *problem) reasons(final map[*nameInfo]*cand) map[*cand]Reason {
	reasons := map[*cand]Reason{}
	var queue []*cand
	for _, sats := range p.targets {
		for _, c := range sats {
			if final[c.name] == c {
				if _, ok := reasons[c]; !ok {
					reasons[c] = Reason{Kind: Requested}
					queue = append(queue, c)
				}
				break
			}
		}
	}
	for _, n := range p.nameOrder {
		if c := final[n]; c != nil && n.upgrade && c != n.installed {
			if _, ok := reasons[c]; !ok {
				reasons[c] = Reason{Kind: Requested}
				queue = append(queue, c)
			}
		}
	}
	// By name, so the reasons do not depend on the order of the request or
	// of the universe.
	slices.SortFunc(queue, func(a, b *cand) int { return strings.Compare(a.pkg.Name, b.pkg.Name) })
	rest := make([]*cand, 0, len(final))
	for _, c := range final {
		rest = append(rest, c)
	}
	slices.SortFunc(rest, func(a, b *cand) int { return strings.Compare(a.pkg.Name, b.pkg.Name) })
	done := map[*cand]bool{}
	visit := func(c *cand) {
		if done[c] {
			return
		}
		done[c] = true
		give := func(sats []*cand, kind ReasonKind) {
			for _, q := range sats {
				if final[q.name] != q {
					continue
				}
				if _, ok := reasons[q]; !ok && !q.isInstalled() && q != c {
					reasons[q] = Reason{Kind: kind, By: c.pkg.Name}
					queue = append(queue, q)
				}
				return
			}
		}
		for _, g := range p.dependsOf(c) {
			give(p.groupSatisfiers(g), Dependency)
		}
		for _, g := range c.pkg.Recommends {
			give(p.groupSatisfiers(g), Recommended)
		}
	}
	for len(queue) > 0 || len(rest) > 0 {
		var c *cand
		if len(queue) > 0 {
			c, queue = queue[0], queue[1:]
		} else {
			c, rest = rest[0], rest[1:]
		}
		visit(c)
	}
	for _, c := range final {
		if _, ok := reasons[c]; !ok && !c.isInstalled() {
			reasons[c] = Reason{Kind: Needed}
		}
	}
	return reasons
}

func (p *problem) removalReason(inst *cand, final map[*nameInfo]*cand) Reason {
	if inst.name.removed {
		return Reason{Kind: Requested}
	}
	if inst.name.orphaned {
		return Reason{Kind: Orphaned}
	}
	for _, r := range p.replacers(inst) {
		if final[r.name] == r {
			return Reason{Kind: Replaced, By: r.pkg.Name}
		}
	}
	for _, g := range p.dependsOf(inst) {
		sats := p.groupSatisfiers(g)
		if slices.ContainsFunc(sats, func(q *cand) bool { return final[q.name] == q }) {
			continue
		}
		for _, q := range sats {
			if q.isInstalled() {
				return Reason{Kind: Dependent, By: q.pkg.Name}
			}
		}
	}
	return Reason{Kind: Needed}
}

// autoremove drops auto-installed packages that no package left needs or
// recommends, until none is left to drop.
func (p *problem) autoremove(final map[*nameInfo]*cand) {
	needed := func(x *cand) bool {
		for _, c := range final {
			if c == x {
				continue
			}
			groups := p.dependsOf(c)
			if !p.req.NoRecommends {
				groups = append(slices.Clip(groups), c.pkg.Recommends...)
			}
			for _, g := range groups {
				sats := p.groupSatisfiers(g)
				if !slices.Contains(sats, x) {
					continue
				}
				if !slices.ContainsFunc(sats, func(q *cand) bool { return q != x && final[q.name] == q }) {
					return true
				}
			}
		}
		return false
	}
	wanted := map[*cand]bool{} // meets a requested atom: never an orphan
	for _, sats := range p.targets {
		for _, c := range sats {
			wanted[c] = true
		}
	}
	for changed := true; changed; {
		changed = false
		for _, n := range p.nameOrder {
			c := final[n]
			if c == nil || c != n.installed || !c.pkg.Auto || n.upgrade || wanted[c] || c.pkg.Essential || (c.pkg.Hold && !p.req.ForceHold) {
				continue
			}
			if !needed(c) {
				delete(final, n)
				n.orphaned = true
				changed = true
			}
		}
	}
}

// WhyNot explains why the plan for req cannot include version v of the
// package called name (a HeldBack entry, say): it solves req with
// "name (= v)" added and returns the resulting *Unsatisfiable, or nil when
// that version fits after all (the plan preferred another by the policy).
func WhyNot(u Universe, req Request, name, v string) error {
	req.Install = append(slices.Clip(req.Install), relation.Atom{Name: name, Constraint: relation.Constraint{Op: version.Equal, Version: v}})
	_, err := Solve(u, req)
	return err
}
