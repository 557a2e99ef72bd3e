package cli

import (
	"context"

	"pakt/internal/engine"
)

// runRemove plans removing the installed packages matching the globs
// (opkg_remove_cmd).
func runRemove(ctx context.Context, inv *invocation, args []string) error {
	return inv.plan(ctx, engine.PlanRemove, args)
}
