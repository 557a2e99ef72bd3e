package cli

import "context"

func runFiles(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Files(ctx, args)
}
