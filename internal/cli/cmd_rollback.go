package cli

import "context"

func runRollback(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Rollback(ctx, args)
}
