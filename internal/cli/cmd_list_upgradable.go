package cli

import (
	"context"
	"io"

	"pakt/internal/output"
)

// runListUpgradable prints "name - installed - candidate" for every
// installed package a feed has a newer version of.
func runListUpgradable(ctx context.Context, inv *invocation, args []string) error {
	res, err := inv.engine.ListUpgradable(ctx, args)
	if res != nil {
		inv.say(res.Messages)
	}
	if err != nil {
		return err
	}
	if inv.options.json {
		doc := output.UpgradableDoc{MessageType: output.TypeUpgradable, Packages: []output.UpgradableJSON{}}
		for _, l := range res.Lines {
			doc.Packages = append(doc.Packages, output.UpgradableJSON{Name: l.Name, InstalledVersion: l.Installed, Version: l.Candidate})
		}
		return inv.writeJSON(doc)
	}
	return inv.buffered(func(w io.Writer) error { return output.Upgradable(w, res.Lines) })
}
