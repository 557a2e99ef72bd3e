package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"slices"
	"strings"
	"time"

	"pakt/internal/fetch"
	"pakt/internal/fsroot"
	"pakt/internal/maintscript"
	"pakt/internal/opkgconf"
	"pakt/internal/output"
	"pakt/internal/pkginfo"
	"pakt/internal/solver"
	"pakt/internal/statusdb"
	"pakt/internal/txn"
)

// Applying a plan (DESIGN.md §5). Under opkg's lock, an interrupted
// transaction is recovered first; then the plan is computed, every package
// downloaded into the cache (or a temporary directory) and checked against
// the verified index, and read once whole. From the packages and the
// installed database the changes are worked out (files, links, removals,
// conffiles kept aside as "-opkg", obsolete files, the new status and info
// files), clashes refused, and the lot handed to internal/txn as one
// transaction: space checked per filesystem, files staged beside their
// destination, journal, commit by renames, database last. preinst and prerm
// run before the commit point (a failure aborts with nothing changed),
// postrm and postinst after it. Packages whose postinst is to run are
// recorded "unpacked" at the commit and "installed" once it succeeded, so a
// crash between the two leaves them for configure, as opkg would.

// ApplyRequest is an install, remove or upgrade to carry out.
type ApplyRequest struct {
	PlanRequest
	// Emit receives messages as the work goes on (lede prints as it
	// goes); nil drops them.
	Emit func(Message)
	// Progress reports a download's progress (a terminal's bar); nil for
	// none.
	Progress func(url string, done, total int64)
	// Stdout and Stderr receive the maintainer scripts' output.
	Stdout, Stderr io.Writer
	// Environ is the environment scripts start from (os.Environ()).
	Environ []string
}

// ApplyResult is what an applied plan did.
type ApplyResult struct {
	Plan      *output.Plan
	Recovered txn.Report
	// Unconfigured lists packages whose postinst failed: installed,
	// left "unpacked".
	Unconfigured []string
}

// FileClash is a file a package would install over another's.
type FileClash struct {
	Package string // the package that wants the file
	File    string // its path as opkg prints it
	Owner   string // the package that has it; "" for none
}

// FileClashError is a plan that would overwrite files of other packages
// (or files no package owns) without --force-overwrite.
type FileClashError struct {
	Clashes []FileClash
}

func (e *FileClashError) Error() string {
	c := e.Clashes[0]
	owner := c.Owner
	if owner == "" {
		owner = "<no package>"
	}
	s := fmt.Sprintf("package %s wants to install file %s, which belongs to %s", c.Package, c.File, owner)
	if n := len(e.Clashes); n > 1 {
		s += fmt.Sprintf(" (and %d more clashes)", n-1)
	}
	return s
}

// Packages lists the packages that clash, once each, in order.
func (e *FileClashError) Packages() []string {
	var out []string
	for _, c := range e.Clashes {
		if !slices.Contains(out, c.Package) {
			out = append(out, c.Package)
		}
	}
	return out
}

// ScriptAbortError is a preinst or prerm that failed before the commit
// point: nothing was changed.
type ScriptAbortError struct {
	Package string
	Script  string
	Err     error
}

func (e *ScriptAbortError) Error() string {
	return fmt.Sprintf("%s of %s failed, nothing was changed: %v", e.Script, e.Package, e.Err)
}
func (e *ScriptAbortError) Unwrap() error { return e.Err }

// SpaceError is a transaction that does not fit on a filesystem, in
// opkg-lede's words (verify_pkg_installable).
type SpaceError struct{ Err *txn.SpaceError }

func (e *SpaceError) Error() string {
	return strings.TrimPrefix(e.Err.Error(), "verify_pkg_installable: ")
}
func (e *SpaceError) Unwrap() error { return e.Err }

// Func is the opkg function that reports it.
func (e *SpaceError) Func() string { return "verify_pkg_installable" }

// RecordConfiguredError is a failure to record packages "installed" after
// their postinst ran: they are installed, still recorded "unpacked", and
// configure finishes them.
type RecordConfiguredError struct {
	Packages []string
	Err      error // the status transaction's error
}

func (e *RecordConfiguredError) Error() string {
	cause := e.Err
	var se *txn.StageError
	var ce *txn.CommitError
	if errors.As(cause, &se) {
		cause = se.Err
	} else if errors.As(cause, &ce) {
		cause = ce.Err
	}
	return "installed " + strings.Join(e.Packages, ", ") + ", but recording them configured failed: " + cause.Error() + "; left unpacked (run configure)"
}
func (e *RecordConfiguredError) Unwrap() error { return e.Err }

// ConfigureError lists packages installed whose postinst failed.
type ConfigureError struct {
	Packages []string
}

func (e *ConfigureError) Error() string {
	return "postinst failed for " + strings.Join(e.Packages, ", ") + "; left unpacked (run configure after fixing)"
}

// DownloadError is a package that could not be downloaded, or arrived
// different from what the index promises (Err is then a *ChecksumError).
// What went wrong has been reported in lede's words already.
type DownloadError struct {
	Package string
	Err     error
}

func (e *DownloadError) Error() string { return "downloading " + e.Package + ": " + e.Err.Error() }
func (e *DownloadError) Unwrap() error { return e.Err }

// PackageMismatchError is a downloaded package that is not the one the
// index describes.
type PackageMismatchError struct {
	File            string
	Name, Version   string // in the file
	WantName, WantV string // in the plan
}

func (e *PackageMismatchError) Error() string {
	return fmt.Sprintf("%s holds %s %s, the plan wants %s %s", e.File, e.Name, e.Version, e.WantName, e.WantV)
}

// applyRun is one Apply's state.
type applyRun struct {
	e      *Engine
	req    ApplyRequest
	cfg    *opkgconf.Config
	w      *world
	root   *fsroot.Root
	rfs    fsroot.FS
	crash  *fsroot.Crasher
	plan   *PlanResult
	tmp    string // OS path of the run's temporary directory
	client *fetch.Client
	now    int64

	steps   map[string]solver.Step // by package name
	news    []*newPackage
	removed []*statusdb.Package // removed outright (not upgraded)
	scripts *maintscript.Runner
	streams []*pkgStream
	bufs    readBuffers
	// recovered is what recovery found when the command began.
	recovered txn.Report
}

// newPackage is a package the plan installs (new, upgrade, reinstall).
type newPackage struct {
	step   output.PlanStep
	sp     *scannedPackage
	old    *statusdb.Package // the installed version it replaces
	dest   *statusdb.Dest
	status *pkginfo.Package // its status stanza, once worked out
	stream *pkgStream
	list   []string // its files as the .list records them
	// configure says whether its postinst runs in this transaction.
	configure bool
}

func (r *applyRun) emit(m Message) {
	if r.req.Emit != nil {
		r.req.Emit(m)
	}
}

func (r *applyRun) notice(format string, args ...any) {
	r.emit(Message{Level: Notice, Text: fmt.Sprintf(format, args...)})
}

// Apply carries out an install, remove or upgrade.
func (e *Engine) Apply(ctx context.Context, req ApplyRequest) (*ApplyResult, error) {
	r, done, err := e.begin(ctx, req)
	if err != nil {
		if r == nil {
			// Plan reports the configuration's problems in its words.
			if _, perr := e.Plan(ctx, req.PlanRequest); perr != nil {
				return nil, perr
			}
		}
		return nil, err
	}
	defer done()
	res := &ApplyResult{Recovered: r.recovered}
	if req.PlanRequest, err = r.fetchURLs(ctx, req.PlanRequest); err != nil {
		return res, err
	}
	pres, err := e.Plan(ctx, req.PlanRequest)
	if pres != nil {
		for _, m := range pres.Messages {
			r.emit(m)
		}
		res.Plan = pres.Plan
	}
	if err != nil {
		return res, err
	}
	r.plan = pres
	if pres.Solved == nil {
		var b strings.Builder
		output.PlanText(&b, pres.Plan)
		r.emit(Message{Level: Notice, Text: strings.TrimSuffix(b.String(), "\n")})
		return res, nil
	}
	// The world Plan loaded is the one the plan was made from.
	r.w = pres.Universe.(*universe).w
	failed, err := r.apply(ctx)
	res.Unconfigured = failed
	return res, err
}

// begin starts a command that changes the root: the configuration, opkg's
// lock, and recovery of an interrupted transaction. done releases the
// lock. A nil run with an error means the configuration could not be
// read.
func (e *Engine) begin(ctx context.Context, req ApplyRequest) (r *applyRun, done func(), err error) {
	cfg, _, err := e.loadConfig()
	if err != nil {
		return nil, nil, err
	}
	root, lock, err := e.lockRoot(cfg)
	if err != nil {
		return &applyRun{}, nil, err
	}
	crash, err := fsroot.ParseCrasher(e.sys.getenv(CrashEnv))
	if err != nil {
		lock.Unlock()
		root.Close()
		return &applyRun{}, nil, err
	}
	r = &applyRun{e: e, req: req, cfg: cfg, root: root, rfs: root.Resolved(), crash: crash, now: time.Now().Unix()}
	if e.sys.WrapFS != nil {
		r.rfs = e.sys.WrapFS(r.rfs)
	}
	r.withOverlaySpace()
	r.scripts = &maintscript.Runner{
		Env: req.Environ, Offline: cfg.OfflineRoot != "", ForcePostinstall: e.opts.Force.Postinstall,
		Stdout: req.Stdout, Stderr: req.Stderr,
	}
	if dir := root.OSPath("usr/share/opkg/intercept"); isDir(dir) {
		r.scripts.InterceptDir = dir
	}
	tmpBase := cfg.TmpDirBase(e.sys.getenv("TMPDIR"))
	if r.tmp, err = os.MkdirTemp(e.osPath(tmpBase), "opkg-"); err != nil {
		lock.Unlock()
		root.Close()
		return &applyRun{}, nil, &FileError{Op: "write", Path: tmpBase, Err: pathCause(err)}
	}
	r.scripts.TempDir = r.tmp
	done = func() {
		r.scripts.Close()
		os.RemoveAll(r.tmp)
		lock.Unlock()
		root.Close()
	}
	if r.recovered, err = e.recoverLocked(ctx, r); err != nil {
		done()
		return &applyRun{}, nil, err
	}
	return r, done, nil
}

// CrashEnv names the test-only environment variable that makes the binary
// kill itself at a named crash point ("<point>[:n]", DESIGN.md §5).
const CrashEnv = fsroot.CrashEnv

func (r *applyRun) apply(ctx context.Context) ([]string, error) {
	defer func() {
		for _, s := range r.streams {
			s.close()
		}
	}()
	r.steps = map[string]solver.Step{}
	for _, list := range [][]solver.Step{r.plan.Solved.Install, r.plan.Solved.Upgrade, r.plan.Solved.Reinstall, r.plan.Solved.Remove} {
		for _, s := range list {
			r.steps[s.Package.Name] = s
		}
	}
	if err := r.fetchAll(ctx); err != nil {
		return nil, err
	}
	if r.e.opts.DownloadOnly || len(r.news) == 0 && len(r.removed) == 0 {
		return nil, nil
	}
	ch, err := r.changes()
	if err != nil {
		return nil, err
	}
	t, err := txn.New(r.rfs, ch.ops, txn.Options{Crash: r.crash, ForceSpace: r.e.opts.Force.Space})
	if err != nil {
		return nil, err
	}
	if err := t.Check(); err != nil {
		var se *txn.SpaceError
		if errors.As(err, &se) {
			return nil, &SpaceError{Err: se}
		}
		return nil, err
	}
	if err := r.beforeCommit(ctx, ch); err != nil {
		return nil, err
	}
	var cleanupErr *txn.CleanupError
	if err := t.Run(); err != nil {
		if !errors.As(err, &cleanupErr) {
			return nil, err
		}
		// Applied; only backups or the journal are left. Finish that
		// now, then go on: if the journal was already gone, no later run
		// would configure what this one installed. If it cannot be
		// finished, the next locking command rolls forward and
		// configures.
		if _, rerr := txn.Recover(r.rfs, r.crash); rerr != nil {
			return nil, err
		}
	}
	r.afterCommitScripts(ctx, ch)
	failed, err := r.configure(ctx, ch)
	if err == nil && cleanupErr != nil {
		// The tree is right, but the file system failed under us once:
		// say so and exit non-zero.
		err = cleanupErr
	}
	return failed, err
}

// fetchURLs downloads the packages named by URL on the command line into
// the run's temporary directory and puts the files in their place: they
// install as local package files (opkg_prepare_url_for_install).
func (r *applyRun) fetchURLs(ctx context.Context, req PlanRequest) (PlanRequest, error) {
	args := slices.Clone(req.Args)
	for i, a := range args {
		if !strings.Contains(a, "://") {
			continue
		}
		if r.client == nil {
			c, err := r.e.downloadClient(r.cfg)
			if err != nil {
				return req, err
			}
			r.client = c
		}
		base := path.Base(a)
		if j := strings.IndexAny(base, "?#"); j >= 0 {
			base = base[:j]
		}
		if !isPackageFile(base) {
			return req, &RequestError{Arg: a, Err: errors.New("a package URL must name an .ipk file")}
		}
		dir := fmt.Sprintf("%s/url-%d", r.tmp, i)
		if err := os.Mkdir(dir, 0o700); err != nil {
			return req, &FileError{Op: "write", Path: dir, Err: pathCause(err)}
		}
		r.emit(Message{Level: Notice, Text: "Downloading " + a})
		f, err := os.Create(dir + "/" + base)
		if err != nil {
			return req, &FileError{Op: "write", Path: dir + "/" + base, Err: pathCause(err)}
		}
		var progress fetch.ProgressFunc
		if r.req.Progress != nil {
			progress = func(done, total int64) { r.req.Progress(a, done, total) }
		}
		_, err = r.client.Fetch(ctx, a, f, DefaultMaxPackageSize, progress)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			r.emit(Message{Level: Error, Func: "opkg_download", Text: fmt.Sprintf("Failed to download %s, wget returned %d.\n\t%s", a, fetch.WgetStatus(err), cause(err))})
			return req, &DownloadError{Package: a, Err: err}
		}
		args[i] = dir + "/" + base
	}
	req.Args = args
	return req, nil
}

func isDir(name string) bool {
	st, err := os.Stat(name)
	return err == nil && st.IsDir()
}

// fetchAll walks the plan in lede's order: each step's line, then its
// download; every package is read and checked once downloaded.
func (r *applyRun) fetchAll(ctx context.Context) error {
	for i := range r.plan.Plan.Steps {
		st := r.plan.Plan.Steps[i]
		var b strings.Builder
		output.PlanText(&b, &output.Plan{Command: r.plan.Plan.Command, Steps: []output.PlanStep{st}})
		if b.Len() > 0 {
			r.emit(Message{Level: Notice, Text: strings.TrimSuffix(b.String(), "\n")})
		}
		if st.Repeat {
			continue
		}
		switch st.Action {
		case output.PlanInstall, output.PlanUpgrade, output.PlanDowngrade, output.PlanReinstall:
		case output.PlanRemove, output.PlanOrphan:
			if p := r.installed(st.Name); p != nil {
				r.removed = append(r.removed, p)
			}
			continue
		default:
			continue
		}
		s, ok := r.steps[st.Name]
		if !ok {
			return fmt.Errorf("plan step %s has no solver step", st.Name)
		}
		o := r.plan.Universe.(*universe).origins[s.Package]
		file, shown := "", st.Filename
		if o.local != nil {
			file = r.e.osPath(o.filename)
		} else {
			var err error
			if file, err = r.download(ctx, o.index-1, st.Name); err != nil {
				return err
			}
		}
		if r.e.opts.DownloadOnly {
			continue
		}
		sp, err := scanPackage(ctx, file, shown, &r.bufs)
		if err != nil {
			return err
		}
		if sp.info.Name != s.Package.Name || sp.info.Version != s.Package.Version {
			return &PackageMismatchError{File: shown, Name: sp.info.Name, Version: sp.info.Version, WantName: s.Package.Name, WantV: s.Package.Version}
		}
		np := &newPackage{step: st, sp: sp, old: r.installed(st.Name)}
		np.dest = r.destNamed(st.Dest)
		if np.old != nil {
			np.dest = np.old.Dest
		}
		if np.dest == nil {
			return &opkgconf.UnknownDestError{Name: st.Dest}
		}
		r.news = append(r.news, np)
	}
	return nil
}

func (r *applyRun) installed(name string) *statusdb.Package {
	return r.w.installed.InstalledNamed(name)
}

func (r *applyRun) destNamed(name string) *statusdb.Dest {
	for _, d := range r.w.installed.Dests() {
		if d.Name == name {
			return d
		}
	}
	return nil
}

// download fetches feed package i into the cache (or the run's temporary
// directory), checked against the index's size and checksum; a good cached
// copy is used as it is.
func (r *applyRun) download(ctx context.Context, i int, name string) (string, error) {
	if r.client == nil {
		c, err := r.e.downloadClient(r.cfg)
		if err != nil {
			return "", err
		}
		r.client = c
	}
	p, err := r.w.available.Package(i)
	if err != nil {
		return "", err
	}
	feedName := r.w.available.Lists()[r.w.available.Entry(i).List]
	feed, ok := r.cfg.Feed(feedName)
	base := path.Base(p.Filename)
	if p.Filename == "" || base == "." || base == ".." || base == "/" {
		return "", &UndownloadableError{Package: name, Feed: feedName, Problem: fmt.Sprintf("Filename %q names no file", p.Filename)}
	}
	if !ok {
		return "", &UndownloadableError{Package: name, Feed: feedName, Problem: "no such feed is configured"}
	}
	dir := r.e.cacheDir(r.cfg)
	if dir == "" {
		dir = r.tmp
		if r.e.opts.DownloadOnly {
			dir = r.e.sys.Dir
		}
	} else if err := os.MkdirAll(r.e.osPath(dir), 0o755); err != nil {
		return "", &FileError{Op: "write", Path: dir, Err: pathCause(err)}
	}
	dir = r.e.osPath(dir)
	croot, err := fsroot.Open(dir)
	if err != nil {
		return "", &FileError{Op: "write", Path: dir, Err: pathCause(err)}
	}
	defer croot.Close()
	if f, err := croot.Open(base); err == nil {
		c := newChecker(p)
		n, err := io.Copy(c, f)
		f.Close()
		if err == nil && c.check(name, n, false) == nil {
			return dir + "/" + base, nil
		}
		croot.Remove(base)
	}
	d := &PackageDownload{Name: name, URL: feed.URL + "/" + urlencodePath(p.Filename)}
	var progress fetch.ProgressFunc
	if r.req.Progress != nil {
		progress = func(done, total int64) { r.req.Progress(d.URL, done, total) }
	}
	// "Downloading <url>" comes first, before any progress line.
	r.emit(Message{Level: Notice, Text: "Downloading " + d.URL})
	err = fetchChecked(ctx, r.client, croot, base, dir+"/"+base, p, d, progress)
	for _, m := range d.Messages[1:] {
		r.emit(m)
	}
	if err != nil {
		return "", &DownloadError{Package: name, Err: err}
	}
	return dir + "/" + base, nil
}

// beforeCommit runs prerm of what goes and preinst of what comes, and keeps
// a copy of each postrm that is to run after the commit (the commit
// replaces or removes the one in info/).
func (r *applyRun) beforeCommit(ctx context.Context, ch *changes) error {
	for _, p := range r.removed {
		err := r.runInstalled(ctx, p, "prerm", []string{"remove"}, false)
		if err != nil && !r.e.opts.Force.Remove {
			r.emit(Message{Level: Error, Text: fmt.Sprintf("not removing package \"%s\", prerm script failed", p.Name)})
			return &ScriptAbortError{Package: p.Name, Script: "prerm", Err: err}
		}
	}
	for _, np := range r.news {
		if np.old != nil {
			if err := r.runInstalled(ctx, np.old, "prerm", []string{"upgrade", np.sp.info.Version}, true); err != nil && !r.e.opts.Force.Remove {
				return &ScriptAbortError{Package: np.old.Name, Script: "prerm", Err: err}
			}
		}
		args := []string{"install"}
		if np.old != nil {
			args = []string{"upgrade", np.old.Version}
		}
		if err := r.runControl(ctx, np, "preinst", args); err != nil {
			r.emit(Message{Level: Error, Func: "preinst_configure", Text: "Aborting installation of " + np.sp.info.Name + "."})
			return &ScriptAbortError{Package: np.sp.info.Name, Script: "preinst", Err: err}
		}
	}
	// Keep the postrm scripts the commit replaces.
	keep := func(p *statusdb.Package) error {
		data, err := r.readInfo(p, "postrm")
		if err != nil {
			return nil // none
		}
		return os.WriteFile(r.savedPostrm(p.Name), data, 0o755)
	}
	for _, p := range r.removed {
		if err := keep(p); err != nil {
			return err
		}
	}
	for _, np := range r.news {
		if np.old != nil {
			if err := keep(np.old); err != nil {
				return err
			}
		}
	}
	return nil
}

func (r *applyRun) savedPostrm(name string) string { return r.tmp + "/" + name + ".postrm" }

// afterCommitScripts runs the old postrm scripts, as opkg does once the
// files are gone or replaced. Their failures are reported, not fatal.
func (r *applyRun) afterCommitScripts(ctx context.Context, ch *changes) {
	for _, p := range r.removed {
		r.runScript(ctx, p.Name, "postrm", r.savedPostrm(p.Name), []string{"remove"}, p.Dest, false)
	}
	for _, np := range r.news {
		if np.old != nil {
			r.runScript(ctx, np.old.Name, "postrm", r.savedPostrm(np.old.Name), []string{"upgrade", np.sp.info.Version}, np.dest, true)
		}
	}
}

// readInfo reads an installed package's info/<pkg>.<member>.
func (r *applyRun) readInfo(p *statusdb.Package, member string) ([]byte, error) {
	name := r.rootName(p.Dest.InfoDir + "/" + p.Name + "." + member)
	f, err := r.rfs.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, 8<<20))
}

// rootName turns a path as opkgconf spells it (offline root first) into a
// name under the managed root.
func (r *applyRun) rootName(full string) string {
	return strings.TrimPrefix(r.e.underRoot(r.cfg, full), "/")
}

func (r *applyRun) runInstalled(ctx context.Context, p *statusdb.Package, script string, args []string, upgrade bool) error {
	name := r.rootName(p.Dest.InfoDir + "/" + p.Name + "." + script)
	return r.runScript(ctx, p.Name, script, r.root.OSPath(name), args, p.Dest, upgrade)
}

// runControl runs a script of a package not yet unpacked, from its control
// archive.
func (r *applyRun) runControl(ctx context.Context, np *newPackage, script string, args []string) error {
	data, ok := np.sp.ctl.File(script)
	if !ok {
		return nil
	}
	file := r.tmp + "/" + np.sp.info.Name + "." + script + ".new"
	if err := os.WriteFile(file, data, 0o755); err != nil {
		return &FileError{Op: "write", Path: file, Err: pathCause(err)}
	}
	return r.runScript(ctx, np.sp.info.Name, script, file, args, np.dest, np.old != nil)
}

// runScript runs one script, reporting a failure as lede does.
func (r *applyRun) runScript(ctx context.Context, pkg, script, file string, args []string, dest *statusdb.Dest, upgrade bool) error {
	destRoot := r.root.OSPath(strings.TrimPrefix(r.e.underRoot(r.cfg, dest.Root), "/"))
	if !strings.HasSuffix(destRoot, "/") {
		destRoot += "/"
	}
	out, err := r.scripts.Run(ctx, maintscript.Script{Package: pkg, Name: script, Path: file, Args: args, Root: destRoot, Upgrade: upgrade})
	if out == maintscript.Skipped {
		r.emit(Message{Level: Info, Func: "pkg_run_script", Text: fmt.Sprintf("Offline root mode: not running %s.%s.", pkg, script)})
	}
	if err != nil {
		var se *maintscript.ScriptError
		status := -1
		if errors.As(err, &se) {
			status = se.Status
		}
		r.emit(Message{Level: Error, Func: "pkg_run_script", Text: fmt.Sprintf("package \"%s\" %s script returned status %d.", pkg, script, status)})
	}
	return err
}

// scriptsRun says whether maintainer scripts run at all in this root.
func (r *applyRun) scriptsRun() bool {
	return r.cfg.OfflineRoot == "" || r.e.opts.Force.Postinstall
}
