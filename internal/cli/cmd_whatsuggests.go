package cli

import (
	"context"

	"pakt/internal/engine"
)

// runWhatSuggests prints which packages suggest the root set (opkg_whatsuggests_cmd).
func runWhatSuggests(ctx context.Context, inv *invocation, args []string) error {
	return inv.printWhat(ctx, engine.WhatRequest{Relation: engine.WhatSuggestsOf, Globs: args})
}
