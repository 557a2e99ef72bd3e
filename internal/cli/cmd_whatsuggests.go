package cli

import "context"

// runWhatSuggests prints which packages suggest the root set (opkg_whatsuggests_cmd).
func runWhatSuggests(ctx context.Context, inv *invocation, args []string) error {
	res, err := inv.engine.WhatSuggests(ctx, args)
	return inv.printWhat(res, err, false)
}
