package solver

import (
	"pakt/internal/relation"
)

// Request is what the user asked for, with the options that change the rules.
type Request struct {
	// Install lists the packages wanted: a name (or a provided name), or a
	// name with a constraint ("foo=1.2" is {foo (= 1.2)}, "foo>=1.2" is
	// {foo (>= 1.2)}). An installed target with a newer version available is
	// upgraded, as opkg's install does.
	Install []relation.Atom
	// Remove lists installed package names to remove.
	Remove []string
	// Upgrade lists installed package names to bring to the newest version
	// that fits; UpgradeAll names every installed package.
	Upgrade    []string
	UpgradeAll bool

	// RemoveDependents lets the removal of a package also remove the
	// installed packages that need it (--force-removal-of-dependent-packages);
	// without it such a removal fails.
	RemoveDependents bool
	// Autoremove removes auto-installed packages nothing needs any more.
	Autoremove bool
	// NoRecommends ignores Recommends (--no-install-recommends).
	NoRecommends bool
	// ForceDepends lets dependencies stay unmet when they cannot be met
	// (--force-depends); the plan lists them in Broken.
	ForceDepends bool
	// NoDeps ignores the dependencies of the packages installed or upgraded
	// (--nodeps).
	NoDeps bool
	// ForceDowngrade allows installing a version older than the installed one.
	ForceDowngrade bool
	// ForceReinstall reinstalls requested packages that are installed already
	// at the chosen version.
	ForceReinstall bool
	// ForceHold lets held packages change.
	ForceHold bool
	// ForceRemoveEssential lets essential packages be removed.
	ForceRemoveEssential bool
	// Exclude lists names that must not be installed from the feeds
	// (--add-exclude); installed packages of those names stay.
	Exclude []string

	// MaxConflicts bounds the search (0: a default); an exhausted budget is
	// an error, never a wrong answer.
	MaxConflicts int
}

// ReasonKind says why a plan step happens.
type ReasonKind uint8

const (
	Requested   ReasonKind = iota + 1 // named in the request
	Dependency                        // By needs it
	Recommended                       // By recommends it
	Replaced                          // By replaces and conflicts with it
	Dependent                         // removed because it needs By, which is removed
	Orphaned                          // auto-installed and needed by nothing any more
	Needed                            // changed to let the rest of the plan work
)

var reasonNames = [...]string{"", "requested", "dependency of", "recommended by", "replaced by", "needs", "orphaned", "needed"}

func (k ReasonKind) String() string {
	if int(k) < len(reasonNames) {
		return reasonNames[k]
	}
	return "unknown"
}

// Reason is why one step of a plan happens.
type Reason struct {
	Kind ReasonKind
	By   string // the package the reason points at, if any
}

func (r Reason) String() string {
	if r.By == "" {
		return r.Kind.String()
	}
	return r.Kind.String() + " " + r.By
}

// Step is one change of a plan. For an install, Package is the new
// package; for an upgrade (or downgrade) From is the installed one too; for a
// removal Package is the installed one.
type Step struct {
	Package *Package
	From    *Package
	Reason  Reason
	Auto    bool // installed as a dependency (opkg's auto-installed flag)
}

// Plan is the solver's answer: the changes that take the installed set to
// the chosen one.
type Plan struct {
	Install   []Step
	Upgrade   []Step // includes downgrades under ForceDowngrade
	Reinstall []Step
	Remove    []Step
	// Suggested lists Suggests of newly installed packages that stay unmet.
	Suggested []Unmet
	// Broken lists dependencies left unmet under ForceDepends.
	Broken []Unmet
	// HeldBack lists installed packages the request named for an upgrade
	// (install of an installed name, upgrade, upgrade-all) that stay below the
	// newest version the feeds have: held, or the newer version does not fit.
	HeldBack []HeldBack
	// Final is the whole installed set after the plan, sorted by name.
	Final []*Package
}

// HeldBack is a named package left below the newest feed version.
type HeldBack struct {
	Package *Package // the version in the final set
	Newest  *Package // the newest feed version
}

// Unmet is a relation of a package that the plan leaves unmet.
type Unmet struct {
	Package  *Package
	Relation relation.Group
}

// Empty reports whether the plan changes nothing.
func (p *Plan) Empty() bool {
	return len(p.Install)+len(p.Upgrade)+len(p.Reinstall)+len(p.Remove) == 0
}
