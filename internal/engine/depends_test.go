package engine

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"pakt/internal/output"
)

// smallRoot is an offline root in memory: a feed list and a status file.
func smallRoot(list, status string) *Engine {
	return smallRootOpts(list, status, Options{})
}

func smallRootOpts(list, status string, opts Options) *Engine {
	fsys := fstest.MapFS{
		"r/etc/opkg/o.conf":     {Data: []byte("lists_dir ext /var/l\narch all 1\narch x86_64 10\nsrc core http://127.0.0.1:9/core\n")},
		"r/var/l/core":          {Data: []byte(list)},
		"r/usr/lib/opkg/status": {Data: []byte(status)},
	}
	opts.OfflineRoot = "/r"
	return New(System{Files: fsys, Dir: "/"}, opts)
}

const whatList = `Package: base
Version: 1
Provides: base-virtual
Architecture: all

Package: a
Version: 1
Depends: base
Architecture: all

Package: b
Version: 1
Depends: a
Architecture: all

Package: c
Version: 1
Depends: nothing | base-virtual (>= 2)
Architecture: all

Package: g
Version: 1
Depends: base *
Recommends: base (<< 1)
Conflicts: a (>> 1)
Architecture: all

`

func whatNames(res *WhatResult) []string {
	var out []string
	for _, m := range res.Matches {
		s := m.Name + ":" + m.Via.String()
		if !m.Satisfiable {
			s += "!"
		}
		out = append(out, s)
	}
	return out
}

// TestWhat pins opkg-lede's opkg_what_depends_conflicts_cmd: a package is
// found through the first atom naming a marked name, marked in turn
// (with what it provides) during the same pass; recursion repeats the
// pass; greedy groups never count.
func TestWhat(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		req  WhatRequest
		root []string
		want []string // in any order: lede's hash order is pinned by the goldens
	}{
		{"depends", WhatRequest{Relation: WhatDependsOn, Globs: []string{"base"}}, []string{"base"},
			// b depends on a, found in the same pass only if a comes first
			// in hash order; c names base-virtual through its provider.
			nil},
		{"recursive", WhatRequest{Relation: WhatDependsOn, Recursive: true, Globs: []string{"base"}}, []string{"base"},
			[]string{"a:a", "b:a", "c:base-virtual (>= 2)!"}},
		{"root by provided name", WhatRequest{Relation: WhatDependsOn, Recursive: true, Globs: []string{"base-v*"}}, []string{"base"},
			[]string{"a:base", "b:a", "c:base-virtual (>= 2)!"}},
		{"recommends strict", WhatRequest{Relation: WhatRecommendsOf, Globs: []string{"base"}}, []string{"base"},
			[]string{"g:base (<< 1)!"}},
		{"conflicts", WhatRequest{Relation: WhatConflictsWith, Globs: []string{"a"}}, []string{"a"},
			[]string{"g:a (>> 1)!"}},
		{"no root", WhatRequest{Relation: WhatDependsOn, Globs: []string{"zzz"}}, nil, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := smallRootOpts(whatList, "", Options{QueryAll: true})
			res, err := e.What(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			var root []string
			for _, r := range res.RootSet {
				root = append(root, r.Name)
			}
			if strings.Join(root, ",") != strings.Join(tc.root, ",") {
				t.Errorf("root set %v, want %v", root, tc.root)
			}
			got := whatNames(res)
			if tc.name == "depends" {
				// Without recursion a and c are always found; b only when
				// a precedes it in the vector.
				if !contains(got, "a:base") || !contains(got, "c:base-virtual (>= 2)!") {
					t.Errorf("got %v", got)
				}
				return
			}
			fix := func(s []string) string {
				c := append([]string(nil), s...)
				for i := range c {
					c[i] = strings.Replace(c[i], "a:a", "a:base", 1)
				}
				sortStrings(c)
				return strings.Join(c, " ")
			}
			if fix(got) != fix(tc.want) {
				t.Errorf("matches %v, want %v", got, tc.want)
			}
		})
	}
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

func sortStrings(s []string) {
	for i := 1; i < len(s); i++ {
		for j := i; j > 0 && s[j] < s[j-1]; j-- {
			s[j], s[j-1] = s[j-1], s[j]
		}
	}
}

// TestWhatInstalledOnly: without -A only installed packages are searched,
// and the root set must itself be installed.
func TestWhatInstalledOnly(t *testing.T) {
	t.Parallel()
	status := "Package: base\nVersion: 1\nStatus: install ok installed\nArchitecture: all\n\n" +
		"Package: a\nVersion: 1\nDepends: base\nStatus: install ok installed\nArchitecture: all\n\n" +
		"Package: gone\nVersion: 1\nDepends: base\nStatus: deinstall ok config-files\nArchitecture: all\n\n"
	e := smallRoot(whatList, status)
	res, err := e.WhatDepends(context.Background(), []string{"base"})
	if err != nil {
		t.Fatal(err)
	}
	if got := whatNames(res); strings.Join(got, ",") != "a:base" {
		t.Errorf("got %v, want only the installed a", got)
	}
}

// TestProvides: a package provides its own name first (lede's provides
// list starts with the package), Replaces does not include it, and Exact
// says whether lede leaves the name out of its line.
func TestProvides(t *testing.T) {
	t.Parallel()
	list := whatList + "Package: r\nVersion: 1\nReplaces: old (<< 2), other\nArchitecture: all\n\n"
	e := smallRootOpts(list, "", Options{QueryAll: true})
	res, err := e.WhatProvides(context.Background(), []string{"base*", "base-virtual"})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, q := range res.Queries {
		for _, m := range q.Matches {
			got = append(got, q.Glob+">"+m.FoundPackage.Name+":"+m.Name+":"+map[bool]string{true: "exact", false: "named"}[m.Exact])
		}
	}
	want := "base*>base:base:named base*>base:base-virtual:named base-virtual>base:base-virtual:exact"
	if strings.Join(got, " ") != want {
		t.Errorf("got  %s\nwant %s", strings.Join(got, " "), want)
	}
	rep, err := e.WhatReplaces(context.Background(), []string{"*"})
	if err != nil {
		t.Fatal(err)
	}
	got = nil
	for _, m := range rep.Queries[0].Matches {
		got = append(got, m.FoundPackage.Name+":"+m.Name)
	}
	if strings.Join(got, " ") != "r:old r:other" {
		t.Errorf("replaces %v", got)
	}
}

// TestDependsCorruptRelation: a Depends pakt cannot parse is an error
// naming the list and the line, not a silently missing dependency.
func TestDependsCorruptRelation(t *testing.T) {
	t.Parallel()
	list := "Package: base\nVersion: 1\nArchitecture: all\n\nPackage: x\nVersion: 1\nDepends: base (>= \nArchitecture: all\n\n"
	e := smallRootOpts(list, "", Options{QueryAll: true})
	_, err := e.WhatDepends(context.Background(), []string{"base"})
	if err == nil || !strings.Contains(err.Error(), "core") || !strings.Contains(err.Error(), "core:7") {
		t.Fatalf("err = %v, want one naming the list and line 7", err)
	}
}

// TestWhatDependsOnBigRoot checks the benchmark's work: libc (installed
// from the status set) is depended on by most of the release.
func TestWhatDependsOnBigRoot(t *testing.T) {
	t.Parallel()
	e := New(System{Files: os.DirFS("/"), Dir: "/"}, Options{OfflineRoot: bigRoot(t), QueryAll: true})
	res, err := e.WhatDepends(context.Background(), []string{"libc"})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.RootSet) != 1 || res.RootSet[0].Name != "libc" {
		t.Fatalf("root set %v", res.RootSet)
	}
	if len(res.Matches) < 3000 {
		t.Fatalf("%d packages depend on libc", len(res.Matches))
	}
	seen := map[string]bool{}
	for _, m := range res.Matches {
		if seen[m.Name] {
			t.Fatalf("%s reported twice", m.Name)
		}
		seen[m.Name] = true
	}
}

// BenchmarkWhatDependsAll is whatdepends -A libc over the largest OpenWrt
// release group (6 lists, 4,500 packages) plus a device's status file,
// rendered as lede's text.
func BenchmarkWhatDependsAll(b *testing.B) {
	e := New(System{Files: os.DirFS("/"), Dir: "/"}, Options{OfflineRoot: bigRoot(b), QueryAll: true})
	b.ReportAllocs()
	for b.Loop() {
		res, err := e.WhatDepends(context.Background(), []string{"libc"})
		if err != nil {
			b.Fatal(err)
		}
		lines := make([]output.WhatLine, len(res.Matches))
		for i, m := range res.Matches {
			lines[i] = output.WhatLine{Name: m.Name, Version: m.DisplayVersion(), Verb: "depends on", Via: m.Via, Unsatisfiable: !m.Satisfiable}
		}
		if err := output.WhatLines(io.Discard, lines); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDependsAll is depends -A over every package of the same root.
func BenchmarkDependsAll(b *testing.B) {
	e := New(System{Files: os.DirFS("/"), Dir: "/"}, Options{OfflineRoot: bigRoot(b), QueryAll: true})
	b.ReportAllocs()
	for b.Loop() {
		res, err := e.Depends(context.Background(), []string{"*"})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Packages) < 4000 {
			b.Fatalf("%d packages", len(res.Packages))
		}
	}
}
