package cli

import "context"

func runRestore(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Restore(ctx, args)
}
