package cli

import "context"

func runStatus(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Status(ctx, args)
}
