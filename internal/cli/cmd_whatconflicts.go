package cli

import "context"

// runWhatConflicts prints which packages conflict with the root set (opkg_whatconflicts_cmd).
func runWhatConflicts(ctx context.Context, inv *invocation, args []string) error {
	res, err := inv.engine.WhatConflicts(ctx, args)
	return inv.printWhat(res, err, false)
}
