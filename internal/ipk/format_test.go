package ipk

import (
	"archive/tar"
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"slices"
	"strings"
	"testing"

	"github.com/klauspost/compress/zstd"
	"github.com/ulikunitz/xz"
)

func xzOf(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := xz.NewWriter(&buf)
	if err != nil {
		t.Fatal(err)
	}
	w.Write(b)
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zstdOf(t testing.TB, b []byte) []byte {
	t.Helper()
	enc, err := zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))
	if err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	return enc.EncodeAll(b, nil)
}

// xzBigDictionary rewrites the LZMA2 dictionary size in the first block
// header of an xz stream (and the header's CRC32), as a hostile package
// would to make the decoder allocate 1.5 GiB.
func xzBigDictionary(t testing.TB, stream []byte) []byte {
	t.Helper()
	out := bytes.Clone(stream)
	blk := out[12:]
	size := (int(blk[0]) + 1) * 4
	// Block flags 0 (one filter, no sizes) is what ulikunitz/xz writes:
	// filter id 0x21, props size 1, props.
	if blk[1]&0xc3 != 0 || blk[2] != 0x21 || blk[3] != 1 {
		t.Fatalf("unexpected block header % x", blk[:size])
	}
	blk[4] = 39 // (2|1) << (39/2 + 11) = 3 GiB: far over any limit
	binary.LittleEndian.PutUint32(blk[size-4:], crc32.ChecksumIEEE(blk[:size-4]))
	return out
}

func TestMemberCompressions(t *testing.T) {
	t.Parallel()
	data := tarOf(t, dir("./"), file("./etc/x.conf", "a=1\n"))
	for name, body := range map[string][]byte{
		"data.tar.gz":                 gz(t, data),
		"data.tar.xz":                 xzOf(t, data),
		"data.tar.zst":                zstdOf(t, data),
		"data.tar":                    data,
		"data.tar.gz (but really xz)": xzOf(t, data), // magic wins over the name
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			pkg := ipkAr(member{"debian-binary", []byte("2.0\n")}, member{"control.tar.gz", controlTarGz(t)}, member{strings.Fields(name)[0], body})
			names, _, err := walkAll(pkg, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if len(names) != 1 || names[0] != "etc/x.conf" {
				t.Errorf("names %q", names)
			}
		})
	}
}

// Structural problems: each must be reported with its exact Problem and
// member.
func TestFormatErrors(t *testing.T) {
	t.Parallel()
	good := tarOf(t, dir("./"), file("./a", "hello"))
	members := standard(t, good)
	ok := ipkTarGz(t, members...)
	okAr := ipkAr(members...)
	dataGz := gz(t, good)
	tests := []struct {
		name    string
		pkg     []byte
		opts    Options
		member  string
		problem Problem
	}{
		{"empty file", nil, Options{}, "", ProblemTruncated},
		{"not a package", []byte("#!/bin/sh\nrm -rf /\n"), Options{}, "", ProblemNotPackage},
		{"outer gzip cut short", ok[:len(ok)/2], Options{}, "", ProblemTruncated},
		{"outer gzip checksum", append(bytes.Clone(ok[:len(ok)-8]), 0, 0, 0, 0, 0, 0, 0, 0), Options{}, "", ProblemCorrupt},
		{"garbage after outer gzip", append(bytes.Clone(ok), "PK\x03\x04"...), Options{}, "", ProblemTrailingData},
		{"second gzip stream after outer", append(bytes.Clone(ok), ok...), Options{}, "", ProblemTrailingData},
		{"too many zeros after outer gzip", append(bytes.Clone(ok), make([]byte, 2048)...), Options{Limits: Limits{MaxTrailingZeros: 1024}}, "", ProblemTrailingData},
		{"garbage after tar end inside outer gzip", gz(t, append(tarOf(t, file("debian-binary", "2.0\n"), file("control.tar.gz", string(members[2].body)), file("data.tar.gz", string(dataGz))), "junk"...)), Options{}, "", ProblemTrailingData},
		{"garbage after ar", append(bytes.Clone(okAr), "junk-after-the-end-of-the-archive-that-is-not-a-header-at-all"...), Options{}, "", ProblemTrailingData},
		{"ar cut short", okAr[:len(okAr)-10], Options{}, "control.tar.gz", ProblemTruncated},
		{"ar header cut short", okAr[:len(arMagic)+30], Options{}, "", ProblemTruncated},
		{"garbage after data gzip stream", ipkTarGz(t, members[0], member{"./data.tar.gz", append(bytes.Clone(dataGz), "x"...)}, members[2]), Options{}, "data.tar.gz", ProblemTrailingData},
		{"garbage after data tar end", ipkTarGz(t, members[0], member{"./data.tar.gz", gz(t, append(bytes.Clone(good), 1))}, members[2]), Options{}, "data.tar.gz", ProblemTrailingData},
		{"data gzip cut short", ipkTarGz(t, members[0], member{"./data.tar.gz", dataGz[:len(dataGz)-6]}, members[2]), Options{}, "data.tar.gz", ProblemTruncated},
		{"data tar truncated in content", ipkTarGz(t, members[0], member{"./data.tar.gz", gz(t, good[:512+512+2])}, members[2]), Options{}, "data.tar.gz", ProblemTruncated},
		{"negative entry size", ipkTarGz(t, members[0], member{"./data.tar.gz", gz(t, append(rawHeader("./x", '0', "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"), make([]byte, 1024)...))}, members[2]), Options{}, "data.tar.gz", ProblemCorrupt},
		{"duplicate data member", ipkTarGz(t, members[0], members[1], members[1], members[2]), Options{}, "data.tar.gz", ProblemDuplicateMember},
		{"duplicate debian-binary", ipkAr(members[0], members[0], members[2], members[1]), Options{}, "debian-binary", ProblemDuplicateMember},
		{"missing data", ipkTarGz(t, members[0], members[2]), Options{}, "", ProblemMissingMember},
		{"missing debian-binary", ipkTarGz(t, members[1], members[2]), Options{}, "", ProblemMissingMember},
		{"missing control", ipkAr(members[0], members[1]), Options{}, "", ProblemMissingMember},
		{"debian-binary 3.0", ipkTarGz(t, member{"debian-binary", []byte("3.0\n")}, members[1], members[2]), Options{}, "debian-binary", ProblemBadVersion},
		{"debian-binary huge", ipkTarGz(t, member{"debian-binary", []byte("2.0\n" + strings.Repeat(" ", 100))}, members[1], members[2]), Options{}, "debian-binary", ProblemBadVersion},
		{"outer symlink", gz(t, tarOf(t, file("debian-binary", "2.0\n"), symlink("data.tar.gz", "/dev/zero"))), Options{}, "data.tar.gz", ProblemBadMember},
		{"lz4 data", ipkTarGz(t, members[0], member{"./data.tar.lz4", append([]byte{0x04, 0x22, 0x4d, 0x18}, make([]byte, 20)...)}, members[2]), Options{}, "data.tar.lz4", ProblemUnsupportedCompress},
		{"xz dictionary over limit", ipkAr(members[0], members[2], member{"data.tar.xz", xzBigDictionary(t, xzOf(t, good))}), Options{}, "data.tar.xz", ProblemTooLarge},
		{"zstd window over limit", ipkAr(members[0], members[2], member{"data.tar.zst", zstdOf(t, good)}), Options{Limits: Limits{MaxDictionary: 1024}}, "data.tar.zst", ProblemTooLarge},
		{"decompression bomb of zero padding", ipkTarGz(t, members[0], member{"./data.tar.gz", gz(t, append(bytes.Clone(good), make([]byte, 4<<20)...))}, members[2]), Options{}, "data.tar.gz", ProblemTrailingData},
		{"decompression bomb of header bytes", ipkTarGz(t, members[0], member{"./data.tar.gz", gz(t, tarOf(t, tentry{hdr: tar.Header{Typeflag: tar.TypeReg, Name: "./a", Format: tar.FormatPAX, PAXRecords: map[string]string{"comment": strings.Repeat("z", 200<<10)}}}))}, members[2]), Options{Limits: Limits{MaxTrailingZeros: 1024}}, "data.tar.gz", ProblemTooLarge},
		{"outer bomb of root entries", gz(t, tarOf(t, slices.Repeat([]tentry{dir("./")}, 100)...)), Options{}, "", ProblemTooLarge},
		{"control without control file", ipkTarGz(t, members[0], members[1], member{"./control.tar.gz", gz(t, tarOf(t, file("./postinst", "x")))}), Options{}, "control.tar.gz", ProblemMissingControlFile},
		{"outer member over the limit", ipkTarGz(t, members[0], member{"./data.tar.gz", make([]byte, 1<<20)}, members[2]), Options{Limits: Limits{MaxDataSize: 1024, MaxEntries: 1}}, "data.tar.gz", ProblemTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			names, _, err := walkAll(tt.pkg, tt.opts)
			var fe *FormatError
			if !errors.As(err, &fe) {
				t.Fatalf("err = %v (entries %q), want *FormatError", err, names)
			}
			if fe.Problem != tt.problem || fe.Member != tt.member || fe.Package != "test.ipk" {
				t.Errorf("got %v: %+v, want problem %q member %q", err, *fe, tt.problem, tt.member)
			}
		})
	}
}

// Zero padding after an archive is tolerated (tape blocks, dd): the rule is
// "no non-zero byte after the end".
func TestTrailingZerosAccepted(t *testing.T) {
	t.Parallel()
	members := standard(t, tarOf(t, file("./a", "x")))
	for name, pkg := range map[string][]byte{
		"after outer gzip": append(ipkTarGz(t, members...), make([]byte, 700)...),
		"after ar":         append(ipkAr(members...), make([]byte, 700)...),
		"after data gzip":  ipkTarGz(t, members[0], member{"data.tar.gz", append(gz(t, tarOf(t, file("./a", "x"))), make([]byte, 100)...)}, members[2]),
	} {
		if _, _, err := walkAll(pkg, Options{}); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestControlArchiveRules(t *testing.T) {
	t.Parallel()
	ctl := func(entries ...tentry) []byte {
		pkg := standard(t, tarOf(t, file("./a", "x")))
		pkg[2].body = gz(t, tarOf(t, entries...))
		return ipkTarGz(t, pkg...)
	}
	tests := []struct {
		name   string
		pkg    []byte
		opts   Options
		entry  string
		reason Reason
	}{
		{"symlink", ctl(file("./control", "P: x\n"), symlink("./postinst", "/bin/sh")), Options{}, "./postinst", ReasonNotInControl},
		{"subdirectory", ctl(file("./control", "P: x\n"), dir("./d/")), Options{}, "./d/", ReasonNotInControl},
		{"nested file", ctl(file("./control", "P: x\n"), file("./d/x", "")), Options{}, "./d/x", ReasonNotInControl},
		{"absolute", ctl(file("/control", "P: x\n")), Options{}, "/control", ReasonAbsolutePath},
		{"duplicate control", ctl(file("./control", "P: x\n"), file("control", "P: y\n")), Options{}, "control", ReasonDuplicate},
		{"member over 1 MiB", ctl(file("./control", "P: x\n"), file("./postinst", strings.Repeat("#", 1<<20+1))), Options{}, "./postinst", ReasonBadSize},
		{"members over the total", ctl(file("./control", strings.Repeat("x", 600)), file("./postinst", strings.Repeat("#", 600))), Options{Limits: Limits{MaxControlSize: 1000}}, "./postinst", ReasonTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := ReadControl(bytes.NewReader(tt.pkg), "test.ipk", tt.opts)
			var ue *UnsafeEntryError
			if !errors.As(err, &ue) || ue.Reason != tt.reason || ue.Entry != tt.entry || ue.Member != "control.tar.gz" {
				t.Fatalf("err = %v, want %q on %q", err, tt.reason, tt.entry)
			}
		})
	}
}
