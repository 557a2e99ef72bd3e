package txn

import (
	"errors"
	"fmt"
	"io"
	"path"
	"syscall"

	"pakt/internal/fsroot"
)

// Crash points, in the order a transaction reaches them. Each can be
// chosen with fsroot.CrashEnv; points reached more than once ("staged",
// "renamed", ...) take a count ("renamed:3").
const (
	CrashJournaled     = "journaled"      // plan journal durable, nothing staged
	CrashStaged        = "staged"         // after each staged file, link or directory
	CrashPrepared      = "prepared"       // everything staged and synced, no commit record
	CrashCommitted     = "committed"      // commit record durable: the commit point
	CrashRenamed       = "renamed"        // after each rename of the commit
	CrashStatusRenamed = "status-renamed" // database files in place
	CrashRenamesDone   = "renames-done"   // every rename done, backups still there
	CrashBackupRemoved = "backup-removed" // after each backup deleted
	CrashCleaned       = "cleaned"        // backups gone, journal still there
	CrashRecoverStep   = "recover-step"   // Recover: after each step redone or undone
)

// CrashPoints lists every crash point; tests run each.
func CrashPoints() []string {
	return []string{CrashJournaled, CrashStaged, CrashPrepared, CrashCommitted, CrashRenamed,
		CrashStatusRenamed, CrashRenamesDone, CrashBackupRemoved, CrashCleaned, CrashRecoverStep}
}

// StageError is a failure while preparing: nothing was committed and the
// tree is as it was.
type StageError struct {
	Name    string
	Package string
	Err     error
}

func (e *StageError) Error() string {
	s := "preparing " + e.Name
	if e.Package != "" {
		s += " (package " + e.Package + ")"
	}
	return s + ": " + e.Err.Error() + " (nothing changed)"
}
func (e *StageError) Unwrap() error { return e.Err }

// CommitError is a failure after the commit record: the changes made were
// undone and the tree is as it was.
type CommitError struct {
	Err error
}

func (e *CommitError) Error() string {
	return "committing: " + e.Err.Error() + " (changes undone)"
}
func (e *CommitError) Unwrap() error { return e.Err }

// UndoError is a failure while undoing a failed transaction: the journal
// stays and the next Recover finishes the work.
type UndoError struct {
	Cause error // why the transaction was being undone
	Err   error
}

func (e *UndoError) Error() string {
	return fmt.Sprintf("%v; undoing it failed too: %v (run recover)", e.Cause, e.Err)
}
func (e *UndoError) Unwrap() error { return e.Err }

// CleanupError is a failure after the transaction was applied: only
// backups or the journal are left, and Recover removes them.
type CleanupError struct {
	Err error
}

func (e *CleanupError) Error() string {
	return "cleaning up after a completed transaction: " + e.Err.Error() + " (run recover)"
}
func (e *CleanupError) Unwrap() error { return e.Err }

// SizeError is file data that is not as long as declared.
type SizeError struct {
	Name     string
	Declared int64
	Got      int64
}

func (e *SizeError) Error() string {
	return fmt.Sprintf("%s: %d bytes of data, declared %d", e.Name, e.Got, e.Declared)
}

// Prepare writes the journal's plan, creates the new directories and
// stages every new file and link beside its destination, all durable. On
// error the staged files are removed again and the tree is as it was.
func (t *Transaction) Prepare() error {
	if t.prepared {
		return nil
	}
	fail := func(name, pkg string, err error) error {
		serr := &StageError{Name: name, Package: pkg, Err: err}
		if uerr := t.undo(false); uerr != nil {
			return &UndoError{Cause: serr, Err: uerr}
		}
		return serr
	}
	if err := t.writePlan(); err != nil {
		// The plan is written beside its final name: a failure leaves at
		// most the temporary, which Recover deletes.
		t.root.Remove(t.jf.temp)
		t.root.Remove(t.jf.path)
		return &StageError{Name: JournalPath, Err: err}
	}
	t.crash(CrashJournaled)
	for i, s := range t.steps {
		o := Op{uid: -1, gid: -1}
		if t.stepOp[i] >= 0 {
			o = t.ops[t.stepOp[i]]
		}
		if err := t.stage(s, o); err != nil {
			return fail(o.name, o.pkg, err)
		}
		if s.kind == "dir" || s.kind == "put" {
			t.crash(CrashStaged)
		}
	}
	// Only directories that received a staged file or a new directory
	// changed; a removal stages nothing.
	var staged []step
	for _, s := range t.steps {
		if s.kind == "dir" || s.kind == "put" {
			staged = append(staged, s)
		}
	}
	for _, d := range stepDirs(staged) {
		if err := t.root.SyncDir(d); err != nil {
			return fail(d, "", err)
		}
	}
	t.prepared = true
	t.crash(CrashPrepared)
	return nil
}

// writePlan makes the journal's plan durable under its final name.
func (t *Transaction) writePlan() error {
	if err := t.root.MkdirAll(t.jf.dir, 0o755); err != nil {
		return err
	}
	// The journal's directory may be new (a first transaction): its entry
	// must be durable too, or a power cut could take the journal with it.
	if err := t.root.SyncDir(path.Dir(t.jf.dir)); err != nil {
		return err
	}
	if err := t.root.Remove(t.jf.temp); err != nil && !fsroot.IsNotExist(err) {
		return err
	}
	f, err := t.root.Create(t.jf.temp, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.Write(t.plan); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := t.root.Rename(t.jf.temp, t.jf.path); err != nil {
		return err
	}
	return t.root.SyncDir(t.jf.dir)
}

// stage creates a step's new directory or staged file.
func (t *Transaction) stage(s step, o Op) error {
	switch s.kind {
	case "dir":
		if err := t.root.Mkdir(s.dest, s.mode); err != nil {
			return err
		}
		return t.chown(s.dest, o)
	case "mkdir", "del":
		return nil
	}
	if o.kind == opSymlink {
		if err := t.root.Symlink(o.target, s.temp); err != nil {
			return err
		}
		return t.chown(s.temp, o)
	}
	f, err := t.root.Create(s.temp, o.mode)
	if err != nil {
		return err
	}
	if t.buf == nil {
		t.buf = make([]byte, 64<<10)
	}
	n, err := io.CopyBuffer(f, io.LimitReader(o.data, o.size+1), t.buf)
	if err == nil && n != o.size {
		err = &SizeError{Name: o.name, Declared: o.size, Got: n}
	}
	if err == nil && (o.uid >= 0 || o.gid >= 0) {
		err = f.Chown(o.uid, o.gid)
	}
	if err == nil {
		err = f.Chmod(o.mode)
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

func (t *Transaction) chown(name string, o Op) error {
	if o.uid < 0 && o.gid < 0 {
		return nil
	}
	return t.root.Lchown(name, o.uid, o.gid)
}

// stepDirs lists the parent directories of steps, once each, so they can
// be synced.
func stepDirs(steps []step) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range steps {
		d := path.Dir(s.dest)
		if !seen[d] {
			seen[d] = true
			out = append(out, d)
		}
	}
	return out
}

// Commit appends the commit record and puts every change in place, the
// database last. A failure after the record undoes what was done, so the
// tree is as it was (a *CommitError).
func (t *Transaction) Commit() error {
	if !t.prepared {
		if err := t.Prepare(); err != nil {
			return err
		}
	}
	if err := t.writeCommit(); err != nil {
		cerr := &CommitError{Err: err}
		if uerr := t.undo(true); uerr != nil {
			return &UndoError{Cause: cerr, Err: uerr}
		}
		return cerr
	}
	t.crash(CrashCommitted)
	database := false
	for i, s := range t.steps {
		if s.kind == "dir" {
			continue
		}
		if err := forward(t.root, s); err != nil {
			cerr := &CommitError{Err: err}
			if uerr := t.undo(true); uerr != nil {
				return &UndoError{Cause: cerr, Err: uerr}
			}
			return cerr
		}
		t.crash(CrashRenamed)
		if o := t.stepOp[i]; o >= 0 && t.ops[o].database {
			database = true
		}
	}
	if database {
		t.crash(CrashStatusRenamed)
	}
	// The renames are made durable by cleanup, in one sync per directory,
	// before the journal goes: until then a crash rolls forward, and
	// rolling forward converges from any subset of them (each step is
	// redone only if its source is still there).
	t.committed = true
	t.crash(CrashRenamesDone)
	return nil
}

// writeCommit appends the commit record and makes it durable: the commit
// point.
func (t *Transaction) writeCommit() error {
	f, err := t.root.OpenAppend(t.jf.path)
	if err != nil {
		return err
	}
	if _, err := f.Write(commitRecord(t.plan)); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// Cleanup deletes the old versions and the journal.
func (t *Transaction) Cleanup() error {
	if err := cleanup(t.root, t.jf, t.steps, t.opt.Crash); err != nil {
		return &CleanupError{Err: err}
	}
	return nil
}

// undo puts the tree back as it was before the transaction. After the
// commit record (committed) it first cuts the journal back to its plan,
// durably, so a crash while undoing is rolled back too, not forward.
func (t *Transaction) undo(committed bool) error {
	if committed {
		f, err := t.root.OpenAppend(t.jf.path)
		if err != nil {
			return err
		}
		err = f.Truncate(int64(len(t.plan)))
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return rollBack(t.root, t.jf, t.steps, nil)
}

// lexists says whether name exists (a dangling link does).
func lexists(root fsroot.FS, name string) (bool, error) {
	_, err := root.Lstat(name)
	if err == nil {
		return true, nil
	}
	if fsroot.IsNotExist(err) {
		return false, nil
	}
	return false, err
}

// forward does one step of the commit, idempotently: a step whose staged
// file is gone is done.
func forward(root fsroot.FS, s step) error {
	switch s.kind {
	case "dir", "mkdir":
		ok, err := lexists(root, s.dest)
		if err != nil || ok {
			return err
		}
		if err := root.Mkdir(s.dest, s.mode); err != nil {
			return err
		}
		if s.uid >= 0 || s.gid >= 0 {
			return root.Lchown(s.dest, s.uid, s.gid)
		}
		return nil
	case "del":
		destOK, err := lexists(root, s.dest)
		if err != nil || !destOK {
			return err
		}
		backupOK, err := lexists(root, s.backup)
		if err != nil || backupOK {
			return err
		}
		return root.Rename(s.dest, s.backup)
	}
	tempOK, err := lexists(root, s.temp)
	if err != nil || !tempOK {
		return err
	}
	if s.backup != "" {
		backupOK, err := lexists(root, s.backup)
		if err != nil {
			return err
		}
		destOK, err := lexists(root, s.dest)
		if err != nil {
			return err
		}
		if !backupOK && destOK {
			if err := root.Rename(s.dest, s.backup); err != nil {
				return err
			}
		}
	}
	return root.Rename(s.temp, s.dest)
}

// undoStep reverses one step, idempotently; directories are removed by
// rollBack after every file.
func undoStep(root fsroot.FS, s step) error {
	if s.kind == "dir" || s.kind == "mkdir" {
		return nil
	}
	if s.kind == "del" {
		backupOK, err := lexists(root, s.backup)
		if err != nil || !backupOK {
			return err
		}
		return root.Rename(s.backup, s.dest)
	}
	tempOK, err := lexists(root, s.temp)
	if err != nil {
		return err
	}
	backupOK := false
	if s.backup != "" {
		if backupOK, err = lexists(root, s.backup); err != nil {
			return err
		}
	}
	destOK, err := lexists(root, s.dest)
	if err != nil {
		return err
	}
	// Done (the new version is at dest): put it back where it was staged.
	if !tempOK && destOK && (s.backup == "" || backupOK) {
		if err := root.Rename(s.dest, s.temp); err != nil {
			return err
		}
	}
	if backupOK {
		if err := root.Rename(s.backup, s.dest); err != nil {
			return err
		}
	}
	if err := root.Remove(s.temp); err != nil && !fsroot.IsNotExist(err) {
		return err
	}
	return nil
}

// rollBack undoes every step, last first, removes the directories the
// transaction created (when empty) and then the journal.
func rollBack(root fsroot.FS, jf journalFile, steps []step, crash *fsroot.Crasher) error {
	for i := len(steps) - 1; i >= 0; i-- {
		if err := undoStep(root, steps[i]); err != nil {
			return err
		}
		if steps[i].kind != "dir" {
			crash.At(CrashRecoverStep)
		}
	}
	for i := len(steps) - 1; i >= 0; i-- {
		s := steps[i]
		if s.kind != "dir" && s.kind != "mkdir" {
			continue
		}
		err := root.Remove(s.dest)
		if err != nil && !fsroot.IsNotExist(err) && !errors.Is(err, syscall.ENOTEMPTY) && !errors.Is(err, syscall.EEXIST) {
			return err
		}
	}
	for _, d := range stepDirs(steps) {
		if err := syncExisting(root, d); err != nil {
			return err
		}
	}
	return removeJournal(root, jf)
}

// rollForward redoes every step and cleans up.
func rollForward(root fsroot.FS, jf journalFile, steps []step, crash *fsroot.Crasher) error {
	for _, s := range steps {
		if err := forward(root, s); err != nil {
			return err
		}
		if s.kind != "dir" {
			crash.At(CrashRecoverStep)
		}
	}
	// cleanup makes the renames durable before the journal goes.
	return cleanup(root, jf, steps, crash)
}

// cleanup deletes the backups, makes the commit's renames and the
// deletions durable (one sync of every directory the commit touched),
// then deletes the journal: neither a backup nor an undone rename can
// outlive the record that names it.
func cleanup(root fsroot.FS, jf journalFile, steps []step, crash *fsroot.Crasher) error {
	for _, s := range steps {
		if s.backup == "" {
			continue
		}
		if err := root.Remove(s.backup); err != nil && !fsroot.IsNotExist(err) {
			return err
		}
		crash.At(CrashBackupRemoved)
	}
	// New directories' parents were synced when they were made (prepare);
	// every other step renamed or removed something.
	var touched []step
	for _, s := range steps {
		if s.kind != "dir" {
			touched = append(touched, s)
		}
	}
	for _, d := range stepDirs(touched) {
		if err := syncExisting(root, d); err != nil {
			return err
		}
	}
	crash.At(CrashCleaned)
	return removeJournal(root, jf)
}

func removeJournal(root fsroot.FS, jf journalFile) error {
	if err := root.Remove(jf.path); err != nil && !fsroot.IsNotExist(err) {
		return err
	}
	return syncExisting(root, jf.dir)
}

// syncExisting syncs a directory that a roll back may have removed.
func syncExisting(root fsroot.FS, dir string) error {
	err := root.SyncDir(dir)
	if err != nil && fsroot.IsNotExist(err) {
		return nil
	}
	return err
}
