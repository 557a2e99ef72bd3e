package solver

import (
	"errors"
	"fmt"
	"slices"

	"pakt/internal/relation"
	"pakt/internal/version"
)

// Check verifies that plan answers req over u, independently of how Solve
// found it: it replays the steps on the installed set and checks every rule
// on the result. Tests run it on every plan; the engine may run it before
// applying one. It returns all the violations joined.
func Check(u Universe, req Request, plan *Plan) error {
	var errs []error
	bad := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }

	start := map[string]*Package{}
	for _, p := range u.Installed() {
		start[p.Name] = p
	}
	final := map[string]*Package{}
	for n, p := range start {
		final[n] = p
	}
	for _, s := range plan.Remove {
		if start[s.Package.Name] != s.Package {
			bad("remove %s: not the installed package", s.Package)
		}
		delete(final, s.Package.Name)
	}
	for _, s := range plan.Upgrade {
		if s.From == nil || start[s.Package.Name] != s.From {
			bad("upgrade %s: From is not the installed package", s.Package)
		}
		final[s.Package.Name] = s.Package
	}
	for _, s := range plan.Install {
		if start[s.Package.Name] != nil {
			bad("install %s: a version is installed already", s.Package)
		}
		if final[s.Package.Name] != nil {
			bad("install %s: twice", s.Package)
		}
		final[s.Package.Name] = s.Package
	}
	if len(plan.Final) != len(final) {
		bad("Final has %d packages, the steps give %d", len(plan.Final), len(final))
	}
	for _, p := range plan.Final {
		if final[p.Name] != p {
			bad("Final lists %s, the steps give %v", p, final[p.Name])
		}
	}

	meets := func(p *Package, a relation.Atom) bool {
		if p.Name == a.Name && a.Accepts(p.Version) {
			return true
		}
		for _, pr := range p.Provides {
			if pr.Name == a.Name {
				v := p.Version
				if pr.Constraint.Op != 0 {
					v = pr.Constraint.Version
				}
				if a.Accepts(v) {
					return true
				}
			}
		}
		return false
	}
	// byName indexes a set by every name its packages carry or provide.
	byName := func(set map[string]*Package) map[string][]*Package {
		idx := map[string][]*Package{}
		for _, p := range set {
			idx[p.Name] = append(idx[p.Name], p)
			for _, pr := range p.Provides {
				if pr.Name != p.Name {
					idx[pr.Name] = append(idx[pr.Name], p)
				}
			}
		}
		return idx
	}
	startIdx, finalIdx := byName(start), byName(final)
	metIn := func(idx map[string][]*Package, g relation.Group) bool {
		for _, a := range g.Alts {
			for _, p := range idx[a.Name] {
				if meets(p, a) {
					return true
				}
			}
		}
		return false
	}
	broken := func(p *Package, g relation.Group) bool {
		return req.ForceDepends && slices.ContainsFunc(plan.Broken, func(b Unmet) bool {
			return b.Package == p && b.Relation.String() == g.String()
		})
	}

	for name, p := range final {
		changed := start[name] != p
		if changed {
			if p.ArchPriority <= 0 {
				bad("%s: architecture %s not configured", p, p.Arch)
			}
			if slices.Contains(req.Exclude, name) {
				bad("%s: excluded", p)
			}
			if old := start[name]; old != nil && !req.ForceDowngrade && version.Compare(p.Version, old.Version) < 0 {
				bad("%s: downgrade from %s", p, old.Version)
			}
		}
		if slices.Contains(req.Remove, name) {
			bad("%s: asked to be removed", p)
		}
		deps := append(slices.Clip(p.PreDepends), p.Depends...)
		for _, g := range deps {
			if changed && req.NoDeps {
				continue
			}
			if !changed && !metIn(startIdx, g) {
				continue // broken before the request
			}
			if !metIn(finalIdx, g) && !broken(p, g) {
				bad("%s: depends on %s, unmet", p, g)
			}
		}
		for _, g := range p.Conflicts {
			for _, a := range g.Alts {
				for _, q := range finalIdx[a.Name] {
					if q.Name != name && meets(q, a) {
						bad("%s conflicts with %s", p, q)
					}
				}
			}
		}
	}
	for name, old := range start {
		p := final[name]
		if old.Hold && !req.ForceHold && p != old {
			bad("%s is held but changed to %v", old, p)
		}
		if old.Essential && !req.ForceRemoveEssential && p == nil {
			bad("%s is essential but removed", old)
		}
		if p != nil || slices.Contains(req.Remove, name) || req.RemoveDependents || (req.Autoremove && old.Auto) {
			continue
		}
		replaced := false
		for _, q := range final {
			if slices.ContainsFunc(q.Replaces, func(a relation.Atom) bool { return meets(old, a) }) &&
				slices.ContainsFunc(q.Conflicts, func(g relation.Group) bool {
					return slices.ContainsFunc(g.Alts, func(a relation.Atom) bool { return meets(old, a) })
				}) {
				replaced = true
			}
		}
		if !replaced {
			bad("%s removed without being asked, replaced or orphaned", old)
		}
	}
	for _, a := range req.Install {
		if !metIn(finalIdx, relation.Group{Alts: []relation.Atom{a}}) {
			bad("requested %s not installed", a)
		}
	}
	// A reason pointing at a package must point at one in the final set with
	// a relation the step's package meets.
	for _, s := range append(slices.Clip(plan.Install), plan.Upgrade...) {
		var groups []relation.Group
		by := final[s.Reason.By]
		switch s.Reason.Kind {
		case Dependency:
			if by != nil {
				groups = append(slices.Clip(by.PreDepends), by.Depends...)
			}
		case Recommended:
			if by != nil {
				groups = by.Recommends
			}
		default:
			continue
		}
		if !slices.ContainsFunc(groups, func(g relation.Group) bool {
			return slices.ContainsFunc(g.Alts, func(a relation.Atom) bool { return meets(s.Package, a) })
		}) {
			bad("%s: reason %q, but %v has no such relation", s.Package, s.Reason, by)
		}
	}
	return errors.Join(errs...)
}
