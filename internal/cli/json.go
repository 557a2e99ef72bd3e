package cli

import (
	"context"

	"pakt/internal/engine"
	"pakt/internal/output"
)

// With --json every query prints exactly one JSON document on stdout: an
// object whose "message_type" names its shape (restic's convention), so a
// reader can dispatch on it. The shapes and the package object are
// output's (output/json.go) and the README's "JSON output" section.
// Messages are not part of the document: errors still go to stderr as
// opkg prints them, and so do the NOTICE and INFO lines opkg would print
// on stdout (main.go points the message plumbing there), so stdout holds
// the document alone.

type archJSON struct {
	Name     string `json:"name"`
	Priority string `json:"priority"`
}

type architecturesJSON struct {
	MessageType   string     `json:"message_type"` // "architectures"
	Architectures []archJSON `json:"architectures"`
}

// writeJSON prints v as one line of JSON on stdout.
func (inv *invocation) writeJSON(v any) error {
	return output.WriteJSON(inv.stdout, v)
}

// printRecords prints a list-like query (list, find, list-installed,
// search, info, status) as one "packages" document.
func (inv *invocation) printRecords(ctx context.Context, q engine.RecordsQuery, args []string) error {
	res, err := inv.engine.Records(ctx, q, args)
	if res != nil {
		inv.say(res.Messages)
	}
	if err != nil {
		return err
	}
	return inv.streamPackages(len(res.Packages), func(i int) (output.PackageJSON, error) {
		j := recordJSON(res.Packages[i])
		if res.Files != nil {
			j.Files = res.Files[i]
		}
		return j, nil
	})
}
