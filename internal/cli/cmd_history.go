package cli

import "context"

func runHistory(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.History(ctx, args)
}
