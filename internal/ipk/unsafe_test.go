package ipk

import (
	"archive/tar"
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// Malicious data archives built in memory (after apko's
// path_traversal_test.go): each must be refused with the exact reason and
// entry, before any of its content could be written anywhere.
func TestUnsafeEntries(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("x", 256)
	tests := []struct {
		name    string
		entries []tentry
		opts    Options
		entry   string // the offending entry as stored
		reason  Reason
	}{
		{"absolute path", []tentry{file("/etc/passwd", "root::0:0")}, Options{}, "/etc/passwd", ReasonAbsolutePath},
		{"dot-dot at start", []tentry{file("../evil", "x")}, Options{}, "../evil", ReasonDotDot},
		{"dot-dot inside", []tentry{dir("./usr/"), file("./usr/../../etc/shadow", "x")}, Options{}, "./usr/../../etc/shadow", ReasonDotDot},
		{"dot-dot that would clean away", []tentry{file("./a/../b", "x")}, Options{}, "./a/../b", ReasonDotDot},
		{"dot-dot directory", []tentry{dir("./x/../")}, Options{}, "./x/../", ReasonDotDot},
		{"file through own symlink", []tentry{symlink("./lib", "/etc"), file("./lib/passwd", "x")}, Options{}, "./lib/passwd", ReasonThroughSymlink},
		{"dir through own symlink", []tentry{symlink("./lib", "../.."), dir("./lib/x/")}, Options{}, "./lib/x/", ReasonThroughSymlink},
		{"deep through own symlink", []tentry{dir("./a/"), symlink("./a/b", "/"), file("./a/b/c/d", "x")}, Options{}, "./a/b/c/d", ReasonThroughSymlink},
		{"symlink through own symlink", []tentry{symlink("./l", "/"), symlink("./l/x", "y")}, Options{}, "./l/x", ReasonThroughSymlink},
		{"file below a file", []tentry{file("./a", "x"), file("./a/b", "y")}, Options{}, "./a/b", ReasonParentNotDirectory},
		{"hard link absolute", []tentry{hardlink("./shadow", "/etc/shadow")}, Options{}, "./shadow", ReasonHardlinkOutside},
		{"hard link dot-dot", []tentry{hardlink("./x", "../../etc/shadow")}, Options{}, "./x", ReasonHardlinkOutside},
		{"hard link to absent", []tentry{hardlink("./x", "./nothing")}, Options{}, "./x", ReasonHardlinkMissing},
		{"hard link forward", []tentry{hardlink("./x", "./y"), file("./y", "z")}, Options{}, "./x", ReasonHardlinkMissing},
		{"hard link to directory", []tentry{dir("./d/"), hardlink("./x", "./d")}, Options{}, "./x", ReasonHardlinkNotFile},
		{"hard link to symlink", []tentry{symlink("./s", "/etc/shadow"), hardlink("./x", "./s")}, Options{}, "./x", ReasonHardlinkNotFile},
		{"character device", []tentry{{hdr: tar.Header{Typeflag: tar.TypeChar, Name: "./dev/mem", Mode: 0o600, Devmajor: 1, Devminor: 1}}}, Options{}, "./dev/mem", ReasonDevice},
		{"block device", []tentry{{hdr: tar.Header{Typeflag: tar.TypeBlock, Name: "./sda", Mode: 0o600, Devmajor: 8}}}, Options{}, "./sda", ReasonDevice},
		{"fifo", []tentry{{hdr: tar.Header{Typeflag: tar.TypeFifo, Name: "./fifo", Mode: 0o600}}}, Options{}, "./fifo", ReasonDevice},
		{"setuid file", []tentry{withMode(file("./bin/su", "x"), 0o4755)}, Options{}, "./bin/su", ReasonSetuid},
		{"setgid file", []tentry{withMode(file("./bin/wall", "x"), 0o2755)}, Options{}, "./bin/wall", ReasonSetuid},
		{"setuid hard link", []tentry{file("./a", "x"), withMode(hardlink("./b", "./a"), 0o4755)}, Options{}, "./b", ReasonSetuid},
		{"duplicate file", []tentry{file("./a", "x"), file("a", "y")}, Options{}, "a", ReasonDuplicate},
		{"duplicate directory", []tentry{dir("./usr/"), dir("usr")}, Options{}, "usr", ReasonDuplicate},
		{"file replacing symlink", []tentry{symlink("./a", "/etc/passwd"), file("./a", "x")}, Options{}, "./a", ReasonDuplicate},
		{"file too large", []tentry{file("./big", strings.Repeat("x", 101))}, Options{Limits: Limits{MaxFileSize: 100}}, "./big", ReasonBadSize},
		{"data too large", []tentry{file("./a", strings.Repeat("x", 60)), file("./b", strings.Repeat("x", 60))}, Options{Limits: Limits{MaxDataSize: 100}}, "./b", ReasonTooLarge},
		{"too many entries (the root counts)", []tentry{file("./a", ""), file("./b", ""), file("./c", "")}, Options{Limits: Limits{MaxEntries: 3}}, "./c", ReasonTooManyEntries},
		{"names too long together", []tentry{file("./"+strings.Repeat("a", 40), ""), file("./"+strings.Repeat("b", 40), "")}, Options{Limits: Limits{MaxNameBytes: 64}}, "./" + strings.Repeat("b", 40), ReasonTooLarge},
		{"component over NAME_MAX", []tentry{file("./"+long, "")}, Options{}, "./" + long, ReasonBadName},
		{"root as a file", []tentry{file(".", "")}, Options{}, ".", ReasonBadName},
		{"empty symlink target", []tentry{symlink("./s", "")}, Options{}, "./s", ReasonBadSymlink},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			entries := append([]tentry{dir("./")}, tt.entries...)
			pkg := ipkTarGz(t, standard(t, tarOf(t, entries...))...)
			names, _, err := walkAll(pkg, tt.opts)
			var ue *UnsafeEntryError
			if !errors.As(err, &ue) {
				t.Fatalf("err = %v (entries passed: %q), want *UnsafeEntryError", err, names)
			}
			if ue.Reason != tt.reason || ue.Entry != tt.entry || ue.Package != "test.ipk" || ue.Member != "data.tar.gz" {
				t.Errorf("got %+v, want reason %q, entry %q in test.ipk data.tar.gz", *ue, tt.reason, tt.entry)
			}
			// The error reads: package, member, entry, reason.
			if !strings.HasPrefix(err.Error(), "test.ipk: data.tar.gz: ") || !strings.Contains(err.Error(), tt.reason.String()) {
				t.Errorf("message %q", err)
			}
		})
	}
}

// The options that relax a rule do relax it, and only it.
func TestUnsafeEntriesAllowed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		entries []tentry
		opts    Options
	}{
		{"device with AllowDevices", []tentry{{hdr: tar.Header{Typeflag: tar.TypeChar, Name: "./null", Mode: 0o666, Devmajor: 1, Devminor: 3}}}, Options{AllowDevices: true}},
		{"fifo with AllowDevices", []tentry{{hdr: tar.Header{Typeflag: tar.TypeFifo, Name: "./fifo", Mode: 0o600}}}, Options{AllowDevices: true}},
		{"setuid with AllowSetuid", []tentry{withMode(file("./su", "x"), 0o4755)}, Options{AllowSetuid: true}},
		{"setgid directory always", []tentry{withMode(dir("./var/mail/"), 0o2775)}, Options{}},
		{"symlinks may point anywhere", []tentry{symlink("./sh", "/bin/busybox"), symlink("./up", "../../..")}, Options{}},
		{"entries below a real directory", []tentry{dir("./a/"), file("./a/b", "x")}, Options{}},
		{"parents may be implicit", []tentry{file("./x/y/z", "x")}, Options{}},
		{"hard link to hard link", []tentry{file("./a", "x"), hardlink("./b", "./a"), hardlink("./c", "b")}, Options{}},
		{"names normalised", []tentry{file("./a//b/./c", "x")}, Options{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			pkg := ipkTarGz(t, standard(t, tarOf(t, tt.entries...))...)
			if _, _, err := walkAll(pkg, tt.opts); err != nil {
				t.Fatal(err)
			}
		})
	}
	// The same archives are refused without the option.
	pkg := ipkTarGz(t, standard(t, tarOf(t, withMode(file("./su", "x"), 0o4755)))...)
	if _, _, err := walkAll(pkg, Options{AllowDevices: true}); err == nil {
		t.Error("AllowDevices let a setuid file through")
	}
}

func TestEntryNormalisation(t *testing.T) {
	t.Parallel()
	pkg := ipkTarGz(t, standard(t, tarOf(t, dir("./"), dir("./usr/"), dir("usr/lib"), file("./usr//lib/./x", "1"), file("y", "2"),
		withMode(file("./usr/lib/hl", "3"), 0o755), hardlink("./z", "./usr/lib/hl")))...)
	var got []Entry
	_, err := Walk(bytes.NewReader(pkg), "n.ipk", Options{}, Handler{Entry: func(e *Entry, _ io.Reader) error {
		got = append(got, *e)
		return nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name, link string
		typ        EntryType
	}{{"usr", "", TypeDir}, {"usr/lib", "", TypeDir}, {"usr/lib/x", "", TypeFile}, {"y", "", TypeFile}, {"usr/lib/hl", "", TypeFile}, {"z", "usr/lib/hl", TypeHardlink}}
	if len(got) != len(want) {
		t.Fatalf("got %d entries: %+v", len(got), got)
	}
	for i, w := range want {
		if got[i].Name != w.name || got[i].Linkname != w.link || got[i].Type != w.typ {
			t.Errorf("entry %d = %q %v %q, want %q %v %q", i, got[i].Name, got[i].Type, got[i].Linkname, w.name, w.typ, w.link)
		}
	}
	if got[0].Mode.Perm() != 0o755 || !got[0].Mode.IsDir() || got[4].Mode.Perm() != 0o755 || got[4].Size != 1 {
		t.Errorf("modes/sizes: %v %v %d", got[0].Mode, got[4].Mode, got[4].Size)
	}
}
