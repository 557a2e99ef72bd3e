package cli

import "context"

// runCompareVersions answers with the exit status only: 0 when
// "<v1> <op> <v2>" holds, 1 when it does not (lede's
// opkg_compare_versions_cmd), nothing on stdout.
func runCompareVersions(ctx context.Context, inv *invocation, args []string) error {
	cmp, err := inv.engine.CompareVersions(ctx, args)
	if cmp != nil {
		inv.say(cmp.Messages)
	}
	if err != nil {
		return err
	}
	if !cmp.Holds {
		return &exitStatusError{status: exitUsage}
	}
	return nil
}
