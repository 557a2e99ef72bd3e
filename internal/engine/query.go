package engine

import (
	"context"
	"slices"
	"sort"
	"strconv"
	"strings"

	"pakt/internal/control"
	"pakt/internal/output"
	"pakt/internal/pkginfo"
	"pakt/internal/relation"
	"pakt/internal/statusdb"
	"pakt/internal/version"
)

// The read-only queries. Each loads what opkg-lede's main loads for the
// command (opkg-cl.c: the lists are skipped for list, list-installed,
// list-changed-conffiles, files, search and status), repeats lede's
// "has no valid architecture" notices once per pass lede makes over the
// files, and returns rows for the output package; the cli prints them.

// ListResult is the answer of List, Find, ListInstalled and Search.
type ListResult struct {
	Messages []Message
	Lines    []output.ListLine
}

// versionText is how lede prints a version (pkg_version_str_alloc): it
// rebuilds it from epoch, upstream and revision, so an epoch of 0 is not
// shown.
func versionText(v string) string {
	if i := strings.IndexByte(v, ':'); i > 0 {
		epoch := v[:i]
		if strings.Trim(epoch, "0") == "" {
			return v[i+1:]
		}
	}
	return v
}

// displayName applies --strip-abi: a trailing ABIVersion is cut from the
// name (print_pkg).
func (e *Engine) displayName(name, abi string) string {
	if e.opts.StripABI && abi != "" && len(name) > len(abi) && strings.HasSuffix(name, abi) {
		return name[:len(name)-len(abi)]
	}
	return name
}

func (e *Engine) match(pattern, s string) bool {
	return fnmatch(pattern, s, e.opts.NoCase)
}

func joinMsgs(parts ...[]Message) []Message {
	var out []Message
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// List lists available packages: every accepted feed package (all
// versions), then the status packages whose name was not listed yet,
// sorted by name, byte order, stable (opkg_list_find_cmd). args[0], if
// any, is a glob on the name.
func (e *Engine) List(ctx context.Context, args []string) (*ListResult, error) {
	return e.listFind(args, false)
}

// Find is List matching the glob against the name or the description.
func (e *Engine) Find(ctx context.Context, args []string) (*ListResult, error) {
	return e.listFind(args, true)
}

func (e *Engine) listFind(args []string, useDesc bool) (*ListResult, error) {
	w, err := e.load(true, "Description", "Size")
	if err != nil {
		return &ListResult{Messages: w.msgs}, err
	}
	res := &ListResult{}
	// lede's passes: list reads the status files in main and then the
	// lists and the status files again; find reads lists and status in
	// main and then both again.
	if useDesc {
		res.Messages = joinMsgs(w.msgs, w.feedNotices, w.statusNotices, w.feedNotices, w.statusNotices)
	} else {
		res.Messages = joinMsgs(w.msgs, w.statusNotices, w.feedNotices, w.statusNotices)
	}
	pattern, filtered := "", len(args) > 0
	if filtered {
		pattern = args[0]
	}
	x := &w.available
	lines := make([]output.ListLine, 0, x.Len())
	for i := 0; i < x.Len(); i++ {
		en := x.Entry(i)
		desc, _ := x.Field(i, "Description")
		desc = ledeDescription(desc)
		if filtered && !e.match(pattern, en.Name) && (!useDesc || desc == "" || !e.match(pattern, descText(desc))) {
			continue
		}
		var size uint64
		if e.opts.Size {
			s, _ := x.Field(i, "Size")
			size = parseSize(s)
		}
		lines = append(lines, output.ListLine{Name: e.displayName(en.Name, en.ABIVersion), Version: versionText(en.Version), Size: size, Description: desc})
	}
	listed := make(map[string]bool, len(lines))
	for i := range lines {
		listed[lines[i].Name] = true
	}
	for _, p := range w.installed.Packages() {
		if filtered && !e.match(pattern, p.Name) && (!useDesc || p.Description == "" || !e.match(pattern, descText(p.Description))) {
			continue
		}
		// lede compares the names listed so far, ABI-stripped with
		// --strip-abi, with the package's full name, so with --strip-abi
		// an installed library shows twice (opkg_list_find_cmd_cb).
		if listed[p.Name] {
			continue
		}
		name := e.displayName(p.Name, p.ABIVersion)
		listed[name] = true
		lines = append(lines, output.ListLine{Name: name, Version: versionText(p.Version), Size: p.Size, Description: ledeDescription(p.Description)})
	}
	slices.SortStableFunc(lines, func(a, b output.ListLine) int { return strings.Compare(a.Name, b.Name) })
	res.Lines = lines
	return res, nil
}

// ledeDescription is a Description as lede stores it: pkg_set_string
// trims white space around the whole text, so a last continuation line
// of " " (common in OpenWrt feeds) leaves no trailing space, and an empty
// one leaves no description at all.
func ledeDescription(v string) string {
	isSpace := func(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' }
	for len(v) > 0 && isSpace(v[0]) {
		v = v[1:]
	}
	for len(v) > 0 && isSpace(v[len(v)-1]) {
		v = v[:len(v)-1]
	}
	return v
}

// descText is the description as lede holds it off a terminal, which is
// what find matches against.
func descText(d string) string {
	if strings.IndexByte(d, '\n') < 0 {
		return d
	}
	return strings.ReplaceAll(d, "\n", "")
}

// parseSize reads a Size as lede's strtoul would in the common case.
func parseSize(s string) uint64 {
	n, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0
	}
	return n
}

// installedSorted returns the installed (or unpacked) packages sorted by
// name, ties in lede's hash order (pkg_hash_fetch_all_installed, then a
// stable sort).
func installedSorted(w *world) []*statusdb.Package {
	var out []*statusdb.Package
	for _, p := range w.installed.Packages() {
		if p.Installed() {
			out = append(out, p)
		}
	}
	sort.SliceStable(out, func(a, b int) bool { return out[a].Name < out[b].Name })
	return out
}

// ListInstalled lists installed packages (state installed or unpacked),
// sorted by name.
func (e *Engine) ListInstalled(ctx context.Context, args []string) (*ListResult, error) {
	w, err := e.load(false)
	if err != nil {
		return &ListResult{Messages: w.msgs}, err
	}
	res := &ListResult{Messages: joinMsgs(w.msgs, w.statusNotices)}
	for _, p := range installedSorted(w) {
		if len(args) > 0 && !e.match(args[0], p.Name) {
			continue
		}
		res.Lines = append(res.Lines, output.ListLine{Name: e.displayName(p.Name, p.ABIVersion), Version: versionText(p.Version), Size: p.Size, Description: ledeDescription(p.Description)})
	}
	return res, nil
}

// openFailed is lede's message for a file it could not open, with the C
// library's wording of the cause.
func openFailed(path string, err error) string {
	return "Failed to open " + path + ": " + errnoText(err) + "."
}

// installedFiles reads a package's file list as lede's
// pkg_get_installed_files returns it: each path with the offline root in
// front unless it is there already. A list that cannot be read gives an
// error message and no files.
func (e *Engine) installedFiles(w *world, p *statusdb.Package) ([]string, *Message) {
	files, err := w.installed.Files(e.sys.Files, p)
	if err != nil {
		return nil, &Message{Level: Error, Func: "pkg_get_installed_files", Text: openFailed(statusdb.ListFile(p), err)}
	}
	if root := w.cfg.OfflineRoot; root != "" {
		for i, f := range files {
			if !strings.HasPrefix(f, root) {
				files[i] = root + f
			}
		}
	}
	return files, nil
}

// Search lists the installed packages owning a file whose path matches
// the glob, one line per matching file (opkg_search_cmd).
func (e *Engine) Search(ctx context.Context, args []string) (*ListResult, error) {
	w, err := e.load(false)
	if err != nil {
		return &ListResult{Messages: w.msgs}, err
	}
	res := &ListResult{Messages: joinMsgs(w.msgs, w.statusNotices)}
	if len(args) == 0 {
		return res, nil
	}
	for _, p := range installedSorted(w) {
		files, msg := e.installedFiles(w, p)
		if msg != nil {
			res.Messages = append(res.Messages, *msg)
		}
		for _, f := range files {
			if e.match(args[0], f) {
				res.Lines = append(res.Lines, output.ListLine{Name: e.displayName(p.Name, p.ABIVersion), Version: versionText(p.Version), Size: p.Size, Description: ledeDescription(p.Description)})
			}
		}
	}
	return res, nil
}

// FilesResult is the answer of Files. Found is false when the package is
// not installed (lede reports it and exits 0).
type FilesResult struct {
	Messages []Message
	Found    bool
	Name     string
	Version  string
	Dest     string
	Paths    []string
}

// Files lists the files of an installed package.
func (e *Engine) Files(ctx context.Context, args []string) (*FilesResult, error) {
	w, err := e.load(false)
	if err != nil {
		return &FilesResult{Messages: w.msgs}, err
	}
	res := &FilesResult{Messages: joinMsgs(w.msgs, w.statusNotices)}
	if len(args) == 0 {
		return res, nil
	}
	p := w.installed.InstalledNamed(args[0])
	if p == nil {
		res.Messages = append(res.Messages, Message{Level: Error, Func: "opkg_files_cmd", Text: "Package " + args[0] + " not installed."})
		return res, nil
	}
	res.Found, res.Name, res.Version, res.Dest = true, p.Name, versionText(p.Version), p.Dest.Name
	files, msg := e.installedFiles(w, p)
	if msg != nil {
		res.Messages = append(res.Messages, *msg)
	}
	res.Paths = files
	return res, nil
}

// ConffilesResult is the answer of ListChangedConffiles.
type ConffilesResult struct {
	Messages []Message
	Paths    []string
}

// ListChangedConffiles lists the conffiles of installed packages whose
// file differs from the hash recorded at install (or is gone), packages
// sorted by name, conffiles in their recorded order.
func (e *Engine) ListChangedConffiles(ctx context.Context, args []string) (*ConffilesResult, error) {
	w, err := e.load(false)
	if err != nil {
		return &ConffilesResult{Messages: w.msgs}, err
	}
	res := &ConffilesResult{Messages: joinMsgs(w.msgs, w.statusNotices)}
	for _, p := range installedSorted(w) {
		if len(args) > 0 && !e.match(args[0], p.Name) {
			continue
		}
		for _, c := range p.Conffiles {
			if c.Hash == "" {
				continue
			}
			if modified, msg := e.conffileModified(w, c); modified != 0 {
				res.Paths = append(res.Paths, c.Path)
				if msg != nil {
					res.Messages = append(res.Messages, *msg)
				}
			}
		}
	}
	return res, nil
}

// conffileModified is lede's conffile_has_been_modified: 0 when the file
// has the recorded hash, else strcmp's answer (lede prints it with -V2),
// 1 when the file cannot be hashed; with the message lede gives then (an
// ERROR when the file cannot be read, an INFO line when it differs).
func (e *Engine) conffileModified(w *world, c pkginfo.Conffile) (int, *Message) {
	sum, err := statusdb.ConffileSum(e.sys.Files, w.cfg.OfflineRoot, c)
	if err != nil {
		path := w.cfg.OfflineRoot + c.Path
		if len(c.Hash) > 33 {
			return 1, &Message{Level: Error, Func: "file_sha256sum_alloc", Text: "Failed to open file " + path + ": " + errnoText(err) + "."}
		}
		return 1, &Message{Level: Error, Func: "file_md5sum_alloc", Text: "Could't compute md5sum for " + path + "."}
	}
	if d := strcmp(sum, c.Hash); d != 0 {
		return d, &Message{Level: Info, Func: "conffile_has_been_modified",
			Text: "Conffile " + c.Path + ":\n\told chk=" + sum + "\n\tnew chk=" + c.Hash}
	}
	return 0, nil
}

// strcmp is C's, with glibc's answer: the difference of the first bytes
// that differ.
func strcmp(a, b string) int {
	for i := 0; i < len(a) && i < len(b); i++ {
		if a[i] != b[i] {
			return int(a[i]) - int(b[i])
		}
	}
	switch {
	case len(a) < len(b):
		return -int(b[len(a)])
	case len(a) > len(b):
		return int(a[len(b)])
	}
	return 0
}

// InfoStanza is one package of info or status, and what lede reports
// right after printing it.
type InfoStanza struct {
	Stanza *control.Stanza
	After  []Message
}

// InfoResult is the answer of Info and Status: the stanzas to print, in
// lede's order.
type InfoResult struct {
	Messages []Message
	Stanzas  []InfoStanza
}

// Info shows every known package matching the glob (all when none):
// feed packages and installed ones, in opkg-lede's hash-table order.
func (e *Engine) Info(ctx context.Context, args []string) (*InfoResult, error) {
	return e.infoStatus(args, false)
}

// Status shows the installed packages matching the glob.
func (e *Engine) Status(ctx context.Context, args []string) (*InfoResult, error) {
	return e.infoStatus(args, true)
}

func (e *Engine) infoStatus(args []string, installedOnly bool) (*InfoResult, error) {
	w, cands, msgs, err := e.infoSelection(args, installedOnly)
	res := &InfoResult{Messages: msgs}
	if err != nil {
		return res, err
	}
	for _, c := range cands {
		p, err := w.merged(c)
		if err != nil {
			return res, err
		}
		st := InfoStanza{Stanza: infoStanza(p)}
		// After each stanza lede checks every conffile (reporting files
		// it cannot hash) for its -V2 line.
		if e.verbosity >= Notice {
			for _, cf := range p.Conffiles {
				if cf.Hash == "" {
					continue
				}
				modified, msg := e.conffileModified(w, cf)
				if msg != nil {
					st.After = append(st.After, *msg)
				}
				st.After = append(st.After, Message{Level: Info, Func: "opkg_info_status_cmd",
					Text: "conffile=" + cf.Path + " md5sum=" + cf.Hash + " modified=" + strconv.Itoa(modified) + "."})
			}
		}
		res.Stanzas = append(res.Stanzas, st)
	}
	return res, nil
}

// infoSelection is what info (installedOnly false) and status select for
// the glob in args[0], in lede's hash order, with the messages the load
// gave in lede's order for that command.
func (e *Engine) infoSelection(args []string, installedOnly bool) (*world, []candidate, []Message, error) {
	feeds := !installedOnly
	w, err := e.load(feeds)
	if err != nil {
		return w, nil, w.msgs, err
	}
	msgs := joinMsgs(w.msgs, w.feedNotices, w.statusNotices)
	if installedOnly {
		msgs = joinMsgs(w.msgs, w.statusNotices)
	}
	// A plain name needs neither the hash order nor the other packages.
	var vecs map[string][]candidate
	var names []string
	if len(args) > 0 && !e.opts.NoCase && !strings.ContainsAny(args[0], "*?[\\") {
		vecs, names = w.vectors(feeds, args[0]), []string{args[0]}
	} else {
		vecs, names = w.vectors(feeds, ""), w.hashOrder(feeds)
	}
	var cands []candidate
	for _, name := range names {
		if len(args) > 0 && !e.match(args[0], name) {
			continue
		}
		for _, c := range vecs[name] {
			if !installedOnly || c.installed() {
				cands = append(cands, c)
			}
		}
	}
	return w, cands, msgs, nil
}

// infoStanza is pkginfo's rendering of lede's info, with the version
// spelled as lede rebuilds it.
func infoStanza(p *pkginfo.Package) *control.Stanza {
	s := p.InfoStanza(false)
	// pkginfo keeps a field that was present but empty ("Provides:" in
	// old status files) for the status round trip; lede's info prints a
	// field only when it has something.
	kept := s.Fields[:0]
	for _, f := range s.Fields {
		if f.Name == "Description" {
			f.Value = ledeDescription(f.Value)
		}
		if f.Value != "" {
			kept = append(kept, f)
		}
	}
	s.Fields = kept
	if v := versionText(p.Version); v != p.Version {
		s.Set("Version", v)
	}
	return s
}

// UpgradableResult is the answer of ListUpgradable.
type UpgradableResult struct {
	Messages []Message
	Lines    []output.UpgradableLine
}

// dependsResolvable reports whether every Depends and Pre-Depends item of
// a feed entry can be met by some feed or installed package. lede rejects
// a candidate that fails this (pkg_hash_check_unresolved), so a kmod
// built for a kernel the feeds no longer carry is not "upgradable". lede
// then blames the architectures; pakt says nothing here (DESIGN.md §1.4:
// that message is a lie) and leaves explaining to install.
func (w *world) dependsResolvable(i int) bool {
	p, err := w.available.Package(i)
	if err != nil {
		return false
	}
	for _, groups := range [][]relation.Group{p.Depends, p.PreDepends} {
		for _, g := range groups {
			ok := false
			for _, a := range g.Alts {
				if w.atomMet(a) {
					ok = true
					break
				}
			}
			if !ok {
				return false
			}
		}
	}
	return true
}

func (w *world) atomMet(a relation.Atom) bool {
	for _, j := range w.available.Named(a.Name) {
		if a.Accepts(w.available.Entry(j).Version) {
			return true
		}
	}
	// lede checks a versioned dependency on a provided name against the
	// provider's own version.
	for _, j := range w.available.Providers(a.Name) {
		if a.Accepts(w.available.Entry(j).Version) {
			return true
		}
	}
	for _, p := range w.installed.Named(a.Name) {
		if a.Accepts(p.Version) {
			return true
		}
	}
	return false
}

// ListUpgradable lists installed packages for which a feed has a newer
// version, in lede's hash order: the candidate is the highest version of
// that name among the accepted feed packages, a higher architecture
// priority winning between equal versions.
func (e *Engine) ListUpgradable(ctx context.Context, args []string) (*UpgradableResult, error) {
	w, err := e.load(true)
	if err != nil {
		return &UpgradableResult{Messages: w.msgs}, err
	}
	res := &UpgradableResult{Messages: joinMsgs(w.msgs, w.feedNotices, w.statusNotices)}
	vecs := w.vectors(true, "")
	for _, name := range w.hashOrder(true) {
		for _, c := range vecs[name] {
			if !c.installed() {
				continue
			}
			best := w.bestCandidate(name)
			if best < 0 || !w.dependsResolvable(best) {
				continue
			}
			cand := w.available.Entry(best).Version
			if version.Compare(c.status.Version, cand) < 0 {
				res.Lines = append(res.Lines, output.UpgradableLine{Name: name, Installed: versionText(c.status.Version), Candidate: versionText(cand)})
			}
		}
	}
	return res, nil
}
