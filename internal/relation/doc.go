// Package relation parses and writes the relationship fields of opkg
// control stanzas: Depends, Pre-Depends, Recommends, Suggests and Conflicts
// ("a (>= 1.2) | b, c"), and the name lists Provides and Replaces.
//
// # Model
//
// A dependency-like field is a list of Groups (the comma-separated items);
// a Group is one or more alternative Atoms (separated by '|') and may carry
// opkg's greedy marker (a trailing " *": install every provider). An Atom
// is a package name with an optional Constraint "(op version)". Provides
// and Replaces are plain lists of Atoms. Parsed names and versions are
// substrings of the input (no copies); callers that keep them for long
// intern them.
//
// Parse functions take the field name and its text and return a
// *SyntaxError naming the field, the byte offset and the cause. Format and
// FormatAtoms write the canonical form, "name (op version)" joined with
// " | " and ", ", with the operators << and >> spelled out, so the meaning
// survives a round trip (opkg-lede writes them as "<" and ">", which it
// then re-reads as <= and >=: opkg-compat.md §3.2).
//
// # opkg-lede's syntax and where pakt differs
//
// The rules follow opkg-lede's pkg_depends.c (parseDepends,
// parse_providelist, parse_replacelist) and the oddities catalogued in
// ../shared/data/README.md §1:
//
//   - Operators << <= = >= >> and the legacy < and > (meaning <= and >=, not
//     strict; they are written back as <= and >=, which lede reads the same).
//     Spaces around the operator are optional: "kernel (=5.10.146-1-…)".
//   - A name runs to the next space, ',' or '|'. A '(' inside a name is part
//     of it (rtld(GNU_HASH), pkgconfig(pkg-config)) unless an operator follows
//     it, in which case it opens a constraint ("foo(>=1.0)", as dpkg reads it;
//     lede would make "foo(>=1.0)" a literal name).
//   - Two constraints on one name, "nginx-ssl-util (>=1.5-1) (<2)": opkg-lede
//     keeps the first and ignores the rest. pakt keeps them all (Atom.Also)
//     and requires every one: the packager wrote an upper bound on purpose.
//     On the data this changes nothing (the feed's nginx-ssl-util 1.6-18
//     satisfies both), and the canonical form "(>= 1.5-1) (<= 2)" is read by
//     lede exactly as before.
//   - Provides and Replaces are split on commas and whitespace, as lede does
//     ("Provides: openvpn openvpn-crypto"), but a constraint after a name is
//     parsed, so versioned provides "name (= 1.0)" and versioned replaces
//     "check (<= 0.9.5)" work; lede would turn "(=" and "1.0)" into bogus
//     package names. Provides allow only "=".
//   - "name=version" tokens in Provides and Replaces ("erlang-erts=6.4", in
//     the 15.05 packages feeds) are read as "name (= version)". opkg-lede
//     makes "erlang-erts=6.4" a literal package name that nothing can ever
//     depend on; reading what the packager evidently meant is strictly more
//     useful, and no package in the data depends on those names, so
//     installed sets do not change. (Written back canonically, a versioned
//     provide reads in lede as the name plus two junk names, "(=" and
//     "6.4)", that nothing depends on.)
//   - Repeated names ("libpthread, libpthread") are kept as written.
//   - Empty items and alternatives (", ," or "a | | b") are skipped, as
//     lede's strtok does. An empty field is an empty list.
//
// Text that opkg-lede silently mangles is an error here: a '(' without an
// operator, a missing ')', an empty or malformed version (version.Parse),
// text after a relation ("a b" in Depends), '|' in Provides or Replaces, an
// operator other than '=' in Provides, control bytes in a name. None occurs
// in any feed or status file of the data (a test parses them all).
package relation
