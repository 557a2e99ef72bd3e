package cli

import "context"

func runSearch(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Search(ctx, args)
}
