package cli

import "context"

func runDepends(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Depends(ctx, args)
}
