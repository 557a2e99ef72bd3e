package engine

import (
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"hash"
	"io"
	"io/fs"
	"os"
	"slices"
	"sort"
	"strings"

	"pakt/internal/control"
	"pakt/internal/fsroot"
	"pakt/internal/ipk"
	"pakt/internal/pkginfo"
	"pakt/internal/statusdb"
	"pakt/internal/txn"
)

// changes is the transaction a plan becomes.
type changes struct {
	ops   []txn.Op
	names map[string]bool // root names already changed
	// statuses are the new status files' packages, by dest name.
	statuses map[string][]*pkginfo.Package
}

func (c *changes) add(op txn.Op) bool {
	if c.names[op.Name()] {
		return false
	}
	c.names[op.Name()] = true
	c.ops = append(c.ops, op)
	return true
}

// changes works out every change of the plan: files of the new packages
// (conffiles kept aside, clashes refused), files of what goes (modified
// conffiles kept), obsolete files, Alternatives links, and the database.
func (r *applyRun) changes() (*changes, error) {
	ch := &changes{names: map[string]bool{}, statuses: map[string][]*pkginfo.Package{}}
	going := map[string]bool{} // installed packages whose files go or change hands
	for _, p := range r.removed {
		going[p.Name] = true
	}
	for _, np := range r.news {
		if np.old != nil {
			going[np.old.Name] = true
		}
	}
	owners, err := r.owners()
	if err != nil {
		return nil, err
	}
	uid := os.Geteuid() == 0
	claimed := map[string]string{} // list path -> new package taking it
	taken := map[string][]string{} // staying owner -> list paths taken from it
	var clashes []FileClash
	for _, np := range r.news {
		sp := np.sp
		name := sp.info.Name
		stream := &pkgStream{path: sp.path, shown: np.step.Filename, bufs: &r.bufs}
		np.stream = stream
		r.streams = append(r.streams, stream)
		prefix := strings.TrimSuffix(r.e.underRoot(r.cfg, np.dest.Root), "/")
		listPrefix := strings.TrimSuffix(r.listRoot(np.dest), "/")
		conffiles := map[string]bool{}
		for _, c := range sp.conffiles() {
			conffiles[c] = true
		}
		var oldConf map[string]string
		if np.old != nil {
			oldConf = map[string]string{}
			for _, c := range np.old.Conffiles {
				oldConf[c.Path] = c.Hash
			}
		}
		index := map[string]int{}
		for i, en := range sp.entries {
			index[en.Name] = i
		}
		for i, en := range sp.entries {
			rn := strings.TrimPrefix(prefix+"/"+en.Name, "/")
			lp := listPrefix + "/" + en.Name
			owner, ownerID := -1, -1
			if uid {
				owner, ownerID = en.Uid, en.Gid
			}
			if en.Type == ipk.TypeDir {
				ch.add(txn.Dir(rn, en.Mode.Perm()|en.Mode&(fs.ModeSetgid|fs.ModeSticky), owner, ownerID).For(name))
				continue
			}
			np.list = append(np.list, lp)
			if other, ok := claimed[lp]; ok && !r.e.opts.Force.Overwrite && !replaces(sp.info, other, r) {
				clashes = append(clashes, FileClash{Package: name, File: r.shown(lp), Owner: other})
				continue
			}
			claimed[lp] = name
			info, statErr := r.rfs.Lstat(rn)
			exists := statErr == nil && !info.IsDir()
			if exists && conffiles["/"+en.Name] && en.Type == ipk.TypeFile {
				if keepUser := r.keepUserConffile(rn, "/"+en.Name, sp.sums[en.Name], oldConf, owners[lp]); keepUser {
					r.emit(Message{Level: Error, Func: "resolve_conffiles", Text: "Existing conffile " + r.shown(lp) + " is different from the conffile in the new package. The new conffile will be placed at " + r.shown(lp) + "-opkg."})
					rn += "-opkg"
				}
			} else if exists && !r.e.opts.Force.Overwrite {
				// Clashes with the packages that keep the file; those
				// going (removed, upgraded) or this one's old version
				// give it up.
				var stay []string
				for _, o := range owners[lp] {
					if o != name && !going[o] {
						stay = append(stay, o)
					}
				}
				if len(owners[lp]) == 0 {
					clashes = append(clashes, FileClash{Package: name, File: r.shown(lp)})
					continue
				}
				clash := ""
				for _, o := range stay {
					if !replaces(sp.info, o, r) {
						clash = o
						break
					}
				}
				if clash != "" {
					clashes = append(clashes, FileClash{Package: name, File: r.shown(lp), Owner: clash})
					continue
				}
				for _, o := range stay {
					taken[o] = append(taken[o], lp)
				}
			} else if exists {
				for _, o := range owners[lp] {
					if o != name && !going[o] {
						taken[o] = append(taken[o], lp)
					}
				}
			}
			switch en.Type {
			case ipk.TypeSymlink:
				ch.add(txn.Symlink(rn, en.Linkname, owner, ownerID).For(name))
			case ipk.TypeFile:
				ch.add(txn.File(rn, en.Mode, owner, ownerID, en.Size, stream.entry(i)).For(name))
			case ipk.TypeHardlink:
				j, ok := index[en.Linkname]
				if !ok {
					continue // the reader refuses such links
				}
				t := sp.entries[j]
				ch.add(txn.File(rn, t.Mode, owner, ownerID, t.Size, stream.entry(j)).For(name))
			}
		}
	}
	if len(clashes) > 0 {
		return nil, &FileClashError{Clashes: clashes}
	}
	// What goes: removed packages whole, the old files of upgraded ones
	// that the new version does not have (obsolete).
	// A file listed by a package that stays is that package's too.
	for lp, pkgs := range owners {
		for _, o := range pkgs {
			if !going[o] && claimed[lp] == "" && !slices.Contains(taken[o], lp) {
				claimed[lp] = o
			}
		}
	}
	for _, p := range r.removed {
		if err := r.removeFiles(ch, p, claimed, false); err != nil {
			return nil, err
		}
	}
	for _, np := range r.news {
		if np.old == nil {
			continue
		}
		if np.old.Status.Flags&pkginfo.FlagNoPrune != 0 {
			continue
		}
		if err := r.removeFiles(ch, np.old, claimed, true); err != nil {
			return nil, err
		}
	}
	if err := r.database(ch, taken); err != nil {
		return nil, err
	}
	return ch, nil
}

// listRoot is a dest's root as its .list files record paths: without the
// offline root.
func (r *applyRun) listRoot(d *statusdb.Dest) string {
	return strings.TrimPrefix(d.Root, r.cfg.OfflineRoot)
}

// shown is a file as opkg's messages name it: with the offline root.
func (r *applyRun) shown(listPath string) string {
	return r.cfg.OfflineRoot + listPath
}

// replaces reports whether p's Replaces names the installed package other
// (or a name other provides).
func replaces(p *pkginfo.Package, other string, r *applyRun) bool {
	names := []string{other}
	if o := r.installed(other); o != nil {
		for _, a := range o.Provides {
			names = append(names, a.Name)
		}
	}
	for _, a := range p.Replaces {
		for _, n := range names {
			if a.Name == n {
				return true
			}
		}
	}
	return false
}

// keepUserConffile decides a conffile that exists on disk: true keeps the
// user's file and puts the package's beside it as "-opkg". The user's file
// stays when it differs from the package's new one and from what was
// recorded at install (modified by the user, or not a conffile of ours at
// all), unless --force-maintainer.
func (r *applyRun) keepUserConffile(rn, conffile, newSum string, oldConf map[string]string, owners []string) bool {
	if r.e.opts.Force.Maintainer {
		return false
	}
	disk, err := r.hashFile(rn, sha256.New)
	if err != nil || disk == newSum {
		return false
	}
	recorded, ok := oldConf[conffile]
	for _, owner := range owners {
		if ok {
			break
		}
		if p := r.installed(owner); p != nil {
			for _, c := range p.Conffiles {
				if c.Path == conffile {
					recorded, ok = c.Hash, true
				}
			}
		}
	}
	if !ok || recorded == "" {
		return true
	}
	if len(recorded) <= 33 {
		disk, err = r.hashFile(rn, md5.New)
		if err != nil {
			return true
		}
	}
	return disk != recorded
}

func (r *applyRun) hashFile(rn string, h func() hash.Hash) (string, error) {
	f, err := r.rfs.Open(rn)
	if err != nil {
		return "", err
	}
	defer f.Close()
	sum := h()
	if _, err := io.Copy(sum, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(sum.Sum(nil)), nil
}

// conffileModified reports whether an installed conffile's file differs
// from its recorded hash.
func (r *applyRun) conffileModified(rn string, c pkginfo.Conffile) bool {
	if c.Hash == "" {
		return true
	}
	h := sha256.New
	if len(c.Hash) <= 33 {
		h = md5.New
	}
	sum, err := r.hashFile(rn, h)
	return err == nil && sum != c.Hash
}

// removeFiles removes an installed package's files, except those a new
// package takes and modified conffiles. obsolete: the package is being
// upgraded, only files its new version lacks go.
func (r *applyRun) removeFiles(ch *changes, p *statusdb.Package, claimed map[string]string, obsolete bool) error {
	files, err := r.w.installed.Files(r.e.sys.Files, p)
	if err != nil && !fsroot.IsNotExist(err) {
		return err
	}
	conf := map[string]pkginfo.Conffile{}
	for _, c := range p.Conffiles {
		conf[c.Path] = c
	}
	prefix := strings.TrimSuffix(r.e.underRoot(r.cfg, p.Dest.Root), "/")
	listPrefix := strings.TrimSuffix(r.listRoot(p.Dest), "/")
	for _, lp := range files {
		if lp == "" || claimed[lp] != "" {
			continue
		}
		rel := strings.TrimPrefix(lp, listPrefix)
		rn := strings.TrimPrefix(prefix+rel, "/")
		info, err := r.rfs.Lstat(rn)
		if err != nil || info.IsDir() {
			continue
		}
		if c, ok := conf[rel]; ok && r.conffileModified(rn, c) {
			if !obsolete {
				r.notice("Not deleting modified conffile %s.", r.shown(lp))
			}
			continue
		}
		if obsolete {
			r.notice("Removing obsolete file %s.", r.shown(lp))
		}
		ch.add(txn.Remove(rn).For(p.Name))
	}
	return nil
}

// owners maps every installed file (as .list files record it) to the
// packages that list it.
func (r *applyRun) owners() (map[string][]string, error) {
	owners := map[string][]string{}
	for _, p := range r.w.installed.Packages() {
		if !p.Installed() {
			continue
		}
		files, err := r.w.installed.Files(r.e.sys.Files, p)
		if err != nil {
			if fsroot.IsNotExist(err) {
				continue
			}
			return nil, err
		}
		for _, f := range files {
			if f != "" {
				owners[f] = append(owners[f], p.Name)
			}
		}
	}
	return owners, nil
}

// infoMembers lists the info/ files of an installed package: every
// "<name>.<member>" file, except those of another installed package whose
// name starts with "<name>." (libfoo and libfoo.so).
func (r *applyRun) infoMembers(p *statusdb.Package) []string {
	dir := r.rootName(p.Dest.InfoDir)
	entries, err := r.rfs.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		n := e.Name()
		if !strings.HasPrefix(n, p.Name+".") {
			continue
		}
		member := n[len(p.Name)+1:]
		other := false
		for i := 0; i < len(member); i++ {
			if member[i] == '.' {
				if q := r.installed(p.Name + "." + member[:i]); q != nil {
					other = true
				}
			}
		}
		if !other {
			out = append(out, dir+"/"+n)
		}
	}
	return out
}

// database writes the new status file of each dest the plan changes, the
// info files of new packages, and removes those of packages gone.
func (r *applyRun) database(ch *changes, taken map[string][]string) error {
	touched := map[string]bool{}
	newByName := map[string]*newPackage{}
	for _, np := range r.news {
		newByName[np.sp.info.Name] = np
		touched[np.dest.Name] = true
		np.configure = r.scriptsRun()
		np.status = r.statusOf(np)
		dir := r.rootName(np.dest.InfoDir)
		written := map[string]bool{}
		for _, f := range np.sp.ctl.Files {
			name := dir + "/" + np.sp.info.Name + "." + f.Name
			written[name] = true
			ch.add(txn.Database(name, f.Data).WithMode(f.Mode.Perm()).For(np.sp.info.Name))
		}
		list := dir + "/" + np.sp.info.Name + ".list"
		written[list] = true
		var b strings.Builder
		for _, lp := range np.list {
			b.WriteString(lp)
			b.WriteByte('\n')
		}
		ch.add(txn.Database(list, []byte(b.String())).For(np.sp.info.Name))
		if np.old != nil {
			for _, name := range r.infoMembers(np.old) {
				if !written[name] {
					ch.add(txn.RemoveDatabase(name).For(np.old.Name))
				}
			}
		}
	}
	gone := map[string]bool{}
	for _, p := range r.removed {
		gone[p.Name] = true
		touched[p.Dest.Name] = true
		for _, name := range r.infoMembers(p) {
			ch.add(txn.RemoveDatabase(name).For(p.Name))
		}
	}
	for owner, lps := range taken {
		p := r.installed(owner)
		if p == nil || gone[owner] {
			continue
		}
		files, err := r.w.installed.Files(r.e.sys.Files, p)
		if err != nil {
			return err
		}
		drop := map[string]bool{}
		for _, lp := range lps {
			drop[lp] = true
		}
		var b strings.Builder
		for _, f := range files {
			if f != "" && !drop[f] {
				b.WriteString(f)
				b.WriteByte('\n')
			}
		}
		ch.add(txn.Database(r.rootName(statusdb.ListFile(p)), []byte(b.String())).For(owner))
	}
	for _, d := range r.w.installed.Dests() {
		if !touched[d.Name] {
			continue
		}
		var pkgs []*pkginfo.Package
		placed := map[string]bool{}
		for _, p := range r.w.installed.Packages() {
			if p.Dest != d {
				continue
			}
			if np, ok := newByName[p.Name]; ok && np.dest == d {
				if !placed[p.Name] {
					pkgs = append(pkgs, np.status)
					placed[p.Name] = true
				}
				continue
			}
			if gone[p.Name] && p.Installed() {
				continue
			}
			pkgs = append(pkgs, p.Package)
		}
		for _, np := range r.news {
			if np.dest == d && !placed[np.sp.info.Name] {
				pkgs = append(pkgs, np.status)
				placed[np.sp.info.Name] = true
			}
		}
		ch.statuses[d.Name] = pkgs
		data, err := renderStatus(pkgs)
		if err != nil {
			return err
		}
		ch.add(txn.Database(r.rootName(d.StatusFile), data))
	}
	r.alternatives(ch, gone)
	return nil
}

// statusOf is a new package's status stanza: its control fields, opkg's
// status word, Installed-Time, Auto-Installed, and the Conffiles with the
// sha256 of the package's files (opkg-lede's form).
func (r *applyRun) statusOf(np *newPackage) *pkginfo.Package {
	p := *np.sp.info
	flags := pkginfo.FlagUser
	if np.step.Auto {
		flags = 0
	}
	if np.old != nil {
		keep := np.old.Status.Flags & (pkginfo.FlagHold | pkginfo.FlagNoPrune | pkginfo.FlagPrefer)
		flags |= keep
		if keep&pkginfo.FlagHold != 0 {
			flags &^= pkginfo.FlagUser
		}
	}
	state := pkginfo.StateInstalled
	if np.configure {
		state = pkginfo.StateUnpacked
	}
	p.Status = pkginfo.Status{Want: pkginfo.WantInstall, Flags: flags, State: state}
	p.AutoInstalled = np.step.Auto
	p.InstalledTime = r.now
	p.Conffiles = nil
	for _, c := range np.sp.conffiles() {
		p.Conffiles = append(p.Conffiles, pkginfo.Conffile{Path: c, Hash: np.sp.sums[strings.TrimPrefix(c, "/")]})
	}
	return &p
}

// renderStatus writes a status file: each package's status stanza and a
// blank line.
func renderStatus(pkgs []*pkginfo.Package) ([]byte, error) {
	var b strings.Builder
	w := control.NewWriter(&b)
	for _, p := range pkgs {
		if err := w.Write(p.StatusStanza()); err != nil {
			return nil, err
		}
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	return []byte(b.String()), nil
}

// alternatives points each Alternatives link the plan touches at the
// highest-priority provider left installed, or removes it when none is.
func (r *applyRun) alternatives(ch *changes, gone map[string]bool) {
	type best struct {
		prio   int
		target string
		found  bool
	}
	paths := map[string]*best{}
	touch := func(alts []pkginfo.Alternative) {
		for _, a := range alts {
			if paths[a.Path] == nil {
				paths[a.Path] = &best{}
			}
		}
	}
	for _, p := range r.removed {
		touch(p.Alternatives)
	}
	for _, np := range r.news {
		touch(np.sp.info.Alternatives)
		if np.old != nil {
			touch(np.old.Alternatives)
		}
	}
	if len(paths) == 0 {
		return
	}
	consider := func(alts []pkginfo.Alternative) {
		for _, a := range alts {
			if b := paths[a.Path]; b != nil && (!b.found || a.Priority > b.prio) {
				*b = best{prio: a.Priority, target: a.Target, found: true}
			}
		}
	}
	replaced := map[string]bool{}
	for _, np := range r.news {
		replaced[np.sp.info.Name] = true
		consider(np.sp.info.Alternatives)
	}
	for _, p := range r.w.installed.Packages() {
		if p.Installed() && !gone[p.Name] && !replaced[p.Name] {
			consider(p.Alternatives)
		}
	}
	keys := make([]string, 0, len(paths))
	for k := range paths {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, lp := range keys {
		b := paths[lp]
		rn := r.rootName(r.cfg.OfflineRoot + lp)
		cur, err := r.rfs.Readlink(rn)
		switch {
		case b.found && (err != nil || cur != b.target):
			ch.add(txn.Symlink(rn, b.target, -1, -1))
		case !b.found && err == nil:
			ch.add(txn.Remove(rn))
		}
	}
}
