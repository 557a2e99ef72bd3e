package output

import (
	"bytes"
	"strings"
	"testing"

	"pakt/internal/pkginfo"
	"pakt/internal/relation"
)

func mustDepends(t *testing.T, s string) []relation.Group {
	t.Helper()
	gs, err := relation.ParseDepends("Depends", s)
	if err != nil {
		t.Fatal(err)
	}
	return gs
}

// TestDependsLines pins depends' lines (opkg_depends_cmd: "\t" and
// pkg_depend_str per Depends item) with pakt's operators.
func TestDependsLines(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"libc", "\tlibc\n"},
		{"a (>= 1) | b, c (<< 2)", "\ta (>= 1) | b\n\tc (<< 2)\n"},
		{"legacy (<5)", "\tlegacy (<= 5)\n"},
		{"greedy *, kept", "\tkept\n"},
		{"two (>=1.5-1) (<2)", "\ttwo (>= 1.5-1) (<= 2)\n"},
	}
	for _, tc := range tests {
		var b bytes.Buffer
		if err := DependsLines(&b, mustDepends(t, tc.in)); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("%q: got %q, want %q", tc.in, b.String(), tc.want)
		}
	}
}

// TestWhatAndProvides pins the what* and whatprovides layouts
// (opkg_what_depends_conflicts_cmd, opkg_what_provides_replaces_cmd).
func TestWhatAndProvides(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	WhatHeader(&b, "conflicts with", []string{"x", "y"})
	WhatLines(&b, []WhatLine{
		{Name: "p", Version: "1-1", Verb: "conflicts with", Via: mustDepends(t, "x (<< 2)")[0].Alts[0], Unsatisfiable: true},
		{Name: "q", Version: "2", Verb: "conflicts with", Via: mustDepends(t, "y")[0].Alts[0]},
	})
	Provides(&b, "provides", "lib*", []ProvidesLine{{Package: "libx", Name: "libx", Exact: false}, {Package: "liby", Name: "lib*", Exact: true}})
	want := "Root set:\n  x\n  y\nWhat conflicts with root set\n" +
		"\tp 1-1\tconflicts with x (<< 2) unsatisfiable\n\tq 2\tconflicts with y\n" +
		"What provides lib*\n    libx\tprovides libx\n\n    liby\n"
	if b.String() != want {
		t.Errorf("got\n%q\nwant\n%q", b.String(), want)
	}
}

// TestWriteStream: the streamed document is byte for byte the document
// WriteJSON writes whole.
func TestWriteStream(t *testing.T) {
	t.Parallel()
	p := &pkginfo.Package{Name: "a<b>&", Version: "1", Depends: mustDepends(t, "libc, x (>= 1) | y"), Description: "line\n second"}
	pkgs := []PackageJSON{Package(p, "core", ""), Package(p, "", "root")}
	for _, n := range []int{0, 1, 2} {
		var whole, streamed bytes.Buffer
		doc := PackagesDoc{MessageType: TypePackages, Packages: append([]PackageJSON{}, pkgs[:n]...)}
		if err := WriteJSON(&whole, doc); err != nil {
			t.Fatal(err)
		}
		head := struct {
			MessageType string `json:"message_type"`
		}{TypePackages}
		err := WriteStream(&streamed, head, "packages", func(emit func(any) error) error {
			for _, j := range pkgs[:n] {
				if err := emit(j); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if whole.String() != streamed.String() {
			t.Errorf("%d packages:\nwhole    %s\nstreamed %s", n, whole.String(), streamed.String())
		}
	}
	// The relation shape the README promises.
	var b bytes.Buffer
	WriteJSON(&b, Relations(p.Depends))
	if got := strings.TrimSpace(b.String()); got != `[[{"name":"libc"}],[{"name":"x","op":">=","version":"1"},{"name":"y"}]]` {
		t.Errorf("relations: %s", got)
	}
}

// TestStatusJSON splits the Status field; "ok" is no flags.
func TestStatusJSON(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"install ok installed":        `{"want":"install","flags":[],"state":"installed"}`,
		"install hold,user installed": `{"want":"install","flags":["hold","user"],"state":"installed"}`,
		"deinstall ok config-files":   `{"want":"deinstall","flags":[],"state":"config-files"}`,
	} {
		s, err := pkginfo.ParseStatus(in)
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		WriteJSON(&b, Status(s))
		if got := strings.TrimSpace(b.String()); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}
