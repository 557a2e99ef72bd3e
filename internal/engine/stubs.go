package engine

import "context"

// The use cases below are not built yet; each returns *NotImplementedError.
// Whoever builds one moves it to its own file and gives it real request and
// result types.

// DistUpgrade upgrades everything, allowing removals and new packages (upstream opkg).
func (e *Engine) DistUpgrade(ctx context.Context, args []string) error {
	return notImplemented("dist-upgrade")
}

// Clean empties the package cache (upstream opkg).
func (e *Engine) Clean(ctx context.Context, args []string) error {
	return notImplemented("clean")
}

// Verify checks installed files against their recorded checksums (upstream opkg).
func (e *Engine) Verify(ctx context.Context, args []string) error {
	return notImplemented("verify")
}

// Export writes the user-requested package set, with versions, holds and feeds.
func (e *Engine) Export(ctx context.Context, args []string) error {
	return notImplemented("export")
}

// Restore installs a set written by Export.
func (e *Engine) Restore(ctx context.Context, args []string) error {
	return notImplemented("restore")
}

// Why explains which requested package keeps a package installed.
func (e *Engine) Why(ctx context.Context, args []string) error {
	return notImplemented("why")
}

// History lists past transactions.
func (e *Engine) History(ctx context.Context, args []string) error {
	return notImplemented("history")
}

// Rollback undoes the last transaction.
func (e *Engine) Rollback(ctx context.Context, args []string) error {
	return notImplemented("rollback")
}
