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
	res, err := inv.engine.Depends(ctx, args)
	if res != nil {
		inv.say(res.Messages)
	}
	if err != nil {
		return err
	}
	if inv.options.json {
		return inv.streamPackages(len(res.Packages), func(i int) (output.PackageJSON, error) { return foundJSON(res.Packages[i].FoundPackage) })
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

// foundJSON decodes a package a query found and makes its object.
func foundJSON(f engine.FoundPackage) (output.PackageJSON, error) {
	r, err := f.Record()
	if err != nil {
		return output.PackageJSON{}, err
	}
	return recordJSON(r), nil
}

// streamPackages prints a "packages" document (output.PackagesDoc) of n
// package objects, each built as it is written.
func (inv *invocation) streamPackages(n int, pkg func(i int) (output.PackageJSON, error)) error {
	head := struct {
		MessageType string `json:"message_type"`
	}{output.TypePackages}
	return inv.buffered(func(w io.Writer) error {
		return output.WriteStream(w, head, "packages", func(emit func(any) error) error {
			for i := 0; i < n; i++ {
				j, err := pkg(i)
				if err != nil {
					return err
				}
				if err := emit(j); err != nil {
					return err
				}
			}
			return nil
		})
	})
}
