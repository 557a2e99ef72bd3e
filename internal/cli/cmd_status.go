package cli

import "context"

// runStatus prints the installed packages matching the glob
// (opkg_status_cmd); see printInfo in cmd_info.go.
func runStatus(ctx context.Context, inv *invocation, args []string) error {
	res, err := inv.engine.Status(ctx, args)
	return inv.printInfo(res, err)
}
