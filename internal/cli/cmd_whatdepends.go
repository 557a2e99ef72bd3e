package cli

import (
	"context"
	"io"

	"pakt/internal/engine"
	"pakt/internal/output"
)

// runWhatDepends prints which packages depend on the root set
// (opkg_whatdepends_cmd).
func runWhatDepends(ctx context.Context, inv *invocation, args []string) error {
	return inv.printWhat(ctx, engine.WhatRequest{Relation: engine.WhatDependsOn, Globs: args})
}

// printWhat shows a what* answer: "Root set:", its names, "What <verb>
// root set" and one line per package found; with --json one document.
func (inv *invocation) printWhat(ctx context.Context, req engine.WhatRequest) error {
	res, err := inv.engine.What(ctx, req)
	if res != nil {
		inv.say(res.Messages)
	}
	if err != nil {
		return err
	}
	if inv.options.json {
		// The WhatDoc shape, its matches streamed: -A over a release
		// finds thousands.
		head := struct {
			MessageType string               `json:"message_type"`
			Relation    string               `json:"relation"`
			Recursive   bool                 `json:"recursive"`
			RootSet     []output.PackageJSON `json:"root_set"`
		}{output.TypeWhat, whatRelationName(res.Relation), req.Recursive, []output.PackageJSON{}}
		for _, r := range res.RootSet {
			j, err := foundJSON(r)
			if err != nil {
				return err
			}
			head.RootSet = append(head.RootSet, j)
		}
		return inv.buffered(func(w io.Writer) error {
			return output.WriteStream(w, head, "matches", func(emit func(any) error) error {
				for _, m := range res.Matches {
					j, err := foundJSON(m.FoundPackage)
					if err != nil {
						return err
					}
					if err := emit(output.WhatMatchJSON{Package: j, Via: output.Atom(m.Via), Satisfiable: m.Satisfiable}); err != nil {
						return err
					}
				}
				return nil
			})
		})
	}
	// lede prints these lines as NOTICE messages: -V0 silences them.
	if !inv.msgs.shows(engine.Notice) {
		return nil
	}
	root := make([]string, len(res.RootSet))
	for i, r := range res.RootSet {
		root[i] = r.Name
	}
	lines := make([]output.WhatLine, len(res.Matches))
	for i, m := range res.Matches {
		lines[i] = output.WhatLine{
			Name:          m.Name,
			Version:       m.DisplayVersion(),
			Verb:          res.Relation.Verb(),
			Via:           m.Via,
			Unsatisfiable: !m.Satisfiable,
		}
	}
	return inv.buffered(func(w io.Writer) error {
		if err := output.WhatHeader(w, res.Relation.Verb(), root); err != nil {
			return err
		}
		return output.WhatLines(w, lines)
	})
}

func whatRelationName(r engine.WhatRelation) string {
	switch r {
	case engine.WhatRecommendsOf:
		return "recommends"
	case engine.WhatSuggestsOf:
		return "suggests"
	case engine.WhatConflictsWith:
		return "conflicts"
	}
	return "depends"
}
