package cli

import (
	"bytes"
	"context"
	"os"
	"slices"
	"strings"
	"testing"

	"pakt/internal/engine"
)

// notImplemented is exactly the set of sub-commands that are stubs today.
// Building one means deleting it here; the test fails if a stub is missing
// from this list or a listed command does something. "key" is left out:
// it is built separately, in cmd_key.go and engine/key.go.
var notImplemented = []string{
	"clean", "dist-upgrade", "export",
	"history", "restore", "rollback",
	"verify", "why",
}

// applying are the commands that change the root: a System without a
// RootDir (this test's) makes them refuse before anything is written.
var applying = []string{"install", "remove", "upgrade"}

func TestNotImplementedCommands(t *testing.T) {
	t.Parallel()
	root := t.TempDir()
	sys := engine.System{Files: os.DirFS(root), Dir: root}
	var stubs []string
	for _, c := range commands {
		if c.names[0] == "key" {
			continue
		}
		for _, name := range c.names {
			var stdout, stderr bytes.Buffer
			status := run(context.Background(), sys, []string{"pakt", name, "x", "y", "z"}, strings.NewReader(""), &stdout, &stderr)
			want := "pakt: " + c.names[0] + ": not implemented yet\n"
			isStub := status == exitFailure && stderr.String() == want
			if isStub && stdout.Len() != 0 {
				t.Errorf("%s: stub printed %q", name, stdout.String())
			}
			if name != c.names[0] {
				if isStub != slices.Contains(stubs, c.names[0]) {
					t.Errorf("%s and its alias %s disagree", c.names[0], name)
				}
				continue
			}
			if isStub {
				stubs = append(stubs, name)
			}
		}
	}
	slices.Sort(stubs)
	for _, name := range applying {
		var stdout, stderr bytes.Buffer
		status := run(context.Background(), sys, []string{"pakt", name, "x"}, strings.NewReader(""), &stdout, &stderr)
		want := "Collected errors:\n * opkg_" + name + "_cmd: " + engine.ErrNoRootDir.Error() + "\n"
		if status != exitFailure || stderr.String() != want || stdout.Len() != 0 {
			t.Errorf("%s without a root directory: status %d, stdout %q, stderr %q; want %d and %q", name, status, stdout.String(), stderr.String(), exitFailure, want)
		}
	}
	if !slices.Equal(stubs, notImplemented) {
		t.Errorf("not implemented:\n got %q\nwant %q", stubs, notImplemented)
	}
}

// TestCommandTable checks the table's shape: unique names, a '_' spelling
// for every lede name with '-', a run function and an opkg function name.
func TestCommandTable(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for _, c := range commands {
		if c.run == nil || c.function == "" {
			t.Errorf("%s: missing run or function", c.names[0])
		}
		for _, n := range c.names {
			if seen[n] {
				t.Errorf("%s: listed twice", n)
			}
			seen[n] = true
		}
	}
	// opkg-lede's cmds[] (libopkg/opkg_cmd.c), every spelling.
	lede := []string{"update", "upgrade", "list", "list_installed", "list-installed",
		"list_upgradable", "list-upgradable", "list_changed_conffiles", "list-changed-conffiles",
		"info", "flag", "status", "install", "remove", "configure", "files", "search", "find",
		"download", "compare_versions", "compare-versions", "print-architecture",
		"print_architecture", "print-installation-architecture", "print_installation_architecture",
		"depends", "whatdepends", "whatdependsrec", "whatrecommends", "whatsuggests",
		"whatprovides", "whatreplaces", "whatconflicts"}
	// lede's requires_args column.
	ledeNeedsArgs := map[string]bool{"upgrade": true, "flag": true, "install": true, "remove": true,
		"files": true, "search": true, "find": true, "download": true, "compare-versions": true,
		"depends": true, "whatdepends": true, "whatdependsrec": true, "whatrecommends": true,
		"whatsuggests": true, "whatprovides": true, "whatreplaces": true, "whatconflicts": true}
	for _, n := range lede {
		c, ok := lookupCommand(n, asOpkg)
		if !ok {
			t.Errorf("opkg-lede's %s is missing under the opkg name", n)
			continue
		}
		if got := c.requiresArgs(asOpkg); got != ledeNeedsArgs[c.names[0]] {
			t.Errorf("%s: requires arguments = %v, lede says %v", n, got, ledeNeedsArgs[c.names[0]])
		}
	}
	for _, n := range []string{"export", "restore", "why", "history", "rollback", "build", "index", "key", "recover"} {
		if _, ok := lookupCommand(n, asOpkg); ok {
			t.Errorf("pakt's %s must be unknown under the opkg name", n)
		}
		if _, ok := lookupCommand(n, asPakt); !ok {
			t.Errorf("pakt's %s is missing", n)
		}
	}
}
