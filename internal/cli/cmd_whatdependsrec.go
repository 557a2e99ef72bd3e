package cli

import "context"

func runWhatDependsRec(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.WhatDependsRec(ctx, args)
}
