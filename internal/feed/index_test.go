package feed

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pakt/internal/control"
	"pakt/internal/realdata"
)

const sample = `Package: apps
Version: 2.1-1
Depends: libc
Provides: app-a, app-b app-c
Architecture: x86_64
Description:  First line of apps
 second line
 .
 third paragraph

Filename: __.ipk
Size: 3

Package: libc
Version: 1.2.5-r4
Architecture: all
Description: C standard library   
 more

Package: apps
Version: 2.0-1
Architecture: x86_64
Provides: app-a

`

func TestAddLookup(t *testing.T) {
	t.Parallel()
	var x Index
	if err := x.Add("core", strings.NewReader(sample), nil); err != nil {
		t.Fatal(err)
	}
	if x.Len() != 3 {
		t.Fatalf("Len = %d, want 3 (the Package-less stanza is skipped, as opkg-lede does)", x.Len())
	}
	apps := x.Named("apps")
	if len(apps) != 2 || x.Entry(apps[0]).Version != "2.1-1" || x.Entry(apps[1]).Version != "2.0-1" {
		t.Fatalf("Named(apps) = %v", apps)
	}
	if got := x.Providers("app-a"); len(got) != 2 || got[0] != apps[0] || got[1] != apps[1] {
		t.Fatalf("Providers(app-a) = %v", got)
	}
	if got := x.Providers("app-c"); len(got) != 1 || got[0] != apps[0] {
		t.Fatalf("Providers(app-c) = %v (Provides is split on spaces too, as opkg-lede does)", got)
	}
	if got := x.Provides(apps[0]); strings.Join(got, "|") != "app-a|app-b|app-c" {
		t.Fatalf("Provides = %q", got)
	}
	for _, tc := range []struct {
		entry       int
		name, value string
		ok          bool
	}{
		{apps[0], "Description", "First line of apps\n second line\n .\n third paragraph", true},
		{apps[0], "description", "First line of apps\n second line\n .\n third paragraph", true},
		{apps[0], "Depends", "libc", true},
		{apps[0], "Size", "", false},
		{x.Named("libc")[0], "Description", "C standard library\n more", true},
		{apps[1], "Description", "", false},
	} {
		got, ok := x.Field(tc.entry, tc.name)
		if got != tc.value || ok != tc.ok {
			t.Errorf("Field(%d, %s) = %q, %v; want %q, %v", tc.entry, tc.name, got, ok, tc.value, tc.ok)
		}
	}
	p, err := x.Package(x.Named("libc")[0])
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "libc" || p.Version != "1.2.5-r4" || p.Description != "C standard library\n more" {
		t.Fatalf("Package = %+v", p)
	}
	if x.Entry(apps[1]).Line != 20 {
		t.Fatalf("Line = %d, want 20", x.Entry(apps[1]).Line)
	}
}

func TestFilter(t *testing.T) {
	t.Parallel()
	var x Index
	var dropped []string
	err := x.Add("core", strings.NewReader(sample), func(e *Entry) bool {
		if e.Architecture != "all" {
			dropped = append(dropped, e.Name+" "+e.Version)
			return false
		}
		return true
	})
	if err != nil {
		t.Fatal(err)
	}
	if x.Len() != 1 || x.Named("apps") != nil || x.Providers("app-a") != nil {
		t.Fatalf("filtered index holds %d entries", x.Len())
	}
	if strings.Join(dropped, ",") != "apps 2.1-1,apps 2.0-1" {
		t.Fatalf("dropped %q", dropped)
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte(sample))
	w.Close()
	truncated := gz.Bytes()[:gz.Len()/2]
	for _, tc := range []struct {
		name  string
		input func() io.Reader
		line  int
		cause error
	}{
		{"no colon", func() io.Reader { return strings.NewReader("Package: a\nVersion 1\n\n") }, 2, nil},
		{"truncated gzip", func() io.Reader {
			r, err := gzip.NewReader(bytes.NewReader(truncated))
			if err != nil {
				t.Fatal(err)
			}
			return r
		}, -1, io.ErrUnexpectedEOF},
	} {
		var x Index
		err := x.Add("core", tc.input(), nil)
		var le *ListError
		if !errors.As(err, &le) || le.List != "core" {
			t.Errorf("%s: err = %v, want a *ListError for core", tc.name, err)
			continue
		}
		if tc.line >= 0 && le.Line != tc.line {
			t.Errorf("%s: line %d, want %d (%v)", tc.name, le.Line, tc.line, err)
		}
		if tc.cause != nil && !errors.Is(err, tc.cause) {
			t.Errorf("%s: err = %v, want it to wrap %v", tc.name, err, tc.cause)
		}
		if !strings.Contains(err.Error(), "core") {
			t.Errorf("%s: %q does not name the list", tc.name, err)
		}
	}
}

// TestRealFeeds checks the index against control on every real feed:
// every entry's every field reads the same through Field as through
// control's Stanza, and Package decodes every entry.
func TestRealFeeds(t *testing.T) {
	t.Parallel()
	for _, dir := range realdata.Feeds(t) {
		data, err := os.ReadFile(filepath.Join(dir, "Packages"))
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(dir)
		var x Index
		if err := x.Add(name, bytes.NewReader(data), nil); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		stanzas, err := control.Parse(name, data)
		if err != nil {
			t.Fatal(err)
		}
		i := 0
		for _, s := range stanzas {
			if s.Get("Package") == "" {
				continue
			}
			if i >= x.Len() {
				t.Fatalf("%s: index has %d entries, fewer than the stanzas", name, x.Len())
			}
			e := x.Entry(i)
			if e.Name != s.Get("Package") || e.Version != s.Get("Version") || e.Line != s.Line() {
				t.Fatalf("%s: entry %d = %s %s line %d, stanza %s line %d", name, i, e.Name, e.Version, e.Line, s.Get("Package"), s.Line())
			}
			for _, f := range s.Fields {
				if got, ok := x.Field(i, f.Name); !ok || got != s.Get(f.Name) {
					t.Fatalf("%s:%d: Field(%s) = %q, want %q", name, f.Line, f.Name, got, s.Get(f.Name))
				}
			}
			p, err := x.Package(i)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if p.Name != e.Name {
				t.Fatalf("%s: Package(%d).Name = %s", name, i, p.Name)
			}
			i++
		}
		if i != x.Len() {
			t.Fatalf("%s: %d entries, %d stanzas with Package", name, x.Len(), i)
		}
	}
}

func TestKeepOnly(t *testing.T) {
	t.Parallel()
	var x Index
	x.KeepOnly("Description")
	if err := x.Add("core", strings.NewReader(sample), nil); err != nil {
		t.Fatal(err)
	}
	i := x.Named("apps")[0]
	if d, _ := x.Field(i, "Description"); d != "First line of apps\n second line\n .\n third paragraph" {
		t.Errorf("Description = %q", d)
	}
	if _, ok := x.Field(i, "Depends"); ok {
		t.Error("Depends kept")
	}
	if e := x.Entry(i); e.Version != "2.1-1" || e.Line != 1 || len(x.Provides(i)) != 3 {
		t.Errorf("entry %+v, provides %v", e, x.Provides(i))
	}
	if strings.Contains(x.Text(i), "Depends") || !strings.HasPrefix(x.Text(i), "Package: apps\n") {
		t.Errorf("text %q", x.Text(i))
	}
}
