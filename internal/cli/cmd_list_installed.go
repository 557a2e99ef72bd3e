package cli

import (
	"context"

	"pakt/internal/engine"
)

// runListInstalled prints the installed packages (opkg_list_installed_cmd).
func runListInstalled(ctx context.Context, inv *invocation, args []string) error {
	if inv.options.json {
		return inv.printRecords(ctx, engine.RecordsListInstalled, args)
	}
	res, err := inv.engine.ListInstalled(ctx, args)
	return inv.printList(res, err)
}
