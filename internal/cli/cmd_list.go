package cli

import (
	"bufio"
	"context"
	"io"
	"os"

	"pakt/internal/engine"
	"pakt/internal/output"
)

// runList prints the available packages (opkg_list_cmd).
func runList(ctx context.Context, inv *invocation, args []string) error {
	if inv.options.json {
		return inv.printRecords(ctx, engine.RecordsList, args)
	}
	res, err := inv.engine.List(ctx, args)
	return inv.printList(res, err)
}

// printList shows a list-like answer: the engine's messages (lede's
// notices come before the lines), then the lines.
func (inv *invocation) printList(res *engine.ListResult, err error) error {
	if res != nil {
		inv.say(res.Messages)
	}
	if err != nil {
		return err
	}
	opts := output.ListOptions{Size: inv.options.engine.Size, Terminal: inv.terminal(), ShortDescription: inv.options.engine.ShortDescription}
	return inv.buffered(func(w io.Writer) error { return output.List(w, res.Lines, opts) })
}

// terminal reports whether stdout is a terminal: opkg-lede keeps the line
// breaks of multi-line descriptions only then (pkg_parse.c isatty(1)).
func (inv *invocation) terminal() bool {
	f, ok := inv.stdout.(*os.File)
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// buffered runs write over a buffer on stdout and flushes it: a query
// prints thousands of short lines.
func (inv *invocation) buffered(write func(w io.Writer) error) error {
	bw := bufio.NewWriterSize(inv.stdout, 32<<10)
	err := write(bw)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}
