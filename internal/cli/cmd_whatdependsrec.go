package cli

import "context"

// runWhatDependsRec prints which packages depend on the root set, recursively (opkg_whatdepends_recursively_cmd).
func runWhatDependsRec(ctx context.Context, inv *invocation, args []string) error {
	res, err := inv.engine.WhatDependsRec(ctx, args)
	return inv.printWhat(res, err, true)
}
