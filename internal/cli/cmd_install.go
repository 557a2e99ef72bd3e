package cli

import (
	"context"
	"errors"
	"os"
	"strings"

	"pakt/internal/engine"
	"pakt/internal/output"
	"pakt/internal/solver"
)

// runInstall plans installing packages by name, glob, "name=ver",
// "name>=ver" or local .ipk file (opkg_install_cmd).
func runInstall(ctx context.Context, inv *invocation, args []string) error {
	return inv.plan(ctx, engine.PlanInstall, args)
}

// plan shows the plan of install, remove or upgrade under --noaction,
// and carries it out otherwise.
func (inv *invocation) plan(ctx context.Context, cmd engine.PlanCommand, args []string) error {
	if !inv.options.engine.NoAction {
		return inv.apply(ctx, cmd, args)
	}
	explain := inv.options.json || inv.engine.Verbosity() >= engine.Info
	res, err := inv.engine.Plan(ctx, engine.PlanRequest{Command: cmd, Args: args, Explain: explain})
	if res != nil {
		inv.say(res.Messages)
	}
	var pe *engine.PlanError
	if errors.As(err, &pe) {
		return inv.planFailed(pe)
	}
	if err != nil {
		return err
	}
	// lede's remove --force-depends says nothing of what it breaks; its
	// install says "Cannot satisfy" and carries on. JSON has "broken".
	broken := res.Plan.Broken
	if cmd == engine.PlanRemove {
		broken = nil
	}
	if inv.options.json {
		inv.brokenDependencies(broken)
		return inv.writeJSON(output.PlanDocument(res.Plan))
	}
	var b strings.Builder
	if err := output.PlanText(&b, res.Plan); err != nil {
		return err
	}
	inv.msgs.notice(b.String())
	inv.brokenDependencies(broken)
	return nil
}

// brokenDependencies reports what --force-depends leaves unmet as lede
// does when it carries on: its "Cannot satisfy" error per package, the
// relations under it, and success.
func (inv *invocation) brokenDependencies(broken []output.PlanNote) {
	for i, n := range broken {
		if i == 0 || broken[i-1].Package != n.Package {
			inv.msgs.error("satisfy_dependencies_for", "Cannot satisfy the following dependencies for "+n.Package+":\n")
		}
		if inv.msgs.shows(engine.Error) {
			inv.msgs.collected = append(inv.msgs.collected, "\t"+n.Relation+"\n")
		}
	}
}

// planFailed reports a request with no plan in opkg-lede's words for the
// same situation (opkg-compat.md §1.6), then pakt's explanation, one
// collected item a line. lede prints those items without a function name
// (opkg_message), and so does pakt.
func (inv *invocation) planFailed(pe *engine.PlanError) error {
	var un *solver.Unsatisfiable
	if !errors.As(pe.Err, &un) {
		return pe.Err
	}
	if inv.options.json {
		problem := &output.PlanProblemJSON{Kind: failureKind(un.Kind), Package: un.Package, Message: strings.SplitN(un.Error(), "\n", 2)[0], Items: un.Items, Why: un.Why}
		if err := inv.writeJSON(output.PlanProblemDocument(pe.Command.String(), problem)); err != nil {
			return err
		}
	}
	bare := func(text string) {
		if inv.msgs.shows(engine.Error) {
			inv.msgs.collected = append(inv.msgs.collected, text+"\n")
		}
	}
	why := func() {
		for _, w := range un.Why {
			bare(w)
		}
	}
	cannotInstall := func() {
		// lede's upgrade reports an unknown name on stdout only.
		if pe.Command == engine.PlanInstall {
			for _, a := range pe.Args {
				inv.msgs.error("opkg_install_cmd", "Cannot install package "+a+".\n")
			}
		}
	}
	switch un.Kind {
	case solver.UnknownPackage:
		inv.msgs.notice("Unknown package '" + un.Package + "'.\n")
		why()
		cannotInstall()
	case solver.UnmetDependencies:
		inv.msgs.error("satisfy_dependencies_for", "Cannot satisfy the following dependencies for "+un.Package+":\n")
		for _, it := range un.Items {
			bare("\t" + it)
		}
		why()
		cannotInstall()
	case solver.ConflictingPackages:
		inv.msgs.error("check_conflicts_for", "The following packages conflict with "+un.Package+":\n")
		for _, it := range un.Items {
			inv.msgs.error("check_conflicts_for", "\t"+it+"\n")
		}
		why()
		cannotInstall()
	case solver.NeededByOthers:
		const f = "print_dependents_warning"
		inv.msgs.error(f, "Package "+un.Package+" is depended upon by packages:\n")
		for _, it := range un.Items {
			inv.msgs.error(f, "\t"+it+"\n")
		}
		inv.msgs.error(f, "These might cease to work if package "+un.Package+" is removed.\n\n")
		inv.msgs.error(f, "Force removal of this package with --force-depends.\n")
		inv.msgs.error(f, "Force removal of this package and its dependents\n")
		inv.msgs.error(f, "with --force-removal-of-dependent-packages.\n")
		why()
		if pe.Command == engine.PlanRemove {
			inv.msgs.notice("No packages removed.\n")
		}
	case solver.EssentialPackage:
		inv.msgs.notice("Refusing to remove essential package " + un.Package + ".\n" +
			"\tRemoving an essential package may lead to an unusable system, but if\n" +
			"\tyou enjoy that kind of pain, you can force opkg to proceed against\n" +
			"\tits will with the option: --force-removal-of-essential-packages\n")
		why()
		if pe.Command == engine.PlanRemove {
			inv.msgs.notice("No packages removed.\n")
		}
	default:
		// pakt's own situations (a hold, an inconsistent installed set):
		// its text under the command's function.
		lines := strings.Split(un.Error(), "\n")
		inv.msgs.error(commandFunction(pe.Command), lines[0]+"\n")
		for _, l := range lines[1:] {
			bare(l)
		}
		cannotInstall()
	}
	return &exitStatusError{status: exitFailure}
}

// apply carries out a plan as one transaction, printing lede's progress
// lines as the engine goes.
func (inv *invocation) apply(ctx context.Context, cmd engine.PlanCommand, args []string) error {
	scriptOut := inv.stdout
	if inv.options.json {
		scriptOut = inv.stderr
	}
	p := &updateProgress{out: inv.stdout, width: 80}
	req := engine.ApplyRequest{
		PlanRequest: engine.PlanRequest{Command: cmd, Args: args},
		Emit: func(m engine.Message) {
			p.clear()
			inv.say([]engine.Message{m})
		},
		Stdout:  scriptOut,
		Stderr:  inv.stderr,
		Environ: os.Environ(),
	}
	if inv.terminal() && inv.msgs.shows(engine.Notice) && !inv.options.json {
		req.Progress = func(url string, done, total int64) {
			p.show(engine.UpdateProgress{URL: url, Done: done, Total: total})
		}
	}
	res, err := inv.engine.Apply(ctx, req)
	p.clear()
	var (
		pe       *engine.PlanError
		clash    *engine.FileClashError
		abort    *engine.ScriptAbortError
		config   *engine.ConfigureError
		download *engine.DownloadError
	)
	switch {
	case errors.As(err, &pe):
		return inv.planFailed(pe)
	case errors.As(err, &clash):
		for _, c := range clash.Clashes {
			owner := c.Owner
			if owner == "" {
				owner = "<no package>\nPlease move this file out of the way and try again."
			}
			// lede's second message of the pair starts a new item, so
			// the owner follows " * " on the same line.
			inv.msgs.error("check_data_file_clashes", "Package "+c.Package+" wants to install file "+c.File+"\n\tBut that file is already provided by package ")
			if inv.msgs.shows(engine.Error) {
				inv.msgs.collected = append(inv.msgs.collected, owner+"\n")
			}
		}
		for _, p := range clash.Packages() {
			inv.msgs.error(commandFunction(cmd), "Cannot install package "+p+".\n")
		}
		return &exitStatusError{status: exitFailure}
	case errors.As(err, &download):
		var bad *engine.ChecksumError
		if !errors.As(err, &bad) {
			inv.msgs.error("opkg_install_pkg", "Failed to download "+download.Package+". Perhaps you need to run 'opkg update'?\n")
		}
		for _, a := range args {
			inv.msgs.error(commandFunction(cmd), "Cannot install package "+a+".\n")
		}
		return &exitStatusError{status: exitFailure}
	case errors.As(err, &abort), errors.As(err, &config):
		// The engine has reported the script's failure in lede's words.
		return &exitStatusError{status: exitFailure}
	case err != nil:
		return err
	}
	if inv.options.json && res != nil && res.Plan != nil {
		return inv.writeJSON(output.PlanDocument(res.Plan))
	}
	return nil
}

func commandFunction(c engine.PlanCommand) string {
	switch c {
	case engine.PlanRemove:
		return "opkg_remove_cmd"
	case engine.PlanUpgrade:
		return "opkg_upgrade_cmd"
	}
	return "opkg_install_cmd"
}

// failureKind is the JSON word of a solver failure.
func failureKind(k solver.FailureKind) string {
	switch k {
	case solver.UnknownPackage:
		return "unknown_package"
	case solver.UnmetDependencies:
		return "unmet_dependencies"
	case solver.ConflictingPackages:
		return "conflicts"
	case solver.NeededByOthers:
		return "needed_by_others"
	case solver.EssentialPackage:
		return "essential"
	case solver.HeldPackage:
		return "held"
	case solver.InconsistentInstall:
		return "inconsistent"
	}
	return "unknown"
}
