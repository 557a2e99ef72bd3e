package cli

import "context"

func runVerify(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Verify(ctx, args)
}
