package cli

import "context"

func runList(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.List(ctx, args)
}
