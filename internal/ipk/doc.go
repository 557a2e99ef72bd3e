// Package ipk reads and writes .ipk packages as streams: a package is never
// held whole in memory, never seeked, and every entry is checked before the
// caller sees it. It does no I/O of its own (DESIGN.md §3): it takes an
// io.Reader, an io.Writer and an fs.FS.
//
// # Formats read
//
// Outer container, recognised by its first bytes, not its file name:
//   - gzip-compressed tar: OpenWrt's ipkg-build and `opkg-build -c`, the only
//     form opkg-lede reads;
//   - ar: Debian and Yocto's opkg-build default (GNU "name/" names, "//" long
//     name table, BSD "#1/N" names, symbol tables skipped, even padding);
//   - uncompressed tar.
//
// Members: debian-binary (must say "2.x"), control.tar[.*], data.tar[.*],
// with or without "./", in any order; others (Debian's "_..." members) are
// passed over. Each of the three may appear once. control.tar and data.tar
// may be gzip, xz, zstd, bzip2 or uncompressed, told apart by magic bytes
// (a data.tar.gz that holds xz is read as xz); lz4 is recognised and refused.
// Tar headers may be GNU, ustar or PAX (archive/tar); PAX global headers are
// ignored.
//
// Streaming order. Members arrive in file order and a stream cannot go back.
// ipkg-build writes data before control, opkg-build control before data.
// Reader is an iterator over members (Next) that reads the control member
// into memory (Control) or the data member entry by entry (Data); Walk does
// the whole package in one pass and calls Handler.Control whenever control
// arrives. A caller that must know the control stanza before touching any
// data entry (txn: check conflicts before staging) reads the package twice:
// ReadControl (which passes over the data member without decompressing it)
// then Walk. Reading is cheap next to installing; buffering data is not
// possible on a 64 MB router.
//
// # Safety rules (DESIGN.md §7)
//
// Each rule applies to the control and data archives, and yields an
// *UnsafeEntryError{Package, Member, Entry, Reason} naming the package (the
// name given to the reader), the member and the entry as stored:
//   - names: "./x" becomes "x", "a//b/./c/" becomes "a/b/c"; the root entry
//     "./" is passed over. Refused: absolute names, any ".." component (even
//     one that would clean away: "a/../b"), NUL bytes, names over 4096 bytes
//     or with a component over 255;
//   - a name below a symlink or a non-directory entry of the same archive;
//     symlinks below directories on disk are fsroot's to refuse (os.Root);
//   - hard links whose target is absolute, climbs with "..", is not an
//     earlier entry, or is not a regular file (or hard link to one);
//   - devices and FIFOs, unless Options.AllowDevices;
//   - setuid or setgid bits on anything but a directory, unless
//     Options.AllowSetuid (refused, not stripped: what is installed is what
//     was built or nothing);
//   - the same normalised name twice (a later entry would silently replace
//     an earlier one, e.g. a file replacing a checked symlink);
//   - sparse files, tape volumes and unknown type flags;
//   - negative sizes, files over Limits.MaxFileSize, files summing over
//     Limits.MaxDataSize, more than Limits.MaxEntries entries, names summing
//     over Limits.MaxNameBytes (the reader remembers every name).
//
// The control archive may hold only plain top-level files ("control",
// "conffiles", "preinst", "postinst", "prerm", "postrm", "postinst-pkg",
// anything else), each at most Limits.MaxControlFileSize (1 MiB), together at
// most MaxControlSize (8 MiB), and must hold "control".
//
// Structural faults yield a *FormatError{Package, Member, Problem}: not a
// package, truncated (input ends inside a header or member), corrupt (bad
// header, bad checksum, bad compressed data), a missing or repeated member,
// an unsupported compression, a limit exceeded. Trailing data is defined as:
// after the end of an archive (outer tar end blocks, the outer gzip stream,
// the last ar member, an inner tar's end blocks, an inner compressed stream)
// any non-zero byte, or more than Limits.MaxTrailingZeros zero bytes; zero
// padding (tar records, tape blocks) is accepted. Gzip streams are read one
// at a time: a second gzip stream after the outer one is trailing data, not a
// continuation.
//
// # Bounded work on hostile input
//
// Every allocation is bounded by a limit: control members by their size
// limits, names by MaxNameBytes, decompressed tar streams by the content
// accepted so far plus 16 KiB of headers per entry (a bomb of padding or PAX
// records stops there), outer members by MaxDataSize plus that allowance.
// Decompressors are bounded too: zstd runs single-threaded with its window
// capped at Limits.MaxDictionary (64 MiB); for xz, whose library allocates
// whatever dictionary a block header asks for, the first block's dictionary
// size is checked against the same limit before decoding (xz(1) writes the
// same size in every block); bzip2 and gzip use fixed, small memory.
//
// # Formats written
//
// Write produces what opkg-lede reads and OpenWrt's ipkg-build produces:
// a gzip tar holding ./debian-binary ("2.0\n"), ./data.tar.gz and
// ./control.tar.gz, in that order; every tar in GNU format without PAX
// headers (opkg-lede: "Unknown typeflag: 0x78"), long names as GNU long-name
// entries; entries sorted by name within each directory, starting with "./"
// (as tar --sort=name -C dir .); numeric owners (WriteOptions.Uid/Gid, 0 by
// default) and no user or group names; one mtime for everything
// (WriteOptions.ModTime, e.g. SOURCE_DATE_EPOCH); tars padded to 10240-byte
// records like GNU tar; gzip without name or time (gzip -n). The output
// depends on nothing else, so it is reproducible byte for byte. With
// WriteOptions.Outer = OuterAr it writes Yocto opkg-build's default form
// instead: `ar -crD` with debian-binary, control.tar.gz, data.tar.gz.
//
// Input is a file tree as an fs.FS (the caller passes os.DirFS; symlinks need
// an fs.ReadLinkFS) plus the control members as bytes. Hard links in the tree
// are written as separate files (fs.FS cannot tell them apart). The outer
// archive needs each member's size first, so Write compresses the data
// archive twice (once to measure) rather than hold it in memory.
//
// Building a package is the caller's (`pakt build`): read CONTROL/ into
// ControlFiles, validate the stanza, set its Installed-Size to DataSize (the
// uncompressed data archive's size, as ipkg-build measures it), name the file
// <name>_<version>_<arch>.ipk, and call Write with Package.Data =
// os.DirFS(dir) and Package.Exclude = ["CONTROL"].
package ipk
