package cli

import "context"

// runWhatRecommends prints which packages recommend the root set (opkg_whatrecommends_cmd).
func runWhatRecommends(ctx context.Context, inv *invocation, args []string) error {
	res, err := inv.engine.WhatRecommends(ctx, args)
	return inv.printWhat(res, err, false)
}
