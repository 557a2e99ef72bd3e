package solver

import (
	"fmt"
	"slices"
	"strings"

	"pakt/internal/relation"
)

// FailureKind is the shape of an Unsatisfiable error; it picks the first line,
// which is opkg-lede's for the same situation.
type FailureKind uint8

const (
	// UnknownPackage: nothing is called or provides the requested name.
	UnknownPackage FailureKind = iota + 1
	// UnmetDependencies: Package needs Items and no choice meets them.
	UnmetDependencies
	// ConflictingPackages: Package conflicts with Items, which must stay.
	ConflictingPackages
	// NeededByOthers: removing Package would break Items.
	NeededByOthers
	// EssentialPackage: Package is essential and would be removed.
	EssentialPackage
	// HeldPackage: Package is held and would have to change.
	HeldPackage
	// InconsistentInstall: the installed set breaks its own rules (Items).
	InconsistentInstall
)

// Unsatisfiable says why no installed set meets the request. Error renders
// opkg's first line, the items under it, then pakt's explanation: one step of
// the chain per line, nested steps indented, listing why each candidate was
// rejected.
type Unsatisfiable struct {
	Kind    FailureKind
	Package string
	Items   []string
	Why     []string
}

func (e *Unsatisfiable) Error() string {
	var b strings.Builder
	switch e.Kind {
	case UnknownPackage:
		fmt.Fprintf(&b, "Unknown package '%s'.\n", e.Package)
	case UnmetDependencies:
		fmt.Fprintf(&b, "Cannot satisfy the following dependencies for %s:\n", e.Package)
	case ConflictingPackages:
		fmt.Fprintf(&b, "The following packages conflict with %s:\n", e.Package)
	case NeededByOthers:
		fmt.Fprintf(&b, "Package %s is depended upon by packages:\n", e.Package)
	case EssentialPackage:
		fmt.Fprintf(&b, "Refusing to remove essential package %s.\n", e.Package)
	case HeldPackage:
		fmt.Fprintf(&b, "Package %s is held; it cannot be changed without --force-hold.\n", e.Package)
	default:
		fmt.Fprintf(&b, "The installed packages are inconsistent:\n")
	}
	for _, it := range e.Items {
		fmt.Fprintf(&b, "\t%s\n", it)
	}
	for _, w := range e.Why {
		fmt.Fprintf(&b, "%s\n", w)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// explainer builds an Unsatisfiable from a failed solve.
type explainer struct {
	p       *problem
	lines   []string
	visited map[*cand]bool
	calls   int
	// saidAtom marks relations already explained as unavailable.
	saidAtom map[string]bool
	leaves   []string

	// subject is the package opkg's first line names: the deepest one of
	// a chain of single choices, with its unmet relations (or conflict).
	subject      *cand
	unmet        []relation.Group
	conflictWith string
	locked       bool
}

const (
	maxExplainDepth = 6
	maxExplainLines = 80
	maxExplainCalls = 400
)

// feasible reports whether the assumptions can all hold (true when the
// search budget runs out: the explanation then says less, never wrong).
func (x *explainer) feasible(assumptions []lit) bool {
	x.calls++
	if x.calls > maxExplainCalls {
		return true
	}
	ok, err := x.p.s.solve(assumptions...)
	return ok || err != nil
}

// leaf says a fact that ends a branch of the chain: a missing package, a
// rejected candidate, a conflict. The distinct ones are the root causes.
func (x *explainer) leaf(depth int, format string, args ...any) {
	text := fmt.Sprintf(format, args...)
	if !slices.Contains(x.leaves, text) {
		x.leaves = append(x.leaves, text)
	}
	x.say(depth, "%s", text)
}

// chain returns the explanation lines; a long one starts with its root
// causes, so the reader sees them before the tree.
func (x *explainer) chain() []string {
	if len(x.lines) <= 8 || len(x.leaves) == 0 || len(x.leaves) > 5 {
		return x.lines
	}
	out := []string{"Root cause:"}
	if len(x.leaves) > 1 {
		out[0] = "Root causes:"
	}
	for _, l := range x.leaves {
		out = append(out, "  "+l)
	}
	out = append(out, "In full:")
	for _, l := range x.lines {
		out = append(out, "  "+l)
	}
	return out
}

func (x *explainer) say(depth int, format string, args ...any) {
	if len(x.lines) < maxExplainLines {
		x.lines = append(x.lines, strings.Repeat("  ", depth)+fmt.Sprintf(format, args...))
	}
}

// minimalCore shrinks the failed assumptions to a set where each is needed.
func (p *problem) minimalCore() []*selector {
	bySel := map[lit]*selector{}
	for i := range p.selectors {
		bySel[p.selectors[i].l] = &p.selectors[i]
	}
	inCore := func() []*selector {
		var out []*selector
		for _, l := range p.s.core {
			if sel := bySel[l]; sel != nil && !slices.Contains(out, sel) {
				out = append(out, sel)
			}
		}
		slices.SortFunc(out, func(a, b *selector) int { return a.index - b.index })
		return out
	}
	core := inCore()
	for i := 0; i < len(core); {
		trial := slices.Delete(slices.Clone(core), i, i+1)
		ok, err := p.s.solve(lits(trial)...)
		if err != nil || ok {
			i++
			continue
		}
		kept := inCore()
		core = slices.DeleteFunc(trial, func(s *selector) bool { return !slices.Contains(kept, s) })
	}
	return core
}

func lits(sels []*selector) []lit {
	out := make([]lit, len(sels))
	for i, s := range sels {
		out[i] = s.l
	}
	return out
}

func (p *problem) explain() error {
	core := p.minimalCore()
	x := &explainer{p: p, visited: map[*cand]bool{}}
	others := func(skip *selector) []lit {
		var out []lit
		for _, s := range core {
			if s != skip {
				out = append(out, s.l)
			}
		}
		return out
	}
	for _, sel := range core {
		if sel.kind == selInstall {
			return x.target(sel, others(sel))
		}
	}
	for _, sel := range core {
		if sel.kind == selRemove {
			return x.removal(sel, core)
		}
	}
	e := &Unsatisfiable{Kind: InconsistentInstall}
	for _, sel := range core {
		e.Items = append(e.Items, p.names[sel.name].installed.describe())
	}
	for _, sel := range core {
		inst := p.names[sel.name].installed
		x.why(inst, others(nil), 0)
	}
	e.Why = x.chain()
	return e
}

// target explains why the requested atom cannot be installed.
func (x *explainer) target(sel *selector, assumptions []lit) error {
	p := x.p
	a := sel.atom
	n := p.names[a.Name]
	if len(n.cands) == 0 && len(p.loadedProviders(a.Name)) == 0 {
		return &Unsatisfiable{Kind: UnknownPackage, Package: a.Name, Why: []string{fmt.Sprintf("no feed has a package called or providing %s", a.Name)}}
	}
	e := &Unsatisfiable{Kind: UnmetDependencies, Package: a.Name}
	sats := x.atom(a, assumptions, 0)
	switch {
	case len(sats) == 1 && x.subject != nil && x.unmet == nil:
		e.Kind, e.Package, e.Items = ConflictingPackages, x.subject.pkg.Name, []string{x.conflictWith}
	case len(sats) == 1 && x.subject != nil:
		e.Package = x.subject.pkg.Name
		for _, g := range x.unmet {
			e.Items = append(e.Items, g.String())
		}
	default:
		e.Items = []string{a.String()}
	}
	e.Why = x.chain()
	return e
}

// atom explains why no candidate meeting a can be chosen under the
// assumptions; it returns the candidates that meet a.
func (x *explainer) atom(a relation.Atom, assumptions []lit, depth int) []*cand {
	p := x.p
	var all []*cand
	if n := p.names[a.Name]; n != nil {
		all = append(all, n.cands...)
	}
	for _, c := range p.loadedProviders(a.Name) {
		if !slices.Contains(all, c) {
			all = append(all, c)
		}
	}
	var sats []*cand
	for _, c := range all {
		if provides(c.pkg, a) {
			sats = append(sats, c)
		}
	}
	key := a.String()
	if len(sats) == 0 && x.saidAtom[key] {
		x.say(depth, "%s: see above", key)
		return sats
	}
	if x.saidAtom == nil {
		x.saidAtom = map[string]bool{}
	}
	x.saidAtom[key] = true
	switch {
	case len(all) == 0:
		x.leaf(depth, "%s: no feed has a package called or providing it", a.Name)
	case len(sats) == 0:
		var have, inst []string
		for _, c := range all {
			if c.isInstalled() && c.feed == nil {
				if c.pkg.Name == a.Name {
					inst = append(inst, c.pkg.Version)
				} else {
					inst = append(inst, describeFor(c.pkg, a.Name))
				}
			} else {
				have = append(have, describeFor(c.pkg, a.Name))
			}
		}
		switch {
		case len(inst) > 0 && len(have) == 0:
			x.leaf(depth, "%s: installed %s is %s, no feed has a match", a, a.Name, strings.Join(inst, ", "))
		case len(inst) > 0:
			x.leaf(depth, "%s: installed %s is %s; the feeds have %s only", a, a.Name, strings.Join(inst, ", "), strings.Join(have, ", "))
		default:
			x.leaf(depth, "%s: the feeds have %s only", a, strings.Join(have, ", "))
		}
	default:
		for _, c := range sats {
			x.why(c, assumptions, depth)
		}
		var others []string
		for _, c := range all {
			if !slices.Contains(sats, c) {
				others = append(others, describeFor(c.pkg, a.Name))
			}
		}
		if len(others) > 0 && a.Versioned() {
			x.say(depth, "%s: not %s", a, strings.Join(others, ", "))
		}
	}
	return sats
}

// why explains why candidate c cannot be chosen under the assumptions.
func (x *explainer) why(c *cand, assumptions []lit, depth int) {
	p := x.p
	if c.rejected != "" {
		x.leaf(depth, "%s: %s", c.describe(), c.rejected)
		return
	}
	if x.visited[c] {
		x.say(depth, "%s: see above", c.describe())
		return
	}
	x.visited[c] = true
	if depth > maxExplainDepth {
		x.say(depth, "%s: …", c.describe())
		return
	}
	if sel := x.blockingSelector(c, assumptions); sel != "" {
		x.leaf(depth, "%s: %s", c.describe(), sel)
		return
	}
	// Conflicts with packages that must stay.
	for _, q := range p.cands {
		if q == c || q.rejected != "" || !x.conflicts(c, q) {
			continue
		}
		if x.feasible(append(slices.Clip(assumptions), q.lit().not())) {
			continue
		}
		what := q.describe()
		if x.requested(q, assumptions) {
			what = q.String() + " (requested)"
		}
		if by := x.requiredBy(q, assumptions); by != "" {
			what = strings.TrimSuffix(what, ")") + ", required by " + by + ")"
			if !q.isInstalled() {
				what = q.String() + " (required by " + by + ")"
			}
		}
		x.leaf(depth, "%s conflicts with %s", c, what)
		if x.subject == nil && !x.locked {
			x.subject = c
			x.conflictWith = q.String()
		}
		return
	}
	var culprits []relation.Group
	for _, g := range p.dependsOf(c) {
		sats := p.groupSatisfiers(g)
		if !c.isInstalled() || p.startSatisfied(sats) {
			if !slices.ContainsFunc(sats, func(q *cand) bool {
				// Each satisfier is tried on its own, not together with c:
				// c is infeasible, so anything assumed with it is too.
				return q.rejected == "" && x.feasible(append(slices.Clip(assumptions), q.lit()))
			}) {
				culprits = append(culprits, g)
			}
		}
	}
	if len(culprits) == 0 {
		if k, g := x.keptDependent(c, assumptions); k != nil {
			who := k.describe()
			if x.requested(k, assumptions) {
				who = k.String() + " (requested)"
			}
			x.leaf(depth, "%s: %s requires %s", c.describe(), who, g)
			return
		}
		x.say(depth, "%s: its dependencies cannot be met together with the rest of the request and the installed packages", c.describe())
		return
	}
	if x.subject == nil && !x.locked {
		x.subject, x.unmet = c, culprits
	}
	for _, g := range culprits {
		x.say(depth, "%s requires %s", c.describe(), g)
		// Follow a single chain down, so opkg's first line names the
		// package whose dependency is really missing.
		chain := !x.locked && x.subject == c && len(culprits) == 1 && len(g.Alts) == 1 && len(x.matching(g.Alts[0])) == 1
		if chain {
			x.subject, x.unmet = nil, nil
		} else if x.subject != nil {
			x.locked = true
		}
		for _, a := range g.Alts {
			x.atom(a, assumptions, depth+1)
		}
		if x.subject == nil {
			x.subject, x.unmet = c, culprits
		}
		x.locked = true
	}
}

// describeFor names p as a candidate for name: "libbar 1.8", or for a
// provider "old 1.0 (provides virt 1.5)".
func describeFor(p *Package, name string) string {
	if p.Name == name {
		return p.Name + " " + p.Version
	}
	for _, pr := range p.Provides {
		if pr.Name == name && pr.Constraint.Op != 0 {
			return fmt.Sprintf("%s %s (provides %s %s)", p.Name, p.Version, name, pr.Constraint.Version)
		}
	}
	return fmt.Sprintf("%s %s (provides %s)", p.Name, p.Version, name)
}

// requested reports whether q is the only way to meet a request among the
// assumptions.
func (x *explainer) requested(q *cand, assumptions []lit) bool {
	for _, sel := range x.p.selectors {
		if sel.kind == selInstall && slices.Contains(assumptions, sel.l) {
			if t := x.p.targets[sel.index]; len(t) == 1 && t[0] == q {
				return true
			}
		}
	}
	return false
}

// matching lists the loaded candidates that meet a.
func (x *explainer) matching(a relation.Atom) []*cand {
	var out []*cand
	if n := x.p.names[a.Name]; n != nil {
		for _, c := range n.cands {
			if provides(c.pkg, a) {
				out = append(out, c)
			}
		}
	}
	for _, c := range x.p.loadedProviders(a.Name) {
		if provides(c.pkg, a) && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// blockingSelector names a hold, removal or essential flag that rules c out.
func (x *explainer) blockingSelector(c *cand, assumptions []lit) string {
	for _, sel := range x.p.selectors {
		if sel.name != c.name.name || !slices.Contains(assumptions, sel.l) {
			continue
		}
		switch sel.kind {
		case selRemove:
			return "being removed"
		case selHold:
			if c != c.name.installed {
				return fmt.Sprintf("%s is held at %s", sel.name, c.name.installed.pkg.Version)
			}
		}
	}
	return ""
}

// conflicts reports whether c and q may not be installed together (a
// different-name Conflicts either way).
func (x *explainer) conflicts(c, q *cand) bool {
	if c.name == q.name {
		return false
	}
	hits := func(a, b *cand) bool {
		return slices.ContainsFunc(a.pkg.Conflicts, func(g relation.Group) bool {
			return slices.ContainsFunc(g.Alts, func(at relation.Atom) bool { return provides(b.pkg, at) })
		})
	}
	return hits(c, q) || hits(q, c)
}

// keptDependent finds a package that must be in the set (installed and
// kept, or requested) whose dependency only other versions of c's name meet:
// choosing c would break it.
func (x *explainer) keptDependent(c *cand, assumptions []lit) (*cand, relation.Group) {
	for _, e := range x.p.edges {
		k := e.from
		if k == c || k.name == c.name || slices.Contains(e.satisfiers, c) ||
			!slices.ContainsFunc(e.satisfiers, func(q *cand) bool { return q.name == c.name }) {
			continue
		}
		if x.feasible(append(slices.Clip(assumptions), k.lit().not())) {
			continue // k may go
		}
		if !slices.ContainsFunc(e.satisfiers, func(q *cand) bool { return q.name != c.name && q.rejected == "" }) {
			return k, e.group
		}
	}
	return nil, relation.Group{}
}

// requiredBy names an installed package, or a requested one, whose
// dependency q meets.
func (x *explainer) requiredBy(q *cand, assumptions []lit) string {
	for _, sel := range x.p.selectors {
		if sel.kind != selInstall || !slices.Contains(assumptions, sel.l) {
			continue
		}
		for _, t := range x.p.targets[sel.index] {
			for _, g := range x.p.dependsOf(t) {
				if slices.Contains(x.p.groupSatisfiers(g), q) {
					return t.pkg.Name
				}
			}
		}
	}
	for _, n := range x.p.nameOrder {
		k := n.installed
		if k == nil || k == q {
			continue
		}
		for _, g := range x.p.dependsOf(k) {
			if slices.Contains(x.p.groupSatisfiers(g), q) {
				return k.pkg.Name
			}
		}
	}
	return ""
}

// removal explains why a removal cannot happen.
func (x *explainer) removal(sel *selector, core []*selector) error {
	p := x.p
	n := p.names[sel.name]
	for _, s := range core {
		if s.name != sel.name {
			continue
		}
		switch s.kind {
		case selEssential:
			return &Unsatisfiable{Kind: EssentialPackage, Package: sel.name, Why: []string{
				fmt.Sprintf("%s is essential (--force-removal-of-essential-packages)", sel.name)}}
		case selHold:
			return &Unsatisfiable{Kind: HeldPackage, Package: sel.name}
		}
	}
	e := &Unsatisfiable{Kind: NeededByOthers, Package: sel.name}
	for _, s := range core {
		if s.kind != selKeep && s.kind != selEssential && s.kind != selHold {
			continue
		}
		k := p.names[s.name].installed
		if k == nil {
			continue
		}
		for _, g := range p.dependsOf(k) {
			if slices.ContainsFunc(p.groupSatisfiers(g), func(q *cand) bool { return q.name == n }) {
				e.Items = append(e.Items, k.pkg.Name)
				x.say(0, "%s requires %s", k.describe(), g)
				break
			}
		}
	}
	if len(e.Items) == 0 {
		for _, s := range core {
			if s != sel {
				e.Items = append(e.Items, s.name)
			}
		}
		x.say(0, "removing %s would break what these need", sel.name)
	}
	x.say(0, "These might cease to work if package %s is removed (--force-depends, --force-removal-of-dependent-packages).", sel.name)
	e.Why = x.lines
	return e
}
