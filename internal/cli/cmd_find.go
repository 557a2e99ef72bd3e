package cli

import "context"

func runFind(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Find(ctx, args)
}
