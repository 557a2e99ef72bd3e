package cli

import (
	"context"
	"io"

	"pakt/internal/engine"
	"pakt/internal/output"
)

// runWhatProvides prints, per glob, the packages providing a matching
// name (opkg_whatprovides_cmd).
func runWhatProvides(ctx context.Context, inv *invocation, args []string) error {
	res, err := inv.engine.WhatProvides(ctx, args)
	return inv.printProvides(res, err)
}

// printProvides shows whatprovides' and whatreplaces' answers.
func (inv *invocation) printProvides(res *engine.ProvidesResult, err error) error {
	if res != nil {
		inv.say(res.Messages)
	}
	if err != nil {
		return err
	}
	verb := "provides"
	if res.Replaces {
		verb = "replaces"
	}
	if inv.options.json {
		doc := output.ProvidesDoc{MessageType: output.TypeProvides, Relation: verb, Queries: []output.ProvidesQueryJSON{}}
		for _, q := range res.Queries {
			jq := output.ProvidesQueryJSON{Pattern: q.Glob, Matches: []output.ProvidesMatchJSON{}}
			for _, m := range q.Matches {
				j, err := foundJSON(m.FoundPackage)
				if err != nil {
					return err
				}
				jq.Matches = append(jq.Matches, output.ProvidesMatchJSON{Package: j, Name: m.Name})
			}
			doc.Queries = append(doc.Queries, jq)
		}
		return inv.writeJSON(doc)
	}
	// lede prints these lines as NOTICE messages: -V0 silences them.
	if !inv.msgs.shows(engine.Notice) {
		return nil
	}
	return inv.buffered(func(w io.Writer) error {
		for _, q := range res.Queries {
			lines := make([]output.ProvidesLine, len(q.Matches))
			for i, m := range q.Matches {
				lines[i] = output.ProvidesLine{Package: m.FoundPackage.Name, Name: m.Name, Exact: m.Exact}
			}
			if err := output.Provides(w, verb, q.Glob, lines); err != nil {
				return err
			}
		}
		return nil
	})
}
