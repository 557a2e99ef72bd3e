package cli

import "context"

func runBuild(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Build(ctx, args)
}
