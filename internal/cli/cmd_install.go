package cli

import "context"

func runInstall(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Install(ctx, args)
}
