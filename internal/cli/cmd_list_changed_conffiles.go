package cli

import "context"

func runListChangedConffiles(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.ListChangedConffiles(ctx, args)
}
