package cli

import (
	"context"
	"io"

	"pakt/internal/engine"
	"pakt/internal/output"
)

// runDepends prints the Depends of the packages matching the globs
// (opkg_depends_cmd): installed ones, or every known one with -A.
func runDepends(ctx context.Context, inv *invocation, args []string) error {
	res, err := inv.engine.Depends(ctx, engine.QueryRequest{Globs: args, Records: inv.options.json})
	if res != nil {
		inv.say(res.Messages)
	}
	if err != nil {
		return err
	}
	if inv.options.json {
		doc := output.PackagesDoc{MessageType: output.TypePackages, Packages: []output.PackageJSON{}}
		for _, p := range res.Packages {
			doc.Packages = append(doc.Packages, recordJSON(p.Record))
		}
		return inv.writeJSON(doc)
	}
	// lede prints these lines as NOTICE messages: -V0 silences them.
	if !inv.msgs.shows(engine.Notice) {
		return nil
	}
	return inv.buffered(func(w io.Writer) error {
		for _, p := range res.Packages {
			if err := output.DependsHeader(w, p.Name); err != nil {
				return err
			}
			if err := output.DependsLines(w, p.Depends); err != nil {
				return err
			}
		}
		return nil
	})
}

// recordJSON is the package object of a record.
func recordJSON(r engine.PackageRecord) output.PackageJSON {
	return output.Package(r.Package, r.Feed, r.Dest)
}

// packagesJSON is the package objects of records.
func packagesJSON(recs []engine.PackageRecord) []output.PackageJSON {
	out := make([]output.PackageJSON, 0, len(recs))
	for _, r := range recs {
		out = append(out, output.Package(r.Package, r.Feed, r.Dest))
	}
	return out
}
