// Package version parses and orders opkg/dpkg package versions.
//
// A version is [epoch:]upstream[-revision]. The revision is the text after
// the last '-' (so "1.0-1-2" has upstream "1.0-1" and revision "2"); a
// missing revision orders like an empty one ("1.0" = "1.0-0"). Epochs
// compare as numbers, then upstream, then revision, each with dpkg's
// verrevcmp: the string is read as alternating runs of non-digits and
// digits; non-digit runs compare byte by byte with '~' lowest, then the end
// of the run, then ASCII letters, then every other byte; digit runs compare
// as numbers of any length (leading zeros do not count). This is what
// opkg-lede's pkg_compare_versions does (pkg.c) and what opkg-compat.md §5.1
// verified on both opkg binaries.
//
// # The epoch
//
// opkg-lede (pkg_parse.c parse_version) treats the first ':' anywhere as the
// epoch separator and reads the epoch with strtoul, so a non-numeric prefix
// silently becomes epoch 0 and is thrown away: "a:1.0" = "1.0" and
// "1a:1.0" = "1:1.0". Upstream opkg and dpkg take a colon as the separator
// only when everything before it is digits. pakt follows upstream: a colon
// after anything but digits is part of the upstream version. On real data the
// two rules agree byte for byte (every colon in every Version of the feeds
// and status files in ../shared/data follows digits only: a test checks it),
// so this cannot change a comparison a user has ever seen; on a hostile or
// mistyped version it is the safe rule, because lede's makes two different
// versions compare equal by discarding text, which can hide an upgrade or
// satisfy an "=" dependency with the wrong build. An empty epoch (":1.0") is
// 0 under both rules.
//
// Epochs of any length compare numerically without overflow (lede truncates
// to an unsigned int); Parse rejects an epoch above 2^32-1 because opkg-lede
// could not represent it when reading pakt's status file.
//
// Bytes above 0x7f sort after letters, as in dpkg and on unsigned-char
// targets (ARM); opkg-lede on signed-char targets (MIPS, x86) orders them
// between letters and punctuation. No real version contains one.
//
// # Malformed versions
//
// opkg accepts any text as a version, and Compare orders any two strings
// (it never fails, and it is a total preorder: antisymmetric, transitive).
// Parse is the validating entry point for data pakt stores or writes: it
// rejects the empty string, whitespace and control bytes (they cannot survive
// a control-file field or a relation "(op version)"), and an epoch that does
// not fit in 32 bits. Everything else opkg reads, Parse accepts, including the
// versions seen on real devices: "(null)-3", bare hashes, "git-24.072…".
//
// # Operators
//
// Op is a relation operator: << <= = >= >>, plus the legacy '<' and '>'
// that dpkg and both opkgs read as <= and >= (not strict!). "==" and "!="
// are not operators (opkg-lede: "Unknown operator"). Satisfies gives << and
// >> their strict meaning. opkg-lede's own comparison is strict too, but its
// status-file writer prints << as "<" and >> as ">", which it then re-reads as
// <= and >=, so a strict dependency silently becomes non-strict after
// install (opkg-compat.md §3.2). pakt always writes the two-character form
// (Op.String), so the meaning survives a round trip through the status file.
package version
