package engine

import (
	"context"
	"sort"
)

// Records is the package-level answer of the list-like queries, for
// renderers that show every field of a package (pakt's --json) rather
// than lede's one line: the same packages the text query selects, in the
// same order, each whole (a status record merged with its feed twin).

// RecordsQuery names the query whose selection Records makes.
type RecordsQuery int

// The queries Records answers.
const (
	RecordsList          RecordsQuery = iota // list [glob]
	RecordsFind                              // find <glob>: name or description
	RecordsListInstalled                     // list-installed [glob]
	RecordsSearch                            // search <glob>: installed files
	RecordsInfo                              // info [glob]
	RecordsStatus                            // status [glob]
)

// RecordsResult is the answer of Records.
type RecordsResult struct {
	Messages []Message
	Packages []PackageRecord
	// Files holds, for search, the matching paths of each package
	// (parallel to Packages); nil for the other queries.
	Files [][]string
}

// Records selects the packages of a list-like query; args are the
// query's (a glob, for most).
func (e *Engine) Records(ctx context.Context, q RecordsQuery, args []string) (*RecordsResult, error) {
	switch q {
	case RecordsList, RecordsFind:
		return e.listRecords(args, q == RecordsFind)
	case RecordsListInstalled, RecordsSearch:
		return e.installedRecords(args, q == RecordsSearch)
	}
	return e.infoRecords(args, q == RecordsStatus)
}

// listRecords is listFind's selection: every feed entry, then the
// installed packages of a name not listed yet, sorted by name (stable).
func (e *Engine) listRecords(args []string, useDesc bool) (*RecordsResult, error) {
	w, err := e.load(true)
	if err != nil {
		return &RecordsResult{Messages: w.msgs}, err
	}
	res := &RecordsResult{Messages: joinMsgs(w.msgs, w.statusNotices, w.feedNotices, w.statusNotices)}
	if useDesc {
		res.Messages = joinMsgs(w.msgs, w.feedNotices, w.statusNotices, w.feedNotices, w.statusNotices)
	}
	pattern, filtered := "", len(args) > 0
	if filtered {
		pattern = args[0]
	}
	matches := func(name, desc string) bool {
		return !filtered || e.match(pattern, name) || (useDesc && desc != "" && e.match(pattern, descText(desc)))
	}
	// The status twin of each feed entry, so that a listed package says
	// whether it is installed.
	twin := make(map[int]candidate)
	for _, vec := range w.vectors(true, "") {
		for _, c := range vec {
			if c.entry >= 0 && c.status != nil {
				twin[c.entry] = c
			}
		}
	}
	var cands []candidate
	listed := make(map[string]bool)
	x := &w.available
	for i := 0; i < x.Len(); i++ {
		en := x.Entry(i)
		desc, _ := x.Field(i, "Description")
		if !matches(en.Name, ledeDescription(desc)) {
			continue
		}
		c, ok := twin[i]
		if !ok {
			c = candidate{entry: i}
		}
		cands = append(cands, c)
		listed[en.Name] = true
	}
	for _, p := range w.installed.Packages() {
		if listed[p.Name] || !matches(p.Name, ledeDescription(p.Description)) {
			continue
		}
		listed[p.Name] = true
		cands = append(cands, candidate{entry: -1, status: p})
	}
	sort.SliceStable(cands, func(a, b int) bool { return w.candName(cands[a]) < w.candName(cands[b]) })
	for _, c := range cands {
		r, err := w.record(c)
		if err != nil {
			return res, err
		}
		res.Packages = append(res.Packages, r)
	}
	return res, nil
}

func (w *world) candName(c candidate) string {
	if c.status != nil {
		return c.status.Name
	}
	return w.available.Entry(c.entry).Name
}

// installedRecords is list-installed's selection (a glob on the name) or
// search's (a glob on the installed files; each package once, with the
// files that matched).
func (e *Engine) installedRecords(args []string, search bool) (*RecordsResult, error) {
	w, err := e.load(false)
	if err != nil {
		return &RecordsResult{Messages: w.msgs}, err
	}
	res := &RecordsResult{Messages: joinMsgs(w.msgs, w.statusNotices)}
	if search {
		res.Files = [][]string{}
	}
	for _, p := range installedSorted(w) {
		var matched []string
		switch {
		case search:
			if len(args) == 0 {
				continue
			}
			files, msg := e.installedFiles(w, p)
			if msg != nil {
				res.Messages = append(res.Messages, *msg)
			}
			for _, f := range files {
				if e.match(args[0], f) {
					matched = append(matched, f)
				}
			}
			if len(matched) == 0 {
				continue
			}
		case len(args) > 0 && !e.match(args[0], p.Name):
			continue
		}
		res.Packages = append(res.Packages, PackageRecord{Package: p.Package, Dest: p.Dest.Name})
		if search {
			res.Files = append(res.Files, matched)
		}
	}
	return res, nil
}

// infoRecords is info's and status's selection, in lede's hash order.
func (e *Engine) infoRecords(args []string, installedOnly bool) (*RecordsResult, error) {
	w, cands, msgs, err := e.infoSelection(args, installedOnly)
	res := &RecordsResult{Messages: msgs}
	if err != nil {
		return res, err
	}
	for _, c := range cands {
		r, err := w.record(c)
		if err != nil {
			return res, err
		}
		res.Packages = append(res.Packages, r)
	}
	return res, nil
}
