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
// the order opkg-lede's walk would print it. Applying a plan is the
// transactions' work; the Install, Remove and Upgrade stubs wait for it.
//
// Locking: opkg-lede takes /var/lock/opkg.lock for every command, queries
// included. The engine does not lock yet; locking belongs to the
// transaction work (DESIGN.md §5), which will take the lock in the use
// cases that change the root.
package engine
