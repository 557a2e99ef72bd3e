package cli

import "context"

// Owned by the key work, which replaces this file.
func runKey(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Key(ctx, args)
}
