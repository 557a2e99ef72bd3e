package engine

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"pakt/internal/output"
	"pakt/internal/pkginfo"
	"pakt/internal/relation"
	"pakt/internal/solver"
	"pakt/internal/version"
)

// Planning: install, remove and upgrade turn the command line into a
// solver.Request, show the solver the loaded world through a Universe
// (universe below), and return the solver's Plan ordered as opkg-lede would
// walk it. Applying a plan is the transactions' work (DESIGN.md §5); until
// then the cli shows plans under --noaction only.

// PlanCommand is the sub-command a plan answers.
type PlanCommand uint8

const (
	PlanInstall PlanCommand = iota + 1
	PlanRemove
	PlanUpgrade
)

func (c PlanCommand) String() string {
	switch c {
	case PlanInstall:
		return "install"
	case PlanRemove:
		return "remove"
	case PlanUpgrade:
		return "upgrade"
	}
	return "unknown"
}

// PlanRequest is one install, remove or upgrade command line.
type PlanRequest struct {
	Command PlanCommand
	// Args are the words after the sub-command: names, globs, "name=ver",
	// "name>=ver", local .ipk files (install, upgrade); globs on installed
	// names (remove). Upgrade without arguments upgrades everything.
	Args []string
	// Explain asks why each upgrade left behind does not fit (one more
	// solve each: the cli asks under -V2 and --json).
	Explain bool
}

// PlanResult is a computed plan.
type PlanResult struct {
	Messages []Message
	Plan     *output.Plan
	// Solved is the solver's answer and Request what it answered, for
	// callers that check or apply the plan.
	Solved   *solver.Plan
	Request  solver.Request
	Universe solver.Universe
}

// PlanError is a request with no plan: Err is a *solver.Unsatisfiable (or
// a *solver.BudgetError). Args are the command-line words the plan was
// for: opkg reports "Cannot install package <arg>." for each.
type PlanError struct {
	Command PlanCommand
	Args    []string
	Err     error
}

func (e *PlanError) Error() string { return e.Err.Error() }
func (e *PlanError) Unwrap() error { return e.Err }

// RequestError is a command-line word that cannot become a request: a
// malformed "name>=ver", a URL (not supported yet).
type RequestError struct {
	Arg string
	Err error
}

func (e *RequestError) Error() string { return fmt.Sprintf("%s: %v", e.Arg, e.Err) }
func (e *RequestError) Unwrap() error { return e.Err }

// Plan computes the plan of an install, remove or upgrade.
func (e *Engine) Plan(ctx context.Context, req PlanRequest) (*PlanResult, error) {
	// A removal needs no feed: lede's remove reads none, and install
	// reads them in its "need detail" mode, which keeps quiet about the
	// packages of other architectures; upgrade reads them whole, first.
	w, err := e.load(req.Command != PlanRemove)
	if err != nil {
		return &PlanResult{Messages: w.msgs}, err
	}
	res := &PlanResult{Messages: joinMsgs(w.msgs, w.statusNotices)}
	if req.Command == PlanUpgrade {
		res.Messages = joinMsgs(w.msgs, w.feedNotices, w.statusNotices)
	}
	dest, err := w.cfg.DefaultDest(e.opts.Dest)
	if err != nil {
		return res, err
	}
	u := newUniverse(w, dest.Name)
	sreq, err := e.solverRequest(ctx, u, req)
	if err != nil {
		return res, err
	}
	res.Request, res.Universe = sreq, u
	res.Plan = &output.Plan{Command: req.Command.String()}
	if req.Command == PlanRemove && len(sreq.Remove) == 0 {
		// lede: "No packages removed." and success (opkg_remove_cmd),
		// --autoremove or not: it removes orphans of what it removes.
		res.Plan.NothingRemoved = true
		return res, nil
	}
	plan, err := solver.Solve(u, sreq)
	res.Messages = append(res.Messages, u.problems...)
	if err != nil {
		return res, &PlanError{Command: req.Command, Args: req.Args, Err: err}
	}
	res.Solved = plan
	res.Plan = u.render(req.Command, sreq, plan, e.opts.NoAction)
	if req.Explain {
		for i := range res.Plan.Steps {
			st := &res.Plan.Steps[i]
			if st.Action != output.PlanHeld || st.Reason != "does_not_fit" {
				continue
			}
			var un *solver.Unsatisfiable
			if err := solver.WhyNot(u, sreq, st.Name, st.Version); errors.As(err, &un) {
				st.Why = strings.Split(un.Error(), "\n")
			}
		}
	}
	return res, nil
}

// solverRequest reads the command line.
func (e *Engine) solverRequest(ctx context.Context, u *universe, req PlanRequest) (solver.Request, error) {
	o := &e.opts
	sreq := solver.Request{
		RemoveDependents:     o.Force.RemovalOfDependentPackages,
		Autoremove:           o.Autoremove,
		NoRecommends:         o.NoInstallRecommends || o.NoDeps, // lede's --nodeps skips Recommends too
		ForceDepends:         o.Force.Depends,
		NoDeps:               o.NoDeps,
		ForceDowngrade:       o.Force.Downgrade,
		ForceReinstall:       o.Force.Reinstall,
		ForceRemoveEssential: o.Force.RemovalOfEssentialPackages,
		Exclude:              o.AddExclude,
	}
	install := func(arg string) error {
		atoms, err := e.installAtoms(ctx, u, arg)
		sreq.Install = append(sreq.Install, atoms...)
		return err
	}
	switch req.Command {
	case PlanInstall:
		for _, arg := range req.Args {
			if err := install(arg); err != nil {
				return sreq, err
			}
		}
	case PlanRemove:
		for _, arg := range req.Args {
			for _, name := range u.installedNames {
				if e.match(arg, name) && !slices.Contains(sreq.Remove, name) {
					sreq.Remove = append(sreq.Remove, name)
				}
			}
		}
	case PlanUpgrade:
		if len(req.Args) == 0 {
			sreq.UpgradeAll = true
		}
		for _, arg := range req.Args {
			matched := false
			if !isPackageFile(arg) && !strings.ContainsAny(arg, "<>=") {
				for _, name := range u.installedNames {
					if e.match(arg, name) {
						matched = true
						if !slices.Contains(sreq.Upgrade, name) {
							sreq.Upgrade = append(sreq.Upgrade, name)
						}
					}
				}
			}
			// lede's upgrade installs a name that is not installed
			// (opkg_upgrade_cmd falls back to opkg_install_by_name).
			if !matched {
				if err := install(arg); err != nil {
					return sreq, err
				}
			}
		}
	}
	return sreq, nil
}

func isPackageFile(arg string) bool {
	return strings.HasSuffix(arg, ".ipk") || strings.HasSuffix(arg, ".opk") || strings.HasSuffix(arg, ".deb")
}

// installAtoms reads one install argument: a local package file, a glob
// over the known names, "name<op>version", or a name.
func (e *Engine) installAtoms(ctx context.Context, u *universe, arg string) ([]relation.Atom, error) {
	switch {
	case strings.Contains(arg, "://"):
		return nil, &RequestError{Arg: arg, Err: errors.New("installing from a URL is not implemented yet; download the package and install the file")}
	case isPackageFile(arg):
		pf, err := readPackageFile(ctx, e.sys.Files, e.fsPath(arg), arg, false)
		if err != nil {
			return nil, err
		}
		p := u.addLocal(pf.pkg, arg)
		return []relation.Atom{{Name: p.Name, Constraint: relation.Constraint{Op: version.Equal, Version: p.Version}}}, nil
	case strings.ContainsAny(arg, "<>="):
		i := strings.IndexAny(arg, "<>=")
		j := i
		for j < len(arg) && strings.IndexByte("<>=", arg[j]) >= 0 {
			j++
		}
		text := arg[:i] + " (" + arg[i:j] + " " + arg[j:] + ")"
		groups, err := relation.ParseDepends("request", text)
		if err != nil || len(groups) != 1 || len(groups[0].Alts) != 1 || arg[:i] == "" || arg[j:] == "" {
			if err == nil {
				err = errors.New("want name, an operator (<< <= = >= >>) and a version")
			}
			return nil, &RequestError{Arg: arg, Err: err}
		}
		return []relation.Atom{groups[0].Alts[0]}, nil
	case strings.ContainsAny(arg, "*?["):
		var names []string
		u.w.available.Names(func(name string) {
			if e.match(arg, name) {
				names = append(names, name)
			}
		})
		for _, name := range u.installedNames {
			if e.match(arg, name) && !slices.Contains(names, name) {
				names = append(names, name)
			}
		}
		if len(names) == 0 {
			// The solver words it as opkg does: Unknown package '<glob>'.
			return []relation.Atom{{Name: arg}}, nil
		}
		sort.Strings(names)
		atoms := make([]relation.Atom, len(names))
		for i, n := range names {
			atoms[i] = relation.Atom{Name: n}
		}
		return atoms, nil
	}
	return []relation.Atom{{Name: arg}}, nil
}

// origin is where a solver package came from, for the plan's text.
type origin struct {
	feed     string // list name; "" when installed or local
	filename string
	abi      string
	dest     string // installed packages: their dest
	flags    pkginfo.Flags
	// index+1 of a feed package in the world's index (0: not from a feed);
	// local is a local package file's control, for applying the plan.
	index int
	local *pkginfo.Package
}

// universe is the solver's view of a loaded world: installed packages from
// the status files, available ones from the feed index (decoded when the
// solver first asks for a name), and local package files from the command
// line.
type universe struct {
	w              *world
	defaultDest    string
	installedList  []*solver.Package
	installed      map[string]*solver.Package
	installedNames []string // sorted
	installedProv  map[string][]*solver.Package
	feedPkgs       map[int]*solver.Package
	local          map[string][]*solver.Package
	localProv      map[string][]*solver.Package
	origins        map[*solver.Package]origin
	// problems are feed entries that did not decode: left out, reported.
	problems []Message
}

func newUniverse(w *world, defaultDest string) *universe {
	u := &universe{
		w:             w,
		defaultDest:   defaultDest,
		installed:     map[string]*solver.Package{},
		installedProv: map[string][]*solver.Package{},
		feedPkgs:      map[int]*solver.Package{},
		local:         map[string][]*solver.Package{},
		localProv:     map[string][]*solver.Package{},
		origins:       map[*solver.Package]origin{},
	}
	for _, p := range w.installed.Packages() {
		if !p.Installed() || u.installed[p.Name] != nil {
			continue
		}
		sp := u.convert(p.Package)
		sp.Installed = true
		sp.Hold = p.Status.Flags&pkginfo.FlagHold != 0
		sp.Auto = p.AutoInstalled
		u.installed[p.Name] = sp
		u.installedList = append(u.installedList, sp)
		u.installedNames = append(u.installedNames, p.Name)
		u.origins[sp] = origin{dest: p.Dest.Name, abi: p.ABIVersion, flags: p.Status.Flags}
		for _, a := range sp.Provides {
			if a.Name != sp.Name {
				u.installedProv[a.Name] = append(u.installedProv[a.Name], sp)
			}
		}
	}
	sort.Strings(u.installedNames)
	return u
}

func (u *universe) convert(p *pkginfo.Package) *solver.Package {
	prio, _ := u.w.cfg.ArchPriority(p.Architecture)
	return &solver.Package{
		Name: p.Name, Version: p.Version, Arch: p.Architecture, ArchPriority: prio,
		Depends: p.Depends, PreDepends: p.PreDepends, Recommends: p.Recommends,
		Suggests: p.Suggests, Conflicts: p.Conflicts, Provides: p.Provides, Replaces: p.Replaces,
		Essential: p.Essential,
	}
}

func (u *universe) feedPackage(i int) *solver.Package {
	if sp, ok := u.feedPkgs[i]; ok {
		return sp
	}
	x := &u.w.available
	p, err := x.Package(i)
	if err != nil {
		u.feedPkgs[i] = nil
		u.problems = append(u.problems, Message{Level: Error, Func: "pkg_hash_add_from_file", Text: err.Error()})
		return nil
	}
	sp := u.convert(p)
	u.feedPkgs[i] = sp
	u.origins[sp] = origin{feed: x.Lists()[x.Entry(i).List], filename: p.Filename, abi: p.ABIVersion, index: i + 1}
	return sp
}

func (u *universe) addLocal(p *pkginfo.Package, file string) *solver.Package {
	sp := u.convert(p)
	u.local[sp.Name] = append(u.local[sp.Name], sp)
	for _, a := range sp.Provides {
		if a.Name != sp.Name {
			u.localProv[a.Name] = append(u.localProv[a.Name], sp)
		}
	}
	u.origins[sp] = origin{filename: file, abi: p.ABIVersion, local: p}
	return sp
}

func (u *universe) Installed() []*solver.Package { return u.installedList }

func (u *universe) Named(name string) []*solver.Package {
	var out []*solver.Package
	if p := u.installed[name]; p != nil {
		out = append(out, p)
	}
	for _, i := range u.w.available.Named(name) {
		if sp := u.feedPackage(i); sp != nil {
			out = append(out, sp)
		}
	}
	return append(out, u.local[name]...)
}

func (u *universe) Providers(name string) []*solver.Package {
	out := slices.Clone(u.installedProv[name])
	for _, i := range u.w.available.Providers(name) {
		if sp := u.feedPackage(i); sp != nil {
			out = append(out, sp)
		}
	}
	return append(out, u.localProv[name]...)
}

// ledeFlags is a Status flag word as lede's state_flag holds it (pkg.h:
// SF_REINSTREQ 1, SF_HOLD 2, SF_REPLACE 4, SF_NOPRUNE 8, SF_PREFER 16,
// SF_OBSOLETE 32, SF_USER 256).
func ledeFlags(f pkginfo.Flags) uint32 {
	var v uint32
	for _, m := range []struct {
		f pkginfo.Flags
		v uint32
	}{{pkginfo.FlagReinstReq, 1}, {pkginfo.FlagHold, 2}, {pkginfo.FlagReplace, 4}, {pkginfo.FlagNoPrune, 8},
		{pkginfo.FlagPrefer, 16}, {pkginfo.FlagObsolete, 32}, {pkginfo.FlagUser, 256}} {
		if f&m.f != 0 {
			v |= m.v
		}
	}
	return v
}

// reasonWords are the JSON words of solver reasons.
var reasonWords = map[solver.ReasonKind]string{
	solver.Requested:   "requested",
	solver.Dependency:  "dependency",
	solver.Recommended: "recommended",
	solver.Replaced:    "replaced",
	solver.Dependent:   "dependent",
	solver.Orphaned:    "orphaned",
	solver.Needed:      "needed",
}

func (u *universe) step(a output.PlanAction, s solver.Step) output.PlanStep {
	p := s.Package
	o := u.origins[p]
	dest := o.dest
	if s.From != nil {
		dest = u.origins[s.From].dest
	}
	if dest == "" {
		dest = u.defaultDest
	}
	st := output.PlanStep{
		Action: a, Name: p.Name, Version: p.Version, Architecture: p.Arch,
		Dest: dest, Feed: o.feed, Filename: o.filename,
		Reason: reasonWords[s.Reason.Kind], By: s.Reason.By, Auto: s.Auto,
	}
	if s.From != nil {
		st.OldVersion = s.From.Version
	}
	return st
}

// render orders the plan as lede's walk prints it. Removals the request
// asked for come first, dependents before what they depend on (lede
// removes the dependents of a package, then the package). Installs and
// upgrades follow from each requested package: the package, then its
// dependencies (Pre-Depends, Depends, Recommends in field order) depth
// first, each one's own dependencies before it; a package replaced by a
// new one is removed after the new one's dependencies
// (pkg_remove_installed_replacees).
// Orphans go last, with lede's "was autoinstalled" line. noAction says
// whether nothing will be installed (--noaction), which changes how lede
// words a package named again (output.PlanStep.Repeat).
func (u *universe) render(cmd PlanCommand, req solver.Request, plan *solver.Plan, noAction bool) *output.Plan {
	out := &output.Plan{Command: cmd.String()}
	changed := map[string]output.PlanAction{}
	steps := map[string]solver.Step{}
	for _, s := range plan.Install {
		changed[s.Package.Name], steps[s.Package.Name] = output.PlanInstall, s
	}
	for _, s := range plan.Upgrade {
		a := output.PlanUpgrade
		if s.From != nil && versionLess(s.Package.Version, s.From.Version) {
			a = output.PlanDowngrade
		}
		changed[s.Package.Name], steps[s.Package.Name] = a, s
	}
	for _, s := range plan.Reinstall {
		changed[s.Package.Name], steps[s.Package.Name] = output.PlanReinstall, s
	}
	replacedBy := map[string][]solver.Step{}
	var removals, orphans []solver.Step
	for _, s := range plan.Remove {
		switch s.Reason.Kind {
		case solver.Orphaned:
			orphans = append(orphans, s)
		case solver.Replaced:
			if _, ok := changed[s.Reason.By]; ok {
				replacedBy[s.Reason.By] = append(replacedBy[s.Reason.By], s)
				continue
			}
			removals = append(removals, s)
		default:
			removals = append(removals, s)
		}
	}
	// lede removes the orphans of a package right after it
	// (remove_autoinstalled, pkg_remove_orphan_dependent): follow the
	// removed or replaced version's dependencies to the orphans.
	orphanSteps := map[string]solver.Step{}
	for _, s := range orphans {
		orphanSteps[s.Package.Name] = s
	}
	orphaned := map[string]bool{}
	var orphansOf func(p *solver.Package)
	orphansOf = func(p *solver.Package) {
		for _, groups := range [][]relation.Group{p.PreDepends, p.Depends} {
			for _, g := range groups {
				for _, a := range g.Alts {
					if o, ok := orphanSteps[a.Name]; ok && !orphaned[a.Name] {
						orphaned[a.Name] = true
						out.Steps = append(out.Steps, u.step(output.PlanOrphan, o))
						orphansOf(o.Package)
					}
				}
			}
		}
	}
	for _, s := range orderRemovals(removals, req.Remove) {
		out.Steps = append(out.Steps, u.step(output.PlanRemove, s))
		orphansOf(s.Package)
	}

	final := map[string]*solver.Package{}
	provided := map[string][]*solver.Package{}
	for _, p := range plan.Final {
		final[p.Name] = p
		for _, pa := range p.Provides {
			provided[pa.Name] = append(provided[pa.Name], p)
		}
	}
	// meets finds the changed package that meets an atom, by name first.
	meets := func(a relation.Atom) string {
		if _, ok := changed[a.Name]; ok {
			return a.Name
		}
		for _, p := range provided[a.Name] {
			if _, ok := changed[p.Name]; ok {
				return p.Name
			}
		}
		return ""
	}
	// lede installs a requested package in three moves (opkg_install_pkg):
	// it announces it, collects every dependency not met yet, depth first
	// with each dependency's own before it (pkg_hash_fetch_unsatisfied_
	// dependencies), installs those in that order, then drops the old
	// version's orphans and the packages the new one replaces.
	visited := map[string]bool{}
	var collect func(p *solver.Package, into *[]string)
	collect = func(p *solver.Package, into *[]string) {
		for _, groups := range [][]relation.Group{p.PreDepends, p.Depends, p.Recommends} {
			for _, g := range groups {
				for _, alt := range g.Alts {
					if n := meets(alt); n != "" {
						if !visited[n] {
							visited[n] = true
							collect(steps[n].Package, into)
							*into = append(*into, n)
						}
						break
					}
				}
			}
		}
	}
	finish := func(name string) {
		s := steps[name]
		if s.From != nil {
			orphansOf(s.From)
		}
		for _, r := range replacedBy[name] {
			out.Steps = append(out.Steps, u.step(output.PlanRemove, r))
			orphansOf(r.Package)
		}
	}
	visit := func(name string) {
		a, ok := changed[name]
		if !ok || visited[name] {
			return
		}
		visited[name] = true
		root := u.step(a, steps[name])
		out.Steps = append(out.Steps, root)
		var deps []string
		if !req.NoDeps {
			collect(steps[name].Package, &deps)
		}
		for _, n := range deps {
			st := u.step(changed[n], steps[n])
			if steps[n].From == nil {
				// lede: "Dependencies should be installed the same
				// place as pkg" (satisfy_dependencies_for).
				st.Dest = root.Dest
			}
			out.Steps = append(out.Steps, st)
			finish(n)
		}
		finish(name)
	}
	var roots []string
	for _, a := range req.Install {
		if n := meets(a); n != "" {
			roots = append(roots, n)
		}
	}
	installRoots := len(roots)
	roots = append(roots, req.Upgrade...)
	asRoot := map[string]bool{}
	for i, n := range roots {
		if i < installRoots && visited[n] && !asRoot[n] {
			// Brought in by an earlier argument's dependencies.
			if a, ok := changed[n]; ok {
				if !noAction {
					a = output.PlanUpToDate
				}
				st := u.step(a, steps[n])
				st.Repeat = true
				out.Steps = append(out.Steps, st)
			}
		}
		asRoot[n] = true
		visit(n)
	}
	// What no requested package leads to (upgrade-all, packages changed to
	// make room), by name.
	var rest []string
	for n := range changed {
		if !visited[n] {
			rest = append(rest, n)
		}
	}
	sort.Strings(rest)
	for _, n := range rest {
		visit(n)
	}
	for _, s := range orphans {
		if !orphaned[s.Package.Name] {
			out.Steps = append(out.Steps, u.step(output.PlanOrphan, s))
		}
	}
	heldBack := func(name string) bool {
		return slices.ContainsFunc(plan.HeldBack, func(h solver.HeldBack) bool { return h.Package.Name == name })
	}
	said := map[string]bool{}
	for _, a := range req.Install {
		if meets(a) != "" || said[a.Name] {
			continue
		}
		said[a.Name] = true
		if p := final[a.Name]; p != nil && p == u.installed[a.Name] {
			if !heldBack(a.Name) {
				out.Steps = append(out.Steps, u.step(output.PlanUpToDate, solver.Step{Package: p, Reason: solver.Reason{Kind: solver.Requested}}))
			}
			continue
		}
		// Met by an installed package of another name (a provider):
		// lede's "is already installed".
		for _, p := range provided[a.Name] {
			if p == u.installed[p.Name] {
				out.Steps = append(out.Steps, u.step(output.PlanAlreadyInstalled, solver.Step{Package: p, Reason: solver.Reason{Kind: solver.Requested}}))
				break
			}
		}
	}
	for _, h := range plan.HeldBack {
		st := u.step(output.PlanHeld, solver.Step{Package: h.Newest, From: h.Package, Reason: solver.Reason{Kind: solver.Requested}})
		st.Reason = "does_not_fit"
		if h.Package.Hold {
			st.Reason = "held"
			// lede marks the names on the command line SF_NEED_DETAIL
			// (0x200) before it looks at them, and prints that too.
			st.LedeFlags = ledeFlags(u.origins[h.Package].flags) | 0x200
		}
		out.Steps = append(out.Steps, st)
	}
	for _, n := range plan.Suggested {
		note := output.PlanNote{Package: n.Package.Name, Relation: relation.Format([]relation.Group{n.Relation})}
		for _, alt := range n.Relation.Alts {
			if len(u.Named(alt.Name)) > 0 {
				note.Satisfier = alt.Name
				break
			}
			if ps := u.Providers(alt.Name); len(ps) > 0 {
				note.Satisfier = ps[0].Name
				break
			}
		}
		out.Suggested = append(out.Suggested, note)
	}
	for _, n := range plan.Broken {
		out.Broken = append(out.Broken, output.PlanNote{Package: n.Package.Name, Relation: relation.Format([]relation.Group{n.Relation})})
	}
	return out
}

// orderRemovals puts each package before the removed packages it depends
// on; otherwise the names the command line gave come first, in its order
// (lede removes argument by argument), then the others by name.
func orderRemovals(steps []solver.Step, requested []string) []solver.Step {
	rank := func(name string) int {
		if i := slices.Index(requested, name); i >= 0 {
			return i
		}
		return len(requested)
	}
	sort.Slice(steps, func(i, j int) bool {
		a, b := steps[i].Package.Name, steps[j].Package.Name
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		return a < b
	})
	byName := map[string]int{}
	for i, s := range steps {
		byName[s.Package.Name] = i
	}
	// dependents[i]: removed packages that depend on steps[i].
	dependents := make([][]int, len(steps))
	for i, s := range steps {
		for _, groups := range [][]relation.Group{s.Package.PreDepends, s.Package.Depends} {
			for _, g := range groups {
				for _, a := range g.Alts {
					if j, ok := byName[a.Name]; ok && j != i {
						dependents[j] = append(dependents[j], i)
					}
				}
			}
		}
	}
	var out []solver.Step
	done := make([]bool, len(steps))
	var place func(i int)
	place = func(i int) {
		if done[i] {
			return
		}
		done[i] = true
		for _, d := range dependents[i] {
			place(d)
		}
		out = append(out, steps[i])
	}
	for i := range steps {
		place(i)
	}
	return out
}

var _ solver.Universe = (*universe)(nil)

func versionLess(a, b string) bool { return version.Compare(a, b) < 0 }
