package cli

import "context"

func runWhatRecommends(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.WhatRecommends(ctx, args)
}
