package cli

import (
	"context"

	"pakt/internal/engine"
)

// runWhatRecommends prints which packages recommend the root set (opkg_whatrecommends_cmd).
func runWhatRecommends(ctx context.Context, inv *invocation, args []string) error {
	return inv.printWhat(ctx, engine.WhatRequest{Relation: engine.WhatRecommendsOf, Globs: args})
}
