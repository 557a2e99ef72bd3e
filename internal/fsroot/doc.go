// Package fsroot is the root directory pakt manages (/ on a router, the
// -o directory of an image build) and the only code that writes under it.
// Every operation goes through an os.Root, so no name, ".." or symbolic
// link can lead a write outside the tree.
//
// # Names and symbolic links
//
// Names are slash-separated and relative to the root; a leading "/" is
// allowed and means the same ("/var/lock/opkg.lock" is "var/lock/opkg.lock"
// under the root). os.Root refuses absolute symbolic links, but every
// OpenWrt root has one on the path of almost every state file: /var is a
// link to /tmp. The directory part of a name is therefore resolved here
// the way the device itself would see it after chroot(2): an absolute link
// target starts again at the root, ".." stops at the root, and at most 40
// links are followed (Linux's limit). The resolved, link-free name is then
// handed to os.Root, which re-checks it. An image root whose var links to
// /tmp thus writes to <root>/tmp, never to the build host's /tmp.
//
// # Atomic replacement
//
// A file is never rewritten in place. Pending (CreateTemp) writes a
// temporary file in the destination's own directory (".<name>.pakt-<rand>",
// hidden, so readers of the directory that skip dot files never see it),
// and Commit makes it durable and visible in that order: fsync of the file,
// close, rename over the destination, fsync of the directory. A crash
// leaves the old file or the new one, never a mix, and at worst a stale
// temporary that RemoveStale deletes (callers do that under the lock).
// WriteFile is Pending for data already in memory.
//
// # The opkg lock
//
// Lock takes the lock file opkg-lede takes (/var/lock/opkg.lock): created
// with creat(2)'s flags and mode 0640, then locked with lockf(F_TLOCK),
// which is fcntl(F_SETLK) of a write lock over the whole file, so pakt and
// opkg-lede exclude each other. Such locks belong to the process, not to
// the file descriptor: a second Lock in the same process succeeds, which is
// why the engine takes it once per command. Like lede, Unlock deletes the
// file. Deleting a lock file races with a process that opened it just
// before: after locking, Lock checks that the file it locked is still the
// one under that name and starts again if not, so two processes can never
// both believe they hold the lock.
package fsroot
