package ipk

import (
	"bytes"
	"errors"
	"io"
	"slices"
	"testing"
)

func TestReadBothOuterForms(t *testing.T) {
	t.Parallel()
	data := tarOf(t, dir("./"), dir("./usr/"), dir("./usr/bin/"), file("./usr/bin/hello", "#!/bin/sh\necho hi\n"),
		symlink("./usr/bin/hi", "hello"), hardlink("./usr/bin/hello2", "./usr/bin/hello"))
	want := []string{"usr", "usr/bin", "usr/bin/hello", "usr/bin/hi", "usr/bin/hello2"}
	members := standard(t, data)
	arOrder := []member{{"debian-binary", members[0].body}, {"control.tar.gz", members[2].body}, {"data.tar.gz", members[1].body}}
	for name, pkg := range map[string][]byte{
		"tar.gz, data first (ipkg-build)":       ipkTarGz(t, members...),
		"tar.gz, control first (opkg-build -c)": ipkTarGz(t, members[0], members[2], members[1]),
		"ar (opkg-build)":                       ipkAr(arOrder...),
		"plain tar":                             tarOf(t, file("debian-binary", "2.0\n"), file("control.tar.gz", string(members[2].body)), file("data.tar.gz", string(members[1].body))),
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			names, ctl, err := walkAll(pkg, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(names, want) {
				t.Errorf("entries %q, want %q", names, want)
			}
			stanza, ok := ctl.File("control")
			if !ok || !bytes.HasPrefix(stanza, []byte("Package: test\n")) {
				t.Errorf("control = %q", stanza)
			}
			if s, ok := ctl.File("postinst"); !ok || string(s) != "#!/bin/sh\nexit 0\n" {
				t.Errorf("postinst = %q", s)
			}
		})
	}
}

func TestMemberIteration(t *testing.T) {
	t.Parallel()
	pkg := ipkTarGz(t, standard(t, tarOf(t, file("./a", "x")))...)
	r, err := NewReader(bytes.NewReader(pkg), "p.ipk", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r.Outer() != OuterTarGzip {
		t.Errorf("outer = %v", r.Outer())
	}
	var kinds []MemberKind
	for {
		m, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, m.Kind)
		if m.Kind == MemberControl {
			// Data on the control member is a misuse, reported as such.
			var fe *FormatError
			if _, err := r.Data(); !errors.As(err, &fe) || fe.Problem != ProblemMisuse {
				t.Errorf("Data on control member: %v", err)
			}
		}
	}
	if !slices.Equal(kinds, []MemberKind{MemberDebianBinary, MemberData, MemberControl}) {
		t.Errorf("kinds %v", kinds)
	}
	if r.Version() != "2.0" {
		t.Errorf("version %q", r.Version())
	}
}

func TestReadControlSkipsData(t *testing.T) {
	t.Parallel()
	// Data comes first and is garbage: ReadControl does not look inside it.
	pkg := ipkTarGz(t, member{"./debian-binary", []byte("2.0\n")}, member{"./data.tar.gz", []byte("not gzip")}, member{"./control.tar.gz", controlTarGz(t)})
	ctl, err := ReadControl(bytes.NewReader(pkg), "p.ipk", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := ctl.File("control"); !ok {
		t.Error("no control")
	}
	// Walk does look, and refuses.
	if _, _, err := walkAll(pkg, Options{}); err == nil {
		t.Error("Walk accepted a corrupt data member")
	}
}
