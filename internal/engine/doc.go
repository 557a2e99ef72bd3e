// Package engine holds pakt's use cases: one method of Engine per thing a
// user can ask for (update, install, remove, print the architectures,
// compare two versions, export the requested set, ...).
//
// The engine wires the other packages together and owns no format and no
// terminal. It never prints and never picks an exit code: every method
// returns values (results, and problems worth reporting even when the
// command succeeds) and typed errors. The cli package renders them as
// opkg-lede does (NOTICE text on stdout, ERRORs under "Collected errors:")
// or as JSON, and maps each error type to an exit status in one place.
//
// The world is reached through System, so tests run an Engine against an
// fstest.MapFS or a temporary directory: Files is the machine's root ("/")
// as an fs.FS, Dir the working directory that relative command-line paths
// are resolved against, Getenv the environment (OFFLINE_ROOT,
// OPKG_CONF_DIR, TMPDIR).
//
// Use cases not built yet return *NotImplementedError, so the command line
// can say so plainly and nobody mistakes a stub for a finished command (a
// test in the cli package lists exactly which commands are stubs).
//
// Install, remove and upgrade are planned by Plan (plan.go): the command
// line becomes a solver.Request, the loaded lists and status files a
// solver.Universe decoded on demand, and the solver's Plan comes back in
// the order opkg-lede's walk would print it. Apply (apply.go) carries a
// plan out as one transaction of internal/txn: packages downloaded and
// checked, read whole, their changes worked out against the installed
// database (changes.go: clashes, conffiles, obsolete files, Alternatives,
// status and info files), then staged, journalled and committed; scripts
// run around the commit point and the deferred configure pass ends it
// (configure.go). Flag, Configure and Recover (maintain.go) change the
// database without a plan.
//
// Locking: every use case that writes the root (update, install, remove,
// upgrade, configure, flag, recover) takes opkg's lock,
// <root>/var/lock/opkg.lock, with opkg's locking call, and then finishes
// or undoes an interrupted transaction before anything else. Queries read
// without the lock (opkg-lede takes it for them too): they never write,
// and the status file they read is replaced whole by a rename.
package engine
