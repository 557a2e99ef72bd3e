package output

import (
	"bytes"
	"errors"
	"testing"

	"pakt/internal/control"
)

func TestList(t *testing.T) {
	t.Parallel()
	lines := []ListLine{
		{Name: "apps", Version: "2.1-1", Size: 1234, Description: "First\n second\n ."},
		{Name: "nodesc", Version: "3"},
	}
	for _, tc := range []struct {
		name string
		opts ListOptions
		want string
	}{
		// opkg-lede print_pkg, off a terminal: continuation lines glued on
		// with their leading space (pkg_parse.c, isatty(1) false).
		{"plain", ListOptions{}, "apps - 2.1-1 - First second .\nnodesc - 3\n"},
		{"size", ListOptions{Size: true}, "apps - 2.1-1 - 1234 - First second .\nnodesc - 3 - 0\n"},
		{"terminal", ListOptions{Terminal: true}, "apps - 2.1-1 - First\n second\n .\nnodesc - 3\n"},
		{"short", ListOptions{ShortDescription: true}, "apps - 2.1-1 - First\nnodesc - 3\n"},
	} {
		var b bytes.Buffer
		if err := List(&b, lines, tc.opts); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, b.String(), tc.want)
		}
	}
}

func TestInfo(t *testing.T) {
	t.Parallel()
	s := &control.Stanza{}
	s.Append("Package", "apps")
	s.Append("Version", "1")
	s.Append("Status", "install ok installed")
	s.Append("Conffiles", "\n /etc/a d41d8cd98f00b204e9800998ecf8427e")
	s.Append("Description", "one\n two")
	for _, tc := range []struct {
		name string
		opts InfoOptions
		want string
	}{
		{"all", InfoOptions{}, "Package: apps\nVersion: 1\nStatus: install ok installed\nConffiles:\n /etc/a d41d8cd98f00b204e9800998ecf8427e\nDescription: one two\n\n"},
		{"terminal", InfoOptions{Terminal: true}, "Package: apps\nVersion: 1\nStatus: install ok installed\nConffiles:\n /etc/a d41d8cd98f00b204e9800998ecf8427e\nDescription: one\n two\n\n"},
		{"fields", InfoOptions{Fields: []string{"package", "DESCRIPTION"}}, "Package: apps\nDescription: one two\n\n"},
		{"short", InfoOptions{Fields: []string{"Description"}, ShortDescription: true}, "Description: one\n\n"},
	} {
		var b bytes.Buffer
		if err := Info(&b, s, tc.opts); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, b.String(), tc.want)
		}
	}
}

func TestSmallFormats(t *testing.T) {
	t.Parallel()
	var b bytes.Buffer
	Upgradable(&b, []UpgradableLine{{"apps", "2.0-1", "2.1-1"}})
	FilesHeader(&b, "apps", "2.0-1", "root")
	Lines(&b, []string{"/usr/bin/apps"})
	want := "apps - 2.0-1 - 2.1-1\nPackage apps (2.0-1) is installed on root and has the following files:\n/usr/bin/apps\n"
	if b.String() != want {
		t.Errorf("%q, want %q", b.String(), want)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrors(t *testing.T) {
	t.Parallel()
	if err := List(failWriter{}, []ListLine{{Name: "a", Version: "1"}}, ListOptions{}); err == nil {
		t.Error("List lost the write error")
	}
	if err := Info(failWriter{}, &control.Stanza{}, InfoOptions{}); err == nil {
		t.Error("Info lost the write error")
	}
}
