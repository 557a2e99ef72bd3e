package cli

import "context"

func runRecover(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Recover(ctx, args)
}
