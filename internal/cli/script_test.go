package cli

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"pakt/internal/engine"
)

// TestMain makes this test binary double as pakt: testscript installs it
// in $PATH under both names, so scripts run the real program as "pakt" and
// as "opkg" (the personality comes from argv[0], as on a router).
//
// A script that forgets -o must not reach the machine's own root: without
// an offline root the program runs with no writable root directory, so a
// command that would write refuses (engine.ErrNoRootDir).
func TestMain(m *testing.M) {
	main := func() {
		dir, err := os.Getwd()
		if err != nil {
			dir = "/"
		}
		sys := engine.System{Files: os.DirFS("/"), Dir: dir, Getenv: os.Getenv}
		if hasOfflineRoot(os.Args[1:]) {
			sys.RootDir = "/"
		}
		os.Exit(run(context.Background(), sys, os.Args, os.Stdin, os.Stdout, os.Stderr))
	}
	testscript.Main(m, map[string]func(){"pakt": main, "opkg": main, "opkg-cl": main})
}

// hasOfflineRoot reports whether a command line names an offline root
// (-o, --offline-root in any spelling, or $OFFLINE_ROOT).
func hasOfflineRoot(args []string) bool {
	if os.Getenv("OFFLINE_ROOT") != "" {
		return true
	}
	for _, a := range args {
		if a == "--" {
			break
		}
		if strings.HasPrefix(a, "-o") || strings.HasPrefix(strings.TrimLeft(a, "-"), "offline") {
			return true
		}
	}
	return false
}

// TestScripts runs one script per command-line behaviour from
// testdata/script. UPDATE_GOLDEN=1 rewrites the expected output kept
// inside the scripts (pakt's own texts). The golden files in testdata
// ($GOLDEN in scripts) hold what opkg-lede prints — usage-opkg.golden was
// extracted from lede's src/opkg-cl.c, print-architecture.golden produced
// by the real binary — and are never rewritten from pakt's output.
func TestScripts(t *testing.T) {
	t.Parallel()
	golden, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_GOLDEN") == "1",
		Cmds:                map[string]func(*testscript.TestScript, bool, []string){"status": cmdStatus, "serve": cmdServe, "feed": cmdFeed},
		Setup: func(env *testscript.Env) error {
			env.Setenv("GOLDEN", golden)
			// A router's environment must not leak into the scripts.
			env.Setenv("OFFLINE_ROOT", "")
			env.Setenv("OPKG_CONF_DIR", "")
			return nil
		},
	})
}

// cmdStatus is "status <code> <program> [args...]": it runs the program like
// exec (stdout and stderr can be checked afterwards) and requires exactly
// that exit status, since opkg's statuses (0, 1, 255, a count) mean
// different things.
func cmdStatus(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 2 {
		ts.Fatalf("usage: status <code> <program> [args...]")
	}
	want, err := strconv.Atoi(args[0])
	if err != nil {
		ts.Fatalf("status: bad code %q", args[0])
	}
	got := 0
	if err := ts.Exec(args[1], args[2:]...); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			ts.Fatalf("status: %v", err)
		}
		got = exitErr.ExitCode()
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
	}
}
