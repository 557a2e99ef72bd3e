package solver

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"pakt/internal/relation"
	"pakt/internal/version"
)

// cand is one candidate package version: one SAT variable.
type cand struct {
	pkg      *Package // the installed record when there is one
	feed     *Package // the feed record of the same version, if any
	v        int
	name     *nameInfo
	rejected string           // why it may not be chosen at all ("" when eligible)
	deps     []relation.Group // Pre-Depends and Depends, when both exist
}

func (c *cand) lit() lit          { return posLit(c.v) }
func (c *cand) isInstalled() bool { return c.name.installed == c }
func (c *cand) String() string    { return c.pkg.Name + " " + c.pkg.Version }
func (c *cand) describe() string {
	if c.isInstalled() {
		return c.String() + " (installed)"
	}
	return c.String()
}

// nameInfo gathers the candidates of one package name.
type nameInfo struct {
	name      string
	cands     []*cand // best first: newest, then higher arch priority
	installed *cand
	upgrade   bool // the request wants this installed name at its best version
	removed   bool // the request removes it
	excluded  bool
	orphaned  bool // dropped by Autoremove
}

// selector kinds: hard requirements that explanation can switch off.
type selKind uint8

const (
	selInstall selKind = iota + 1
	selRemove
	selKeep      // an installed package stays (some version, or a replacement)
	selHold      // a held package keeps its version
	selEssential // an essential package stays
)

type selector struct {
	kind  selKind
	l     lit
	name  string
	atom  relation.Atom // selInstall
	index int
}

// edge is a dependency-like relation of a candidate, encoded as a clause.
type edge struct {
	from       *cand
	group      relation.Group
	satisfiers []*cand
	broken     lit // ForceDepends: true when left unmet (-1: none)
}

// problem is one solve: the reachable candidates, the clauses over them and
// the penalties to minimise.
type problem struct {
	u   Universe
	req Request
	s   *sat

	names      map[string]*nameInfo
	nameOrder  []*nameInfo
	byPkg      map[*Package]*cand
	providers  map[string][]*cand
	cands      []*cand
	queue      []*cand
	edges      []edge // Depends and Pre-Depends
	recommends []edge
	selectors  []selector
	targets    [][]*cand // per Install atom: its satisfiers
	levels     [][]lit
	replacing  map[string][]*cand // by replaced name
	groupMemo  map[*relation.Atom][]*cand
	scratch    []lit // clause under construction (addClause copies it)
}

var errBudget = errors.New("search budget exhausted")

// BudgetError reports that the search gave up; it never means "no solution".
type BudgetError struct {
	Conflicts int
}

func (e *BudgetError) Error() string {
	return fmt.Sprintf("solver: gave up after %d conflicts", e.Conflicts)
}

func (e *BudgetError) Unwrap() error { return errBudget }

func newProblem(u Universe, req Request) *problem {
	p := &problem{
		u: u, req: req, s: newSAT(),
		names:     map[string]*nameInfo{},
		byPkg:     map[*Package]*cand{},
		providers: map[string][]*cand{},
		groupMemo: map[*relation.Atom][]*cand{},
	}
	p.s.budget = req.MaxConflicts
	if p.s.budget == 0 {
		p.s.budget = 200000
	}
	return p
}

// load returns the candidates of name, creating them on first use.
func (p *problem) load(name string) *nameInfo {
	if n, ok := p.names[name]; ok {
		return n
	}
	n := &nameInfo{name: name}
	p.names[name] = n
	p.nameOrder = append(p.nameOrder, n)
	pkgs := slices.Clone(p.u.Named(name))
	// Installed records first, so a feed record of the same version merges
	// into the installed candidate.
	slices.SortStableFunc(pkgs, func(a, b *Package) int {
		switch {
		case a.Installed && !b.Installed:
			return -1
		case b.Installed && !a.Installed:
			return 1
		}
		return 0
	})
	for _, pkg := range pkgs {
		if pkg.Name != name {
			continue
		}
		if c := p.byPkg[pkg]; c != nil {
			continue
		}
		var same *cand
		for _, c := range n.cands {
			if c.pkg.Version == pkg.Version && c.pkg.Arch == pkg.Arch {
				same = c
				break
			}
		}
		if same != nil {
			if same.feed == nil && !pkg.Installed {
				same.feed = pkg
			}
			p.byPkg[pkg] = same
			continue
		}
		c := &cand{pkg: pkg, name: n}
		if !pkg.Installed {
			c.feed = pkg
		} else if n.installed == nil {
			n.installed = c
		}
		n.cands = append(n.cands, c)
		p.byPkg[pkg] = c
	}
	slices.SortStableFunc(n.cands, func(a, b *cand) int { return comparePackages(a.pkg, b.pkg) })
	for _, c := range n.cands {
		c.v = p.s.newVar(c.isInstalled())
		p.cands = append(p.cands, c)
		p.queue = append(p.queue, c)
	}
	return n
}

// providersOf returns the loaded candidates of other names that provide name.
func (p *problem) providersOf(name string) []*cand {
	if cs, ok := p.providers[name]; ok {
		return cs
	}
	var cs []*cand
	for _, pkg := range p.u.Providers(name) {
		if pkg.Name == name {
			continue
		}
		p.load(pkg.Name)
		if c := p.byPkg[pkg]; c != nil && !slices.Contains(cs, c) {
			cs = append(cs, c)
		}
	}
	slices.SortStableFunc(cs, func(a, b *cand) int {
		if c := strings.Compare(a.pkg.Name, b.pkg.Name); c != 0 {
			return c
		}
		return comparePackages(a.pkg, b.pkg)
	})
	p.providers[name] = cs
	return cs
}

// satisfiers lists the candidates meeting atom a: its own name first, best
// first, then providers by name.
func (p *problem) satisfiers(a relation.Atom) []*cand {
	var out []*cand
	for _, c := range p.load(a.Name).cands {
		if provides(c.pkg, a) {
			out = append(out, c)
		}
	}
	for _, c := range p.providersOf(a.Name) {
		if provides(c.pkg, a) {
			out = append(out, c)
		}
	}
	return out
}

func (p *problem) groupSatisfiers(g relation.Group) []*cand {
	if len(g.Alts) == 0 {
		return nil
	}
	// A group lives in its package's relation slice, so the address of its
	// first atom identifies it for the life of the solve.
	key := &g.Alts[0]
	if out, ok := p.groupMemo[key]; ok {
		return out
	}
	if len(g.Alts) == 1 {
		out := p.satisfiers(g.Alts[0])
		p.groupMemo[key] = out
		return out
	}
	var out []*cand
	for _, a := range g.Alts {
		for _, c := range p.satisfiers(a) {
			if !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	p.groupMemo[key] = out
	return out
}

// build loads the reachable universe and writes every clause.
func (p *problem) build() {
	for _, pkg := range p.u.Installed() {
		p.load(pkg.Name)
	}
	for _, name := range p.req.Exclude {
		p.load(name).excluded = true
	}
	for _, name := range p.req.Remove {
		p.load(name).removed = true
	}
	for _, name := range p.req.Upgrade {
		p.load(name).upgrade = true
	}
	for _, a := range p.req.Install {
		p.targets = append(p.targets, p.satisfiers(a))
		// "install foo" of an installed foo upgrades it, as opkg does; with a
		// constraint ("foo=1.0") the constraint alone decides.
		if n := p.names[a.Name]; n.installed != nil && !a.Versioned() {
			n.upgrade = true
		}
	}
	if p.req.UpgradeAll {
		for _, n := range p.nameOrder {
			if n.installed != nil {
				n.upgrade = true
			}
		}
	}
	// Expand breadth first over eligible candidates; a rejected candidate
	// can never be chosen, so what it needs is not reachable through it.
	for len(p.queue) > 0 {
		c := p.queue[0]
		p.queue = p.queue[1:]
		p.judge(c)
		if c.rejected != "" {
			continue
		}
		for _, g := range p.dependsOf(c) {
			p.groupSatisfiers(g)
		}
		if !p.req.NoRecommends && !c.isInstalled() {
			for _, g := range c.pkg.Recommends {
				p.groupSatisfiers(g)
			}
		}
	}
	p.encode()
}

// dependsOf lists the Depends and Pre-Depends the solver enforces for c.
func (p *problem) dependsOf(c *cand) []relation.Group {
	if p.req.NoDeps && !c.isInstalled() {
		return nil
	}
	if len(c.pkg.PreDepends) == 0 {
		return c.pkg.Depends
	}
	if c.deps == nil {
		c.deps = append(slices.Clone(c.pkg.PreDepends), c.pkg.Depends...)
	}
	return c.deps
}

// judge decides whether c may be chosen at all.
func (p *problem) judge(c *cand) {
	n := c.name
	inst := n.installed
	switch {
	case c.isInstalled():
	case c.pkg.ArchPriority <= 0:
		c.rejected = fmt.Sprintf("architecture %s is not configured", c.pkg.Arch)
	case n.excluded:
		c.rejected = "excluded (--add-exclude)"
	case inst != nil && inst.pkg.Hold && !p.req.ForceHold:
		c.rejected = fmt.Sprintf("%s is held at %s", n.name, inst.pkg.Version)
	case inst != nil && !p.req.ForceDowngrade && version.Compare(c.pkg.Version, inst.pkg.Version) < 0:
		c.rejected = fmt.Sprintf("older than the installed %s (--force-downgrade)", inst.pkg.Version)
	}
}

func (p *problem) newSelector(k selKind, name string) *selector {
	p.selectors = append(p.selectors, selector{kind: k, name: name, l: posLit(p.s.newVar(true)), index: len(p.selectors)})
	return &p.selectors[len(p.selectors)-1]
}

// startSatisfied reports whether g is met by the installed set.
func (p *problem) startSatisfied(sats []*cand) bool {
	for _, c := range sats {
		if c.isInstalled() {
			return true
		}
	}
	return false
}

func (p *problem) encode() {
	s := p.s
	var (
		broken, removals, downgrades, upgradesAsked, changes []lit
		recommends, news, viaProvider, laterAlt, arch, older []lit
	)
	for _, n := range p.nameOrder {
		p.atMostOne(n.cands)
		bestArch := 0
		var feedVersions []string // eligible feed versions, to rank candidates
		for _, c := range n.cands {
			if c.rejected == "" && !c.isInstalled() {
				bestArch = max(bestArch, c.pkg.ArchPriority)
				feedVersions = append(feedVersions, c.pkg.Version)
			}
		}
		// rank is how many newer versions c passes over; a penalty counted
		// rank times prefers the newest version that fits, then the next.
		feedVersions = slices.Compact(feedVersions) // sorted newest first
		rank := func(c *cand) int {
			r := 0
			for _, v := range feedVersions {
				if r == maxRank || version.Compare(v, c.pkg.Version) <= 0 {
					break
				}
				r++
			}
			return r
		}
		repeat := func(level []lit, l lit, times int) []lit {
			for range times {
				level = append(level, l)
			}
			return level
		}
		for _, c := range n.cands {
			if c.rejected != "" {
				s.addClause(c.lit().not())
				continue
			}
			inst := n.installed
			switch {
			case inst == nil:
				news = append(news, c.lit())
			case c != inst && version.Compare(c.pkg.Version, inst.pkg.Version) < 0:
				downgrades = append(downgrades, c.lit())
			}
			if n.upgrade {
				upgradesAsked = repeat(upgradesAsked, c.lit(), rank(c))
			} else if inst != nil && c != inst {
				changes = append(changes, c.lit())
			}
			if c != inst {
				if c.pkg.ArchPriority < bestArch {
					arch = append(arch, c.lit())
				}
				older = repeat(older, c.lit(), rank(c))
			}
		}
		if n.installed != nil {
			if !n.removed {
				r := posLit(s.newVar(false))
				clause := append(p.scratch[:0], r)
				for _, c := range n.cands {
					clause = append(clause, c.lit())
				}
				p.scratch = clause
				s.addClause(clause...)
				removals = append(removals, r)
			}
		}
	}
	for _, c := range p.cands {
		if c.rejected != "" {
			continue
		}
		changed := !c.isInstalled()
		for _, g := range p.dependsOf(c) {
			sats := p.groupSatisfiers(g)
			if !changed && !p.startSatisfied(sats) {
				continue // broken before this request; not made worse by keeping it
			}
			e := edge{from: c, group: g, satisfiers: sats, broken: -1}
			clause := append(p.scratch[:0], c.lit().not())
			for _, q := range sats {
				clause = append(clause, q.lit())
			}
			if p.req.ForceDepends {
				e.broken = posLit(s.newVar(false))
				clause = append(clause, e.broken)
				broken = append(broken, e.broken)
			}
			p.scratch = clause
			s.addClause(clause...)
			p.edges = append(p.edges, e)
			if changed {
				viaProvider = p.preferClause(viaProvider, c, g, sats, func(q *cand) bool {
					return slices.ContainsFunc(g.Alts, func(a relation.Atom) bool { return a.Name == q.pkg.Name })
				})
				laterAlt = p.preferClause(laterAlt, c, g, sats, func(q *cand) bool {
					return provides(q.pkg, g.Alts[0])
				})
			}
		}
		if changed && !p.req.NoRecommends {
			for _, g := range c.pkg.Recommends {
				sats := p.groupSatisfiers(g)
				if len(sats) == 0 {
					continue
				}
				r := posLit(s.newVar(false))
				clause := append(p.scratch[:0], c.lit().not(), r)
				for _, q := range sats {
					clause = append(clause, q.lit())
				}
				p.scratch = clause
				s.addClause(clause...)
				recommends = append(recommends, r)
				p.recommends = append(p.recommends, edge{from: c, group: g, satisfiers: sats, broken: r})
			}
		}
		for _, g := range c.pkg.Conflicts {
			for _, a := range g.Alts {
				for _, q := range p.conflicting(c, a) {
					s.addClause(c.lit().not(), q.lit().not())
				}
			}
		}
	}
	// Requirements behind selectors, so an explanation can find which of them
	// clash.
	for i, a := range p.req.Install {
		sel := p.newSelector(selInstall, a.Name)
		sel.atom = a
		clause := append(p.scratch[:0], sel.l.not())
		for _, q := range p.targets[i] {
			clause = append(clause, q.lit())
		}
		p.scratch = clause
		s.addClause(clause...)
		// The request is a dependency of nobody; still prefer exact names and
		// the first match, as for any relation.
		g := relation.Group{Alts: []relation.Atom{a}}
		viaProvider = p.preferClause(viaProvider, nil, g, p.targets[i], func(q *cand) bool { return q.pkg.Name == a.Name })
	}
	for _, n := range p.nameOrder {
		if n.removed {
			sel := p.newSelector(selRemove, n.name)
			for _, c := range n.cands {
				s.addClause(sel.l.not(), c.lit().not())
			}
		}
		inst := n.installed
		if inst == nil {
			continue
		}
		if inst.pkg.Hold && !p.req.ForceHold {
			sel := p.newSelector(selHold, n.name)
			s.addClause(sel.l.not(), inst.lit())
		}
		if inst.pkg.Essential && !p.req.ForceRemoveEssential {
			sel := p.newSelector(selEssential, n.name)
			clause := append(p.scratch[:0], sel.l.not())
			for _, c := range n.cands {
				clause = append(clause, c.lit())
			}
			p.scratch = clause
			s.addClause(clause...)
		}
		// With --autoremove an auto-installed package may go when the request
		// needs it gone (libsolv's ALLOWUNINSTALL for auto-installed
		// packages, as opkg's libsolv backend sets it); it still counts as a
		// removal, so only when needed.
		if !n.removed && !p.req.RemoveDependents && !(p.req.Autoremove && inst.pkg.Auto) {
			sel := p.newSelector(selKeep, n.name)
			clause := append(p.scratch[:0], sel.l.not())
			for _, c := range n.cands {
				clause = append(clause, c.lit())
			}
			for _, r := range p.replacers(inst) {
				clause = append(clause, r.lit())
			}
			p.scratch = clause
			s.addClause(clause...)
		}
	}
	p.levels = [][]lit{broken, removals, downgrades, upgradesAsked, changes, recommends, news, viaProvider, laterAlt, arch, older}
}

// maxRank bounds how many newer versions a candidate's penalty counts, so a
// name with hundreds of versions cannot blow up the optimisation; beyond it
// the canonical tie-break still prefers the newer.
const maxRank = 16

// atMostOne allows one candidate of a name: pairwise for the usual few,
// a sequential counter (Sinz 2005: n-1 helper variables, 3n clauses) for
// many, so a hostile feed with thousands of versions stays linear.
func (p *problem) atMostOne(cands []*cand) {
	s := p.s
	if len(cands) <= 6 {
		for i, a := range cands {
			for _, b := range cands[i+1:] {
				s.addClause(a.lit().not(), b.lit().not())
			}
		}
		return
	}
	// prefix is true when some candidate up to the current one is chosen.
	prefix := posLit(s.newVar(false))
	s.addClause(cands[0].lit().not(), prefix)
	for _, c := range cands[1 : len(cands)-1] {
		next := posLit(s.newVar(false))
		s.addClause(c.lit().not(), next)
		s.addClause(prefix.not(), next)
		s.addClause(c.lit().not(), prefix.not())
		prefix = next
	}
	s.addClause(cands[len(cands)-1].lit().not(), prefix.not())
}

// preferClause adds a penalty literal that is true when c is chosen and its
// relation is met by none of the preferred satisfiers, if that can happen.
func (p *problem) preferClause(level []lit, c *cand, g relation.Group, sats []*cand, preferred func(*cand) bool) []lit {
	var good []*cand
	for _, q := range sats {
		if preferred(q) && q.rejected == "" {
			good = append(good, q)
		}
	}
	if len(good) == 0 || len(good) == len(sats) {
		return level
	}
	e := posLit(p.s.newVar(false))
	clause := append(p.scratch[:0], e)
	if c != nil {
		clause = append(clause, c.lit().not())
	}
	for _, q := range good {
		clause = append(clause, q.lit())
	}
	p.scratch = clause
	p.s.addClause(clause...)
	return append(level, e)
}

// conflicting lists the loaded candidates c's Conflicts atom a hits. A
// package never conflicts with itself, nor with a name it provides itself
// (Debian's "Provides: x, Conflicts: x" idiom for exclusive virtual names).
func (p *problem) conflicting(c *cand, a relation.Atom) []*cand {
	var out []*cand
	var candidates []*cand
	if n := p.names[a.Name]; n != nil {
		candidates = slices.Clone(n.cands)
	}
	candidates = append(candidates, p.loadedProviders(a.Name)...)
	for _, q := range candidates {
		if q.name == c.name || q.rejected != "" || !provides(q.pkg, a) {
			continue
		}
		out = append(out, q)
	}
	return out
}

// loadedProviders is providersOf without loading anything new: a conflict
// with a package nothing can reach needs no clause.
func (p *problem) loadedProviders(name string) []*cand {
	if cs, ok := p.providers[name]; ok {
		return cs
	}
	var cs []*cand
	for _, pkg := range p.u.Providers(name) {
		if c := p.byPkg[pkg]; c != nil && c.pkg.Name != name && !slices.Contains(cs, c) {
			cs = append(cs, c)
		}
	}
	return cs
}

// replacers lists the candidates that may take the place of the installed
// inst: they Replace it and Conflict with it.
func (p *problem) replacers(inst *cand) []*cand {
	if p.replacing == nil {
		p.replacing = map[string][]*cand{}
		for _, c := range p.cands {
			for _, a := range c.pkg.Replaces {
				if !slices.Contains(p.replacing[a.Name], c) {
					p.replacing[a.Name] = append(p.replacing[a.Name], c)
				}
			}
		}
	}
	var out []*cand
	byName := slices.Clone(p.replacing[inst.name.name])
	for _, pr := range inst.pkg.Provides {
		byName = append(byName, p.replacing[pr.Name]...)
	}
	for _, c := range byName {
		if slices.Contains(out, c) {
			continue
		}
		if c.name == inst.name || c.rejected != "" {
			continue
		}
		if !slices.ContainsFunc(c.pkg.Replaces, func(a relation.Atom) bool { return provides(inst.pkg, a) }) {
			continue
		}
		if slices.ContainsFunc(c.pkg.Conflicts, func(g relation.Group) bool {
			return slices.ContainsFunc(g.Alts, func(a relation.Atom) bool { return provides(inst.pkg, a) })
		}) {
			out = append(out, c)
		}
	}
	return out
}
