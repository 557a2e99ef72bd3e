package cli

import (
	"context"

	"pakt/internal/engine"
)

// runUpgrade plans upgrading the named packages, or every installed one
// when none is named (upstream opkg; lede requires names, and so does pakt
// under the opkg name). A name that is not installed is installed, as
// lede's opkg_upgrade_cmd does.
func runUpgrade(ctx context.Context, inv *invocation, args []string) error {
	return inv.plan(ctx, engine.PlanUpgrade, args)
}
