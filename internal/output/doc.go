// Package output renders what queries found in opkg-lede's text formats,
// byte for byte (opkg-compat.md §1.5), to an io.Writer. It is pure: the
// engine decides what to show and in which order, the cli decides where it
// goes and whether that is a terminal; output only spells it.
//
// # Lines and stanzas
//
// ListLine is print_pkg's "name - version[ - size][ - description]"
// (list, list-installed, find, search); UpgradableLine is
// "name - installed - candidate"; Info writes one stanza of info/status
// and the blank line after it; FilesHeader and plain path lines are
// "files".
//
// # Descriptions
//
// A Description that spans lines is stored with "\n" before each
// continuation line (control's Value). opkg-lede builds its description
// string while parsing, with a "\n" between the lines only when its stdout
// is a terminal (pkg_parse.c calls isatty(1)); otherwise the continuation
// lines are glued on with their leading space. Every renderer here takes
// that as a Terminal flag, so the cli's one isatty check decides it.
//
// # Fields and short descriptions (upstream opkg)
//
// Info takes an optional field list (upstream's --fields: only those,
// still in info's order, names matched without case) and a short flag
// (upstream's --short-description: the Description's first line only).
//
// # Dependency queries
//
// depends, the what* queries and whatprovides/whatreplaces are lede
// NOTICE text (depends.go); relations are written with pakt's operators,
// "<<" and ">>", where lede prints "<" and ">" and then reads them back
// as "<=" and ">=".
//
// # JSON
//
// pakt's --json (json.go, README "JSON output"): one document per
// command, an object with a "message_type"; one package object schema
// for every command (PackageJSON), relations as arrays of alternatives.
// WriteStream writes a document whose last array is built element by
// element, so a query over a whole release never holds its JSON at once.
//
// # Plans
//
// PlanText spells a plan (install, remove, upgrade under --noaction) as
// opkg-lede's progress lines, one step each, in the order the engine gives
// (lede's depth-first walk); PlanDocument is the same plan as the "plan"
// JSON document, steps grouped by action with their reasons.
//
// Writers are used as given; callers pass a buffered writer and flush it.
// Errors of the writer are returned (the first one).
package output
