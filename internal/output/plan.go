package output

import (
	"fmt"
	"io"
	"strings"
)

// A plan (install, remove, upgrade with --noaction) is shown as opkg-lede
// shows the same work: one line per package in the order lede's walk would
// reach it (opkg_install.c, opkg_remove.c, opkg_upgrade.c). The engine
// decides the order; PlanText only spells each step. lede prints no
// "Configuring" lines under --noaction (nothing was unpacked), and neither
// does pakt.

// PlanAction is what one step of a plan does to a package.
type PlanAction uint8

const (
	PlanInstall   PlanAction = iota + 1 // a new package
	PlanUpgrade                         // a newer version replaces the installed one
	PlanDowngrade                       // an older version, under --force-downgrade
	PlanReinstall                       // the same version again, under --force-reinstall
	PlanRemove                          // an installed package goes
	PlanOrphan                          // an auto-installed package nothing needs goes (--autoremove)
	PlanUpToDate                        // asked for, installed, nothing to do
	PlanHeld                            // asked to upgrade, held: stays
	// PlanAlreadyInstalled: asked for a name an installed package of
	// another name provides; nothing to do.
	PlanAlreadyInstalled
)

var planActionNames = [...]string{"", "install", "upgrade", "downgrade", "reinstall", "remove", "remove", "up_to_date", "held", "up_to_date"}

func (a PlanAction) String() string {
	if int(a) < len(planActionNames) {
		return planActionNames[a]
	}
	return "unknown"
}

// PlanStep is one line of a plan.
type PlanStep struct {
	Action       PlanAction
	Name         string
	Version      string // as written; the installed one for removals
	OldVersion   string // upgrades and downgrades: the installed version
	Architecture string
	Dest         string // the dest name ("root")
	Feed         string // the list it comes from; "" for installed or local packages
	Filename     string // in the feed, or the local .ipk given
	// Reason is why the step happens: requested, dependency, recommended,
	// replaced, dependent, orphaned, needed; By names the package the
	// reason points at.
	Reason string
	By     string
	Auto   bool // recorded as auto-installed
	// LedeFlags is the held package's flag word as lede prints it in
	// "Not upgrading package … (flags=0x2)".
	LedeFlags uint32
	// Why explains a held-back upgrade that does not fit, one line each
	// (when asked for).
	Why []string
	// Repeat marks a line lede prints about a package a second time: one
	// named on the command line after another whose dependencies brought
	// it in (lede installs argument by argument; it then finds it up to
	// date, or under --noaction installs it again in words). The JSON
	// document leaves it out, and nothing is done for it.
	Repeat bool
}

// PlanNote is a relation the plan leaves unmet on purpose: a suggestion
// (reported, never installed) or, under --force-depends, a broken
// dependency.
type PlanNote struct {
	Package   string
	Relation  string // as written, "libfoo (>= 2)"
	Satisfier string // suggestions: a package that could meet it, if any
}

// Plan is a computed plan, ready to print.
type Plan struct {
	Command   string // install, remove, upgrade
	Steps     []PlanStep
	Suggested []PlanNote
	Broken    []PlanNote
	// NothingRemoved is remove's "No packages removed." (no argument
	// matched an installed package).
	NothingRemoved bool
}

// PlanText writes the plan as opkg-lede's NOTICE lines.
func PlanText(w io.Writer, p *Plan) error {
	e := &errWriter{w: w}
	for _, n := range p.Suggested {
		if n.Satisfier != "" {
			e.str(fmt.Sprintf("package %s suggests installing %s\n", n.Package, n.Satisfier))
		}
	}
	for i := range p.Steps {
		s := &p.Steps[i]
		switch s.Action {
		case PlanInstall:
			e.str(fmt.Sprintf("Installing %s (%s) to %s...\n", s.Name, ledeVersion(s.Version), s.Dest))
		case PlanUpgrade:
			e.str(fmt.Sprintf("Upgrading %s on %s from %s to %s...\n", s.Name, s.Dest, ledeVersion(s.OldVersion), ledeVersion(s.Version)))
		case PlanDowngrade:
			e.str(fmt.Sprintf("Downgrading %s on %s from %s to %s...\n", s.Name, s.Dest, ledeVersion(s.OldVersion), ledeVersion(s.Version)))
		case PlanReinstall:
			// lede's --force-reinstall removes the package, then installs it.
			e.str(fmt.Sprintf("Removing package %s from %s...\n", s.Name, s.Dest))
			e.str(fmt.Sprintf("Installing %s (%s) to %s...\n", s.Name, ledeVersion(s.Version), s.Dest))
		case PlanRemove:
			e.str(fmt.Sprintf("Removing package %s from %s...\n", s.Name, s.Dest))
		case PlanOrphan:
			e.str(fmt.Sprintf("%s was autoinstalled and is now orphaned, removing.\n", s.Name))
			e.str(fmt.Sprintf("Removing package %s from %s...\n", s.Name, s.Dest))
		case PlanUpToDate:
			e.str(fmt.Sprintf("Package %s (%s) installed in %s is up to date.\n", s.Name, ledeVersion(s.Version), s.Dest))
		case PlanAlreadyInstalled:
			e.str(fmt.Sprintf("Package %s is already installed on %s.\n", s.Name, s.Dest))
		case PlanHeld:
			if s.LedeFlags != 0 {
				e.str(fmt.Sprintf("Not upgrading package %s which is marked hold (flags=%#x).\n", s.Name, s.LedeFlags))
			} else {
				// pakt's own words: lede would take the newer version and break something.
				e.str(fmt.Sprintf("Not upgrading package %s on %s from %s to %s: that version does not fit.\n", s.Name, s.Dest, ledeVersion(s.OldVersion), ledeVersion(s.Version)))
				for _, w := range s.Why {
					e.str("\t" + w + "\n")
				}
			}
		}
	}
	if p.NothingRemoved {
		e.str("No packages removed.\n")
	}
	return e.err
}

// ledeVersion is a version as lede prints it (pkg_version_str_alloc): an
// epoch of 0 is not shown.
func ledeVersion(v string) string {
	if i := strings.IndexByte(v, ':'); i > 0 && strings.Trim(v[:i], "0") == "" {
		return v[i+1:]
	}
	return v
}

// TypePlan is the document of install, remove and upgrade with --noaction.
const TypePlan = "plan"

// PlanStepJSON is one package of a plan document.
type PlanStepJSON struct {
	Name         string `json:"name"`
	Version      string `json:"version"`
	OldVersion   string `json:"old_version,omitempty"`
	Architecture string `json:"architecture,omitempty"`
	Dest         string `json:"dest"`
	Feed         string `json:"feed,omitempty"`
	Filename     string `json:"filename,omitempty"`
	Reason       string `json:"reason"`
	By           string `json:"by,omitempty"`
	Auto         bool   `json:"auto_installed,omitempty"`
	// Why: held_back steps that do not fit, the solver's explanation.
	Why []string `json:"why,omitempty"`
}

// PlanNoteJSON is a relation left unmet.
type PlanNoteJSON struct {
	Package   string `json:"package"`
	Relation  string `json:"relation"`
	Satisfier string `json:"satisfier,omitempty"`
}

// PlanProblemJSON is why there is no plan (a *solver.Unsatisfiable):
// opkg's first line, its items, then pakt's explanation, one step a line.
type PlanProblemJSON struct {
	Kind    string   `json:"kind"`
	Package string   `json:"package"`
	Message string   `json:"message"`
	Items   []string `json:"items"`
	Why     []string `json:"why"`
}

// PlanDoc is the plan document. The arrays are in the order the text
// prints them; all are present, possibly empty. Problem is set (and the
// arrays empty) when no plan exists.
type PlanDoc struct {
	MessageType string           `json:"message_type"` // TypePlan
	Command     string           `json:"command"`
	Install     []PlanStepJSON   `json:"install"`
	Upgrade     []PlanStepJSON   `json:"upgrade"` // downgrades too: version < old_version
	Reinstall   []PlanStepJSON   `json:"reinstall"`
	Remove      []PlanStepJSON   `json:"remove"`
	UpToDate    []PlanStepJSON   `json:"up_to_date"`
	HeldBack    []PlanStepJSON   `json:"held_back"`
	Suggested   []PlanNoteJSON   `json:"suggested"`
	Broken      []PlanNoteJSON   `json:"broken"`
	Problem     *PlanProblemJSON `json:"problem,omitempty"`
}

// PlanDocument turns a plan into its document.
func PlanDocument(p *Plan) *PlanDoc {
	d := &PlanDoc{
		MessageType: TypePlan, Command: p.Command,
		Install: []PlanStepJSON{}, Upgrade: []PlanStepJSON{}, Reinstall: []PlanStepJSON{},
		Remove: []PlanStepJSON{}, UpToDate: []PlanStepJSON{}, HeldBack: []PlanStepJSON{},
		Suggested: []PlanNoteJSON{}, Broken: []PlanNoteJSON{},
	}
	for _, s := range p.Steps {
		if s.Repeat {
			continue
		}
		j := PlanStepJSON{Name: s.Name, Version: s.Version, OldVersion: s.OldVersion, Architecture: s.Architecture,
			Dest: s.Dest, Feed: s.Feed, Filename: s.Filename, Reason: s.Reason, By: s.By, Auto: s.Auto, Why: s.Why}
		switch s.Action {
		case PlanInstall:
			d.Install = append(d.Install, j)
		case PlanUpgrade, PlanDowngrade:
			d.Upgrade = append(d.Upgrade, j)
		case PlanReinstall:
			d.Reinstall = append(d.Reinstall, j)
		case PlanRemove, PlanOrphan:
			d.Remove = append(d.Remove, j)
		case PlanUpToDate, PlanAlreadyInstalled:
			d.UpToDate = append(d.UpToDate, j)
		case PlanHeld:
			d.HeldBack = append(d.HeldBack, j)
		}
	}
	for _, n := range p.Suggested {
		d.Suggested = append(d.Suggested, PlanNoteJSON(n))
	}
	for _, n := range p.Broken {
		d.Broken = append(d.Broken, PlanNoteJSON(n))
	}
	return d
}

// PlanProblemDocument is the document of a request with no plan.
func PlanProblemDocument(command string, problem *PlanProblemJSON) *PlanDoc {
	d := PlanDocument(&Plan{Command: command})
	if problem.Items == nil {
		problem.Items = []string{}
	}
	if problem.Why == nil {
		problem.Why = []string{}
	}
	d.Problem = problem
	return d
}
