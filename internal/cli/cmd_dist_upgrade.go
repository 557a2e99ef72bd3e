package cli

import "context"

func runDistUpgrade(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.DistUpgrade(ctx, args)
}
