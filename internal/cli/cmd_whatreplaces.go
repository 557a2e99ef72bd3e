package cli

import "context"

// runWhatReplaces prints, per glob, the packages replacing a matching
// name (opkg_whatreplaces_cmd).
func runWhatReplaces(ctx context.Context, inv *invocation, args []string) error {
	res, err := inv.engine.WhatReplaces(ctx, args)
	return inv.printProvides(res, err)
}
