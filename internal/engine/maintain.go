package engine

import (
	"context"

	"pakt/internal/pkginfo"
	"pakt/internal/txn"
)

// The commands that change the database without a plan: flag, configure
// and pakt's recover. Each takes opkg's lock and recovers an interrupted
// transaction first, like every command that writes.

// MaintainRequest is a flag, configure or recover command line.
type MaintainRequest struct {
	Args []string
	// Emit, Stdout, Stderr and Environ are as in ApplyRequest.
	Emit           func(Message)
	Stdout, Stderr interface{ Write([]byte) (int, error) }
	Environ        []string
}

func (req MaintainRequest) apply() ApplyRequest {
	return ApplyRequest{Emit: req.Emit, Stdout: req.Stdout, Stderr: req.Stderr, Environ: req.Environ}
}

// Recover finishes or undoes an interrupted transaction and says which
// (pakt recover).
func (e *Engine) Recover(ctx context.Context, req MaintainRequest) (txn.Report, error) {
	r, done, err := e.begin(ctx, req.apply())
	if err != nil {
		return txn.Report{}, err
	}
	defer done()
	if r.recovered.Action == txn.Nothing {
		r.notice("No interrupted transaction: nothing to recover.")
	}
	return r.recovered, nil
}

// Configure runs the postinst of unpacked packages: the one named, or all
// (opkg_configure_cmd).
func (e *Engine) Configure(ctx context.Context, req MaintainRequest) error {
	r, done, err := e.begin(ctx, req.apply())
	if err != nil {
		return err
	}
	defer done()
	var names []string
	if len(req.Args) > 0 {
		names = req.Args[:1]
	}
	_, err = r.configurePending(ctx, names, nil)
	return err
}

// Flag sets a flag of installed packages (opkg_flag_cmd): hold, noprune,
// user and ok replace the flags, installed and unpacked set the state.
// Like lede, a package that is not installed is an error that does not
// stop the others, and an unknown flag changes nothing.
func (e *Engine) Flag(ctx context.Context, req MaintainRequest) error {
	r, done, err := e.begin(ctx, req.apply())
	if err != nil {
		return err
	}
	defer done()
	w, err := e.load(false)
	if err != nil {
		for _, m := range w.msgs {
			r.emit(m)
		}
		return err
	}
	flag := req.Args[0]
	changed := map[*pkginfo.Package]*pkginfo.Package{}
	for _, name := range req.Args[1:] {
		p := w.installed.InstalledNamed(name)
		if p == nil {
			r.emit(Message{Level: Error, Func: "opkg_flag_cmd", Text: "Package " + name + " is not installed."})
			continue
		}
		q := *p.Package
		switch flag {
		case "hold":
			q.Status.Flags = pkginfo.FlagHold
		case "noprune":
			q.Status.Flags = pkginfo.FlagNoPrune
		case "user":
			q.Status.Flags = pkginfo.FlagUser
		case "ok":
			q.Status.Flags = 0
		case "installed":
			q.Status.State = pkginfo.StateInstalled
		case "unpacked":
			q.Status.State = pkginfo.StateUnpacked
		}
		changed[p.Package] = &q
		r.notice("Setting flags for package %s to %s.", p.Name, flag)
	}
	if len(changed) == 0 {
		return nil
	}
	var ops []txn.Op
	for _, d := range w.installed.Dests() {
		var pkgs []*pkginfo.Package
		touched := false
		for _, p := range w.installed.Packages() {
			if p.Dest != d {
				continue
			}
			if q, ok := changed[p.Package]; ok {
				pkgs, touched = append(pkgs, q), true
				continue
			}
			pkgs = append(pkgs, p.Package)
		}
		if !touched {
			continue
		}
		data, err := renderStatus(pkgs)
		if err != nil {
			return err
		}
		ops = append(ops, txn.Database(r.rootName(d.StatusFile), data))
	}
	t, err := txn.New(r.rfs, ops, txn.Options{Crash: r.crash, ForceSpace: e.opts.Force.Space})
	if err != nil {
		return err
	}
	return t.Run()
}
