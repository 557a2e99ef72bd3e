package cli

import "context"

func runDownload(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Download(ctx, args)
}
