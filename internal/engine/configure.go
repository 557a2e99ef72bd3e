package engine

import (
	"context"
	"errors"
	"sort"
	"strconv"

	"pakt/internal/maintscript"

	"pakt/internal/pkginfo"
	"pakt/internal/relation"
	"pakt/internal/statusdb"
	"pakt/internal/txn"
)

// Configuring is opkg's deferred pass: every package left "unpacked" (by
// this transaction, by an interrupted one rolled forward, or by a postinst
// that failed earlier) has its postinst run with "configure", dependencies
// first, and is then recorded "installed". Under an offline root without
// --force-postinstall the scripts are skipped and the packages recorded
// installed all the same, as opkg-lede does.

// configurePending configures the unpacked packages named (all of them when
// names is nil) and returns those whose postinst failed. upgraded names the
// packages this transaction upgraded: their postinst sees PKG_UPGRADE=1,
// as under lede, which configures them in the same run that unpacked them.
func (r *applyRun) configurePending(ctx context.Context, names []string, upgraded map[string]bool) ([]string, error) {
	w, err := r.e.load(false)
	if err != nil {
		return nil, err
	}
	want := map[string]bool{}
	for _, n := range names {
		want[n] = true
	}
	var pending []*statusdb.Package
	for _, p := range w.installed.Packages() {
		if p.Status.State != pkginfo.StateUnpacked || p.Status.Want != pkginfo.WantInstall {
			continue
		}
		if names != nil && !want[p.Name] {
			continue
		}
		pending = append(pending, p)
	}
	if len(pending) == 0 {
		return nil, nil
	}
	var failed []string
	done := map[*statusdb.Package]bool{}
	for _, p := range configureOrder(pending) {
		r.notice("Configuring %s.", p.Name)
		if err := r.runInstalled(ctx, p, "postinst", []string{"configure"}, upgraded[p.Name]); err != nil {
			r.emit(Message{Level: Error, Func: "opkg_configure", Text: p.Name + ".postinst returned " + scriptStatus(err) + "."})
			failed = append(failed, p.Name)
			continue
		}
		done[p] = true
	}
	if r.scripts != nil {
		if err := r.scripts.RunDeferred(ctx); err != nil {
			r.emit(Message{Level: Error, Func: "opkg_configure", Text: err.Error()})
		}
	}
	if len(done) == 0 {
		return failed, &ConfigureError{Packages: failed}
	}
	var ops []txn.Op
	for _, d := range w.installed.Dests() {
		var pkgs []*pkginfo.Package
		changed := false
		for _, p := range w.installed.Packages() {
			if p.Dest != d {
				continue
			}
			if done[p] {
				q := *p.Package
				q.Status.State = pkginfo.StateInstalled
				pkgs = append(pkgs, &q)
				changed = true
				continue
			}
			pkgs = append(pkgs, p.Package)
		}
		if !changed {
			continue
		}
		data, err := renderStatus(pkgs)
		if err != nil {
			return failed, err
		}
		ops = append(ops, txn.Database(r.rootName(d.StatusFile), data))
	}
	t, err := txn.New(r.rfs, ops, txn.Options{Crash: r.crash, ForceSpace: r.e.opts.Force.Space})
	if err == nil {
		err = t.Run()
	}
	var cleanupErr *txn.CleanupError
	if err != nil && !errors.As(err, &cleanupErr) {
		var names []string
		for _, p := range configureOrder(pending) {
			if done[p] {
				names = append(names, p.Name)
			}
		}
		return failed, &RecordConfiguredError{Packages: names, Err: err}
	}
	if err != nil {
		return failed, err
	}
	if len(failed) > 0 {
		return failed, &ConfigureError{Packages: failed}
	}
	return nil, nil
}

// configureOrder puts dependencies before their dependents (depth first,
// in the given order otherwise).
func configureOrder(pkgs []*statusdb.Package) []*statusdb.Package {
	byName := map[string]*statusdb.Package{}
	for _, p := range pkgs {
		byName[p.Name] = p
		for _, a := range p.Provides {
			if byName[a.Name] == nil {
				byName[a.Name] = p
			}
		}
	}
	seen := map[*statusdb.Package]bool{}
	var out []*statusdb.Package
	var visit func(p *statusdb.Package)
	visit = func(p *statusdb.Package) {
		if seen[p] {
			return
		}
		seen[p] = true
		var deps []string
		for _, groups := range [][]relation.Group{p.PreDepends, p.Depends} {
			for _, g := range groups {
				for _, a := range g.Alts {
					deps = append(deps, a.Name)
				}
			}
		}
		sort.Strings(deps)
		for _, d := range deps {
			if q := byName[d]; q != nil {
				visit(q)
			}
		}
		out = append(out, p)
	}
	for _, p := range pkgs {
		visit(p)
	}
	return out
}

// configure ends a transaction: the new packages are configured (or, when
// scripts do not run, only announced as lede does: it records them
// installed at once).
func (r *applyRun) configure(ctx context.Context, ch *changes) ([]string, error) {
	var names []string
	upgraded := map[string]bool{}
	var announce []*statusdb.Package
	for _, np := range r.news {
		if np.configure {
			names = append(names, np.sp.info.Name)
			upgraded[np.sp.info.Name] = np.old != nil
		} else {
			announce = append(announce, &statusdb.Package{Package: np.status, Dest: np.dest})
		}
	}
	for _, p := range configureOrder(announce) {
		r.notice("Configuring %s.", p.Name)
		r.emit(Message{Level: Info, Func: "pkg_run_script", Text: "Offline root mode: not running " + p.Name + ".postinst."})
	}
	if len(names) == 0 {
		return nil, nil
	}
	return r.configurePending(ctx, names, upgraded)
}

// scriptStatus is a script failure's exit status as lede prints it.
func scriptStatus(err error) string {
	var se *maintscript.ScriptError
	if errors.As(err, &se) {
		return strconv.Itoa(se.Status)
	}
	return "-1"
}

// recoverLocked finishes or undoes an interrupted transaction, then
// configures what a rolled-forward one left unpacked. The lock is held.
func (e *Engine) recoverLocked(ctx context.Context, r *applyRun) (txn.Report, error) {
	rep, err := txn.Recover(r.rfs, r.crash)
	if err != nil {
		return rep, err
	}
	if rep.Action != txn.Nothing {
		r.notice("%s", recoveredText(rep))
	}
	if rep.Action == txn.RolledForward {
		if _, err := r.configurePending(ctx, nil, nil); err != nil {
			var ce *ConfigureError
			if !errors.As(err, &ce) {
				return rep, err
			}
		}
	}
	return rep, nil
}

// recoveredText says what recovery did, for the user.
func recoveredText(rep txn.Report) string {
	if rep.Action == txn.RolledBack {
		return "Rolled back an interrupted transaction (" + rep.TxID + "): nothing of it was applied."
	}
	return "Completed an interrupted transaction (" + rep.TxID + ")."
}
