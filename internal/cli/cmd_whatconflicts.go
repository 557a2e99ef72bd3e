package cli

import "context"

func runWhatConflicts(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.WhatConflicts(ctx, args)
}
