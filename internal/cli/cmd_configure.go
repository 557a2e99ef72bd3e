package cli

import (
	"context"
	"errors"

	"pakt/internal/engine"
)

// runConfigure runs the postinst of unpacked packages (opkg_configure_cmd).
func runConfigure(ctx context.Context, inv *invocation, args []string) error {
	err := inv.engine.Configure(ctx, inv.maintain(args))
	var ce *engine.ConfigureError
	if errors.As(err, &ce) {
		// The engine reported each failure in lede's words.
		return &exitStatusError{status: exitFailure}
	}
	return err
}
