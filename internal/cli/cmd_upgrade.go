package cli

import "context"

func runUpgrade(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Upgrade(ctx, args)
}
