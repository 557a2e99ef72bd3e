package pkginfo

import (
	"errors"
	"os"
	"reflect"
	"strings"
	"testing"

	"pakt/internal/control"
	"pakt/internal/relation"
	"pakt/internal/version"
)

func parseOne(t *testing.T, text string) *control.Stanza {
	t.Helper()
	ss, err := control.Parse("test", []byte(text))
	if err != nil || len(ss) != 1 {
		t.Fatalf("control.Parse: %d stanzas, %v", len(ss), err)
	}
	return &ss[0]
}

func render(t *testing.T, s *control.Stanza) string {
	t.Helper()
	b, err := s.AppendText(nil)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const feedStanza = `Package: ip-full
Version: 5.15.0-3
Depends: libc, libnl-tiny1 (>= 2023-07-27), libbpf1 (<< 2:1.0) | libbpf0
Pre-Depends: base-files (>=1.0)
Provides: ip (= 5.15.0-3) ipx
Conflicts: ip-tiny
Alternatives: 300:/sbin/ip:/usr/libexec/ip-full
Source: package/network/utils/iproute2
SourceName: ip-full
License: GPL-2.0
Section: net
SourceDateEpoch: 1697305558
Architecture: x86_64
Installed-Size: 381548
Filename: ip-full_5.15.0-3_x86_64.ipk
Size: 183021
SHA256sum: 0d8a4a4e1f1d1c0c1f1d1c0c1f1d1c0c1f1d1c0c1f1d1c0c1f1d1c0c1f1d1c0c
Maintainer: Jo <jo@example.org>
Description:  Routing control utility (full)
 second line
`

func TestDecode(t *testing.T) {
	t.Parallel()
	p, err := Decode(parseOne(t, feedStanza))
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "ip-full" || p.Version != "5.15.0-3" || p.Architecture != "x86_64" || p.Size != 183021 ||
		p.InstalledSize != 381548 || p.Section != "net" || p.Maintainer != "Jo <jo@example.org>" ||
		p.Description != "Routing control utility (full)\n second line" || p.Status != (Status{}) {
		t.Errorf("scalar fields wrong: %+v", p)
	}
	if got := relation.Format(p.Depends); got != "libc, libnl-tiny1 (>= 2023-07-27), libbpf1 (<< 2:1.0) | libbpf0" {
		t.Errorf("Depends = %q", got)
	}
	if len(p.PreDepends) != 1 || p.PreDepends[0].Alts[0].Constraint.Op != version.GreaterEqual {
		t.Errorf("Pre-Depends = %v", p.PreDepends)
	}
	if got := relation.FormatAtoms(p.Provides); got != "ip (= 5.15.0-3), ipx" {
		t.Errorf("Provides = %q", got)
	}
	if !reflect.DeepEqual(p.Alternatives, []Alternative{{300, "/sbin/ip", "/usr/libexec/ip-full"}}) {
		t.Errorf("Alternatives = %v", p.Alternatives)
	}
	var extra []string
	for _, f := range p.Extra {
		extra = append(extra, f.Name)
	}
	if strings.Join(extra, " ") != "SourceName License SourceDateEpoch" {
		t.Errorf("Extra = %v, want the unknown fields in input order", extra)
	}
}

func TestInfoStanza(t *testing.T) {
	t.Parallel()
	p, err := Decode(parseOne(t, feedStanza))
	if err != nil {
		t.Fatal(err)
	}
	// opkg-lede pkg.c pkg_formatted_info: its fields, its order, Status
	// always ("unknown ok not-installed" for a feed-only package).
	want := `Package: ip-full
Version: 5.15.0-3
Depends: libc, libnl-tiny1 (>= 2023-07-27), libbpf1 (<< 2:1.0) | libbpf0
Provides: ip (= 5.15.0-3), ipx
Conflicts: ip-tiny
Status: unknown ok not-installed
Section: net
Architecture: x86_64
Maintainer: Jo <jo@example.org>
Size: 183021
Filename: ip-full_5.15.0-3_x86_64.ipk
Source: package/network/utils/iproute2
Description: Routing control utility (full)
 second line
`
	if got := render(t, p.InfoStanza(false)); got != want {
		t.Errorf("InfoStanza:\n%s\nwant:\n%s", got, want)
	}
	verbose := render(t, p.InfoStanza(true))
	if !strings.HasPrefix(verbose, want) || !strings.HasSuffix(verbose, "Alternatives: 300:/sbin/ip:/usr/libexec/ip-full\nSourceName: ip-full\nLicense: GPL-2.0\nSourceDateEpoch: 1697305558\n") {
		t.Errorf("verbose InfoStanza:\n%s", verbose)
	}
}

func TestStatusStanza(t *testing.T) {
	t.Parallel()
	p, err := Decode(parseOne(t, feedStanza))
	if err != nil {
		t.Fatal(err)
	}
	p.Status = Status{Want: WantInstall, Flags: FlagUser | FlagHold, State: StateInstalled}
	p.InstalledTime = 1744717122
	p.AutoInstalled = true
	p.Essential = true
	p.ABIVersion = "3"
	p.Conffiles = []Conffile{{"/etc/config/ip", strings.Repeat("ab", 32)}}
	// opkg-lede pkg.c pkg_print_status order, Pre-Depends kept (pakt),
	// "<<" written in full (lede would write "<"), no feed-only fields.
	want := `Package: ip-full
ABIVersion: 3
Version: 5.15.0-3
Depends: libc, libnl-tiny1 (>= 2023-07-27), libbpf1 (<< 2:1.0) | libbpf0
Pre-Depends: base-files (>= 1.0)
Provides: ip (= 5.15.0-3), ipx
Conflicts: ip-tiny
Status: install hold,user installed
Essential: yes
Architecture: x86_64
Conffiles:
 /etc/config/ip ` + strings.Repeat("ab", 32) + `
Installed-Time: 1744717122
Auto-Installed: yes
Alternatives: 300:/sbin/ip:/usr/libexec/ip-full
`
	if got := render(t, p.StatusStanza()); got != want {
		t.Errorf("StatusStanza:\n%s\nwant:\n%s", got, want)
	}
	if k := p.Conffiles[0].HashKind(); k != "sha256" {
		t.Errorf("HashKind = %s", k)
	}
	if k := (Conffile{"/etc/x", strings.Repeat("a", 32)}).HashKind(); k != "md5" {
		t.Errorf("HashKind = %s", k)
	}
}

func TestEmptyFieldKept(t *testing.T) {
	t.Parallel()
	// data README §5: opkg 0.1.x status files hold "Provides:" with nothing
	// after it; it is written back as read.
	in := "Package: a\nVersion: 1\nProvides:\nStatus: install user installed\nArchitecture: ar71xx\n"
	p, err := Decode(parseOne(t, in))
	if err != nil {
		t.Fatal(err)
	}
	if got := render(t, p.StatusStanza()); got != in {
		t.Errorf("got %q, want %q", got, in)
	}
	// A package built in code writes no empty field.
	q := &Package{Name: "a", Version: "1", Architecture: "ar71xx", Status: p.Status}
	if got := render(t, q.StatusStanza()); strings.Contains(got, "Provides") {
		t.Errorf("got %q", got)
	}
}

func TestParseStatus(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ in, out string }{
		{"install ok installed", "install ok installed"},
		{"install user installed", "install user installed"},
		{"install hold,user installed", "install hold,user installed"},
		{"install user,hold installed", "install hold,user installed"}, // lede would drop hold
		{"deinstall hold not-installed", "deinstall hold not-installed"},
		{"unknown hold not-installed", "unknown hold not-installed"},
		{"purge noprune,prefer,obsolete half-installed", "purge noprune,prefer,obsolete half-installed"},
		// pkg.c pkg_state_flag_to_str: temporary flags are not written.
		{"install reinstreq,replace,user unpacked", "install user unpacked"},
		{"install reinstreq unpacked", "install ok unpacked"},
		{"install  ok   unpacked", "install ok unpacked"},
	} {
		s, err := ParseStatus(tt.in)
		if err != nil || s.String() != tt.out {
			t.Errorf("ParseStatus(%q) = %q, %v; want %q", tt.in, s, err, tt.out)
		}
	}
	if f := FlagReinstReq | FlagHold | FlagReplace | FlagUser; f.String() != "reinstreq,hold,replace,user" {
		t.Errorf("Flags.String() = %q", f)
	}
	for _, in := range []string{"", "install ok", "install ok installed extra", "keep ok installed",
		"install ok,hold installed", "install bogus installed", "install ok gone"} {
		if _, err := ParseStatus(in); !errors.Is(err, ErrStatus) {
			t.Errorf("ParseStatus(%q) error = %v, want ErrStatus", in, err)
		}
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	base := "Package: foo\nVersion: 1.0\n"
	for _, tt := range []struct {
		in    string
		err   error
		field string
		line  int
	}{
		{"Version: 1.0\nArchitecture: all\n", ErrNoPackage, "Package", 1},
		{"Package: foo\nArchitecture: all\n", ErrNoVersion, "Version", 1},
		{"Package: foo bar\nVersion: 1\n", ErrName, "Package", 1},
		{base + "Installed-Time: soon\n", ErrNumber, "Installed-Time", 3},
		{base + "Size: 0x10\n", ErrNumber, "Size", 3},
		{base + "Installed-Size: -1\n", ErrNumber, "Installed-Size", 3},
		{base + "Status: install ok\n", ErrStatus, "Status", 3},
		{base + "Conffiles:\n /etc/a\n", ErrConffile, "Conffiles", 3},
		{base + "Alternatives: 100:/bin/sh\n", ErrAlternative, "Alternatives", 3},
		{base + "Alternatives: x:/bin/sh:/bin/busybox\n", ErrAlternative, "Alternatives", 3},
		{base + "Alternatives: 100:bin/sh:/bin/busybox\n", ErrAlternative, "Alternatives", 3},
		{base + "Depends: a (1.0)\n", relation.ErrNoOp, "Depends", 3},
		{base + "Provides: a (>= 1)\n", relation.ErrProvidesOp, "Provides", 3},
		{"Package: foo\nVersion: 1 0\n", version.ErrSpace, "Version", 2},
	} {
		_, err := Decode(parseOne(t, tt.in))
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, tt.err) {
			t.Errorf("%q: error %v, want %v", tt.in, err, tt.err)
			continue
		}
		if e.Field != tt.field || e.Line != tt.line || e.File != "test" {
			t.Errorf("%q: error at %s:%d field %s; want line %d field %s", tt.in, e.File, e.Line, e.Field, tt.line, tt.field)
		}
		if tt.err != ErrNoPackage && e.Package != "foo" && !strings.Contains(tt.in, "foo bar") {
			t.Errorf("%q: error does not name the package: %v", tt.in, err)
		}
		if !strings.HasPrefix(err.Error(), "test:") {
			t.Errorf("%q: message %q does not start with file:line", tt.in, err)
		}
	}
	_, err := Decode(parseOne(t, base+"Depends: a (1.0)\n"))
	if want := "test:3: package foo: Depends: column 4:"; !strings.HasPrefix(err.Error(), want) {
		t.Errorf("message %q, want prefix %q", err, want)
	}
}

func FuzzDecode(f *testing.F) {
	f.Add([]byte(feedStanza))
	f.Add([]byte("Package: a\nVersion: 1\nProvides:\nStatus: install hold,user installed\nConffiles:\n /etc/a 0123\nInstalled-Time: 5\n"))
	f.Add([]byte("Package: libc\nVersion: (null)-3\nDepends: nginx-ssl-util (>=1.5-1) (<2)\nProvides: erlang-erts=6.4 rtld(GNU_HASH)\n"))
	// Real stanzas (status and feed entries from the data, see
	// testdata/stanzas.txt), one seed each and one for the whole file.
	real, err := os.ReadFile("testdata/stanzas.txt")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(real)
	for s := range strings.SplitSeq(string(real), "\n\n") {
		f.Add([]byte(s + "\n"))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		stanzas, err := control.Parse("fuzz", data)
		if err != nil {
			return
		}
		for i := range stanzas {
			p, err := Decode(&stanzas[i])
			if err != nil {
				var e *Error
				if !errors.As(err, &e) {
					t.Fatalf("untyped error %v", err)
				}
				continue
			}
			// What pakt writes, pakt reads back to the same stanza.
			for _, s := range []*control.Stanza{p.StatusStanza(), p.InfoStanza(true)} {
				text, err := s.AppendText(nil)
				if err != nil {
					continue // the writer refuses values that would not read back
				}
				again, err := control.Parse("again", text)
				if err != nil || len(again) != 1 {
					t.Fatalf("rendered stanza does not parse: %v\n%s", err, text)
				}
				q, err := Decode(&again[0])
				if err != nil {
					t.Fatalf("rendered stanza does not decode: %v\n%s", err, text)
				}
				text2, _ := q.StatusStanza().AppendText(nil)
				text1, _ := p.StatusStanza().AppendText(nil)
				if string(text1) != string(text2) {
					t.Fatalf("status rendering not stable:\n%s\n---\n%s", text1, text2)
				}
			}
		}
	})
}

func TestFieldByName(t *testing.T) {
	t.Parallel()
	for id, name := range fieldNames {
		for _, spelling := range []string{name, strings.ToLower(name), strings.ToUpper(name)} {
			if got, ok := fieldByName(spelling); !ok || got != fieldID(id) {
				t.Errorf("fieldByName(%q) = %d, %v; want %d", spelling, got, ok, id)
			}
		}
	}
	for _, name := range []string{"", "MD5sum", "Md5Sum"} {
		got, ok := fieldByName(name)
		if name == "" && ok || name != "" && (!ok || got != fMD5Sum) {
			t.Errorf("fieldByName(%q) = %d, %v", name, got, ok)
		}
	}
	for _, name := range []string{"License", "Packages", "Pre-Depend", "SourceName", "X"} {
		if _, ok := fieldByName(name); ok {
			t.Errorf("fieldByName(%q) matched", name)
		}
	}
}
