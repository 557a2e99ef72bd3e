package cli

import "context"

func runListInstalled(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.ListInstalled(ctx, args)
}
