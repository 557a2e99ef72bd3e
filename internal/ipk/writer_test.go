package ipk

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"
)

var epoch = time.Unix(1700000000, 0) // a SOURCE_DATE_EPOCH

func sampleTree() fstest.MapFS {
	long := "usr/share/" + strings.Repeat("long-directory-name/", 6) + "file-with-a-name-past-100-bytes.txt"
	return fstest.MapFS{
		"usr":                      {Mode: fs.ModeDir | 0o755},
		"usr/bin":                  {Mode: fs.ModeDir | 0o755},
		"usr/bin/hello":            {Data: []byte("#!/bin/sh\necho hello\n"), Mode: 0o755},
		"usr/bin/hi":               {Data: []byte("hello"), Mode: fs.ModeSymlink | 0o777},
		"usr/sbin/helper":          {Data: []byte("\x7fELF..."), Mode: fs.ModeSetuid | 0o755},
		"etc/config/hello":         {Data: []byte("config hello\n\toption x 1\n"), Mode: 0o600},
		"etc/empty":                {Data: nil, Mode: 0o644},
		"var/spool":                {Mode: fs.ModeDir | fs.ModeSticky | 0o777},
		long:                       {Data: []byte("long\n"), Mode: 0o644},
		"usr/lib/libhello.so.1":    {Data: bytes.Repeat([]byte("lib"), 5000), Mode: 0o644},
		"usr/lib/libhello.so":      {Data: []byte("libhello.so.1"), Mode: fs.ModeSymlink | 0o777},
		"usr/lib/absolute-symlink": {Data: []byte("/tmp/x"), Mode: fs.ModeSymlink | 0o777},
	}
}

func sampleControl() []ControlFile {
	return []ControlFile{
		{Name: "postinst", Mode: 0o755, Data: []byte("#!/bin/sh\n[ -z \"$IPKG_INSTROOT\" ] || exit 0\n")},
		{Name: "control", Mode: 0o644, Data: []byte("Package: hello\nVersion: 1.0-1\nArchitecture: all\nInstalled-Size: 0\nDescription: test\n")},
		{Name: "conffiles", Mode: 0o644, Data: []byte("/etc/config/hello\n")},
	}
}

func writePkg(t testing.TB, tree fs.FS, opts WriteOptions) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, Package{Control: sampleControl(), Data: tree}, opts); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestWriteRoundTrip(t *testing.T) {
	t.Parallel()
	tree := sampleTree()
	for _, outer := range []OuterFormat{OuterTarGzip, OuterAr} {
		pkg := writePkg(t, tree, WriteOptions{Outer: outer, ModTime: epoch, Uid: 0, Gid: 0})
		seen := map[string]bool{}
		ctl, err := Walk(bytes.NewReader(pkg), "hello.ipk", Options{AllowSetuid: true}, Handler{Entry: func(e *Entry, r io.Reader) error {
			seen[e.Name] = true
			want, ok := tree[e.Name]
			if !ok {
				if e.Type != TypeDir || e.Mode.Perm() != 0o555 {
					// fstest.MapFS makes implied parents 0555.
					t.Errorf("unexpected entry %q %v", e.Name, e.Mode)
				}
				return nil
			}
			if e.Mode != want.Mode {
				t.Errorf("%s: mode %v, want %v", e.Name, e.Mode, want.Mode)
			}
			if !e.ModTime.Equal(epoch) || e.Uid != 0 || e.Gid != 0 || e.Uname != "" || e.Gname != "" {
				t.Errorf("%s: mtime %v owner %d/%d %q/%q", e.Name, e.ModTime, e.Uid, e.Gid, e.Uname, e.Gname)
			}
			switch e.Type {
			case TypeFile:
				got, _ := io.ReadAll(r)
				if !bytes.Equal(got, want.Data) {
					t.Errorf("%s: content %q", e.Name, got)
				}
			case TypeSymlink:
				if e.Linkname != string(want.Data) {
					t.Errorf("%s: target %q", e.Name, e.Linkname)
				}
			}
			return nil
		}})
		if err != nil {
			t.Fatalf("outer %v: %v", outer, err)
		}
		for name := range tree {
			if !seen[name] {
				t.Errorf("outer %v: %s missing", outer, name)
			}
		}
		for _, f := range sampleControl() {
			if got, _ := ctl.File(f.Name); !bytes.Equal(got, f.Data) {
				t.Errorf("control %s = %q", f.Name, got)
			}
		}
		if ctl.Files[0].Name != "conffiles" || ctl.Files[2].Mode != 0o755 {
			t.Errorf("control order/modes: %+v", ctl.Files)
		}
	}
}

func TestWriteReproducible(t *testing.T) {
	t.Parallel()
	a := writePkg(t, sampleTree(), WriteOptions{ModTime: epoch})
	b := writePkg(t, sampleTree(), WriteOptions{ModTime: epoch})
	if !bytes.Equal(a, b) {
		t.Fatal("two builds of the same tree differ")
	}
	c := writePkg(t, sampleTree(), WriteOptions{ModTime: epoch.Add(time.Second)})
	if bytes.Equal(a, c) {
		t.Fatal("ModTime has no effect")
	}
	d := writePkg(t, sampleTree(), WriteOptions{ModTime: epoch.Add(time.Millisecond)})
	if !bytes.Equal(a, d) {
		t.Fatal("sub-second mtime leaked into the package")
	}
}

// ungzipTar lists a gzip tar's headers, checking gzip -n (no name, no mtime).
func ungzipTar(t *testing.T, b []byte) ([]*tar.Header, map[string][]byte, int) {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if zr.Name != "" || !zr.ModTime.IsZero() || zr.Comment != "" {
		t.Errorf("gzip header carries name %q / mtime %v", zr.Name, zr.ModTime)
	}
	raw, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	tr := tar.NewReader(bytes.NewReader(raw))
	var hdrs []*tar.Header
	bodies := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		// opkg-lede's tar reader refuses PAX headers ("Unknown typeflag: 0x78").
		if h.Format&tar.FormatPAX != 0 || h.Format&tar.FormatGNU == 0 {
			t.Errorf("%s: format %v, want GNU without PAX", h.Name, h.Format)
		}
		hdrs = append(hdrs, h)
		bodies[h.Name], _ = io.ReadAll(tr)
	}
	return hdrs, bodies, len(raw)
}

// OpenWrt's ipkg-build: ./debian-binary, ./data.tar.gz, ./control.tar.gz in
// a GNU tar, numeric owners, sorted names, gzip -n; Installed-Size is the
// uncompressed data tar's length, a whole number of 10240-byte records.
func TestWriteMatchesIpkgBuild(t *testing.T) {
	t.Parallel()
	tree := sampleTree()
	pkg := writePkg(t, tree, WriteOptions{ModTime: epoch, Uid: 1000, Gid: 1000})
	outer, bodies, _ := ungzipTar(t, pkg)
	var names []string
	for _, h := range outer {
		names = append(names, h.Name)
	}
	if strings.Join(names, " ") != "./debian-binary ./data.tar.gz ./control.tar.gz" {
		t.Errorf("outer members %q", names)
	}
	if string(bodies["./debian-binary"]) != "2.0\n" {
		t.Errorf("debian-binary %q", bodies["./debian-binary"])
	}
	data, _, dataLen := ungzipTar(t, bodies["./data.tar.gz"])
	if dataLen%10240 != 0 {
		t.Errorf("data tar length %d is not whole records", dataLen)
	}
	size, err := DataSize(Package{Data: tree}, WriteOptions{ModTime: epoch, Uid: 1000, Gid: 1000})
	if err != nil || size != int64(dataLen) {
		t.Errorf("DataSize = %d, %v; data tar is %d bytes", size, err, dataLen)
	}
	var dataNames []string
	for _, h := range data {
		dataNames = append(dataNames, h.Name)
		if h.Uid != 1000 || h.Gid != 1000 || h.Uname != "" {
			t.Errorf("%s: owner %d/%d %q", h.Name, h.Uid, h.Gid, h.Uname)
		}
	}
	if dataNames[0] != "./" || dataNames[1] != "./etc/" || dataNames[len(dataNames)-1] != "./var/spool/" {
		t.Errorf("data names not sorted as tar --sort=name: %q", dataNames)
	}
	ctl, _, _ := ungzipTar(t, bodies["./control.tar.gz"])
	var ctlNames []string
	for _, h := range ctl {
		ctlNames = append(ctlNames, h.Name)
	}
	if strings.Join(ctlNames, " ") != "./ ./conffiles ./control ./postinst" {
		t.Errorf("control names %q", ctlNames)
	}
}

func TestWriteArMatchesOpkgBuild(t *testing.T) {
	t.Parallel()
	pkg := writePkg(t, sampleTree(), WriteOptions{Outer: OuterAr, ModTime: epoch})
	if !bytes.HasPrefix(pkg, []byte("!<arch>\ndebian-binary/  0           0     0     644     4         `\n2.0\n")) {
		t.Errorf("ar start %q", pkg[:80])
	}
	r, err := NewReader(bytes.NewReader(pkg), "a.ipk", Options{})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for {
		m, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, m.Name)
	}
	if strings.Join(names, " ") != "debian-binary control.tar.gz data.tar.gz" {
		t.Errorf("members %q", names)
	}
}

func TestWriteRefuses(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := Write(&buf, Package{Control: []ControlFile{{Name: "postinst"}}, Data: fstest.MapFS{}}, WriteOptions{}); err == nil {
		t.Error("package without control file written")
	}
	if err := Write(&buf, Package{Control: []ControlFile{{Name: "control"}, {Name: "../x"}}, Data: fstest.MapFS{}}, WriteOptions{}); err == nil {
		t.Error("control file name with a slash written")
	}
	dev := fstest.MapFS{"dev/null": {Mode: fs.ModeDevice | fs.ModeCharDevice | 0o666}}
	err := Write(&buf, Package{Control: sampleControl(), Data: dev}, WriteOptions{})
	if ue, ok := err.(*UnsupportedFileError); !ok || ue.Path != "dev/null" {
		t.Errorf("device: %v", err)
	}
}

// Exclude leaves out the CONTROL directory of a package source tree, as
// ipkg-build does, and the package equals one built without it.
func TestWriteExclude(t *testing.T) {
	t.Parallel()
	withControl := sampleTree()
	withControl["CONTROL/control"] = &fstest.MapFile{Data: []byte("Package: x\n"), Mode: 0o644}
	withControl["CONTROL"] = &fstest.MapFile{Mode: fs.ModeDir | 0o755}
	var a, b bytes.Buffer
	if err := Write(&a, Package{Control: sampleControl(), Data: withControl, Exclude: []string{"CONTROL"}}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if err := Write(&b, Package{Control: sampleControl(), Data: sampleTree()}, WriteOptions{}); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(a.Bytes(), b.Bytes()) {
		t.Error("excluded CONTROL still changed the package")
	}
	n1, _ := DataSize(Package{Data: withControl, Exclude: []string{"CONTROL"}}, WriteOptions{})
	n2, _ := DataSize(Package{Data: sampleTree()}, WriteOptions{})
	if n1 != n2 || n1 == 0 {
		t.Errorf("DataSize %d with exclusion, %d without", n1, n2)
	}
}
