package cli

import "context"

func runWhatDepends(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.WhatDepends(ctx, args)
}
