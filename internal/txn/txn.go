package txn

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"

	"pakt/internal/fsroot"
)

// opKind is what an Op does.
type opKind int

const (
	opFile opKind = iota
	opSymlink
	opDir
	opRemove
)

// Op is one change to the tree. Build it with File, Symlink, Dir, Remove,
// Database or RemoveDatabase; For names the package it belongs to, for
// messages.
type Op struct {
	kind     opKind
	name     string
	mode     fs.FileMode
	uid, gid int // -1: leave as created
	size     int64
	data     io.Reader
	target   string
	pkg      string
	database bool
}

// File installs name with mode and owner, size bytes read from data (read
// once, while preparing).
func File(name string, mode fs.FileMode, uid, gid int, size int64, data io.Reader) Op {
	return Op{kind: opFile, name: name, mode: mode, uid: uid, gid: gid, size: size, data: data}
}

// Symlink installs name as a symbolic link to target.
func Symlink(name, target string, uid, gid int) Op {
	return Op{kind: opSymlink, name: name, target: target, uid: uid, gid: gid}
}

// Dir creates directory name if it does not exist.
func Dir(name string, mode fs.FileMode, uid, gid int) Op {
	return Op{kind: opDir, name: name, mode: mode, uid: uid, gid: gid}
}

// Remove deletes file or link name if it exists.
func Remove(name string) Op { return Op{kind: opRemove, name: name} }

// Database replaces a database file (status, info/<pkg>.*) with data,
// rendered by the caller. Database changes are put in place after every
// other change, so the database never describes files that are not there.
func Database(name string, data []byte) Op {
	return Op{kind: opFile, name: name, mode: 0o644, uid: -1, gid: -1, size: int64(len(data)),
		data: bytes.NewReader(data), database: true}
}

// RemoveDatabase deletes a database file (info/<pkg>.*), last, like
// Database.
func RemoveDatabase(name string) Op {
	return Op{kind: opRemove, name: name, database: true}
}

// For names the package the change belongs to.
func (o Op) For(pkg string) Op { o.pkg = pkg; return o }

// WithMode sets the permission bits of a File or Database op (maintainer
// scripts in info/ are executable).
func (o Op) WithMode(mode fs.FileMode) Op { o.mode = mode; return o }

// Name is the op's path under the root, as given.
func (o Op) Name() string { return o.name }

// Options are a transaction's settings.
type Options struct {
	// TxID names the transaction's staged files; empty picks a random one.
	// Sixteen lowercase hex digits.
	TxID string
	// Crash kills the process at a crash point (tests); nil never does.
	Crash *fsroot.Crasher
	// Margin is kept free on every filesystem; 0 means DefaultMargin.
	Margin int64
	// ForceSpace skips the space check (--force-space).
	ForceSpace bool
}

// DefaultMargin is left free on each filesystem beyond what the
// transaction needs: a full JFFS2 or UBIFS overlay misbehaves well before
// it reports zero bytes.
const DefaultMargin = 256 << 10

// Transaction is a set of changes applied all or not at all.
type Transaction struct {
	root  fsroot.FS
	opt   Options
	txid  string
	ops   []Op
	steps []step
	// stepOp is the Op behind each put step (index into ops).
	stepOp []int
	plan   []byte
	buf    []byte
	jf     journalFile
	// prepared and committed say how far the transaction got.
	prepared, committed bool
}

// PlanError is an Op that cannot be applied to the tree as it is.
type PlanError struct {
	Name    string
	Package string
	Reason  string
	Err     error
}

func (e *PlanError) Error() string {
	s := "cannot change " + e.Name
	if e.Package != "" {
		s += " (package " + e.Package + ")"
	}
	s += ": " + e.Reason
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}
func (e *PlanError) Unwrap() error { return e.Err }

// ErrPending is the cause of a PlanError when a journal is already there:
// Recover first.
var ErrPending = errors.New("an interrupted transaction must be recovered first")

// New plans ops against the tree as it is now: names are resolved, the
// directories to create and the old files to keep are found, and the
// journal is laid out. Nothing is written.
func New(root fsroot.FS, ops []Op, opt Options) (*Transaction, error) {
	t := &Transaction{root: root, opt: opt, txid: opt.TxID, ops: ops}
	if t.txid == "" {
		var b [8]byte
		rand.Read(b[:])
		t.txid = hex.EncodeToString(b[:])
	}
	if !validTxID(t.txid) {
		return nil, &PlanError{Name: JournalPath, Reason: fmt.Sprintf("transaction id %q is not 16 hex digits", t.txid)}
	}
	jf, err := locateJournal(root)
	if err != nil {
		return nil, &PlanError{Name: JournalPath, Reason: "resolve", Err: err}
	}
	t.jf = jf
	if _, err := root.Lstat(jf.path); err == nil {
		return nil, &PlanError{Name: JournalPath, Reason: "journal present", Err: ErrPending}
	}
	var dirs []step
	dirSeen := map[string]bool{}
	var files, database []step
	var filesOp, databaseOp []int
	seen := map[string]bool{}
	var dirOps []int
	dirOpOf := map[string]int{}
	addDir := func(name string, mode fs.FileMode) {
		if !dirSeen[name] {
			dirSeen[name] = true
			dirs = append(dirs, step{kind: "dir", mode: mode | fs.ModeDir, dest: name})
		}
	}
	// missingParents plans the directories above dest that do not exist.
	missingParents := func(dest string, o Op) error {
		var missing []string
		for d := path.Dir(dest); d != "." && d != "/"; d = path.Dir(d) {
			if dirSeen[d] {
				break
			}
			info, err := root.Lstat(d)
			if err == nil {
				if !info.IsDir() {
					return &PlanError{Name: o.name, Package: o.pkg, Reason: d + " is not a directory"}
				}
				break
			}
			if !fsroot.IsNotExist(err) {
				return &PlanError{Name: o.name, Package: o.pkg, Reason: "stat", Err: err}
			}
			missing = append(missing, d)
		}
		for i := len(missing) - 1; i >= 0; i-- {
			addDir(missing[i], 0o755)
		}
		return nil
	}
	// Prepare creates the journal's directory first, outside the journal:
	// it is pakt's own and stays.
	for d := jf.dir; d != "." && d != "/"; d = path.Dir(d) {
		dirSeen[d] = true
	}
	for i, o := range ops {
		dest, err := root.Resolve(o.name)
		if err != nil {
			return nil, &PlanError{Name: o.name, Package: o.pkg, Reason: "resolve", Err: err}
		}
		if dest == "." || !validName(dest) {
			return nil, &PlanError{Name: o.name, Package: o.pkg, Reason: "not a name under the root"}
		}
		if seen[dest] {
			return nil, &PlanError{Name: o.name, Package: o.pkg, Reason: "changed twice in one transaction"}
		}
		seen[dest] = true
		if err := missingParents(dest, o); err != nil {
			return nil, err
		}
		info, err := root.Lstat(dest)
		exists := err == nil
		if err != nil && !fsroot.IsNotExist(err) {
			return nil, &PlanError{Name: o.name, Package: o.pkg, Reason: "stat", Err: err}
		}
		if exists && info.IsDir() && o.kind != opDir {
			return nil, &PlanError{Name: o.name, Package: o.pkg, Reason: "is a directory"}
		}
		switch o.kind {
		case opDir:
			if exists && !info.IsDir() {
				return nil, &PlanError{Name: o.name, Package: o.pkg, Reason: "exists and is not a directory"}
			}
			if !exists {
				dirOps = append(dirOps, i)
				dirOpOf[dest] = i
			}
			continue
		case opRemove:
			if !exists {
				continue
			}
			s := step{kind: "del", dest: dest, backup: backupName(t.txid, dest)}
			if o.database {
				database, databaseOp = append(database, s), append(databaseOp, i)
			} else {
				files, filesOp = append(files, s), append(filesOp, i)
			}
			continue
		case opFile:
			if o.size < 0 {
				return nil, &PlanError{Name: o.name, Package: o.pkg, Reason: fmt.Sprintf("negative size %d", o.size)}
			}
		}
		s := step{kind: "put", dest: dest, temp: stagedName(t.txid, dest)}
		if exists {
			s.backup = backupName(t.txid, dest)
		}
		if o.database {
			database, databaseOp = append(database, s), append(databaseOp, i)
		} else {
			files, filesOp = append(files, s), append(filesOp, i)
		}
	}
	// A directory a staged file goes in is created while preparing; one
	// that only a Dir op asks for is created after the commit point, like
	// every other change, so that a new directory present in the tree
	// always proves the commit happened (Recover relies on it).
	var mkdirs []step
	mkdirSeen := map[string]bool{}
	for _, i := range dirOps {
		o := ops[i]
		dest, _ := root.Resolve(o.name)
		if dirSeen[dest] {
			continue
		}
		var missing []string
		for d := dest; d != "." && d != "/"; d = path.Dir(d) {
			if dirSeen[d] || mkdirSeen[d] {
				break
			}
			if _, err := root.Lstat(d); err == nil {
				break
			}
			missing = append(missing, d)
		}
		for _, d := range missing {
			mkdirSeen[d] = true
			s := step{kind: "mkdir", mode: 0o755 | fs.ModeDir, uid: -1, gid: -1, dest: d}
			if d == dest {
				s.mode, s.uid, s.gid = dirMode(o.mode), o.uid, o.gid
			}
			mkdirs = append(mkdirs, s)
		}
	}
	// Parents before children, whatever order the ops came in.
	sort.SliceStable(dirs, func(a, b int) bool { return dirs[a].dest < dirs[b].dest })
	sort.SliceStable(mkdirs, func(a, b int) bool { return mkdirs[a].dest < mkdirs[b].dest })
	t.steps = append(append(append(dirs, mkdirs...), files...), database...)
	for _, d := range dirs {
		i, ok := dirOpOf[d.dest]
		if !ok {
			i = -1
		}
		t.stepOp = append(t.stepOp, i)
	}
	for i := range dirs {
		if o := t.stepOp[i]; o >= 0 {
			t.steps[i].mode = dirMode(ops[o].mode)
		}
	}
	for range mkdirs {
		t.stepOp = append(t.stepOp, -1)
	}
	t.stepOp = append(append(t.stepOp, filesOp...), databaseOp...)
	t.plan = encodePlan(t.txid, t.steps)
	return t, nil
}

// dirMode keeps what a directory's mode may carry.
func dirMode(m fs.FileMode) fs.FileMode {
	return fs.ModeDir | m.Perm() | m&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky)
}

// TxID is the transaction's id, in the names of its staged files.
func (t *Transaction) TxID() string { return t.txid }

// crash is a crash point.
func (t *Transaction) crash(point string) { t.opt.Crash.At(point) }

// SpaceError is a filesystem without room for the transaction. The text
// is opkg-lede's (libopkg/opkg_install.c, verify_pkg_installable).
type SpaceError struct {
	Dir       string // a directory on the filesystem
	Package   string // the package whose files went over
	Available int64  // bytes free, less the margin
	Needed    int64  // bytes the transaction puts on that filesystem
}

func (e *SpaceError) Error() string {
	pkg := e.Package
	if pkg == "" {
		pkg = "database"
	}
	avail := max(e.Available, 0)
	return fmt.Sprintf("verify_pkg_installable: Only have %dkb available on filesystem %s, pkg %s needs %d",
		avail/1024, e.Dir, pkg, (e.Needed+1023)/1024)
}

// Need is the space a transaction takes on one filesystem until cleanup:
// every new file in whole blocks (the old versions stay until then, as
// backups), a block per new directory, and the journal.
type Need struct {
	Dir       string
	Device    uint64
	Available int64
	Bytes     int64
	Package   string // the package that took the most
}

// Needs measures, per filesystem, what the transaction will take and what
// is free there.
func (t *Transaction) Needs() ([]Need, error) {
	var needs []Need
	index := map[uint64]int{}
	perPkg := map[uint64]map[string]int64{}
	spaces := map[string]fsroot.Space{} // by directory: one statfs each
	add := func(name string, bytes int64, pkg string) error {
		sp, ok := spaces[path.Dir(name)]
		if !ok {
			var err error
			if sp, err = t.root.Space(name); err != nil {
				return err
			}
			spaces[path.Dir(name)] = sp
		}
		i, ok := index[sp.Device]
		if !ok {
			i = len(needs)
			index[sp.Device] = i
			needs = append(needs, Need{Dir: sp.Dir, Device: sp.Device, Available: sp.Available})
			perPkg[sp.Device] = map[string]int64{}
		}
		blocks := (bytes + sp.BlockSize - 1) / sp.BlockSize * sp.BlockSize
		needs[i].Bytes += blocks
		perPkg[sp.Device][pkg] += blocks
		if pkg != "" && perPkg[sp.Device][pkg] >= perPkg[sp.Device][needs[i].Package] {
			needs[i].Package = pkg
		}
		return nil
	}
	for i, s := range t.steps {
		var bytes int64
		pkg := ""
		if o := t.stepOp[i]; o >= 0 {
			bytes = t.ops[o].size
			pkg = t.ops[o].pkg
		}
		switch s.kind {
		case "dir", "mkdir":
			bytes = 1
		case "del":
			continue
		}
		if err := add(s.dest, bytes, pkg); err != nil {
			return nil, err
		}
	}
	if err := add(t.jf.path, int64(len(t.plan)+len(commitRecord(t.plan))), ""); err != nil {
		return nil, err
	}
	return needs, nil
}

// Check refuses a transaction that does not fit, before anything is
// written: a *SpaceError for the first filesystem short of room.
func (t *Transaction) Check() error {
	if t.opt.ForceSpace {
		return nil
	}
	needs, err := t.Needs()
	if err != nil {
		return err
	}
	margin := t.opt.Margin
	if margin == 0 {
		margin = DefaultMargin
	}
	for _, n := range needs {
		if n.Bytes > n.Available-margin {
			return &SpaceError{Dir: n.Dir, Package: n.Package, Available: n.Available - margin, Needed: n.Bytes}
		}
	}
	return nil
}

// Run applies the transaction: Check, Prepare, Commit, Cleanup. On an
// error before the commit point, and on one while committing, the tree is
// as it was. A *CleanupError means the transaction is applied and only
// its leftovers remain (Recover removes them).
func (t *Transaction) Run() error {
	if err := t.Check(); err != nil {
		return err
	}
	if err := t.Prepare(); err != nil {
		return err
	}
	if err := t.Commit(); err != nil {
		return err
	}
	return t.Cleanup()
}
