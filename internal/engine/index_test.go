package engine

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/md5"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pakt/internal/control"
	"pakt/internal/feedtest"
	"pakt/internal/ipk"
	"pakt/internal/sign"
)

const indexFeed = `-- libfoo/control --
Package: libfoo
Version: 2.0-1
Architecture: x86_64
-- hello/control --
Package: hello
Version: 1.2-3
Depends: libfoo (>= 2.0)
Description: says hello
 on two lines
-- hello/data/usr/bin/hello mode=0755 --
#!/bin/sh
-- nodesc/control --
Package: nodesc
Version: 1
Description: x
`

// feedDir writes the feed's .ipk files (only) into a new directory and the
// feed's secret key beside it.
func feedDir(t *testing.T, f *feedtest.Feed) (work, dir, key string) {
	t.Helper()
	work = t.TempDir()
	dir = filepath.Join(work, "feed")
	os.Mkdir(dir, 0o755)
	for _, p := range f.Packages {
		if err := os.WriteFile(filepath.Join(dir, p.Filename), f.Files[p.Filename], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	b, err := f.Key.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	key = filepath.Join(work, "key.sec")
	if err := os.WriteFile(key, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return work, dir, key
}

func readAll(t *testing.T, dir string, names ...string) map[string][]byte {
	t.Helper()
	m := map[string][]byte{}
	for _, n := range names {
		b, err := os.ReadFile(filepath.Join(dir, n))
		if err == nil {
			m[n] = b
		}
	}
	return m
}

// TestIndexMatchesFeedtest: pakt index and feedtest write the index
// independently; each checks the other.
func TestIndexMatchesFeedtest(t *testing.T) {
	t.Parallel()
	f := feedtest.MustBuild(t, indexFeed)
	work, dir, key := feedDir(t, f)
	e := buildEngine(t, work, nil)
	res, err := e.Index(context.Background(), IndexRequest{Dir: "feed", SecretKey: "key.sec"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Packages != 3 || !res.Signed || res.KeyID != f.KeyID() {
		t.Errorf("result %+v", res)
	}
	if strings.Join(res.Files, " ") != "feed/Packages feed/Packages.gz feed/Packages.sig" {
		t.Errorf("files %q", res.Files)
	}
	got := readAll(t, dir, "Packages", "Packages.gz", "Packages.sig")
	for _, name := range []string{"Packages", "Packages.gz", "Packages.sig"} {
		if !bytes.Equal(got[name], f.Files[name]) {
			t.Errorf("%s differs from feedtest's:\n%s\nwant:\n%s", name, got[name], f.Files[name])
		}
	}
	sig, err := sign.ParseSignature("Packages.sig", got["Packages.sig"])
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Public.Verify(got["Packages"], sig); err != nil {
		t.Errorf("signature: %v", err)
	}
	// Deterministic: again, the same bytes, and no temporary left.
	if _, err := e.Index(context.Background(), IndexRequest{Dir: dir, SecretKey: key}); err != nil {
		t.Fatal(err)
	}
	again := readAll(t, dir, "Packages", "Packages.gz", "Packages.sig")
	for name := range got {
		if !bytes.Equal(got[name], again[name]) {
			t.Errorf("%s differs between two runs", name)
		}
	}
	if n := entries(t, dir); strings.Contains(n, ".pakt-") {
		t.Errorf("temporaries left: %s", n)
	}

	// Without a key, the old signature would not match: it goes.
	res, err = e.Index(context.Background(), IndexRequest{Dir: "feed", MD5: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.RemovedSignature != "feed/Packages.sig" || res.Signed {
		t.Errorf("result %+v", res)
	}
	if _, err := os.Stat(filepath.Join(dir, "Packages.sig")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("stale Packages.sig kept")
	}
	packages, _ := os.ReadFile(filepath.Join(dir, "Packages"))
	stanzas, err := control.Parse("Packages", packages)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range stanzas {
		sum := md5.Sum(f.Files[s.Get("Filename")])
		if s.Get("MD5Sum") != hex.EncodeToString(sum[:]) {
			t.Errorf("%s: MD5Sum %q", s.Get("Filename"), s.Get("MD5Sum"))
		}
		var names []string
		for _, fl := range s.Fields {
			names = append(names, fl.Name)
		}
		if !strings.Contains(strings.Join(names, " "), "Filename Size MD5Sum SHA256sum Description") {
			t.Errorf("field order %v (ipkg-make-index.sh: Filename, Size, MD5Sum, SHA256sum before Description)", names)
		}
	}
}

func TestIndexLayout(t *testing.T) {
	t.Parallel()
	f := feedtest.MustBuild(t, indexFeed)
	work, dir, _ := feedDir(t, f)
	// A package in a subdirectory (find recurses), a non-package file, a
	// directory named like a package.
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	os.Rename(filepath.Join(dir, "hello_1.2-3_all.ipk"), filepath.Join(dir, "sub/hello_1.2-3_all.ipk"))
	os.WriteFile(filepath.Join(dir, "README"), []byte("x"), 0o644)
	os.Mkdir(filepath.Join(dir, "dir.ipk"), 0o755)
	if _, err := buildEngine(t, work, nil).Index(context.Background(), IndexRequest{Dir: "feed"}); err != nil {
		t.Fatal(err)
	}
	packages, _ := os.ReadFile(filepath.Join(dir, "Packages"))
	stanzas, _ := control.Parse("Packages", packages)
	var files []string
	for _, s := range stanzas {
		files = append(files, s.Get("Filename"))
	}
	if strings.Join(files, " ") != "libfoo_2.0-1_x86_64.ipk nodesc_1_all.ipk sub/hello_1.2-3_all.ipk" {
		t.Errorf("files %q", files)
	}

	// An empty directory: one empty line, as ipkg-make-index.sh writes.
	empty := filepath.Join(work, "empty")
	os.Mkdir(empty, 0o755)
	if _, err := buildEngine(t, work, nil).Index(context.Background(), IndexRequest{Dir: "empty"}); err != nil {
		t.Fatal(err)
	}
	got := readAll(t, empty, "Packages", "Packages.gz")
	zr, err := gzip.NewReader(bytes.NewReader(got["Packages.gz"]))
	if err != nil {
		t.Fatal(err)
	}
	unz, _ := io.ReadAll(zr)
	if string(got["Packages"]) != "\n" || string(unz) != "\n" || zr.Header.Name != "" || !zr.Header.ModTime.IsZero() {
		t.Errorf("empty index %q / %q", got["Packages"], unz)
	}
}

// evilPackage is a gzip-tar .ipk whose data archive climbs out of the root.
func evilPackage(t *testing.T) []byte {
	t.Helper()
	tgz := func(files map[string]string, order []string) []byte {
		var buf bytes.Buffer
		zw := gzip.NewWriter(&buf)
		tw := tar.NewWriter(zw)
		for _, n := range order {
			tw.WriteHeader(&tar.Header{Name: n, Mode: 0o644, Size: int64(len(files[n])), Typeflag: tar.TypeReg, Format: tar.FormatGNU})
			tw.Write([]byte(files[n]))
		}
		tw.Close()
		zw.Close()
		return buf.Bytes()
	}
	ctl := tgz(map[string]string{"./control": "Package: evil\nVersion: 1\nArchitecture: all\n"}, []string{"./control"})
	data := tgz(map[string]string{"./../../etc/passwd": "root::0:0::/:/bin/sh\n"}, []string{"./../../etc/passwd"})
	return tgz(map[string]string{"./debian-binary": "2.0\n", "./control.tar.gz": string(ctl), "./data.tar.gz": string(data)},
		[]string{"./debian-binary", "./control.tar.gz", "./data.tar.gz"})
}

func TestIndexBadPackages(t *testing.T) {
	t.Parallel()
	f := feedtest.MustBuild(t, indexFeed)
	tests := []struct {
		name, file string
		data       []byte
		check      func(error) bool
		text       string
	}{
		{"unsafe entry", "evil_1_all.ipk", evilPackage(t), func(err error) bool {
			var ue *ipk.UnsafeEntryError
			return errors.As(err, &ue) && ue.Reason == ipk.ReasonDotDot
		}, "feed/evil_1_all.ipk"},
		{"not a package", "junk_1_all.ipk", []byte("this is not an archive\n"), func(err error) bool {
			var fe *ipk.FormatError
			return errors.As(err, &fe) && fe.Problem == ipk.ProblemNotPackage
		}, "feed/junk_1_all.ipk"},
		{"truncated", "short_1_all.ipk", f.IPK("hello")[:200], func(err error) bool {
			var fe *ipk.FormatError
			return errors.As(err, &fe)
		}, "feed/short_1_all.ipk"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			work, dir, key := feedDir(t, f)
			// An earlier, good index must survive.
			e := buildEngine(t, work, nil)
			if _, err := e.Index(context.Background(), IndexRequest{Dir: "feed", SecretKey: key}); err != nil {
				t.Fatal(err)
			}
			before := readAll(t, dir, "Packages", "Packages.gz", "Packages.sig")
			listing := entries(t, dir)
			os.WriteFile(filepath.Join(dir, tc.file), tc.data, 0o644)
			_, err := e.Index(context.Background(), IndexRequest{Dir: "feed", SecretKey: key})
			var pfe *PackageFileError
			if err == nil || !errors.As(err, &pfe) || !tc.check(err) {
				t.Fatalf("error %T %v", err, err)
			}
			if !strings.Contains(err.Error(), tc.text) {
				t.Errorf("error %q does not name %s", err, tc.text)
			}
			after := readAll(t, dir, "Packages", "Packages.gz", "Packages.sig")
			for n := range before {
				if !bytes.Equal(before[n], after[n]) {
					t.Errorf("%s changed", n)
				}
			}
			if got := entries(t, dir); got != listing+" "+tc.file && !strings.Contains(got, tc.file) || strings.Contains(got, ".pakt-") {
				t.Errorf("directory %q", got)
			}
		})
	}
}

// TestIndexSignify: the real signify-openbsd accepts Packages.sig (CI
// installs it; skipped where absent).
func TestIndexSignify(t *testing.T) {
	t.Parallel()
	signify, err := exec.LookPath("signify-openbsd")
	if err != nil {
		if signify, err = exec.LookPath("signify"); err != nil {
			t.Skip("signify-openbsd not installed")
		}
	}
	f := feedtest.MustBuild(t, indexFeed)
	work, dir, key := feedDir(t, f)
	if _, err := buildEngine(t, work, nil).Index(context.Background(), IndexRequest{Dir: "feed", SecretKey: key}); err != nil {
		t.Fatal(err)
	}
	pub := filepath.Join(work, "key.pub")
	os.WriteFile(pub, f.PublicKeyFile(), 0o644)
	out, err := exec.Command(signify, "-V", "-p", pub, "-x", filepath.Join(dir, "Packages.sig"), "-m", filepath.Join(dir, "Packages")).CombinedOutput()
	if err != nil {
		t.Fatalf("signify: %v\n%s", err, out)
	}
	// And refuses a changed index.
	os.WriteFile(filepath.Join(dir, "Packages"), append(readAll(t, dir, "Packages")["Packages"], '\n'), 0o644)
	if out, err := exec.Command(signify, "-V", "-p", pub, "-x", filepath.Join(dir, "Packages.sig"), "-m", filepath.Join(dir, "Packages")).CombinedOutput(); err == nil {
		t.Errorf("signify accepted a changed index: %s", out)
	}
}

func TestInfoFile(t *testing.T) {
	t.Parallel()
	f := feedtest.MustBuild(t, indexFeed)
	work, _, _ := feedDir(t, f)
	e := buildEngine(t, work, nil)
	p, err := e.InfoFile(context.Background(), "feed/hello_1.2-3_all.ipk")
	if err != nil {
		t.Fatal(err)
	}
	if p.Name != "hello" || p.Version != "1.2-3" || p.Description != "says hello\n on two lines" || len(p.Depends) != 1 || p.InstalledSize == 0 {
		t.Errorf("package %+v", p)
	}
	os.WriteFile(filepath.Join(work, "evil.ipk"), evilPackage(t), 0o644)
	var ue *ipk.UnsafeEntryError
	if _, err := e.InfoFile(context.Background(), "evil.ipk"); !errors.As(err, &ue) {
		t.Errorf("evil package: %v", err)
	}
}

// refTool is a reference binary from /work/ref (or the environment
// variable), skipping the test where it is absent (CI).
func refTool(t *testing.T, env, path string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		path = p
	}
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no reference %s", filepath.Base(path))
	}
	return path
}

// TestIndexWithOpkgLede: the real opkg-lede updates from a feed that pakt
// built and indexed, lists it, and installs from it (checking Size and
// SHA256sum from the index); the real usign accepts Packages.sig the way
// OpenWrt's opkg-key runs it (-V -P <keydir> over the uncompressed list).
func TestIndexWithOpkgLede(t *testing.T) {
	t.Parallel()
	opkg := refTool(t, "PAKT_REF_OPKG", "/work/ref/opkg")
	f := feedtest.MustBuild(t, indexFeed)
	work, dir, key := feedDir(t, f)
	if _, err := buildEngine(t, work, nil).Index(context.Background(), IndexRequest{Dir: "feed", SecretKey: key}); err != nil {
		t.Fatal(err)
	}
	if usign, err := os.Stat("/work/ref/usign"); err == nil && !usign.IsDir() {
		keys := filepath.Join(work, "keys")
		writeTree(t, keys, map[string]string{f.KeyID().String(): string(f.PublicKeyFile())})
		out, err := exec.Command("/work/ref/usign", "-V", "-q", "-P", keys, "-m", filepath.Join(dir, "Packages"), "-x", filepath.Join(dir, "Packages.sig")).CombinedOutput()
		if err != nil {
			t.Errorf("usign -V: %v\n%s", err, out)
		}
	}
	root := filepath.Join(work, "root")
	writeTree(t, root, map[string]string{
		"etc/opkg/feeds.conf": "arch all 1\narch x86_64 10\nsrc/gz pakt file://" + dir + "\n",
		"var/lock/":           "",
		"tmp/":                "",
	})
	run := func(args ...string) string {
		cmd := exec.Command(opkg, append([]string{"-o", root}, args...)...)
		cmd.Env = []string{"TMPDIR=" + filepath.Join(root, "tmp"), "PATH=/usr/bin:/bin"}
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("opkg %v: %v\n%s", args, err, out)
		}
		return string(out)
	}
	run("update")
	if out := run("list"); out != "hello - 1.2-3 - says hello on two lines\nlibfoo - 2.0-1 - libfoo test package\nnodesc - 1 - x\n" {
		t.Errorf("opkg list:\n%s", out)
	}
	out := run("install", "hello")
	for _, want := range []string{"Installing libfoo (2.0-1) to root...", "Installing hello (1.2-3) to root...", "Configuring hello."} {
		if !strings.Contains(out, want) {
			t.Errorf("opkg install lacks %q:\n%s", want, out)
		}
	}
	if b, err := os.ReadFile(filepath.Join(root, "usr/bin/hello")); err != nil || string(b) != "#!/bin/sh\n" {
		t.Errorf("usr/bin/hello: %q %v", b, err)
	}
}
