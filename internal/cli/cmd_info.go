package cli

import "context"

func runInfo(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Info(ctx, args)
}
