// Package txn applies a set of file changes to a root all at once or not at
// all, surviving a crash at any instant (DESIGN.md §5). It takes the changes
// as values — files from readers with mode and owner, symbolic links,
// directories, removals, and the new bytes of opkg's status and info/*
// files, which it does not render — and writes only through an fsroot.FS.
// New resolves every name once (links in the directory part, as on the
// device) and the journal keeps the resolved names, so the FS may be
// fsroot.Root.Resolved(), which does not walk them again: that halves the
// system calls per file.
//
// # Phases
//
// New plans against the tree as it is: names are resolved, missing parent
// directories are added, and every change becomes a step of the journal.
// Check measures each filesystem the steps touch (fsroot.Space) and
// refuses with a *SpaceError, in opkg-lede's words, when the new files in
// whole blocks, the new directories and the journal do not fit with
// DefaultMargin to spare: old versions stay until cleanup, so nothing is
// counted as freed. Prepare makes the journal's plan durable, creates the
// new directories, and stages every new file and link beside its
// destination as ".pakt-<txid>-<hash>" (fsync each, then each directory).
// Commit appends the commit record and fsyncs it — that instant is the
// commit point — then performs the steps in order: an existing file is
// first renamed to its backup ".pakt-<txid>-<hash>-old", never unlinked,
// then the staged file is renamed over the name. Database changes come
// last, so the database never describes files that are not there.
// Cleanup deletes the backups, syncs every directory the commit touched
// (one sync each makes both the renames and the deletions durable: until
// the journal goes a crash rolls forward, which converges from any subset
// of the renames), and only then deletes the journal.
//
// A failure before the commit point removes what was staged (a
// *StageError); a failure after it cuts the journal back to its plan,
// durably, and undoes the renames in reverse (a *CommitError): either way
// the tree is as it was. A *CleanupError means the transaction is complete
// and only leftovers remain.
//
// # Recover
//
// Recover is called first under the lock by every command that changes the
// tree. No journal: nothing. A valid commit record: roll forward (redo each
// step, then clean up). A whole plan without one: roll back (undo each step
// last first, delete staged files and the directories created). Every step
// is idempotent, decided by which of destination, staged file and backup
// exist, so a crash during Recover is recovered by the next run. Steps:
//
//	put (with backup)  forward: temp present → dest→backup if backup absent, temp→dest
//	                   undo:    temp absent, backup present → dest→temp; backup→dest; delete temp
//	put (new file)     forward: temp present → temp→dest;  undo: temp absent, dest present → delete it
//	del                forward: dest present, backup absent → dest→backup;  undo: backup→dest
//	mkdir              forward: create if absent;  undo: remove if empty
//
// A directory created while preparing always holds a new file in the new
// tree, and one created after the commit point proves the commit: so an
// empty new directory never leaves a doubt about which tree is there.
//
// A damaged journal (bit rot, a truncated copy) never makes things worse.
// Records are trusted up to the first bad line. Without a valid commit
// record, the tree tells whether the commit had started: renames happen in
// journal order, so the first rename step shows it (a backup present, a
// removed file gone, a new file in place with its staged copy gone). Not
// started: roll back — when the plan is incomplete, the staged files the
// journal no longer names are found by walking the root's filesystem for
// ".pakt-<txid>-" names. Started, with the whole plan: roll forward.
// Started with part of the plan: forward only if no unknown staged file is
// left (then every rename was done and only backups remain); otherwise
// Recover changes nothing and returns an *AmbiguousError that lists the
// staged and backup files, so a person can finish by hand.
//
// # Journal
//
// <root>/usr/lib/opkg/pakt/journal is line-based text. Every line ends
// with a space and the CRC-32 (IEEE, 8 hex digits) of what precedes it;
// names are Go-quoted, resolved (no links) and relative to the root:
//
//	pakt-journal 1 <txid>                 txid: 16 hex digits
//	dir <octal mode> "<name>"             a directory Prepare creates (a staged file goes in it)
//	mkdir <octal mode> <uid> <gid> "<name>"  a directory only asked for: created after the commit point
//	put "<name>" "<staged>" "<backup>"    backup "" when the name is new
//	del "<name>" "<backup>"
//	plan <steps> <sha256>                 SHA-256 of every byte before this line
//	commit <sha256>                       SHA-256 of every byte before this line
//
// The plan is written to journal.new, fsynced and renamed into place, so a
// journal is never seen half-planned after a crash; the commit record is
// appended and fsynced. Staged and backup names must be the ones derived
// from the transaction id and the name, so a damaged journal cannot name
// other files to move.
//
// # Crash points
//
// CrashPoints lists named places where a test can make the process kill
// itself (fsroot.Crasher, chosen by fsroot.CrashEnv): after the plan, after
// each staged file, after preparing, at the commit point, after each rename,
// after the database renames, after the last rename, after each backup deleted,
// before the journal is deleted, and after each step of Recover. The tests
// run a child process to each of them and check that Recover leaves
// exactly the old or the new tree.
package txn
