package cli

import (
	"bufio"
	"context"

	"pakt/internal/engine"
	"pakt/internal/output"
)

// runInfo prints every known package matching the glob (opkg_info_cmd).
func runInfo(ctx context.Context, inv *invocation, args []string) error {
	if inv.options.json {
		return inv.printRecords(ctx, engine.RecordsInfo, args)
	}
	if len(args) > 0 && engine.IsPackageFile(args[0]) {
		// upstream opkg: info on local package files prints their
		// control files.
		res, err := inv.engine.InfoFiles(ctx, args)
		return inv.printInfo(res, err)
	}
	res, err := inv.engine.Info(ctx, args)
	return inv.printInfo(res, err)
}

// printInfo shows info's and status's stanzas, with upstream opkg's
// --fields and --short-description.
func (inv *invocation) printInfo(res *engine.InfoResult, err error) error {
	if res != nil {
		inv.say(res.Messages)
	}
	if err != nil {
		return err
	}
	opts := output.InfoOptions{
		Terminal:         inv.terminal(),
		Fields:           inv.options.engine.Fields,
		ShortDescription: inv.options.engine.ShortDescription,
	}
	bw := bufio.NewWriterSize(inv.stdout, 32<<10)
	for _, s := range res.Stanzas {
		if err := output.Info(bw, s.Stanza, opts); err != nil {
			return err
		}
		if len(s.After) > 0 {
			// lede's -V2 conffile lines go to stdout between stanzas.
			if err := bw.Flush(); err != nil {
				return err
			}
			inv.say(s.After)
		}
	}
	return bw.Flush()
}
