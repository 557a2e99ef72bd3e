package cli

import (
	"context"

	"pakt/internal/engine"
)

// runWhatReplaces prints, per glob, the packages replacing a matching
// name (opkg_whatreplaces_cmd).
func runWhatReplaces(ctx context.Context, inv *invocation, args []string) error {
	res, err := inv.engine.WhatReplaces(ctx, engine.QueryRequest{Globs: args, Records: inv.options.json})
	return inv.printProvides(res, err)
}
