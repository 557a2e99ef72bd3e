package cli

import (
	"context"

	"pakt/internal/engine"
)

// runSearch prints the installed packages owning files that match the
// glob, once per matching file (opkg_search_cmd).
func runSearch(ctx context.Context, inv *invocation, args []string) error {
	if inv.options.json {
		return inv.printRecords(ctx, engine.RecordsSearch, args)
	}
	res, err := inv.engine.Search(ctx, args)
	return inv.printList(res, err)
}
