package maintscript

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"
)

// interceptRoot makes a root's usr/share/opkg/intercept with an ldconfig
// stand-in shaped like OpenWrt's: it writes a command into
// $OPKG_INTERCEPT_DIR (the same file however often it is called) and makes
// it executable. It also drops a dotfile and a non-executable file, which
// lede's finalize skips. The deferred command appends a line to log.
func interceptRoot(t *testing.T, log string) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "usr/share/opkg/intercept")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	writeScript(t, dir, "ldconfig", `f="$OPKG_INTERCEPT_DIR/ldconfig"
printf '#!/bin/sh\necho "ldconfig root=$PKG_ROOT dir=$OPKG_INTERCEPT_DIR" >>%s\n' '`+log+`' >"$f"
chmod +x "$f"
printf 'echo dotfile >>%s\n' '`+log+`' >"$OPKG_INTERCEPT_DIR/.hidden"
chmod +x "$OPKG_INTERCEPT_DIR/.hidden"
printf 'echo notexec >>%s\n' '`+log+`' >"$OPKG_INTERCEPT_DIR/notexec"
`)
	return dir
}

// End to end: two postinsts call ldconfig; the intercept defers it, and
// RunDeferred runs it once, after them, then removes the directory.
// preinst (outside lede's configure pass) sees no intercept.
func TestInterceptDeferral(t *testing.T) {
	t.Parallel()
	for sh, shell := range shells(t) {
		t.Run(sh, func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			log := filepath.Join(work, "log")
			icpt := interceptRoot(t, log)
			tmp := t.TempDir()
			r := &Runner{Shell: shell, Env: []string{"PATH=/usr/bin:/bin"}, InterceptDir: icpt, TempDir: tmp}
			defer r.Close()
			ctx := context.Background()

			pre := writeScript(t, work, "a.preinst", `echo "preinst PATH=$PATH dir=${OPKG_INTERCEPT_DIR-unset}" >>`+log+"\n")
			if _, err := r.Run(ctx, Script{Package: "a", Name: "preinst", Path: pre, Args: InstallArgs(), Root: "/r/"}); err != nil {
				t.Fatal(err)
			}
			var dirs []string
			for _, p := range []string{"a", "b"} {
				post := writeScript(t, work, p+".postinst", `echo "postinst `+p+` PATH=$PATH"  >>`+log+`
ldconfig
`)
				if _, err := r.Run(ctx, Script{Package: p, Name: "postinst", Path: post, Args: ConfigureArgs(), Root: "/r/"}); err != nil {
					t.Fatal(err)
				}
				dirs = append(dirs, r.deferred.Dir())
			}
			if dirs[0] != dirs[1] || !strings.HasPrefix(dirs[0], filepath.Join(tmp, "opkg-intercept-")) {
				t.Errorf("intercept dirs %q, want one fresh dir under %s", dirs, tmp)
			}
			if err := r.RunDeferred(ctx); err != nil {
				t.Fatal(err)
			}
			want := []string{
				"preinst PATH=/usr/bin:/bin dir=unset",
				"postinst a PATH=" + icpt + ":/usr/bin:/bin",
				"postinst b PATH=" + icpt + ":/usr/bin:/bin",
				"ldconfig root=/r/ dir=" + dirs[0],
			}
			if got := readLines(t, log); !reflect.DeepEqual(got, want) {
				t.Errorf("log:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if _, err := os.Stat(dirs[0]); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("intercept dir left behind: %v", err)
			}
			// Done: a second RunDeferred has nothing to run.
			if err := r.RunDeferred(ctx); err != nil {
				t.Fatal(err)
			}
			if got := readLines(t, log); len(got) != len(want) {
				t.Errorf("second RunDeferred ran something: %q", got[len(want):])
			}
		})
	}
}

// Without an intercept dir, or before any postinst, there is nothing to
// defer; Close removes a directory RunDeferred never got to.
func TestDeferredNoopAndClose(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	if err := (&Runner{}).RunDeferred(ctx); err != nil {
		t.Errorf("RunDeferred with nothing deferred: %v", err)
	}
	if err := (&Runner{}).Close(); err != nil {
		t.Errorf("Close with nothing deferred: %v", err)
	}
	work := t.TempDir()
	log := filepath.Join(work, "log")
	r := &Runner{Env: os.Environ(), InterceptDir: interceptRoot(t, log), TempDir: t.TempDir()}
	post := writeScript(t, work, "p.postinst", "ldconfig\n")
	if _, err := r.Run(ctx, Script{Package: "p", Name: "postinst", Path: post, Root: "/"}); err != nil {
		t.Fatal(err)
	}
	dir := r.deferred.Dir()
	if err := r.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("Close left %s: %v", dir, err)
	}
	if err := r.RunDeferred(ctx); err != nil {
		t.Errorf("RunDeferred after Close: %v", err)
	}
	if _, err := os.Stat(log); !errors.Is(err, os.ErrNotExist) {
		t.Error("RunDeferred after Close ran a deferred command")
	}
}

// A deferred command that fails is not RunDeferred's error (lede ignores
// it); the commands after it still run.
func TestDeferredFailureIgnored(t *testing.T) {
	t.Parallel()
	d, err := NewDeferred(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	log := filepath.Join(t.TempDir(), "log")
	writeScript(t, d.Dir(), "a-fails", "exit 3\n")
	writeScript(t, d.Dir(), "b-runs", "echo b >>"+log+"\n")
	r := &Runner{deferred: d}
	if err := r.RunDeferred(context.Background()); err != nil {
		t.Fatalf("RunDeferred = %v, want nil", err)
	}
	if got := readLines(t, log); !reflect.DeepEqual(got, []string{"b"}) {
		t.Errorf("log %q, want [b]", got)
	}
}

// A missing temp dir for the intercept is a *DeferredError inside the
// postinst's *ScriptError.
func TestInterceptTempDirMissing(t *testing.T) {
	t.Parallel()
	work := t.TempDir()
	post := writeScript(t, work, "p.postinst", "exit 0\n")
	r := &Runner{InterceptDir: work, TempDir: filepath.Join(work, "absent")}
	_, err := r.Run(context.Background(), Script{Package: "p", Name: "postinst", Path: post, Root: "/"})
	var de *DeferredError
	if !errors.As(err, &de) || de.Op != "create" {
		t.Fatalf("err = %v, want a *DeferredError create", err)
	}
}

// gone reports whether pid has exited (a zombie counts: it runs no more).
func gone(pid int) bool {
	data, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return true
	}
	_, rest, _ := strings.Cut(string(data), ") ")
	return strings.HasPrefix(rest, "Z")
}

// waitFor polls until f holds; the test's own deadline bounds it.
func waitFor(t *testing.T, what string, f func() bool) {
	t.Helper()
	for !f() {
		if dl, ok := t.Deadline(); ok && time.Until(dl) < time.Second {
			t.Fatalf("gave up waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Cancelling the context kills the script and what it started, and the
// error says the context stopped it.
func TestContextCancel(t *testing.T) {
	t.Parallel()
	work := t.TempDir()
	pidFile := filepath.Join(work, "pid")
	post := writeScript(t, work, "p.postinst", `sleep 1000 &
echo $! >`+pidFile+`.tmp; mv `+pidFile+`.tmp `+pidFile+`
wait
`)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	type result struct {
		out Outcome
		err error
	}
	done := make(chan result, 1)
	r := &Runner{Env: os.Environ()}
	go func() {
		out, err := r.Run(ctx, Script{Package: "p", Name: "postinst", Path: post, Root: "/"})
		done <- result{out, err}
	}()
	waitFor(t, "the script to start", func() bool { _, err := os.Stat(pidFile); return err == nil })
	cancel()
	res := <-done
	var se *ScriptError
	if !errors.As(res.err, &se) || se.Status != -1 || !errors.Is(res.err, context.Canceled) {
		t.Fatalf("Run = %v, %v; want a *ScriptError with status -1 matching context.Canceled", res.out, res.err)
	}
	data, err := os.ReadFile(pidFile)
	if err != nil {
		t.Fatal(err)
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(data)))
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the script's child to die", func() bool { return gone(pid) })

	// A context already done runs nothing.
	out, err := r.Run(ctx, Script{Package: "p", Name: "postinst", Path: post, Root: "/"})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("Run on a done context = %v, %v; want context.Canceled", out, err)
	}
}

// A script that leaves a daemon holding its output still returns, with
// its own status: lede hands scripts its descriptors and never waits for
// them to close.
func TestBackgroundChildHoldsOutput(t *testing.T) {
	t.Parallel()
	work := t.TempDir()
	pidFile := filepath.Join(work, "pid")
	post := writeScript(t, work, "p.postinst", `sleep 1000 &
echo $! >`+pidFile+`
exit 0
`)
	var out strings.Builder
	r := &Runner{Env: os.Environ(), Stdout: &out, Stderr: &out}
	_, err := r.Run(context.Background(), Script{Package: "p", Name: "postinst", Path: post, Root: "/"})
	if data, rerr := os.ReadFile(pidFile); rerr == nil {
		if pid, aerr := strconv.Atoi(strings.TrimSpace(string(data))); aerr == nil {
			if p, ferr := os.FindProcess(pid); ferr == nil {
				p.Kill()
			}
		}
	}
	if err != nil {
		t.Fatalf("Run = %v, want nil", err)
	}
}
