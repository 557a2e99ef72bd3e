package engine

import (
	"context"
	"errors"
	"slices"
	"testing"

	"pakt/internal/relation"
	"pakt/internal/solver"
)

const planTestConf = "lists_dir ext /var/l\narch all 1\narch x86_64 10\nsrc core http://127.0.0.1:9/core\n"

const planTestList = `Package: tool
Version: 1.0
Architecture: all

Package: tool
Version: 2.0
Architecture: all

Package: app
Version: 1
Depends: libd (>= 2)
Architecture: all

Package: libd
Version: 2
Architecture: all

`

const planTestStatus = `Package: libd
Version: 1
Status: install ok installed
Architecture: all
Auto-Installed: yes

Package: old
Version: 1
Depends: libd
Status: install user installed
Architecture: all

`

func planTestRoot(t *testing.T) string {
	root := t.TempDir()
	put(t, root, "etc/opkg/o.conf", []byte(planTestConf))
	put(t, root, "var/l/core", []byte(planTestList))
	put(t, root, "usr/lib/opkg/status", []byte(planTestStatus))
	return root
}

func atomText(as []relation.Atom) []string {
	var out []string
	for _, a := range as {
		out = append(out, relation.FormatAtoms([]relation.Atom{a}))
	}
	return out
}

// TestPlanRequest checks how command-line words become a solver request.
func TestPlanRequest(t *testing.T) {
	t.Parallel()
	root := planTestRoot(t)
	tests := []struct {
		cmd     PlanCommand
		args    []string
		install []string
		remove  []string
		upgrade []string
		all     bool
	}{
		{cmd: PlanInstall, args: []string{"tool"}, install: []string{"tool"}},
		// upstream opkg's constraint syntax
		{cmd: PlanInstall, args: []string{"tool=1.0"}, install: []string{"tool (= 1.0)"}},
		{cmd: PlanInstall, args: []string{"tool>=1.5"}, install: []string{"tool (>= 1.5)"}},
		{cmd: PlanInstall, args: []string{"tool<<2.0"}, install: []string{"tool (<< 2.0)"}},
		// a glob takes the available and installed names it matches, sorted
		{cmd: PlanInstall, args: []string{"[at]*"}, install: []string{"app", "tool"}},
		{cmd: PlanInstall, args: []string{"*d"}, install: []string{"libd", "old"}},
		// remove matches installed names only
		{cmd: PlanRemove, args: []string{"*"}, remove: []string{"libd", "old"}},
		{cmd: PlanRemove, args: []string{"tool"}},
		// upgrade: installed names are upgraded, others installed (lede)
		{cmd: PlanUpgrade, args: []string{"old", "app"}, upgrade: []string{"old"}, install: []string{"app"}},
		{cmd: PlanUpgrade, all: true},
	}
	for _, tc := range tests {
		res, err := rootEngine(root).Plan(context.Background(), PlanRequest{Command: tc.cmd, Args: tc.args})
		if err != nil {
			t.Errorf("%s %q: %v", tc.cmd, tc.args, err)
			continue
		}
		r := res.Request
		if got := atomText(r.Install); !slices.Equal(got, tc.install) {
			t.Errorf("%s %q: install %q, want %q", tc.cmd, tc.args, got, tc.install)
		}
		if !slices.Equal(r.Remove, tc.remove) || !slices.Equal(r.Upgrade, tc.upgrade) || r.UpgradeAll != tc.all {
			t.Errorf("%s %q: remove %q upgrade %q all %v, want %q %q %v", tc.cmd, tc.args, r.Remove, r.Upgrade, r.UpgradeAll, tc.remove, tc.upgrade, tc.all)
		}
	}
}

// TestPlanRequestErrors checks the words that cannot become a request.
func TestPlanRequestErrors(t *testing.T) {
	t.Parallel()
	root := planTestRoot(t)
	for _, arg := range []string{"tool>", "=1.0", "tool>=1 x", "http://example.org/x.ipk", "tool=="} {
		_, err := rootEngine(root).Plan(context.Background(), PlanRequest{Command: PlanInstall, Args: []string{arg}})
		var re *RequestError
		if !errors.As(err, &re) || re.Arg != arg {
			t.Errorf("install %q: %v, want a *RequestError naming it", arg, err)
		}
	}
	_, err := rootEngine(root).Plan(context.Background(), PlanRequest{Command: PlanInstall, Args: []string{"nosuch"}})
	var pe *PlanError
	var un *solver.Unsatisfiable
	if !errors.As(err, &pe) || !errors.As(err, &un) || un.Kind != solver.UnknownPackage || un.Package != "nosuch" {
		t.Errorf("install nosuch: %v, want a *PlanError with an unknown package", err)
	}
}

// TestPlanOrder checks the plan's order on a small universe: the package,
// then its dependencies; orphans right after what left them.
func TestPlanOrder(t *testing.T) {
	t.Parallel()
	root := planTestRoot(t)
	e := rootEngine(root)
	e.opts.Autoremove = true
	res, err := e.Plan(context.Background(), PlanRequest{Command: PlanRemove, Args: []string{"old"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, s := range res.Plan.Steps {
		got = append(got, s.Action.String()+" "+s.Name+" "+s.Reason)
	}
	want := []string{"remove old requested", "remove libd orphaned"}
	if !slices.Equal(got, want) {
		t.Errorf("remove --autoremove old: %q, want %q", got, want)
	}
	if err := solver.Check(res.Universe, res.Request, res.Solved); err != nil {
		t.Error(err)
	}

	res, err = rootEngine(root).Plan(context.Background(), PlanRequest{Command: PlanInstall, Args: []string{"app"}})
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, s := range res.Plan.Steps {
		got = append(got, s.Action.String()+" "+s.Name+" "+s.OldVersion+">"+s.Version+" "+s.Reason+" "+s.By)
	}
	want = []string{"install app >1 requested ", "upgrade libd 1>2 dependency app"}
	if !slices.Equal(got, want) {
		t.Errorf("install app: %q, want %q", got, want)
	}
}

// FuzzInstallArg feeds arbitrary command-line words to install's reader:
// it never panics, and what it accepts names a package.
func FuzzInstallArg(f *testing.F) {
	for _, s := range []string{"tool", "tool=1.0", "tool>=1.5", "tool<<2", "t*", "[a-", "=", "a>>", "x.ipk", "http://h/x", "a (>= 1)", "a|b", "a,b"} {
		f.Add(s)
	}
	root := f.TempDir()
	put(f, root, "etc/opkg/o.conf", []byte(planTestConf))
	put(f, root, "var/l/core", []byte(planTestList))
	put(f, root, "usr/lib/opkg/status", []byte(planTestStatus))
	e := rootEngine(root)
	w, err := e.load(true)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		if isPackageFile(arg) {
			return // reads a file: covered by the ipk fuzzers
		}
		u := newUniverse(w, "root")
		atoms, err := e.installAtoms(context.Background(), u, arg)
		if err != nil {
			return
		}
		if len(atoms) == 0 {
			t.Fatalf("%q: no atom and no error", arg)
		}
		for _, a := range atoms {
			// "" is a name nothing has, as in lede ("Unknown package ''.").
			if a.Name == "" && arg != "" {
				t.Fatalf("%q: an atom without a name", arg)
			}
		}
	})
}
