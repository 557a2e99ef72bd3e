package cli

import (
	"context"
	"io"

	"pakt/internal/output"
)

// runFiles prints the files of an installed package (opkg_files_cmd). A
// package that is not installed is an error message, exit 0, as in lede.
func runFiles(ctx context.Context, inv *invocation, args []string) error {
	res, err := inv.engine.Files(ctx, args)
	if res != nil {
		inv.say(res.Messages)
	}
	if err == nil && inv.options.json {
		doc := output.FilesDoc{MessageType: output.TypeFiles, Files: append([]string{}, res.Paths...)}
		if res.Found {
			doc.Package = &output.FilesPackageJSON{Name: res.Name, Version: res.Version, Dest: res.Dest}
		}
		return inv.writeJSON(doc)
	}
	if err != nil || !res.Found {
		return err
	}
	return inv.buffered(func(w io.Writer) error {
		if err := output.FilesHeader(w, res.Name, res.Version, res.Dest); err != nil {
			return err
		}
		return output.Lines(w, res.Paths)
	})
}
