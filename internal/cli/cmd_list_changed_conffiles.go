package cli

import (
	"context"
	"io"

	"pakt/internal/output"
)

// runListChangedConffiles prints the conffiles the user has modified
// (opkg_list_changed_conffiles_cmd).
func runListChangedConffiles(ctx context.Context, inv *invocation, args []string) error {
	res, err := inv.engine.ListChangedConffiles(ctx, args)
	if res != nil {
		inv.say(res.Messages)
	}
	if err != nil {
		return err
	}
	if inv.options.json {
		return inv.writeJSON(output.ConffilesDoc{MessageType: output.TypeConffiles, Paths: append([]string{}, res.Paths...)})
	}
	return inv.buffered(func(w io.Writer) error { return output.Lines(w, res.Paths) })
}
