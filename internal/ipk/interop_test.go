package ipk

import (
	"bytes"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

func needTools(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed", tool)
		}
	}
}

func sh(t *testing.T, dir, script string) {
	t.Helper()
	cmd := exec.Command("sh", "-ec", script)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LC_ALL=C", "SOURCE_DATE_EPOCH=1700000000")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s\n%s: %v", script, out, err)
	}
}

// makeTree lays out a package source directory the way both build scripts
// expect it: the data tree with a CONTROL directory inside.
func makeTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	src := filepath.Join(dir, "src")
	sh(t, dir, `
mkdir -p src/CONTROL src/usr/bin src/etc/config src/usr/lib
printf 'Package: hello\nVersion: 1.0-1\nArchitecture: all\nMaintainer: x\nDescription: y\n' > src/CONTROL/control
printf '/etc/config/hello\n' > src/CONTROL/conffiles
printf '#!/bin/sh\nexit 0\n' > src/CONTROL/postinst && chmod 755 src/CONTROL/postinst
printf '#!/bin/sh\necho hello\n' > src/usr/bin/hello && chmod 755 src/usr/bin/hello
ln -s hello src/usr/bin/hi
ln src/usr/bin/hello src/usr/bin/hello-hard
printf 'config hello\n' > src/etc/config/hello
head -c 300000 /dev/urandom > src/usr/lib/libhello.so.1
ln -s libhello.so.1 src/usr/lib/libhello.so
mkdir -p src/usr/share/$(printf 'd%.0s' $(seq 1 120))
echo long > src/usr/share/$(printf 'd%.0s' $(seq 1 120))/file
`)
	return src
}

var wantTreeEntries = []string{"etc", "etc/config", "etc/config/hello", "usr", "usr/bin", "usr/bin/hello",
	"usr/bin/hello-hard", "usr/bin/hi", "usr/lib", "usr/lib/libhello.so", "usr/lib/libhello.so.1",
	"usr/share", "usr/share/" + strings.Repeat("d", 120), "usr/share/" + strings.Repeat("d", 120) + "/file"}

// Packages made by the shell commands of OpenWrt's ipkg-build and Yocto's
// opkg-build (outer and member compressions they offer) read back whole.
func TestReadPackagesFromRealTools(t *testing.T) {
	t.Parallel()
	needTools(t, "tar", "gzip", "ar")
	src := makeTree(t)
	dataTar := `tar --format=gnu --numeric-owner --owner=0 --group=0 --sort=name --mtime=@$SOURCE_DATE_EPOCH --exclude=./CONTROL -C src -cf - .`
	ctlTar := `tar --format=gnu --numeric-owner --owner=0 --group=0 --sort=name --mtime=@$SOURCE_DATE_EPOCH -C src/CONTROL -cf - .`
	tests := []struct {
		name, tool, script string
	}{
		{"ipkg-build", "gzip", dataTar + ` | gzip -n > data.tar.gz; ` + ctlTar + ` | gzip -n > control.tar.gz; echo 2.0 > debian-binary
tar --format=gnu --numeric-owner --owner=0 --group=0 --sort=name -cf - ./debian-binary ./data.tar.gz ./control.tar.gz | gzip -n > p.ipk`},
		{"opkg-build ar gzip", "gzip", dataTar + ` | gzip -n > data.tar.gz; ` + ctlTar + ` | gzip -n > control.tar.gz; echo 2.0 > debian-binary
ar -crfD p.ipk ./debian-binary ./control.tar.gz ./data.tar.gz`},
		{"opkg-build ar xz", "xz", dataTar + ` | xz > data.tar.xz; ` + ctlTar + ` | gzip -n > control.tar.gz; echo 2.0 > debian-binary
ar -crfD p.ipk ./debian-binary ./control.tar.gz ./data.tar.xz`},
		{"opkg-build ar zstd", "zstd", dataTar + ` | zstd -q -19 > data.tar.zst; ` + ctlTar + ` | gzip -n > control.tar.gz; echo 2.0 > debian-binary
ar -crfD p.ipk ./debian-binary ./control.tar.gz ./data.tar.zst`},
		{"opkg-build ar bzip2", "bzip2", dataTar + ` | bzip2 > data.tar.bz2; ` + ctlTar + ` | gzip -n > control.tar.gz; echo 2.0 > debian-binary
ar -crfD p.ipk ./debian-binary ./control.tar.gz ./data.tar.bz2`},
		{"opkg-build -c, pax members", "gzip", `tar --format=pax --exclude=./CONTROL -C src -czf data.tar.gz .; tar --format=pax -C src/CONTROL -czf control.tar.gz .; echo 2.0 > debian-binary
tar --format=gnu -czf p.ipk ./debian-binary ./control.tar.gz ./data.tar.gz`},
		{"ustar members", "gzip", `tar --format=ustar --exclude=./CONTROL -C src -czf data.tar.gz . 2>/dev/null || true; tar --format=ustar -C src/CONTROL -czf control.tar.gz .; echo 2.0 > debian-binary
ar -crD p.ipk debian-binary control.tar.gz data.tar.gz`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			needTools(t, tt.tool)
			work := t.TempDir()
			sh(t, work, "ln -s "+src+" src; "+tt.script)
			f, err := os.Open(filepath.Join(work, "p.ipk"))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var names []string
			contents := map[string][]byte{}
			ctl, err := Walk(f, "p.ipk", Options{}, Handler{Entry: func(e *Entry, r io.Reader) error {
				names = append(names, e.Name)
				contents[e.Name], _ = io.ReadAll(r)
				return nil
			}})
			if err != nil {
				t.Fatal(err)
			}
			want := wantTreeEntries
			if tt.name == "ustar members" {
				// ustar cannot hold the 120-byte directory name; tar skipped it.
				want = slices.DeleteFunc(slices.Clone(want), func(s string) bool { return strings.Contains(s, "ddd") })
			}
			sort.Strings(names)
			if !slices.Equal(names, want) {
				t.Errorf("entries\n got %q\nwant %q", names, want)
			}
			lib, _ := os.ReadFile(filepath.Join(src, "usr/lib/libhello.so.1"))
			if !bytes.Equal(contents["usr/lib/libhello.so.1"], lib) {
				t.Error("libhello.so.1 content differs")
			}
			if c, _ := ctl.File("conffiles"); string(c) != "/etc/config/hello\n" {
				t.Errorf("conffiles %q", c)
			}
		})
	}
}

// What Write makes, GNU tar, GNU ar and busybox tar (opkg-lede's unpacker
// on OpenWrt shells out to busybox gzip and has a busybox-like tar reader)
// unpack to the same tree.
func TestRealToolsReadWrittenPackages(t *testing.T) {
	t.Parallel()
	needTools(t, "tar", "gzip", "ar")
	src := makeTree(t)
	var ctl []ControlFile
	for _, name := range []string{"control", "conffiles", "postinst"} {
		b, err := os.ReadFile(filepath.Join(src, "CONTROL", name))
		if err != nil {
			t.Fatal(err)
		}
		info, _ := os.Stat(filepath.Join(src, "CONTROL", name))
		ctl = append(ctl, ControlFile{Name: name, Mode: info.Mode().Perm(), Data: b})
	}
	for _, outer := range []OuterFormat{OuterTarGzip, OuterAr} {
		work := t.TempDir()
		f, err := os.Create(filepath.Join(work, "p.ipk"))
		if err != nil {
			t.Fatal(err)
		}
		if err := Write(f, Package{Control: ctl, Data: os.DirFS(src), Exclude: []string{"CONTROL"}}, WriteOptions{Outer: outer}); err != nil {
			t.Fatal(err)
		}
		f.Close()
		unpack := "tar -xzf p.ipk"
		if outer == OuterAr {
			unpack = "ar x p.ipk"
		}
		sh(t, work, unpack+`
test "$(cat debian-binary)" = 2.0
mkdir data control && tar -xzf data.tar.gz -C data && tar -xzf control.tar.gz -C control`)
		compareTrees(t, src, filepath.Join(work, "data"))
		if b, _ := os.ReadFile(filepath.Join(work, "control", "postinst")); string(b) != "#!/bin/sh\nexit 0\n" {
			t.Errorf("postinst %q", b)
		}
		if _, err := exec.LookPath("busybox"); err == nil && outer == OuterTarGzip {
			sh(t, work, `mkdir bb && cd bb && busybox tar -xzf ../p.ipk && mkdir data && busybox tar -xzf data.tar.gz -C data`)
			compareTrees(t, src, filepath.Join(work, "bb", "data"))
		}
	}
}

func compareTrees(t *testing.T, want, got string) {
	t.Helper()
	list := func(root string) map[string]string {
		m := map[string]string{}
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				t.Fatal(err)
			}
			rel, _ := filepath.Rel(root, p)
			if rel == "CONTROL" {
				return filepath.SkipDir
			}
			info, _ := d.Info()
			desc := info.Mode().String()
			switch {
			case d.Type()&fs.ModeSymlink != 0:
				target, _ := os.Readlink(p)
				desc += " -> " + target
			case d.Type().IsRegular():
				b, _ := os.ReadFile(p)
				desc += " " + string(b[:min(len(b), 64)])
			}
			m[rel] = desc
			return nil
		})
		return m
	}
	w, g := list(want), list(got)
	for k, v := range w {
		if g[k] != v {
			t.Errorf("%s: got %q, want %q", k, g[k], v)
		}
	}
	for k := range g {
		if _, ok := w[k]; !ok {
			t.Errorf("%s: unexpected", k)
		}
	}
}

// The data archive equals GNU tar's (`tar --format=gnu --numeric-owner
// --owner=0 --group=0 --sort=name --mtime=@T -C dir .`, what ipkg-build
// runs) block for block, except that archive/tar writes zeros where GNU tar
// leaves the device number fields of non-device entries empty, and mode 0
// where GNU tar writes 0644 in long-name headers (and so the checksums
// differ). The same bytes would need a tar writer of our
// own; the gzip around them differs from gzip(1)'s anyway.
func TestDataTarMatchesGNUTar(t *testing.T) {
	t.Parallel()
	needTools(t, "tar")
	src := makeTree(t)
	gnu := filepath.Join(t.TempDir(), "gnu.tar")
	// Hard links excepted: fs.FS cannot tell them, Write stores copies.
	sh(t, src, `rm usr/bin/hello-hard && chmod -R go-w . && tar --format=gnu --numeric-owner --owner=0 --group=0 --sort=name --mtime=@$SOURCE_DATE_EPOCH --exclude=./CONTROL -C . -cf `+gnu+` .`)
	want, err := os.ReadFile(gnu)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := writeDataTar(&got, Package{Data: os.DirFS(src), Exclude: []string{"CONTROL"}}, WriteOptions{ModTime: epoch}, true); err != nil {
		t.Fatal(err)
	}
	if got.Len() != len(want) {
		t.Fatalf("length %d, GNU tar %d", got.Len(), len(want))
	}
	g := got.Bytes()
	for off := 0; off < len(want); off += 512 {
		a, b := bytes.Clone(want[off:off+512]), bytes.Clone(g[off:off+512])
		if string(a[257:265]) == "ustar  \x00" {
			for _, blk := range [][]byte{a, b} {
				clear(blk[148:156]) // checksum
				clear(blk[329:345]) // devmajor, devminor
				if blk[156] == 'L' || blk[156] == 'K' {
					clear(blk[100:108]) // GNU tar: 0644; archive/tar: 0
				}
			}
		}
		if !bytes.Equal(a, b) {
			t.Fatalf("block at %d differs:\n got %q\nwant %q", off, b, a)
		}
	}
}
