package ipk

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"
)

// tentry is one entry of a tar built in memory by a test.
type tentry struct {
	hdr  tar.Header
	body []byte
}

func file(name, body string) tentry {
	return tentry{tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(body))}, []byte(body)}
}

func dir(name string) tentry {
	return tentry{hdr: tar.Header{Typeflag: tar.TypeDir, Name: name, Mode: 0o755}}
}

func symlink(name, target string) tentry {
	return tentry{hdr: tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777}}
}

func hardlink(name, target string) tentry {
	return tentry{hdr: tar.Header{Typeflag: tar.TypeLink, Name: name, Linkname: target, Mode: 0o644}}
}

func withMode(e tentry, mode int64) tentry {
	e.hdr.Mode = mode
	return e
}

// tarOf builds a GNU tar in memory, the way ipkg-build's tar would.
func tarOf(t testing.TB, entries ...tentry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := e.hdr
		if h.Format == tar.FormatUnknown {
			h.Format = tar.FormatGNU
		}
		h.ModTime = time.Unix(1700000000, 0)
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatalf("tar header %q: %v", h.Name, err)
		}
		if _, err := tw.Write(e.body); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rawHeader is a hand-made 512-byte ustar header, for what archive/tar's
// writer refuses to produce (odd type flags, negative sizes).
func rawHeader(name string, typeflag byte, size string) []byte {
	h := make([]byte, 512)
	copy(h[0:100], name)
	copy(h[100:108], "0000644\x00")
	copy(h[108:116], "0000000\x00")
	copy(h[116:124], "0000000\x00")
	copy(h[124:136], size)
	copy(h[136:148], "00000000000\x00")
	h[156] = typeflag
	copy(h[257:265], "ustar\x0000")
	copy(h[148:156], "        ")
	sum := 0
	for _, c := range h {
		sum += int(c)
	}
	copy(h[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return h
}

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// member is one outer member of a test package.
type member struct {
	name string
	body []byte
}

func controlTarGz(t testing.TB) []byte {
	return gz(t, tarOf(t, dir("./"), file("./control", "Package: test\nVersion: 1.0-1\nArchitecture: all\n"), withMode(file("./postinst", "#!/bin/sh\nexit 0\n"), 0o755)))
}

// ipkTarGz is an OpenWrt-style package: gzip tar of the members.
func ipkTarGz(t testing.TB, members ...member) []byte {
	t.Helper()
	var entries []tentry
	for _, m := range members {
		entries = append(entries, file(m.name, string(m.body)))
	}
	return gz(t, tarOf(t, entries...))
}

// ipkAr is a Debian/Yocto-style package.
func ipkAr(members ...member) []byte {
	var buf bytes.Buffer
	buf.WriteString(arMagic)
	for _, m := range members {
		name := strings.TrimPrefix(m.name, "./")
		fmt.Fprintf(&buf, "%-16s%-12d%-6d%-6d%-8o%-10s`\n", name+"/", 0, 0, 0, 0o644, strconv.Itoa(len(m.body)))
		buf.Write(m.body)
		if len(m.body)%2 == 1 {
			buf.WriteByte('\n')
		}
	}
	return buf.Bytes()
}

// standard returns the three members of a good package, data first as
// ipkg-build orders them, around the given data tar (uncompressed).
func standard(t testing.TB, dataTar []byte) []member {
	return []member{
		{"./debian-binary", []byte("2.0\n")},
		{"./data.tar.gz", gz(t, dataTar)},
		{"./control.tar.gz", controlTarGz(t)},
	}
}

// walkAll reads a package with Walk, discarding contents, and returns the
// entry names in order.
func walkAll(pkg []byte, opts Options) ([]string, *Control, error) {
	var names []string
	ctl, err := Walk(bytes.NewReader(pkg), "test.ipk", opts, Handler{Entry: func(e *Entry, r io.Reader) error {
		names = append(names, e.Name)
		_, err := io.Copy(io.Discard, r)
		return err
	}})
	return names, ctl, err
}
