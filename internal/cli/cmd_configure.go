package cli

import "context"

func runConfigure(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Configure(ctx, args)
}
