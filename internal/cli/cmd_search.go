package cli

import "context"

// runSearch prints the installed packages owning files that match the
// glob, once per matching file (opkg_search_cmd).
func runSearch(ctx context.Context, inv *invocation, args []string) error {
	res, err := inv.engine.Search(ctx, args)
	return inv.printList(res, err)
}
