// Package statusdb is the installed-package database as opkg-lede keeps
// it: per dest, <dest root>/usr/lib/opkg/status (one stanza per package)
// and <dest root>/usr/lib/opkg/info/<package>.{control,list,conffiles,…}
// (opkg-compat.md §3.1). This version reads; writing the next state comes
// with transactions.
//
// # Using it
//
//	db, err := statusdb.Load(fsys, []statusdb.Dest{{Name: "root",
//		StatusFile: "/img//usr/lib/opkg/status", InfoDir: "/img//usr/lib/opkg/info"}}, nil)
//	for _, p := range db.Packages() { … p.Name, p.Status, p.Dest.Name … }
//	files, err := db.Files(fsys, p)      // info/<name>.list, in file order
//	changed, err := db.ConffileChanged(fsys, root, p.Conffiles[0])
//
// Paths are spelled as opkg-lede spells them (opkgconf builds them,
// doubled slashes and all, so that messages match byte for byte) and are
// read through an fs.FS rooted at "/": FSPath turns one into an fs.FS name.
//
// # Decoding and errors
//
// Every stanza is decoded by pkginfo.Decode and kept whole (a status file
// is small: the largest real one holds 1,900 packages in 400 KB). The
// status file is the one record of what is on the device, so where
// opkg-lede shrugs, pakt stops with an *Error naming the file and the line
// and wrapping the cause (opkg-compat.md §8):
//
//   - a line that is not a field, a continuation or a blank (a truncated
//     "Package:" line crashes opkg-lede, openwrt/openwrt#14188);
//   - a stanza without Package, or without Status (opkg-lede skips the
//     first and reads the second as "not installed": a status file that
//     lost its Package lines shows nothing installed, mzwrt/mzwrt-openwrt#1);
//   - a value pkginfo refuses (a bad Status word, version, relation, size);
//   - a file that does not end in a newline: a status file is always
//     written whole, so a missing final newline means it was cut short
//     (opkg-lede only complains "Missing new line character at end of
//     file!" and goes on).
//
// A missing status file is an empty dest, as in opkg-lede. A missing
// info/<name>.list is reported by Files as an error wrapping fs.ErrNotExist,
// which the caller turns into lede's "Failed to open" message.
//
// # Filtering
//
// Load's Filter sees every package before it is kept; the engine drops
// packages whose architecture is not configured (opkg-lede does, with its
// "has no valid architecture" notice, and forgets them on the next status
// write).
package statusdb
