// Package maintscript runs a package's maintainer scripts (preinst,
// postinst, prerm, postrm) the way opkg-lede runs them, so that the scripts
// OpenWrt's build system generates behave under pakt exactly as under opkg
// (opkg-compat.md §5.2). It runs programs and nothing else: which script
// runs when is the engine's decision, and the messages about it are the
// engine's and the cli's.
//
// A script runs as `/bin/sh -c "<path> <args>"` (lede's pkg_run_script):
// one command string, so a script file that is not executable fails with
// the shell's status 126, as under opkg. lede pastes the arguments in
// unquoted; pakt quotes each one that the shell would otherwise change, so
// ordinary paths and versions give the same command string and odd ones
// ("1:2.0~rc1+b2", a path with a space) still arrive as one word.
//
// The environment is the caller's with PKG_ROOT (the dest's root, ending in
// '/') and PKG_UPGRADE (1 while upgrading, else 0; lede only). A missing
// script is success. Under an offline root (-o) nothing runs unless
// --force-postinstall is given; lede decides that before it looks for the
// file, so a missing script under -o is Skipped too.
//
// Intercepts: OpenWrt ships /usr/share/opkg/intercept with stand-ins for
// ldconfig, depmod and update-modules that write a command into
// $OPKG_INTERCEPT_DIR instead of running it. lede sets that up around its
// configure pass only, so here only postinst scripts see the intercept
// directory first in PATH and OPKG_INTERCEPT_DIR (a fresh directory made by
// a Deferred); RunDeferred then runs each deferred command once, after the
// last postinst, and removes the directory.
//
// Scripts run in their own process group with no standard input (OpenWrt's
// scripts never read it), so that cancelling the context kills the script
// and everything it started; a Runner is for one goroutine.
package maintscript

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"sort"
	"strings"
	"syscall"
	"time"
)

// DefaultShell runs every script, as in opkg.
const DefaultShell = "/bin/sh"

// waitDelay bounds how long Run waits, after a script exits, for its
// output pipes to close: a daemon the script started in the background may
// hold them open for ever, and lede (which hands its own descriptors to
// scripts) never waits for that.
const waitDelay = 2 * time.Second

// Runner runs the scripts of one transaction.
type Runner struct {
	Shell string   // "" means DefaultShell
	Env   []string // the environment scripts start from (the caller's os.Environ())
	// Offline is an offline root (-o): scripts are skipped unless
	// ForcePostinstall.
	Offline bool
	// ForcePostinstall runs scripts under an offline root too.
	ForcePostinstall bool
	Dir              string // working directory; "" inherits
	Stdout, Stderr   io.Writer
	// InterceptDir is the root's usr/share/opkg/intercept as the OS spells
	// it, or "" when the root has none (then nothing is intercepted).
	InterceptDir string
	// TempDir is where the intercept directory is made (lede: its
	// tmp_dir); "" means os.TempDir().
	TempDir string

	deferred *Deferred
	last     Script // the last postinst run: deferred commands see its PKG_ROOT
}

// Script is one script to run.
type Script struct {
	Package string   // "busybox"
	Name    string   // "preinst", "postinst", "prerm", "postrm"
	Path    string   // the script file as the OS spells it; missing is success
	Args    []string // opkg's arguments: InstallArgs, ConfigureArgs, UpgradeArgs, RemoveArgs
	Root    string   // PKG_ROOT: the dest's root as the OS sees it, ending in '/'
	Upgrade bool     // PKG_UPGRADE=1 (else 0)
}

// Outcome is what Run did.
type Outcome int

const (
	Ran     Outcome = iota // the script ran (its failure is the error)
	Missing                // the package has no such script: success
	Skipped                // offline root without --force-postinstall
)

func (o Outcome) String() string {
	switch o {
	case Ran:
		return "ran"
	case Missing:
		return "missing"
	case Skipped:
		return "skipped"
	}
	return fmt.Sprintf("Outcome(%d)", int(o))
}

// ScriptError is a script that failed. Status is its exit status, or -1
// when it could not be started or was killed by a signal (lede's xsystem
// returns -1 then too); Err is the cause, and matches context.Canceled or
// DeadlineExceeded when the context stopped the script.
type ScriptError struct {
	Package, Script string
	Status          int
	Err             error
}

func (e *ScriptError) Error() string {
	if e.Status < 0 {
		return fmt.Sprintf("package %q %s script failed: %v", e.Package, e.Script, e.Err)
	}
	return fmt.Sprintf("package %q %s script returned status %d", e.Package, e.Script, e.Status)
}

func (e *ScriptError) Unwrap() error { return e.Err }

// The arguments opkg passes (opkg-compat.md §5.2). An upgrade runs, in this
// order: the old prerm UpgradeArgs(new), the new preinst UpgradeArgs(old),
// the old postrm UpgradeArgs(new), then the new postinst ConfigureArgs.

// InstallArgs are the new package's preinst arguments on a fresh install.
func InstallArgs() []string { return []string{"install"} }

// ConfigureArgs are postinst's arguments, in the configure pass, on both
// install and upgrade.
func ConfigureArgs() []string { return []string{"configure"} }

// UpgradeArgs are the arguments of the old package's prerm and postrm
// (otherVersion is the new version) and of the new package's preinst
// (otherVersion is the old version) during an upgrade.
func UpgradeArgs(otherVersion string) []string { return []string{"upgrade", otherVersion} }

// RemoveArgs are prerm's and postrm's arguments when a package is removed.
func RemoveArgs() []string { return []string{"remove"} }

// Command is the command string given to `sh -c` for s.
func Command(s Script) string {
	var b strings.Builder
	b.WriteString(quote(s.Path))
	for _, a := range s.Args {
		b.WriteByte(' ')
		b.WriteString(quote(a))
	}
	return b.String()
}

// Run runs one script. A script that ran and failed is a *ScriptError, as
// is one that could not be started.
func (r *Runner) Run(ctx context.Context, s Script) (Outcome, error) {
	if r.Offline && !r.ForcePostinstall {
		return Skipped, nil
	}
	if _, err := os.Stat(s.Path); err != nil {
		// lede's file_exists treats every stat failure as "no script"; a
		// script hidden by a permission error is reported instead, since
		// skipping it silently could leave a package half set up.
		if errors.Is(err, os.ErrNotExist) || errors.Is(err, syscall.ENOTDIR) {
			return Missing, nil
		}
		return Ran, &ScriptError{Package: s.Package, Script: s.Name, Status: -1, Err: err}
	}
	intercept := r.InterceptDir != "" && s.Name == "postinst"
	if intercept && r.deferred == nil {
		d, err := NewDeferred(r.TempDir)
		if err != nil {
			return Ran, &ScriptError{Package: s.Package, Script: s.Name, Status: -1, Err: err}
		}
		r.deferred = d
	}
	if s.Name == "postinst" {
		r.last = s
	}
	set := map[string]string{"PKG_ROOT": s.Root, "PKG_UPGRADE": "0"}
	if s.Upgrade {
		set["PKG_UPGRADE"] = "1"
	}
	if intercept {
		path := r.InterceptDir
		if old := lookup(r.Env, "PATH"); old != "" {
			path += ":" + old
		}
		set["PATH"] = path
		set["OPKG_INTERCEPT_DIR"] = r.deferred.Dir()
	}
	err := r.shell(ctx, Command(s), environ(r.Env, set))
	if err == nil {
		return Ran, nil
	}
	se := &ScriptError{Package: s.Package, Script: s.Name, Status: -1, Err: err}
	var ee *exec.ExitError
	if errors.As(err, &ee) && ee.Exited() {
		se.Status = ee.ExitCode()
	}
	if ctx.Err() != nil && !errors.Is(err, ctx.Err()) {
		se.Err = errors.Join(ctx.Err(), err)
	}
	return Ran, se
}

// shell runs `shell -c line` with env, in its own process group.
func (r *Runner) shell(ctx context.Context, line string, env []string) error {
	shell := r.Shell
	if shell == "" {
		shell = DefaultShell
	}
	cmd := exec.CommandContext(ctx, shell, "-c", line)
	cmd.Env, cmd.Dir = env, r.Dir
	cmd.Stdout, cmd.Stderr = r.Stdout, r.Stderr
	cmd.WaitDelay = waitDelay
	ownGroup(cmd)
	err := cmd.Run()
	if errors.Is(err, exec.ErrWaitDelay) {
		// The script exited 0; something it left running still holds
		// its output. That is the script's business, not a failure.
		return nil
	}
	return err
}

// RunDeferred runs, once each, the commands the intercepts deferred during
// the postinst scripts (every executable file in OPKG_INTERCEPT_DIR not
// starting with '.', with `sh -c <file>`, in name order), then removes the
// directory; a later postinst gets a fresh one. As in lede, a deferred
// command that fails is not an error (its output says why); the error is
// a *DeferredError when the directory cannot be read or removed, or the
// context's when it was cancelled. It does nothing when no postinst ran
// with an intercept directory.
func (r *Runner) RunDeferred(ctx context.Context) error {
	if r.deferred == nil {
		return nil
	}
	d := r.deferred
	r.deferred = nil
	cmds, err := d.Commands()
	if err == nil {
		set := map[string]string{"OPKG_INTERCEPT_DIR": d.Dir(), "PKG_ROOT": r.last.Root, "PKG_UPGRADE": "0"}
		if r.last.Upgrade {
			set["PKG_UPGRADE"] = "1"
		}
		env := environ(r.Env, set)
		for _, c := range cmds {
			if ctx.Err() != nil {
				break
			}
			r.shell(ctx, quote(c), env) // failures ignored, as lede's finalize does
		}
	}
	return errors.Join(err, d.Close(), ctx.Err())
}

// Close removes the intercept directory if RunDeferred has not. Deferred
// commands not yet run are dropped.
func (r *Runner) Close() error {
	if r.deferred == nil {
		return nil
	}
	err := r.deferred.Close()
	r.deferred = nil
	return err
}

// environ is base with the variables in set replacing any base has,
// appended in name order.
func environ(base []string, set map[string]string) []string {
	env := make([]string, 0, len(base)+len(set))
	for _, kv := range base {
		name, _, _ := strings.Cut(kv, "=")
		if _, ok := set[name]; !ok {
			env = append(env, kv)
		}
	}
	names := make([]string, 0, len(set))
	for name := range set {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		env = append(env, name+"="+set[name])
	}
	return env
}

// lookup is name's value in env; the last one wins, as in exec.
func lookup(env []string, name string) string {
	v := ""
	for _, kv := range env {
		if val, ok := strings.CutPrefix(kv, name+"="); ok {
			v = val
		}
	}
	return v
}

// quote makes s one word for the shell, leaving it as it is when the shell
// would not change it. '~' starts a tilde expansion only at a word's start,
// and '=' is left out so that a relative path can never read as an
// assignment.
func quote(s string) string {
	safe := s != "" && s[0] != '~'
	for i := 0; safe && i < len(s); i++ {
		c := s[i]
		safe = 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("_-+.,:/~@%", c) >= 0
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
