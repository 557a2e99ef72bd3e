// Package cli is pakt's command line: the only package that sees the
// arguments, the environment's standard streams and the exit status.
// cmd/pakt calls Main and exits with what it returns; tests call run with
// a System of their own, or run the real binary from testscript scripts
// (testdata/script, one behaviour per script) under both of its names.
//
// # Personalities
//
// The program name picks who pakt is. Named opkg (or opkg-cl, lede's build
// name) it is a drop-in for OpenWrt's opkg-lede: lede's usage text byte for
// byte (testdata/usage-opkg.golden, extracted from lede's source and
// checked against the real binary), lede's messages and exit statuses, and
// pakt's own sub-commands (export, restore, why, history, rollback, build,
// index, key, recover) do not exist. Under any other name those are added.
// Upstream opkg's extra sub-commands (clean, verify, dist-upgrade) and
// options are opkg's, so both names know them. The one command whose
// arity differs is upgrade: OpenWrt's lede requires packages, pakt (like
// upstream opkg) upgrades everything when none are named (DESIGN.md §4).
//
// # Options
//
// getopt.go scans the command line as musl's getopt_long_only does for
// lede (OpenWrt links musl): one or two dashes, unique prefixes, options
// anywhere, "--", -V's attached optional level, short-option bundles and
// musl's diagnostic lines. glibc (which the reference binary in /work/ref
// uses) words those lines differently and rejects an ambiguous one-dash
// word where musl reads it as short options; everything else agrees.
// pakt adds one rule: '_' and '-' are the same in long option names, so
// every option has both spellings. The table (options.go) is lede's, then
// upstream's extras, then --json; the extras make "--cach" and "--no-"
// ambiguous, where lede accepted them as prefixes.
//
// # Sub-commands, messages and errors
//
// commands.go is the sub-command table; each row's run function lives in
// cmd_<name>.go and calls one engine use case. The engine returns values
// and typed errors and never prints. messages.go is opkg's plumbing: NOTICE
// on stdout, INFO/DEBUG on stdout after "<function>: ", ERRORs collected
// and printed at the end on stderr under "Collected errors:". errors.go is
// the single place that turns an error into those messages and an exit
// status: 0 ok, 1 usage (and compare-versions "does not hold"), 255 a
// failed command, "pakt: <command>: not implemented yet" and 255 for the
// use cases not built yet (the list is pinned by a test).
//
// Order of checks: lede reads the configuration (and takes its lock)
// before it checks that a sub-command got its arguments; pakt checks the
// arguments first and lets each command read the configuration, so a
// broken configuration and missing arguments together report the
// arguments. The lock (/var/lock/opkg.lock) is the engine's business: the
// commands that write take it.
package cli
