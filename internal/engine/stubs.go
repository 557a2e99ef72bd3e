package engine

import "context"

// The use cases below are not built yet; each returns *NotImplementedError.
// Whoever builds one moves it to its own file and gives it real request and
// result types.

// Upgrade upgrades the named packages; none named means every upgradable one.
func (e *Engine) Upgrade(ctx context.Context, args []string) error {
	return notImplemented("upgrade")
}

// DistUpgrade upgrades everything, allowing removals and new packages (upstream opkg).
func (e *Engine) DistUpgrade(ctx context.Context, args []string) error {
	return notImplemented("dist-upgrade")
}

// Install installs packages by name, .ipk file or URL.
func (e *Engine) Install(ctx context.Context, args []string) error {
	return notImplemented("install")
}

// Remove removes packages matching the globs.
func (e *Engine) Remove(ctx context.Context, args []string) error {
	return notImplemented("remove")
}

// Configure runs the postinst of unpacked packages.
func (e *Engine) Configure(ctx context.Context, args []string) error {
	return notImplemented("configure")
}

// Flag sets a flag (hold, noprune, user, ok, installed, unpacked) on packages; args[0] is the flag.
func (e *Engine) Flag(ctx context.Context, args []string) error {
	return notImplemented("flag")
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

// Recover finishes or undoes an interrupted transaction.
func (e *Engine) Recover(ctx context.Context, args []string) error {
	return notImplemented("recover")
}
