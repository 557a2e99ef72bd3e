package cli

import "context"

// runFind prints the packages whose name or description matches the glob
// (opkg_find_cmd).
func runFind(ctx context.Context, inv *invocation, args []string) error {
	res, err := inv.engine.Find(ctx, args)
	return inv.printList(res, err)
}
