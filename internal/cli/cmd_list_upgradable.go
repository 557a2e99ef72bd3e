package cli

import "context"

func runListUpgradable(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.ListUpgradable(ctx, args)
}
