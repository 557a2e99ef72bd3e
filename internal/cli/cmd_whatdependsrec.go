package cli

import (
	"context"

	"pakt/internal/engine"
)

// runWhatDependsRec prints which packages depend on the root set, recursively (opkg_whatdepends_recursively_cmd).
func runWhatDependsRec(ctx context.Context, inv *invocation, args []string) error {
	return inv.printWhat(ctx, engine.WhatRequest{Relation: engine.WhatDependsOn, Recursive: true, Globs: args})
}
