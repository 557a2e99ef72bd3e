package solver

import (
	"slices"
	"strings"

	"pakt/internal/relation"
	"pakt/internal/version"
)

// Package is what the solver knows of one version of one package: an
// installed one (from the status file) or an available one (from a feed).
// The engine builds them from pkginfo records.
type Package struct {
	Name    string
	Version string
	Arch    string
	// ArchPriority is the configured priority of Arch (higher is preferred);
	// 0 means the architecture is not configured, so only an installed
	// package may have it.
	ArchPriority int

	Depends    []relation.Group
	PreDepends []relation.Group
	Recommends []relation.Group
	Suggests   []relation.Group
	Conflicts  []relation.Group
	Provides   []relation.Atom
	Replaces   []relation.Atom

	Essential bool
	Installed bool // this record describes the installed version
	Hold      bool // installed and flagged hold
	Auto      bool // installed as a dependency, not asked for by the user
}

func (p *Package) String() string { return p.Name + " " + p.Version }

// Universe is the solver's whole view of the world. Lookups are by name so
// the solver touches only the part of the feeds reachable from the installed
// set and the request.
type Universe interface {
	// Installed lists the installed packages, one per name.
	Installed() []*Package
	// Named lists every known version of the package called name: the
	// installed one and the available ones (the same version may appear in
	// both; the solver merges them).
	Named(name string) []*Package
	// Providers lists the packages whose Provides names name.
	Providers(name string) []*Package
}

// Index is a Universe over a slice of packages, for tests and small callers.
type Index struct {
	installed []*Package
	named     map[string][]*Package
	providers map[string][]*Package
}

// NewIndex indexes pkgs by name and by provided name.
func NewIndex(pkgs []*Package) *Index {
	x := &Index{named: map[string][]*Package{}, providers: map[string][]*Package{}}
	for _, p := range pkgs {
		if p.Installed {
			x.installed = append(x.installed, p)
		}
		x.named[p.Name] = append(x.named[p.Name], p)
		for _, a := range p.Provides {
			if a.Name != p.Name && !slices.Contains(x.providers[a.Name], p) {
				x.providers[a.Name] = append(x.providers[a.Name], p)
			}
		}
	}
	return x
}

func (x *Index) Installed() []*Package            { return x.installed }
func (x *Index) Named(name string) []*Package     { return x.named[name] }
func (x *Index) Providers(name string) []*Package { return x.providers[name] }

// provides reports whether p satisfies atom a, by its own name or by one of
// its Provides. An unversioned Provides meets a versioned relation through
// the provider's own version, as opkg-lede's version_constraints_satisfied
// does (rpcd-mod-iwinfo needs "libiwinfo (>= 2023-01-21)", met by
// libiwinfo20230701 2023-07-01-… which provides plain "libiwinfo"); a
// versioned Provides is checked with the version it names.
func provides(p *Package, a relation.Atom) bool {
	if p.Name == a.Name && a.Accepts(p.Version) {
		return true
	}
	for _, pr := range p.Provides {
		if pr.Name != a.Name {
			continue
		}
		v := p.Version
		if pr.Constraint.Op != 0 {
			v = pr.Constraint.Version
		}
		if a.Accepts(v) {
			return true
		}
	}
	return false
}

// comparePackages orders candidates of one name: newest version first, then
// higher architecture priority, then by architecture name.
func comparePackages(a, b *Package) int {
	if c := version.Compare(b.Version, a.Version); c != 0 {
		return c
	}
	if a.ArchPriority != b.ArchPriority {
		return b.ArchPriority - a.ArchPriority
	}
	return strings.Compare(a.Arch, b.Arch)
}
