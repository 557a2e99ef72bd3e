package statusdb

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"pakt/internal/realdata"
)

func TestRealStatusSets(t *testing.T) {
	t.Parallel()
	for _, set := range realdata.StatusSets(t) {
		root := filepath.ToSlash(set) + "/"
		d := Dest{Name: "root", Root: root, StatusFile: root + "/status", InfoDir: root + "/info"}
		db, err := Load(os.DirFS("/"), []Dest{d}, nil)
		if err != nil {
			t.Fatalf("%s: %v", set, err)
		}
		data := realdata.Read(t, filepath.Join("status", filepath.Base(set), "status"))
		if want := strings.Count("\n"+string(data), "\nPackage:"); len(db.Packages()) != want {
			t.Errorf("%s: %d packages, want %d", set, len(db.Packages()), want)
		}
	}
}

func TestCorrupt(t *testing.T) {
	t.Parallel()
	good := "Package: a\nVersion: 1\nStatus: install ok installed\nArchitecture: all\n\n"
	for _, tc := range []struct {
		name, data string
		line       int
		cause      error
		text       string
	}{
		{"truncated Package line", good + "Package: b\nVersion: 1\nStatus: install ok installed\n\nPack", 10, nil, "status:10"},
		{"no newline at end", good + "Package: b\nVersion: 1\nStatus: install ok installed", 8, ErrTruncated, "status:8"},
		{"no Package", good + "Version: 1\nStatus: install ok installed\n\n", 6, ErrNoPackage, "status:6"},
		{"no Status", good + "Package: b\nVersion: 1\n\n", 6, ErrNoStatus, "status:6"},
		{"bad Status word", good + "Package: b\nVersion: 1\nStatus: install ok bogus\n\n", 0, nil, "status:8"},
	} {
		fsys := fstest.MapFS{"r/usr/lib/opkg/status": {Data: []byte(tc.data)}}
		d := Dest{Name: "root", Root: "/r/", StatusFile: "/r//usr/lib/opkg/status", InfoDir: "/r//usr/lib/opkg/info"}
		db, err := Load(fsys, []Dest{d}, nil)
		var se *Error
		if !errors.As(err, &se) {
			t.Errorf("%s: err = %v, want *Error", tc.name, err)
			continue
		}
		if tc.line != 0 && se.Line != tc.line {
			t.Errorf("%s: line %d, want %d", tc.name, se.Line, tc.line)
		}
		if tc.cause != nil && !errors.Is(err, tc.cause) {
			t.Errorf("%s: %v does not wrap %v", tc.name, err, tc.cause)
		}
		if !strings.Contains(err.Error(), tc.text) {
			t.Errorf("%s: %q does not name %s", tc.name, err, tc.text)
		}
		if db == nil || len(db.Packages()) < 1 || db.Packages()[0].Name != "a" {
			t.Errorf("%s: the packages before the error are lost", tc.name)
		}
	}
}

func TestMissingStatusIsEmpty(t *testing.T) {
	t.Parallel()
	db, err := Load(fstest.MapFS{}, []Dest{{Name: "root", StatusFile: "/x/status"}}, nil)
	if err != nil || len(db.Packages()) != 0 {
		t.Fatalf("Load = %v, %v", db, err)
	}
}

func TestFilesAndConffiles(t *testing.T) {
	t.Parallel()
	fsys := fstest.MapFS{
		"r/usr/lib/opkg/status": {Data: []byte("Package: a\nVersion: 1\nStatus: install ok installed\nArchitecture: all\n" +
			"Conffiles:\n /etc/a d41d8cd98f00b204e9800998ecf8427e\n /etc/b e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n /etc/c d41d8cd98f00b204e9800998ecf8427e\n\n")},
		"r/usr/lib/opkg/info/a.list": {Data: []byte("/etc/a\n/usr/bin/a\n")},
		"r/etc/a":                    {Data: nil},
		"r/etc/b":                    {Data: []byte("x")},
	}
	d := Dest{Name: "root", Root: "/r/", StatusFile: "/r//usr/lib/opkg/status", InfoDir: "/r//usr/lib/opkg/info"}
	db, err := Load(fsys, []Dest{d}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := db.InstalledNamed("a")
	files, err := db.Files(fsys, p)
	if err != nil || strings.Join(files, ",") != "/etc/a,/usr/bin/a" {
		t.Fatalf("Files = %q, %v", files, err)
	}
	want := []bool{false, true, true} // same md5; sha256 differs; missing counts as changed (lede)
	for i, c := range p.Conffiles {
		if got := ConffileChanged(fsys, "/r", c); got != want[i] {
			t.Errorf("ConffileChanged(%s) = %v, want %v", c.Path, got, want[i])
		}
	}
	if ctl, err := InfoFile(fsys, p, "list"); err != nil || string(ctl) != "/etc/a\n/usr/bin/a\n" {
		t.Errorf("InfoFile(list) = %q, %v", ctl, err)
	}
	if _, err := InfoFile(fsys, p, "postinst"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("InfoFile(postinst): %v", err)
	}
	if _, err := db.Files(fsys, &Package{Package: p.Package, Dest: &Dest{InfoDir: "/nowhere"}}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing list: %v", err)
	}
}
