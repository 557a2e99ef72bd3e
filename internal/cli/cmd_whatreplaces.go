package cli

import "context"

func runWhatReplaces(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.WhatReplaces(ctx, args)
}
