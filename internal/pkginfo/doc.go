// Package pkginfo is the package record: what opkg knows about one package,
// decoded from a control stanza (a feed index entry, a status-file entry or
// a package's control file) and encoded back as a status-file stanza or as
// the stanza opkg's "info" command prints.
//
// # Decoding
//
// Decode takes a *control.Stanza and interprets the fields opkg-lede
// interprets (pkg_parse.c), matching names without regard to case as
// control does: Version (validated by version.Parse, kept as written),
// the relationship fields (parsed by relation; Pre-Depends included),
// Status (want, flags, state), Essential and Auto-Installed ("yes" is true,
// anything else false, as in lede), Installed-Time, Size and Installed-Size
// (decimal only: lede's strtoul base 0 would read "010" as 8), Alternatives
// ("prio:path:target, …") and Conffiles (" path hash" lines; the hash is md5
// or sha256, told apart by length as lede does). Every other field is kept,
// in input order, in Package.Extra. Strings alias the stanza's text; a
// long-lived index should intern or clone what it keeps.
//
// Where opkg-lede silently ignores or mangles a value, Decode returns an
// *Error naming file, line, package and field, wrapping the cause (a
// sentinel of this package, a *relation.SyntaxError or a *version.Error):
// a Status word it does not know, a non-numeric size or time, a Conffiles
// line without exactly two words, an unusable Alternatives entry, a bad
// relation or version, a name with white space. A stanza with no Package
// field gives ErrNoPackage: opkg skips such a stanza and so should the feed
// reader (one real feed has one). Every stanza of every feed index, status
// file and info/*.control in ../shared/data decodes (a test checks it).
//
// # Encoding
//
// StatusStanza writes opkg-lede's status-file stanza (pkg.c
// pkg_print_status): Package, ABIVersion, Version, Depends, Recommends,
// Suggests, Provides, Replaces, Conflicts, Status, Essential, Architecture,
// Conffiles, Installed-Time, Auto-Installed, Alternatives. pakt adds
// Pre-Depends after Depends (lede forgets it on install; upstream opkg
// writes it there). Status flags are written in opkg's fixed order
// reinstreq,hold,replace,noprune,prefer,obsolete,user, whatever order they
// were read in, and, as lede does, only the Persistent ones (hold, noprune,
// prefer, obsolete, user). Relationship fields are written in relation's canonical form,
// so "<<" stays "<<" (lede writes "<", which it re-reads as "<=").
//
// InfoStanza writes what lede's "info" and "status" commands print, in their
// order (pkg.c pkg_formatted_info): Package, Version, Depends, Recommends,
// Suggests, Provides, Replaces, Conflicts, Status, Section, Essential,
// Architecture, Maintainer, MD5Sum, Size, Filename, Conffiles, Source,
// Description, Installed-Time, Tags. With verbose it appends the fields lede
// leaves out (Pre-Depends, ABIVersion, Installed-Size, SHA256sum,
// Auto-Installed, Alternatives) and then Extra, in input order.
//
// Both return a *control.Stanza for control's Writer, which writes a value
// "Name: value" and an empty one "Name:".
//
// # Round trip
//
// Decoding every stanza of each of the 11 real status files and writing
// StatusStanza back reproduces every file byte for byte (a test checks it).
// Two things make that work beyond the field order: a known field that was
// present with an empty value is remembered and written back empty (777
// "Provides:" lines written by opkg 0.1.x in three sets; lede itself would
// drop them), and the files hold only canonical relations ("(= x)", ", "
// separators), which is what relation writes. What would differ, on files
// that are not in the data: relations in other spellings (legacy "<", no
// space after the operator, space-separated Provides) come back canonical;
// Status flags out of order come back ordered, reinstreq and replace are
// dropped; "Essential: no" and
// "Installed-Time: 0" are dropped (lede drops them too); unknown fields are
// dropped (lede keeps none).
package pkginfo
