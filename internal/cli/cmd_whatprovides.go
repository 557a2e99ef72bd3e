package cli

import "context"

func runWhatProvides(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.WhatProvides(ctx, args)
}
