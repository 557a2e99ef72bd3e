package cli

import "context"

func runWhatSuggests(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.WhatSuggests(ctx, args)
}
