package cli

import "context"

// runListInstalled prints the installed packages (opkg_list_installed_cmd).
func runListInstalled(ctx context.Context, inv *invocation, args []string) error {
	res, err := inv.engine.ListInstalled(ctx, args)
	return inv.printList(res, err)
}
