// Package opkgconf reads opkg's configuration (/etc/opkg.conf and
// /etc/opkg/*.conf) into a Config: feeds, dests, architecture priorities,
// options and the lists directory, each remembering the file and line it
// came from. It follows opkg-lede's libopkg/opkg_conf.c (OpenWrt 24.10) and
// does no I/O of its own: Load reads through an fs.FS (pakt passes
// os.DirFS("/"), tests an fstest.MapFS), Parse takes (name, data).
//
// # Which files
//
// Load reproduces lede's opkg_conf_load with args_parse's default: without
// -o, the -f file (default /etc/opkg.conf) then every $OPKG_CONF_DIR/*.conf
// (default /etc/opkg) in byte order, hidden files excluded as by glob(3),
// the -f file skipped if it is one of them; with -o ROOT and no -f only
// ROOT/etc/opkg/*.conf. $OFFLINE_ROOT counts only where -o is absent, and
// then the host's /etc/opkg.conf is still read (lede decides the default
// file before it looks at the environment). An "option offline_root" in the
// -f file moves the glob, because lede reads that file first. Selection
// keeps -o and $OFFLINE_ROOT apart for that reason.
//
// # Lines
//
// A line is blank, a '#' comment, or up to three tokens "type name value",
// each a double-quoted string (spaces kept) or a run of non-space bytes. The
// cut is glibc's regexec on lede's expression, pinned case by case in
// TestSplitLineMatchesGlibcRegex: no space is needed after a quoted token,
// a quoted third token must end the word, a fourth word is silently ignored
// and a fifth is "trailing garbage". Bad lines are reported and skipped;
// parsing never stops. Warnings carry File, Line, Level, Func (the lede
// function whose name prefixes the message in "Collected errors:") and Msg,
// lede's exact text; only cli prints them.
//
// Options: lede's table (booleans are on when present, whatever the value:
// "option check_signature 0" turns checking ON, as in lede; "test" and
// "noaction" are one setting), first setting wins, a repeat gets lede's
// "Duplicate ..." message. The command line sets options before any file
// (Selection.SetOption), so a file repeating one gets the same message and
// the command line wins, as in lede.
//
// # Upstream (Yocto) extensions accepted
//
//   - Every option name of upstream opkg 0.6.3 is known and stored (marked
//     Option.Upstream) instead of "Unrecognized option"; of these only
//     "option lists_dir" changes anything here (used when no lists_dir line
//     and no -l). The engine decides whether to honour the others.
//   - "src [trusted=yes] name url" and upstream's "src/gz name url
//     [trusted=yes]": the bracket words are kept in Feed.Options and
//     trusted=yes sets Feed.Trusted. lede would take "[trusted=yes]" as the
//     feed's name.
//   - "dist"/"dist/gz" (Debian-style Release feeds) are NOT accepted: they
//     get lede's "Ignoring invalid line", since pakt cannot fetch them and a
//     stored-but-ignored feed would fail silently.
//   - A missing default /etc/opkg.conf is not an error (lede: "Couldn't stat
//     /etc/opkg.conf"), so a Yocto layout (etc/opkg/*.conf only) loads; a
//     missing -f file still is.
//
// # Where pakt corrects lede
//
//   - lede hands an absent value to options as "" (its regex always
//     matches), so its "No priority given for architecture" notice and
//     "Option %s needs an argument" error never fire: "arch foo" gets
//     priority 0 and prints as "arch foo ", "option tmp_dir" sets an empty
//     tmp dir. pakt does what those messages say: priority 10 with the
//     notice, and the option is refused with the error.
//   - src, dest, lists_dir and arch lines missing a needed token are
//     "Ignoring invalid line" instead of creating an empty feed or dest.
//   - -l wins over a lists_dir line (lede lets the file overwrite it), and
//     "option verbosity" works without -V (lede pre-sets NOTICE, so the file
//     always lost with a "Duplicate option" error unless -V0 was given).
//   - --add-arch/--add-dest with a malformed value are errors (lede drops
//     them silently); lede's limit of seven architectures ("too many
//     different architectures", after which every package passes the arch
//     check) is not reproduced: Yocto's arch.conf lists fourteen.
//   - -f and a glob match are compared as cleaned paths, not strings.
//
// # Kept from lede on purpose
//
// Command-line arches and dests come first, so --add-dest's dest becomes
// the default and --add-arch removes the built-in arch list (all 1,
// noarch 1, <pkgarch> 10); duplicate arch names are all printed by
// print-architecture and the first gives the priority; priorities are read
// with strtol base 0 ("0x10" is 16) and printed as written; a later
// lists_dir line replaces an earlier one. Paths are spelled as lede builds
// them so messages match byte for byte: dest roots are "<root><path>" ending
// in '/', lists and lock are "<root>/<path>" (so "/img//var/lock/opkg.lock"),
// status is "<destroot>/usr/lib/opkg/status"; tmp_dir is never under the
// offline root. Paths may contain "//", which the OS reads as "/".
package opkgconf
