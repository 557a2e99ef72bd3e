package cli

import (
	"context"

	"pakt/internal/engine"
)

// runFind prints the packages whose name or description matches the glob
// (opkg_find_cmd).
func runFind(ctx context.Context, inv *invocation, args []string) error {
	if inv.options.json {
		return inv.printRecords(ctx, engine.RecordsFind, args)
	}
	res, err := inv.engine.Find(ctx, args)
	return inv.printList(res, err)
}
