package cli

import "context"

// runCompareVersions answers with the exit status only: 0 when
// "<v1> <op> <v2>" holds, 1 when it does not (lede's
// opkg_compare_versions_cmd), nothing on stdout.
func runCompareVersions(ctx context.Context, inv *invocation, args []string) error {
	holds, err := inv.engine.CompareVersions(args)
	if err != nil {
		return err
	}
	if !holds {
		return &exitStatusError{status: exitUsage}
	}
	return nil
}
