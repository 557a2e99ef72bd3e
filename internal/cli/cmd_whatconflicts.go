package cli

import (
	"context"

	"pakt/internal/engine"
)

// runWhatConflicts prints which packages conflict with the root set (opkg_whatconflicts_cmd).
func runWhatConflicts(ctx context.Context, inv *invocation, args []string) error {
	return inv.printWhat(ctx, engine.WhatRequest{Relation: engine.WhatConflictsWith, Globs: args})
}
