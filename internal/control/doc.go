// Package control reads and writes the stanza syntax shared by opkg's
// Packages indexes, its status file and the control files of packages: a
// sequence of stanzas ("paragraphs"), each a list of `Name: value` fields,
// separated by blank lines. It knows nothing of what the fields mean; pkginfo
// decodes a Stanza into a package record, statusdb renders one back.
//
// # Using it
//
//	r := control.NewReader("Packages", f)
//	for {
//		s, err := r.Next() // io.EOF after the last stanza
//		...
//		name := s.Get("Package")
//		for _, f := range s.Fields { ... f.Name, f.Value, f.Line ... }
//	}
//
// Parse does the same over a byte slice. Stanzas are built with Append and
// Set (or edited with Set and Delete) and written by a Writer (stanza plus
// blank line, for Packages and status) or by Stanza.AppendText (fields only,
// for a control file).
//
// # Grammar
//
// Input is split into lines at "\n"; CRs before it are dropped, so CRLF
// input reads like LF input. Other bytes are taken as they are (no UTF-8
// check; the data is all UTF-8). Each line is one of:
//
//   - a separator: empty, or white space only (space, tab, CR, VT, FF) not
//     beginning with a space. It ends the current stanza. Separators where no
//     stanza has begun (at the top of the file, or several in a row) are
//     skipped.
//   - a continuation line: it begins with a space (anything may follow,
//     including nothing: opkg-lede's pkg_parse.c treats a line of exactly " "
//     as Description text, and the real feeds hold 3,082 such lines that a
//     deb822 parser would take for separators), or with a tab when the line
//     is not all white space (deb822 allows it; opkg-lede ignores such a
//     line; the data has none). It belongs to the field above it. A
//     continuation line where no field is open is skipped when it is blank
//     (opkg-lede reads it as the end of an empty stanza) and an error
//     otherwise.
//   - a field line: a name of printable ASCII other than ':' (bytes
//     0x21-0x7e, and 0x80-0xff), a colon, the value. A line that is none of
//     these (no colon, an empty name, a space or control byte in the name)
//     is an error; opkg-lede silently ignores it.
//
// Differences from opkg-lede, deliberate:
//
//   - Continuation lines stay with whatever field they follow. opkg-lede
//     honours them only after Description and Conffiles (pkg_parse.c) and
//     ignores them, or ends the stanza on a blank one, after any other
//     field. Keeping them loses nothing and makes round trips exact; which
//     fields may span lines is the caller's business.
//   - Field names are matched without regard to ASCII case (as dpkg does).
//     opkg-lede compares them case-sensitively, except that it takes both
//     MD5sum and MD5Sum. Names are kept as written.
//   - A field named twice is kept twice, in order; Get and Lookup return the
//     last one, which is the value opkg-lede ends up with (each line
//     overwrites the previous value). The real data has no duplicate.
//   - A stanza without Package (or any other particular field) is returned
//     like any other: the caller decides. opkg-lede skips it as "probably just
//     a blank line"; one real feed (openwrt-23.05-snapshot-…-packages) has one.
//   - A final line without a newline is read normally (opkg-lede reads it and
//     complains).
//
// # Values
//
// Field.Value is the text after the colon with the first line trimmed of
// surrounding white space (C isspace, as opkg-lede's trim), then each
// continuation line verbatim after a "\n", its leading space and any
// trailing spaces included and its CR removed. So `Description:  text`
// gives "text", and
//
//	Conffiles:
//	 /etc/config/network 5f0e…
//
// gives "\n /etc/config/network 5f0e…". The text exactly as read is kept
// beside the value: writing a field whose Value was not changed reproduces
// its bytes (two spaces after the colon, trailing spaces, "Provides:" with
// nothing after it). A changed or new field is written "Name: " + Value,
// or "Name:" + Value when Value is empty or begins with a newline; the
// writer refuses values that would not read back as themselves (see
// Stanza.AppendText).
//
// # Round trips and normalisation
//
// Reading a file and writing every stanza back with a Writer gives the same
// bytes when the file is a sequence of stanzas each followed by exactly one
// empty line, with LF line ends. Otherwise the output is normalised: blank
// lines before the first stanza and extra separators are dropped, every
// separator becomes one "\n" (also after the last stanza, and a missing final
// newline is added), and CRs before newlines are dropped. In the real data
// exactly three files normalise, each because it begins with a blank line:
// the 1-byte empty feeds openwrt-15.05-glinet-ramips_24kec-node and
// openwrt-21.02.7-x86_64-routing (content "\n", written back empty) and
// openwrt-23.05-snapshot-arm_cortex-a9_vfpv3-d16-packages. The tests pin
// this list. Every status file, every other feed and every info/*.control
// (with AppendText, since control files end without a blank line) comes back
// byte for byte.
//
// # Memory and lifetime
//
// The Reader holds one input buffer that grows with the longest line, up to
// MaxLineLen+2 bytes, and the current stanza's text, up to MaxStanzaLen; a
// longer line or stanza is an error (ErrLineTooLong, ErrStanzaTooLong), so a
// hostile input of one endless line costs at most about 1 MiB, never the
// size of the input. Nothing else grows with the input: an index is never
// held whole.
//
// Each stanza's text is copied into one string; every Name and Value is a
// substring of it (a value is built separately only when the first line of
// a multi-line value has trailing blanks). A returned Stanza is never reused
// or overwritten by the Reader: there is no "valid until the next call"
// rule, and it may be kept and modified freely. Field and Stanza structs are
// carved from chunks shared by up to 128 fields or 16 stanzas, which makes
// parsing an index cost about one allocation per stanza (0.07 per field on
// the largest feed) instead of three. The price is retention: keeping any
// one string keeps its stanza's text alive, and keeping a *Stanza or its
// Fields slice keeps its chunk, and so a few neighbouring stanzas, alive.
// What a long-lived structure keeps from a large index should be copied
// (strings.Clone, or Stanza.Clone for a whole stanza); decoding into your
// own struct and dropping the Stanza is enough when the strings are cloned.
//
// Errors are *SyntaxError values, printed `file:line: field: message`; after
// one, the Reader returns the same error forever (there is no resync).
package control
