package cli

import "context"

func runRemove(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Remove(ctx, args)
}
