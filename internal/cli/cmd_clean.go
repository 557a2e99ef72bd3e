package cli

import "context"

func runClean(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Clean(ctx, args)
}
