package cli

import "context"

func runWhy(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Why(ctx, args)
}
