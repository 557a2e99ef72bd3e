package feedtest

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"io/fs"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"pakt/internal/control"
	"pakt/internal/ipk"
	"pakt/internal/pkginfo"
	"pakt/internal/sign"
)

const sample = `A feed with a library, an application that needs it and an older version.
-- libfoo/control --
Package: libfoo
Version: 2.0-1
Architecture: x86_64
-- hello/control --
Package: hello
Version: 1:1.2-3
Depends: libfoo (>= 2.0)
Description: says hello
 on two lines
-- hello/conffiles --
/etc/config/hello
-- hello/postinst --
#!/bin/sh
echo configured
-- hello/data/etc/config/hello --
option greeting hi
-- hello/data/usr/bin/hello mode=0755 --
#!/bin/sh
echo hello
-- hello/data/usr/bin/hi -> hello --
-- hello/data/var/empty/ --
-- hello-old/control --
Package: hello
Version: 1.0-1
`

// entries reads a package back with the ipk reader: the package must pass
// every safety rule.
func entries(t *testing.T, name string, data []byte) (map[string]*ipk.Entry, map[string]string, *ipk.Control) {
	t.Helper()
	got := map[string]*ipk.Entry{}
	content := map[string]string{}
	ctl, err := ipk.Walk(bytes.NewReader(data), name, ipk.Options{}, ipk.Handler{
		Entry: func(e *ipk.Entry, r io.Reader) error {
			got[e.Name] = e
			b, err := io.ReadAll(r)
			content[e.Name] = string(b)
			return err
		},
	})
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return got, content, ctl
}

func TestBuildPackages(t *testing.T) {
	t.Parallel()
	f := MustBuild(t, sample)
	var names []string
	for _, p := range f.Packages {
		names = append(names, p.Filename)
	}
	want := []string{"hello_1.0-1_all.ipk", "hello_1.2-3_all.ipk", "libfoo_2.0-1_x86_64.ipk"}
	if !slices.Equal(names, want) {
		t.Fatalf("packages %q, want %q (sorted by file name; one-character epoch dropped)", names, want)
	}

	ents, content, ctl := entries(t, "hello", f.IPK("hello"))
	checks := []struct {
		name string
		typ  ipk.EntryType
		perm fs.FileMode
		body string
	}{
		{"etc", ipk.TypeDir, 0o755, ""},
		{"etc/config/hello", ipk.TypeFile, 0o644, "option greeting hi\n"},
		{"usr/bin/hello", ipk.TypeFile, 0o755, "#!/bin/sh\necho hello\n"},
		{"usr/bin/hi", ipk.TypeSymlink, 0o777, ""},
		{"var/empty", ipk.TypeDir, 0o755, ""},
	}
	for _, c := range checks {
		e := ents[c.name]
		if e == nil {
			t.Errorf("%s missing; have %v", c.name, slices.Sorted(func(yield func(string) bool) {
				for k := range ents {
					if !yield(k) {
						return
					}
				}
			}))
			continue
		}
		if e.Type != c.typ || e.Mode.Perm() != c.perm || content[c.name] != c.body {
			t.Errorf("%s: %v %v %q, want %v %v %q", c.name, e.Type, e.Mode.Perm(), content[c.name], c.typ, c.perm, c.body)
		}
		if e.ModTime.Unix() != ModTimeUnix || e.Uid != 0 || e.Gid != 0 {
			t.Errorf("%s: mtime %v owner %d:%d", c.name, e.ModTime, e.Uid, e.Gid)
		}
	}
	if e := ents["usr/bin/hi"]; e != nil && e.Linkname != "hello" {
		t.Errorf("symlink target %q", e.Linkname)
	}
	ctlText, _ := ctl.File("control")
	s, err := control.Parse("control", ctlText)
	if err != nil {
		t.Fatal(err)
	}
	p, err := pkginfo.Decode(&s[0])
	if err != nil {
		t.Fatal(err)
	}
	if p.Version != "1:1.2-3" || p.Maintainer != "feedtest" || p.InstalledSize == 0 || p.InstalledSize%10240 != 0 {
		t.Errorf("control: version %q maintainer %q installed-size %d", p.Version, p.Maintainer, p.InstalledSize)
	}
	// Installed-Size goes before Description, as in OpenWrt's control files.
	if i, j := strings.Index(string(ctlText), "Installed-Size:"), strings.Index(string(ctlText), "Description:"); i < 0 || i > j {
		t.Errorf("Installed-Size not before Description:\n%s", ctlText)
	}
	if b, _ := ctl.File("postinst"); string(b) != "#!/bin/sh\necho configured\n" {
		t.Errorf("postinst %q", b)
	}
	for _, cf := range ctl.Files {
		if want := fs.FileMode(0o755); cf.Name == "postinst" && cf.Mode.Perm() != want {
			t.Errorf("postinst mode %v", cf.Mode)
		}
	}
}

func TestIndexAndSignature(t *testing.T) {
	t.Parallel()
	f := MustBuild(t, sample)
	index := f.Files[PackagesFile]
	stanzas, err := control.Parse("Packages", index)
	if err != nil {
		t.Fatal(err)
	}
	if len(stanzas) != len(f.Packages) {
		t.Fatalf("%d stanzas for %d packages", len(stanzas), len(f.Packages))
	}
	for i, s := range stanzas {
		p := f.Packages[i]
		if s.Get("Filename") != p.Filename || s.Get("SHA256sum") != p.SHA256sum || s.Get("Size") != itoa(len(f.Files[p.Filename])) {
			t.Errorf("stanza %d: %q %q %q for %+v", i, s.Get("Filename"), s.Get("Size"), s.Get("SHA256sum"), p)
		}
		// ipkg-make-index.sh: Filename, Size, SHA256sum right before Description.
		var order []string
		for _, fl := range s.Fields {
			order = append(order, fl.Name)
		}
		at := slices.Index(order, "Description")
		if at < 3 || !slices.Equal(order[at-3:at], []string{"Filename", "Size", "SHA256sum"}) {
			t.Errorf("stanza %d field order %v", i, order)
		}
	}
	zr, err := gzip.NewReader(bytes.NewReader(f.Files[GzipFile]))
	if err != nil {
		t.Fatal(err)
	}
	unz, _ := io.ReadAll(zr)
	if !bytes.Equal(unz, index) || zr.Header.Name != "" || !zr.Header.ModTime.IsZero() {
		t.Errorf("Packages.gz: differs or carries name %q / time %v", zr.Header.Name, zr.Header.ModTime)
	}
	sig, err := sign.ParseSignature(SigFile, f.Files[SigFile])
	if err != nil {
		t.Fatal(err)
	}
	pub, err := sign.ParsePublicKey("key", f.PublicKeyFile())
	if err != nil {
		t.Fatal(err)
	}
	if err := pub.Verify(index, sig); err != nil {
		t.Errorf("signature: %v", err)
	}
}

func TestDeterministic(t *testing.T) {
	t.Parallel()
	a, b := MustBuild(t, sample), MustBuild(t, sample)
	if a.KeyID() != b.KeyID() {
		t.Errorf("key ids differ: %s %s", a.KeyID(), b.KeyID())
	}
	for name, data := range a.Files {
		if !bytes.Equal(data, b.Files[name]) {
			t.Errorf("%s differs between two builds", name)
		}
	}
}

func TestVariants(t *testing.T) {
	t.Parallel()
	f := MustBuild(t, sample)
	pub := f.Public
	verify := func(g *Feed) error {
		sig, err := sign.ParseSignature(SigFile, g.Files[SigFile])
		if err != nil {
			return err
		}
		return pub.Verify(g.Files[PackagesFile], sig)
	}
	hello, _ := f.Package("hello")

	wrong, err := f.WithWrongChecksum("hello")
	if err != nil {
		t.Fatal(err)
	}
	if verify(wrong) != nil || bytes.Contains(wrong.Files[PackagesFile], []byte(hello.SHA256sum)) {
		t.Errorf("wrong checksum: must still verify and not list the real sum")
	}
	size, err := f.WithWrongSize("hello")
	if err != nil || verify(size) != nil || !bytes.Contains(size.Files[PackagesFile], []byte("Size: "+itoa(int(hello.Size)+1)+"\n")) {
		t.Errorf("wrong size: %v", err)
	}
	tampered, err := f.WithTamperedPackage("hello")
	if err != nil || bytes.Equal(tampered.Files[hello.Filename], f.Files[hello.Filename]) || !bytes.Equal(tampered.Files[PackagesFile], f.Files[PackagesFile]) {
		t.Errorf("tampered: %v", err)
	}
	badSig, _ := f.WithWrongSignature()
	var ve *sign.VerificationError
	if err := verify(badSig); !errors.As(err, &ve) {
		t.Errorf("wrong signature: %v, want a VerificationError", err)
	}
	other, _ := f.WithUnknownKey()
	var km *sign.KeyMismatchError
	if err := verify(other); !errors.As(err, &km) {
		t.Errorf("unknown key: %v, want a KeyMismatchError", err)
	}
	missing, _ := f.WithMissingFile("hello")
	if _, ok := missing.Files[hello.Filename]; ok || !bytes.Equal(missing.Files[PackagesFile], f.Files[PackagesFile]) {
		t.Errorf("missing file still there")
	}
	if _, ok := f.WithoutSignature().Files[SigFile]; ok {
		t.Errorf("unsigned feed has a signature")
	}
	// The original is untouched by all of the above.
	if verify(f) != nil || !bytes.Contains(f.Files[PackagesFile], []byte(hello.SHA256sum)) {
		t.Errorf("original feed changed")
	}
	if _, err := f.WithWrongChecksum("nosuch"); err == nil {
		t.Errorf("unknown package accepted")
	}
}

func TestServer(t *testing.T) {
	t.Parallel()
	f := MustBuild(t, sample)
	srv := Serve(t, f, Under("/24.10/base"))
	get := func(name string) (int, []byte) {
		resp, err := http.Get(srv.URL + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	if code, b := get("Packages.gz"); code != 200 || !bytes.Equal(b, f.Files[GzipFile]) {
		t.Errorf("Packages.gz: %d", code)
	}
	hello, _ := f.Package("hello")
	if code, b := get(hello.Filename); code != 200 || !bytes.Equal(b, f.Files[hello.Filename]) {
		t.Errorf("%s: %d", hello.Filename, code)
	}
	if code, _ := get("nosuch.ipk"); code != 404 {
		t.Errorf("missing file: %d", code)
	}
	if got := srv.Requests(); !slices.Equal(got, []string{"Packages.gz", hello.Filename, "nosuch.ipk"}) {
		t.Errorf("requests %q", got)
	}

	slow := Serve(t, f, Delay(2*time.Second))
	client := &http.Client{Timeout: 100 * time.Millisecond}
	start := time.Now()
	if _, err := client.Get(slow.URL + "/Packages"); err == nil {
		t.Errorf("slow server answered within the timeout")
	}
	if time.Since(start) > 1500*time.Millisecond {
		t.Errorf("client waited %v", time.Since(start))
	}

	throttled := Serve(t, f, Throttle(2000))
	start = time.Now()
	resp, err := http.Get(throttled.URL + "/" + hello.Filename)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(b, f.Files[hello.Filename]) {
		t.Errorf("throttled body differs")
	}
	if min := time.Duration(len(b)/2000/2) * time.Second; time.Since(start) < min {
		t.Errorf("throttled download of %d bytes took %v", len(b), time.Since(start))
	}
}

func TestBadDescriptions(t *testing.T) {
	t.Parallel()
	for _, desc := range []string{
		"-- nolabel --\n",
		"-- a/control --\nPackage: a\n-- a/control --\n",
		"-- a/data/../x --\n",
		"-- a/data/x mode=99 --\n",
		"-- a/data/x color=red --\n",
		"-- a/sub/postinst --\n",
		"-- a/control --\nno colon here\n",
		"-- a/control --\nPackage: x\n-- b/control --\nPackage: x\n",
	} {
		if _, err := Build([]byte(desc)); err == nil {
			t.Errorf("accepted %q", desc)
		}
	}
	f, err := Build([]byte("just a comment\n"))
	if err != nil || len(f.Packages) != 0 || string(f.Files[PackagesFile]) != "\n" {
		t.Errorf("empty feed: %v %q", err, f.Files[PackagesFile])
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestBuildFS: a directory laid out like a description gives the same feed
// as the description, with modes and links taken from the directory.
func TestBuildFS(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	write := func(name, body string, mode os.FileMode) {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
		os.Chmod(p, mode)
	}
	write("libfoo/control", "Package: libfoo\nVersion: 2.0-1\nArchitecture: x86_64\n", 0o644)
	write("hello/control", "Package: hello\nVersion: 1:1.2-3\nDepends: libfoo (>= 2.0)\nDescription: says hello\n on two lines\n", 0o644)
	write("hello/conffiles", "/etc/config/hello\n", 0o644)
	write("hello/postinst", "#!/bin/sh\necho configured\n", 0o644)
	write("hello/data/etc/config/hello", "option greeting hi\n", 0o644)
	write("hello/data/usr/bin/hello", "#!/bin/sh\necho hello\n", 0o755)
	os.Symlink("hello", filepath.Join(dir, "hello/data/usr/bin/hi"))
	os.MkdirAll(filepath.Join(dir, "hello/data/var/empty"), 0o755)
	write("hello-old/control", "Package: hello\nVersion: 1.0-1\n", 0o644)
	for _, d := range []string{"hello/data", "hello/data/etc", "hello/data/etc/config", "hello/data/usr", "hello/data/usr/bin", "hello/data/var", "hello/data/var/empty"} {
		os.Chmod(filepath.Join(dir, d), 0o755)
	}
	got, err := BuildFS(os.DirFS(dir))
	if err != nil {
		t.Fatal(err)
	}
	want := MustBuild(t, sample)
	if !maps.EqualFunc(got.Files, want.Files, bytes.Equal) {
		for name := range want.Files {
			if !bytes.Equal(got.Files[name], want.Files[name]) {
				t.Errorf("%s differs", name)
			}
		}
	}
	write("loose", "x", 0o644)
	if _, err := BuildFS(os.DirFS(dir)); err == nil {
		t.Errorf("a file at the top accepted")
	}
}
