package cli

import (
	"context"
	"fmt"
)

// runPrintArchitecture prints "arch <name> <priority>" per configured
// architecture, in configuration order (lede's
// opkg_print_architecture_cmd).
func runPrintArchitecture(ctx context.Context, inv *invocation, args []string) error {
	archs, err := inv.engine.Architectures(ctx)
	if err != nil {
		return err
	}
	for _, a := range archs {
		fmt.Fprintf(inv.stdout, "arch %s %s\n", a.Name, a.Priority)
	}
	return nil
}
