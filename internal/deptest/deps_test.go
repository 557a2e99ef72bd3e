// Package deptest enforces pakt's architecture (DESIGN.md §3): pure packages
// stay free of I/O, and every import arrow between pakt's own packages points
// down the layering, never up. It holds only tests.
package deptest

import (
	"bufio"
	"bytes"
	"os/exec"
	"sort"
	"strings"
	"testing"
)

const module = "pakt"

// allowed lists, for each of pakt's packages, the pakt packages it may import
// directly. A package missing from this table fails the test: adding a
// package means deciding where it sits.
var allowed = map[string][]string{
	"cmd/pakt": {"internal/cli"},

	// Pure core: standard library and each other, downwards only.
	"internal/version":  {},
	"internal/control":  {},
	"internal/sign":     {},
	"internal/relation": {"internal/version"},
	"internal/opkgconf": {},
	"internal/pkginfo":  {"internal/control", "internal/relation", "internal/version"},
	"internal/feed":     {"internal/control", "internal/pkginfo", "internal/relation", "internal/version"},
	"internal/ipk":      {"internal/control", "internal/pkginfo"},
	"internal/solver":   {"internal/pkginfo", "internal/relation", "internal/version"},
	"internal/output":   {"internal/control", "internal/pkginfo", "internal/relation", "internal/version", "internal/opkgconf", "internal/solver"},

	// I/O edges.
	"internal/fsroot":      {},
	"internal/fetch":       {},
	"internal/maintscript": {},
	"internal/statusdb":    {"internal/control", "internal/pkginfo", "internal/relation", "internal/version", "internal/fsroot"},
	"internal/txn":         {"internal/control", "internal/pkginfo", "internal/statusdb", "internal/fsroot", "internal/ipk", "internal/solver", "internal/maintscript"},

	// Wiring.
	"internal/engine": {"internal/control", "internal/pkginfo", "internal/relation", "internal/version", "internal/opkgconf",
		"internal/sign", "internal/feed", "internal/ipk", "internal/solver", "internal/output", "internal/statusdb",
		"internal/txn", "internal/fsroot", "internal/fetch", "internal/maintscript"},
	// cli renders the typed errors of the layers below it (only cli turns
	// errors into messages), so it may name the solver's *Unsatisfiable;
	// that arrow still points down.
	"internal/cli": {"internal/engine", "internal/output", "internal/solver"},

	// Test helpers may use anything below the wiring.
	"internal/feedtest": {"internal/control", "internal/pkginfo", "internal/sign", "internal/feed", "internal/ipk"},
	"internal/deptest":  {},
	"internal/realdata": {},
	"internal/roottest": {},
}

// pure packages may not reach the outside world, not even indirectly.
var pure = []string{
	"internal/version", "internal/control", "internal/sign", "internal/relation", "internal/opkgconf",
	"internal/pkginfo", "internal/feed", "internal/ipk", "internal/solver", "internal/output",
}

// forbiddenDirect may not be imported by a pure package's own code. (The
// standard library itself imports os — fmt does — so only direct imports
// are checked for these.)
var forbiddenDirect = []string{"os", "os/exec", "os/signal", "net", "net/http", "syscall", "io/ioutil", "plugin", "unsafe"}

// forbiddenAnywhere may not be reached by a pure package at all, through any
// chain of imports.
var forbiddenAnywhere = []string{"net", "net/http", "os/exec"}

type pkg struct {
	path    string
	imports []string
	deps    []string
}

func goList(t *testing.T) []pkg {
	t.Helper()
	cmd := exec.Command("go", "list", "-f", "{{.ImportPath}}|{{join .Imports \" \"}}|{{join .Deps \" \"}}", module+"/...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.Bytes())
	}
	var pkgs []pkg
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), "|", 3)
		if len(parts) != 3 {
			t.Fatalf("unexpected go list line %q", sc.Text())
		}
		pkgs = append(pkgs, pkg{
			path:    strings.TrimPrefix(parts[0], module+"/"),
			imports: strings.Fields(parts[1]),
			deps:    strings.Fields(parts[2]),
		})
	}
	return pkgs
}

func TestImportArrowsPointDown(t *testing.T) {
	for _, p := range goList(t) {
		ok, known := allowed[p.path]
		if !known {
			t.Errorf("package %s is not in deptest's table: decide which layer it belongs to (DESIGN.md §3)", p.path)
			continue
		}
		set := map[string]bool{}
		for _, a := range ok {
			set[a] = true
		}
		for _, imp := range p.imports {
			if !strings.HasPrefix(imp, module+"/") {
				continue
			}
			imp = strings.TrimPrefix(imp, module+"/")
			if !set[imp] {
				t.Errorf("%s imports %s: that arrow is not allowed (DESIGN.md §3)", p.path, imp)
			}
		}
	}
}

func TestPurePackagesDoNoIO(t *testing.T) {
	byPath := map[string]pkg{}
	for _, p := range goList(t) {
		byPath[p.path] = p
	}
	var checked []string
	for _, name := range pure {
		p, ok := byPath[name]
		if !ok {
			continue // not written yet
		}
		checked = append(checked, name)
		for _, imp := range p.imports {
			for _, bad := range forbiddenDirect {
				if imp == bad {
					t.Errorf("pure package %s imports %s", name, bad)
				}
			}
		}
		for _, dep := range p.deps {
			for _, bad := range forbiddenAnywhere {
				if dep == bad {
					t.Errorf("pure package %s depends on %s through its imports", name, bad)
				}
			}
		}
	}
	sort.Strings(checked)
	t.Logf("pure packages checked: %v", checked)
}
