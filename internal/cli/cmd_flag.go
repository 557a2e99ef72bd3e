package cli

import (
	"context"
	"os"

	"pakt/internal/engine"
)

// maintain is the request of flag, configure and recover: messages as
// they come, scripts' output on the standard streams.
func (inv *invocation) maintain(args []string) engine.MaintainRequest {
	return engine.MaintainRequest{
		Args:    args,
		Emit:    func(m engine.Message) { inv.say([]engine.Message{m}) },
		Stdout:  inv.stdout,
		Stderr:  inv.stderr,
		Environ: os.Environ(),
	}
}

// runFlag sets hold, noprune, user, ok, installed or unpacked on installed
// packages (opkg_flag_cmd).
func runFlag(ctx context.Context, inv *invocation, args []string) error {
	return inv.engine.Flag(ctx, inv.maintain(args))
}
