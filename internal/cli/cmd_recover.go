package cli

import "context"

// runRecover finishes or undoes an interrupted transaction (pakt's own;
// every command that writes does it first anyway).
func runRecover(ctx context.Context, inv *invocation, args []string) error {
	_, err := inv.engine.Recover(ctx, inv.maintain(args))
	return err
}
