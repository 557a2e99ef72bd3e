// Package feedtest builds package feeds for tests from a few lines of text
// and serves them on loopback, as net/http/httptest serves handlers: real
// .ipk files (written by the ipk package's writer, in the form opkg-lede
// reads), a Packages index with Filename, Size and SHA256sum, Packages.gz,
// and a Packages.sig made with a test key. Every good feed has broken twins
// (a wrong checksum, a bad or foreign signature, a missing file) and the
// server can be made slow, so that failure paths are tested against the
// same fixtures as the happy ones (STYLE.md habit 7).
//
// # Describing a feed
//
// A description is txtar text: lines before the first "-- name --" marker
// are a comment; each file's name starts with a package directory, which is
// only a label (two versions of one package need two labels):
//
//	-- hello/control --
//	Package: hello
//	Version: 1.0-1
//	Depends: libc
//	-- hello/postinst --
//	#!/bin/sh
//	echo configured
//	-- hello/conffiles --
//	/etc/config/hello
//	-- hello/data/etc/config/hello --
//	option x 1
//	-- hello/data/usr/bin/hello mode=0755 --
//	#!/bin/sh
//	-- hello/data/usr/bin/hi -> hello --
//	-- hello/data/var/empty/ --
//
// "<label>/control" is the control file. Package defaults to the label,
// Version to 1.0, Architecture to all, Maintainer and Description to
// placeholders, so "-- libc/control --" with nothing below it is a package.
// Installed-Size is filled in as ipkg-build does. Every other file directly
// under the label is a control member (conffiles, preinst, postinst, prerm,
// postrm, postinst-pkg, ...; all but conffiles are made executable). Files
// under "<label>/data/" are the package's tree: " mode=NNNN" after the name
// sets a permission (files are 0644, directories 0755), " -> target" makes a
// symlink, a trailing "/" an empty directory.
//
// BuildFS takes the same layout as a directory tree instead, with modes and
// symlinks read from it: a testscript, whose archive cannot hold a nested
// txtar, writes the tree and the cli's "feed" script command builds and
// serves it ($FEED_URL, the public key in $WORK/keys/<key id>).
//
// # Broken twins and the server
//
// WithWrongChecksum, WithWrongSize, WithTamperedPackage, WithMissingFile,
// WithWrongSignature, WithUnknownKey and WithoutSignature return changed
// copies. Serve (or NewServer) serves a feed on loopback, optionally under a
// path prefix, after a Delay or at a Throttle'd rate, and records the
// paths requested.
//
// # Determinism
//
// Everything is a function of the text: entries carry one fixed mtime
// (2024-01-01), owners are 0, gzip streams carry no name or time, and the
// signing key is derived from a fixed seed, so its id (Feed.KeyID) is the
// same in every run and can be written into a test's expected output.
// Packages are listed in the index by file name, as pakt index lists them.
//
// # Scope
//
// The package is a test helper: it holds whole feeds in memory, builds no
// package that would fail ipk's safety rules on purpose (hand-made hostile
// archives live in ipk's testdata), and it reimplements the few lines of
// index writing that engine's Index does, so that each checks the other.
package feedtest
