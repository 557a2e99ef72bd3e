package cli

import "context"

func runIndex(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Index(ctx, args)
}
