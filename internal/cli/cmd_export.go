package cli

import "context"

func runExport(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Export(ctx, args)
}
