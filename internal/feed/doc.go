// Package feed is the available-package index: the Packages lists of
// lists_dir (opkg's "src"/"src/gz" feeds) read into a compact in-memory
// Index, looked up by package name and by provided name.
//
// # Using it
//
//	var x feed.Index
//	x.Reserve(5000)                      // optional: a guess of the package count
//	err := x.Add("openwrt_core", r, nil) // r: the uncompressed list
//	for _, i := range x.Named("busybox") { e := x.Entry(i); ... }
//	desc, ok := x.Field(i, "Description") // one field, no allocation
//	pkg, err := x.Package(i)              // every field, decoded on demand
//	for _, i := range x.Providers("libc") { ... }
//
// Add takes the uncompressed text (the caller gunzips: lede stores a
// "src/gz" list as the gzip bytes fetched, a "src" list as text) and never
// touches a file itself. A Filter given to Add sees each entry before it is
// kept; the engine drops packages of an architecture that is not
// configured there and prints lede's "has no valid architecture" notice.
// KeepOnly, before Add, stores only the named fields' lines beside the ones
// every Entry keeps: list and find need the description and size only.
//
// # Memory
//
// A release's lists hold a few thousand packages and a few MB of text,
// most of it Description. The index holds that text exactly once: Add
// reads lines straight from its read buffer into large string chunks
// (64 KiB each, one allocation per chunk, not per package, nothing per
// line), and an Entry keeps where its stanza lies plus the handful of
// fields every query needs, picked up as their lines go by: Name, Version,
// Architecture, ABIVersion and the Provides names. Those are interned, so
// "all", "libc" or a kernel version shared by a thousand kmods are stored
// once. Everything else — Description, Depends, Size, Filename — is read
// from the stanza text when asked for: Field scans one stanza for one field
// without allocating (when the value is one piece of the text, as it nearly
// always is), and Package decodes a whole stanza into a pkginfo.Package.
// Lookups go through two maps, name → newest entry and provided name →
// newest provider, with the rest chained through the entries, so there is
// no slice per name. Memory is therefore the list text plus about 100
// bytes per package and one map entry per distinct name: for the largest
// release group of the real data (openwrt-23.05 arm_cortex-a9, 4,500
// packages, 2.0 MB of text) about 3 MB in all, built with 10,000
// allocations (BenchmarkAdd).
//
// # Errors
//
// The stanza syntax is control's, line for line: Add implements the same
// grammar on its own buffer (control's Reader builds a Stanza per package,
// which an index would copy again and throw away), hands any line it does
// not accept to control to word the error, and a fuzz target checks that
// the two accept the same inputs and read the same values. A list that
// does not parse — a
// malformed line, a truncated gzip stream (the reader's error), an endless
// line — stops Add with a *ListError naming the list and the line, wrapping
// the cause (a *control.SyntaxError, an io.ErrUnexpectedEOF...). Entries
// read before the error stay in the index, so a caller can choose to use
// them, but the error is never silent: opkg-lede, by contrast, stops
// reading a list at its first oddity and shows what it got so far
// (opkg-compat.md §8).
//
// A stanza without a Package field is skipped, as opkg-lede skips it
// ("probably just a blank line"); one real feed has one. A list whose last
// stanza is not followed by a blank line is read normally: opkg-lede carries
// that stanza's Description over to the next list's first package (NOTES.md
// observation 8), which pakt does not reproduce.
//
// # Concurrency
//
// An Index is built by one goroutine; once built, its read methods may be
// called concurrently.
package feed
