package cli

import "context"

func runUpdate(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Update(ctx, args)
}
