package cli

import "context"

func runFlag(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Flag(ctx, args)
}
