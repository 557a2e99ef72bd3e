package cli

import (
	"context"

	"pakt/internal/engine"
)

// runStatus prints the installed packages matching the glob
// (opkg_status_cmd); see printInfo in cmd_info.go.
func runStatus(ctx context.Context, inv *invocation, args []string) error {
	if inv.options.json {
		return inv.printRecords(ctx, engine.RecordsStatus, args)
	}
	res, err := inv.engine.Status(ctx, args)
	return inv.printInfo(res, err)
}
