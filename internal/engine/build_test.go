package engine

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pakt/internal/control"
	"pakt/internal/ipk"
)

// writeTree creates files under root: a name ending in "/" is a directory,
// "name -> target" a symlink; mode 0755 for names under bin/ and for
// maintainer scripts.
func writeTree(t testing.TB, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		if n, target, ok := strings.Cut(name, " -> "); ok {
			p := filepath.Join(root, n)
			os.MkdirAll(filepath.Dir(p), 0o755)
			if err := os.Symlink(target, p); err != nil {
				t.Fatal(err)
			}
			continue
		}
		p := filepath.Join(root, name)
		if strings.HasSuffix(name, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		mode := os.FileMode(0o644)
		base := filepath.Base(name)
		if strings.Contains(name, "bin/") || base == "preinst" || base == "postinst" || base == "prerm" || base == "postrm" {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
}

const helloControl = `Package: hello
Version: 1.0-1
Depends: libc
Architecture: all
Maintainer: Someone <someone@example.org>
Section: utils
Description: says hello
 in two lines
`

func helloTree() map[string]string {
	return map[string]string{
		"CONTROL/control":     helloControl,
		"CONTROL/postinst":    "#!/bin/sh\necho configured\n",
		"CONTROL/conffiles":   "/etc/config\n",
		"etc/config/hello":    "option a 1\n",
		"etc/config/world":    "option b 2\n",
		"usr/bin/hello":       "#!/bin/sh\necho hello\n",
		"usr/bin/hi -> hello": "",
		"var/empty/":          "",
	}
}

func buildEngine(t testing.TB, dir string, env map[string]string) *Engine {
	return New(System{Files: os.DirFS("/"), Dir: dir, Getenv: func(k string) string { return env[k] }}, Options{})
}

// readBack reads a built package with the ipk reader (every safety rule),
// returning the control file and the data entries.
func readBack(t *testing.T, path string) (string, map[string]*ipk.Entry, *ipk.Control, ipk.OuterFormat) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := ipk.NewReader(f, path, ipk.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ents := map[string]*ipk.Entry{}
	var ctl *ipk.Control
	for {
		m, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		switch m.Kind {
		case ipk.MemberControl:
			if ctl, err = r.Control(); err != nil {
				t.Fatal(err)
			}
		case ipk.MemberData:
			d, err := r.Data()
			if err != nil {
				t.Fatal(err)
			}
			for {
				e, err := d.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				ents[e.Name] = e
			}
		}
	}
	text, _ := ctl.File("control")
	return string(text), ents, ctl, r.Outer()
}

func TestBuild(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	work := t.TempDir()
	writeTree(t, filepath.Join(work, "src"), helloTree())
	os.Mkdir(filepath.Join(work, "out"), 0o755)
	e := buildEngine(t, work, map[string]string{"SOURCE_DATE_EPOCH": "1700000000"})
	res, err := e.Build(ctx, BuildRequest{Dir: "src", OutDir: "out"})
	if err != nil {
		t.Fatal(err)
	}
	if res.File != "out/hello_1.0-1_all.ipk" || res.Dir != filepath.Join(work, "src") {
		t.Errorf("built %q from %q", res.File, res.Dir)
	}
	if got := entries(t, filepath.Join(work, "out")); got != "hello_1.0-1_all.ipk" {
		t.Errorf("out holds %q", got)
	}
	first, _ := os.ReadFile(filepath.Join(work, res.File))

	ctlText, ents, ctl, outer := readBack(t, filepath.Join(work, res.File))
	if outer != ipk.OuterTarGzip {
		t.Errorf("outer %v", outer)
	}
	// Installed-Size is the data tar's size (ipkg-build), placed before
	// Description; everything else is the control file as written.
	want := strings.Replace(helloControl, "Description:", "Installed-Size: 10240\nDescription:", 1)
	if ctlText != want {
		t.Errorf("control:\n%s\nwant:\n%s", ctlText, want)
	}
	conffiles, _ := ctl.File("conffiles")
	if string(conffiles) != "/etc/config/hello\n/etc/config/world\n" {
		t.Errorf("conffiles %q: a directory stands for its files (OpenWrt ipkg-build)", conffiles)
	}
	for _, cf := range ctl.Files {
		if cf.Name == "postinst" && cf.Mode.Perm() != 0o755 {
			t.Errorf("postinst mode %v", cf.Mode)
		}
	}
	for _, name := range []string{"etc/config/hello", "usr/bin/hello", "usr/bin/hi", "var/empty"} {
		en := ents[name]
		if en == nil {
			t.Errorf("%s missing", name)
			continue
		}
		if en.ModTime.Unix() != 1700000000 || en.Uid != 0 || en.Gid != 0 || en.Uname != "" {
			t.Errorf("%s: mtime %v owner %d:%d %q", name, en.ModTime, en.Uid, en.Gid, en.Uname)
		}
	}
	for name := range ents {
		if strings.HasPrefix(name, "CONTROL") {
			t.Errorf("%s packaged", name)
		}
	}
	if ents["usr/bin/hi"].Type != ipk.TypeSymlink || ents["usr/bin/hello"].Mode.Perm() != 0o755 {
		t.Errorf("symlink or mode lost")
	}
	// The source directory is not modified (both scripts rewrite CONTROL/ in place).
	if b, _ := os.ReadFile(filepath.Join(work, "src/CONTROL/conffiles")); string(b) != "/etc/config\n" {
		t.Errorf("source conffiles rewritten: %q", b)
	}

	// Twice: the same bytes.
	if _, err := e.Build(ctx, BuildRequest{Dir: "src", OutDir: "out"}); err != nil {
		t.Fatal(err)
	}
	second, _ := os.ReadFile(filepath.Join(work, res.File))
	if !bytes.Equal(first, second) {
		t.Errorf("two builds differ")
	}
	if got := entries(t, filepath.Join(work, "out")); got != "hello_1.0-1_all.ipk" {
		t.Errorf("out holds %q after the second build", got)
	}
}

func TestBuildOptions(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	work := t.TempDir()
	tree := helloTree()
	tree["CONTROL/control"] = strings.Replace(helloControl, "Version: 1.0-1", "Version: 2:1.0-1", 1) + "Installed-Size: 1\n"
	writeTree(t, filepath.Join(work, "src"), tree)

	// Output inside the source directory, owner and group, ar outer.
	e := buildEngine(t, work, map[string]string{"PKG_SOURCE_DATE_EPOCH": "5", "SOURCE_DATE_EPOCH": "7"})
	res, err := e.Build(ctx, BuildRequest{Dir: "src", OutDir: "src", Owner: "1000", Group: "root", Ar: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.File != "src/hello_1.0-1_all.ipk" {
		t.Errorf("file %q: a one-character epoch is dropped from the name", res.File)
	}
	ctlText, ents, _, outer := readBack(t, filepath.Join(work, res.File))
	if outer != ipk.OuterAr {
		t.Errorf("outer %v", outer)
	}
	if !strings.HasSuffix(ctlText, "Installed-Size: 10240\n") || strings.Count(ctlText, "Installed-Size") != 1 {
		t.Errorf("Installed-Size not rewritten in place:\n%s", ctlText)
	}
	for name, en := range ents {
		if strings.HasSuffix(name, ".ipk") || strings.Contains(name, ".pakt-") {
			t.Errorf("the package holds its own output %s", name)
		}
		if en.Uid != 1000 || en.Gid != 0 || en.ModTime.Unix() != 5 {
			t.Errorf("%s: owner %d:%d mtime %d", name, en.Uid, en.Gid, en.ModTime.Unix())
		}
	}
	// Rebuilding with the old package inside the tree gives the same bytes.
	first, _ := os.ReadFile(filepath.Join(work, res.File))
	if _, err := e.Build(ctx, BuildRequest{Dir: "src", OutDir: "src", Owner: "1000", Group: "root", Ar: true}); err != nil {
		t.Fatal(err)
	}
	if second, _ := os.ReadFile(filepath.Join(work, res.File)); !bytes.Equal(first, second) {
		t.Errorf("rebuild into the source directory differs")
	}
}

func TestBuildErrors(t *testing.T) {
	t.Parallel()
	const good = "Package: p\nVersion: 1\nArchitecture: all\nMaintainer: m\nDescription: d\n"
	tests := []struct {
		name  string
		tree  map[string]string
		req   BuildRequest
		env   map[string]string
		wants []string // each an error line, in order
	}{
		{name: "missing dir", req: BuildRequest{Dir: "nosuch"}, wants: []string{"nosuch: directory does not exist"}},
		{name: "no CONTROL", tree: map[string]string{"usr/x": ""}, wants: []string{"src: has no CONTROL subdirectory"}},
		{name: "no control", tree: map[string]string{"CONTROL/postinst": "#!/bin/sh\n"}, wants: []string{"src/CONTROL/control: control file not found"}},
		{
			name: "every missing field at once (opkg-build)",
			tree: map[string]string{"CONTROL/control": "Package: p\nVersion:\nSection: x\n"},
			wants: []string{
				"src/CONTROL/control:2: Version: required field is missing or empty",
				"src/CONTROL/control:1: Architecture: required field is missing or empty",
				"src/CONTROL/control:1: Maintainer: required field is missing or empty",
				"src/CONTROL/control:1: Description: required field is missing or empty",
			},
		},
		{
			name:  "name characters (OpenWrt ipkg-build: [a-zA-Z0-9_.+-])",
			tree:  map[string]string{"CONTROL/control": strings.Replace(good, "Package: p", "Package: Foo/bar", 1)},
			wants: []string{`src/CONTROL/control:1: Package: name "Foo/bar" contains characters other than [A-Za-z0-9_.+-]`},
		},
		{
			name:  "Filename is an index field",
			tree:  map[string]string{"CONTROL/control": good + "Filename: x.ipk\n"},
			wants: []string{"src/CONTROL/control:6: Filename: field not allowed in a control file (the index adds it)"},
		},
		{
			name:  "architecture with a slash",
			tree:  map[string]string{"CONTROL/control": strings.Replace(good, "Architecture: all", "Architecture: ../all", 1)},
			wants: []string{`src/CONTROL/control:3: Architecture: architecture "../all" cannot be part of a file name (want [A-Za-z0-9_.+-])`},
		},
		{
			name:  "bad relation",
			tree:  map[string]string{"CONTROL/control": good + "Depends: a (>= \n"},
			wants: []string{"src/CONTROL/control:6: Depends: invalid value: "},
		},
		{
			name:  "two stanzas",
			tree:  map[string]string{"CONTROL/control": good + "\nPackage: q\n"},
			wants: []string{"src/CONTROL/control:7: holds more than one stanza (a blank line ends the control file)"},
		},
		{
			name:  "syntax",
			tree:  map[string]string{"CONTROL/control": good + "no colon\n"},
			wants: []string{"src/CONTROL/control:6: "},
		},
		{
			name: "script not executable, conffile missing (opkg-build)",
			tree: map[string]string{"CONTROL/control": good, "CONTROL/prerm.txt": "", "CONTROL/conffiles": "/etc/a\n\n/etc/missing\n", "etc/a": "",
				"CONTROL/postrm": "#!/bin/sh\n"},
			wants: []string{"src/CONTROL/conffiles:3: conffile /etc/missing does not exist"},
		},
		{
			name:  "conffile outside",
			tree:  map[string]string{"CONTROL/control": good, "CONTROL/conffiles": "/../etc/passwd\n"},
			wants: []string{"src/CONTROL/conffiles:1: conffile /../etc/passwd is not a clean path"},
		},
		{
			name:  "subdirectory in CONTROL",
			tree:  map[string]string{"CONTROL/control": good, "CONTROL/sub/": ""},
			wants: []string{"src/CONTROL/sub: is not a regular file (a control archive holds plain files only)"},
		},
		{name: "owner name", tree: map[string]string{"CONTROL/control": good}, req: BuildRequest{Owner: "nobody"},
			wants: []string{`owner "nobody": only numeric ids and "root" are supported (packages store numeric owners only)`}},
		{name: "bad epoch", tree: map[string]string{"CONTROL/control": good}, env: map[string]string{"SOURCE_DATE_EPOCH": "yesterday"},
			wants: []string{`$SOURCE_DATE_EPOCH="yesterday": not a number of seconds since 1970`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			work := t.TempDir()
			if tc.tree != nil {
				writeTree(t, filepath.Join(work, "src"), tc.tree)
			}
			if tc.name == "script not executable, conffile missing (opkg-build)" {
				os.Chmod(filepath.Join(work, "src/CONTROL/postrm"), 0o644)
				tc.wants = append([]string{"src/CONTROL/postrm: package script is not executable"}, tc.wants...)
			}
			os.Mkdir(filepath.Join(work, "out"), 0o755)
			req := tc.req
			if req.Dir == "" {
				req.Dir = "src"
			}
			req.OutDir = "out"
			_, err := buildEngine(t, work, tc.env).Build(context.Background(), req)
			if err == nil {
				t.Fatal("built")
			}
			lines := strings.Split(err.Error(), "\n")
			if len(lines) != len(tc.wants) {
				t.Fatalf("error:\n%v\nwant %d lines:\n%s", err, len(tc.wants), strings.Join(tc.wants, "\n"))
			}
			for i, w := range tc.wants {
				if !strings.HasPrefix(lines[i], w) {
					t.Errorf("line %d: %q, want prefix %q", i, lines[i], w)
				}
			}
			var invalid *InvalidSourceError
			var se *SourceError
			var oe *OwnerError
			var ee *EnvError
			if !errors.As(err, &invalid) && !errors.As(err, &se) && !errors.As(err, &oe) && !errors.As(err, &ee) {
				t.Errorf("untyped error %T", err)
			}
			if got := entries(t, filepath.Join(work, "out")); got != "" {
				t.Errorf("written on error: %s", got)
			}
		})
	}
}

func TestCheckControlEpochAndVersion(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ version, file string }{
		{"1.0-1", "1.0-1"},
		{"2:1.0-1", "1.0-1"},     // sed 's/^.://'
		{"10:1.0-1", "10:1.0-1"}, // only a one-character epoch goes
	} {
		if got := stripEpoch(tc.version); got != tc.file {
			t.Errorf("stripEpoch(%q) = %q, want %q", tc.version, got, tc.file)
		}
	}
	_, problems := CheckControl("c", []byte("Package: p\nVersion: 1/2\nArchitecture: all\nMaintainer: m\nDescription: d\n"))
	if len(problems) != 1 || problems[0].Field != "Version" {
		t.Errorf("slash in a version: %v", problems)
	}
	// A real OpenWrt version (lede-lean-2019 packages feed, convbin).
	if _, problems := CheckControl("c", []byte("Package: p\nVersion: 2.4.3_b24\nArchitecture: all\nMaintainer: m\nDescription: d\n")); len(problems) != 0 {
		t.Errorf("underscore in a version: %v", problems)
	}
}

// TestBuildInstallsWithOpkgLede installs what pakt built with the real
// opkg-lede (/work/ref/opkg, or $PAKT_REF_OPKG), offline under a temporary
// root; skipped where it is absent (CI).
func TestBuildInstallsWithOpkgLede(t *testing.T) {
	t.Parallel()
	opkg := os.Getenv("PAKT_REF_OPKG")
	if opkg == "" {
		opkg = "/work/ref/opkg"
	}
	if _, err := os.Stat(opkg); err != nil {
		t.Skip("no reference opkg-lede binary")
	}
	work := t.TempDir()
	tree := helloTree()
	tree["CONTROL/control"] = strings.Replace(helloControl, "Depends: libc\n", "", 1)
	writeTree(t, filepath.Join(work, "src"), tree)
	res, err := buildEngine(t, work, map[string]string{"SOURCE_DATE_EPOCH": "1700000000"}).Build(context.Background(), BuildRequest{Dir: "src"})
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(work, "root")
	writeTree(t, root, map[string]string{"etc/opkg/arch.conf": "arch all 1\narch x86_64 10\n", "var/lock/": "", "tmp/": ""})
	if res.File != filepath.Join(work, "hello_1.0-1_all.ipk") {
		t.Errorf("file %q: without an output directory, ipkg-build writes to $PWD", res.File)
	}
	cmd := exec.Command(opkg, "-o", root, "install", res.File)
	cmd.Env = []string{"TMPDIR=" + filepath.Join(root, "tmp"), "PATH=/usr/bin:/bin"}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("opkg install: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "Installing hello (1.0-1) to root...") {
		t.Errorf("opkg said:\n%s", out)
	}
	if b, err := os.ReadFile(filepath.Join(root, "usr/bin/hello")); err != nil || string(b) != "#!/bin/sh\necho hello\n" {
		t.Errorf("usr/bin/hello: %q %v", b, err)
	}
	if target, err := os.Readlink(filepath.Join(root, "usr/bin/hi")); err != nil || target != "hello" {
		t.Errorf("usr/bin/hi -> %q %v", target, err)
	}
	status, err := os.ReadFile(filepath.Join(root, "usr/lib/opkg/status"))
	if err != nil {
		t.Fatal(err)
	}
	stanzas, err := control.Parse("status", status)
	if err != nil || len(stanzas) != 1 {
		t.Fatalf("status: %v\n%s", err, status)
	}
	s := stanzas[0]
	if s.Get("Package") != "hello" || s.Get("Status") != "install user installed" || !strings.Contains(s.Get("Conffiles"), "/etc/config/hello ") {
		t.Errorf("status:\n%s", status)
	}
	list, _ := os.ReadFile(filepath.Join(root, "usr/lib/opkg/info/hello.list"))
	for _, f := range []string{"/usr/bin/hello\n", "/usr/bin/hi\n", "/etc/config/world\n"} {
		if !strings.Contains(string(list), f) {
			t.Errorf("hello.list lacks %s", f)
		}
	}
}

// OpenWrt's ipkg-build checks names against [a-zA-Z0-9_.+-] (its message
// says [a-z0-9.+-]); real feeds carry such names, so pakt build takes them.
func TestCheckControlAcceptsOpenWrtNames(t *testing.T) {
	t.Parallel()
	for _, name := range []string{"GraphicsMagick", "asterisk13-app-directed_pickup", "Perl-Module_1.0+x"} {
		ctl := "Package: " + name + "\nVersion: 1\nArchitecture: all\nMaintainer: m\nDescription: d\n"
		if _, problems := CheckControl("control", []byte(ctl)); len(problems) != 0 {
			t.Errorf("%s: %v", name, problems[0])
		}
	}
	for _, name := range []string{"_lead", ".hidden", "a b", "a/b", "naïve"} {
		ctl := "Package: " + name + "\nVersion: 1\nArchitecture: all\nMaintainer: m\nDescription: d\n"
		if _, problems := CheckControl("control", []byte(ctl)); len(problems) == 0 {
			t.Errorf("%q accepted", name)
		}
	}
}
