package txn

import (
	"fmt"
	"io"
	"path"
	"strings"

	"pakt/internal/fsroot"
)

// Action is what Recover did.
type Action int

const (
	Nothing       Action = iota // no journal
	RolledBack                  // the transaction had not committed: the old tree is back
	RolledForward               // it had: the new tree is complete
)

func (a Action) String() string {
	switch a {
	case RolledBack:
		return "rolled back"
	case RolledForward:
		return "rolled forward"
	}
	return "nothing to recover"
}

// Report says what Recover found and did.
type Report struct {
	Action Action
	TxID   string
	Steps  int  // steps in the journal that could be read
	Intact bool // the journal was whole (a crash, not damage)
}

// AmbiguousError is a journal damaged before its commit record while the
// tree shows a commit half-way: neither direction can be proved right, so
// Recover changes nothing.
type AmbiguousError struct {
	Journal string   // the journal, as the OS spells it
	Line    int      // first line that could not be read
	TxID    string   // "" when even the first line is damaged
	Found   []string // staged and backup files of the transaction still in the tree
}

func (e *AmbiguousError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "journal %s is damaged at line %d, before its commit record, and the tree is half-way through the transaction", e.Journal, e.Line)
	if len(e.Found) > 0 {
		fmt.Fprintf(&b, " (%d staged or backup files, e.g. %s)", len(e.Found), e.Found[0])
	}
	b.WriteString("; nothing was changed. Way out: each \"-old\" file is the previous version of the file named without its .pakt- prefix and each other .pakt- file a new one; " +
		"move back or delete them by hand, then delete the journal")
	return b.String()
}

// JournalError is a journal that could not be read at all.
type JournalError struct {
	Path string
	Err  error
}

func (e *JournalError) Error() string { return "reading journal " + e.Path + ": " + e.Err.Error() }
func (e *JournalError) Unwrap() error { return e.Err }

// Recover finishes or undoes an interrupted transaction: no journal,
// nothing to do; a committed journal is rolled forward; one without a
// commit record is rolled back. Both are idempotent, so a crash during
// Recover is recovered by the next call. A damaged journal never makes
// things worse: it is rolled back when the tree shows the commit had not
// started, forward when the whole plan is readable and it had, and
// otherwise Recover refuses with an *AmbiguousError, changing nothing.
// Call it under the lock.
func Recover(root fsroot.FS, crash *fsroot.Crasher) (Report, error) {
	jf, err := locateJournal(root)
	if err != nil {
		return Report{}, &JournalError{Path: JournalPath, Err: err}
	}
	// A journal.new is a plan interrupted while being written: never
	// acted on. Looked at first so that the usual case writes nothing.
	if _, err := root.Lstat(jf.temp); err == nil {
		if err := root.Remove(jf.temp); err != nil && !fsroot.IsNotExist(err) {
			return Report{}, &JournalError{Path: jf.temp, Err: err}
		}
	}
	data, err := readJournal(root, jf)
	if fsroot.IsNotExist(err) {
		return Report{}, nil
	}
	if err != nil {
		return Report{}, &JournalError{Path: JournalPath, Err: err}
	}
	j := parseJournal(data)
	rep := Report{TxID: j.txid, Steps: len(j.steps), Intact: j.planned && (j.committed || j.planLen == len(data))}
	if j.committed {
		rep.Action = RolledForward
		return rep, rollForward(root, jf, j.steps, crash)
	}
	started, err := commitStarted(root, j.steps)
	if err != nil {
		return rep, err
	}
	if j.planned {
		if started {
			rep.Action = RolledForward
			return rep, rollForward(root, jf, j.steps, crash)
		}
		rep.Action = RolledBack
		return rep, rollBack(root, jf, j.steps, crash)
	}
	// Damaged before the end of the plan: the steps after the damage are
	// unknown, so look for the transaction's files in the whole tree.
	found, err := findOurs(root, j.txid)
	if err != nil {
		return rep, err
	}
	known := map[string]bool{}
	renames := 0
	for _, s := range j.steps {
		if s.kind != "dir" {
			renames++
		}
		known[s.temp] = true
	}
	var staged, backups []string
	for _, name := range found {
		if _, backup := isOurs(path.Base(name), j.txid); backup {
			backups = append(backups, name)
		} else {
			staged = append(staged, name)
		}
	}
	refuse := &AmbiguousError{Journal: JournalPath, Line: j.badLine, TxID: j.txid, Found: found}
	if started {
		// Renames are done in journal order and one was: the commit record
		// was written. Forward is provable only if nothing unknown is
		// still staged: then every rename was done and only backups remain.
		for _, name := range staged {
			if !known[name] {
				return rep, refuse
			}
		}
		if err := rollForwardKnown(root, jf, j.steps, backups, crash); err != nil {
			return rep, err
		}
		rep.Action = RolledForward
		return rep, nil
	}
	if len(backups) > 0 || (renames == 0 && len(staged) > 0) {
		return rep, refuse
	}
	// The first rename was not done, so none was: delete what was staged.
	for _, name := range staged {
		if err := root.Remove(name); err != nil && !fsroot.IsNotExist(err) {
			return rep, err
		}
	}
	rep.Action = RolledBack
	return rep, rollBack(root, jf, j.steps, crash)
}

func readJournal(root fsroot.FS, jf journalFile) ([]byte, error) {
	f, err := root.Open(jf.path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxJournal))
}

// commitStarted says whether any rename of the commit has been done.
// Renames follow the journal's order, so only the first rename step needs
// checking in a whole journal; a damaged one is checked step by step.
func commitStarted(root fsroot.FS, steps []step) (bool, error) {
	for _, s := range steps {
		done, err := stepDone(root, s)
		if err != nil || done {
			return done, err
		}
	}
	return false, nil
}

// stepDone says whether a rename step shows it was done: an old version
// moved to its backup, a removed file gone, or a new file (which had no
// old version) at its destination with its staged copy gone.
func stepDone(root fsroot.FS, s step) (bool, error) {
	switch s.kind {
	case "del":
		backupOK, err := lexists(root, s.backup)
		if err != nil || backupOK {
			return backupOK, err
		}
		destOK, err := lexists(root, s.dest)
		return !destOK, err
	case "mkdir":
		return lexists(root, s.dest)
	case "put":
		if s.backup != "" {
			return lexists(root, s.backup)
		}
		tempOK, err := lexists(root, s.temp)
		if err != nil || tempOK {
			return false, err
		}
		return lexists(root, s.dest)
	}
	return false, nil
}

// rollForwardKnown finishes a transaction whose journal is damaged but
// whose renames are all done: the known steps are redone (a no-op but for
// safety) and every backup left is deleted.
func rollForwardKnown(root fsroot.FS, jf journalFile, steps []step, backups []string, crash *fsroot.Crasher) error {
	for _, s := range steps {
		if err := forward(root, s); err != nil {
			return err
		}
	}
	for _, name := range backups {
		if err := root.Remove(name); err != nil && !fsroot.IsNotExist(err) {
			return err
		}
	}
	return cleanup(root, jf, steps, crash)
}

// findOurs walks the root's filesystem for staged and backup files of
// transaction txid ("" for any), without following links or crossing into
// other filesystems (/proc, /sys, tmpfs).
func findOurs(root fsroot.FS, txid string) ([]string, error) {
	top, err := root.Lstat(".")
	if err != nil {
		return nil, err
	}
	dev := fsroot.Device(top)
	var found []string
	var walk func(dir string) error
	walk = func(dir string) error {
		entries, err := root.ReadDir(dir)
		if err != nil {
			return err
		}
		for _, e := range entries {
			name := path.Join(dir, e.Name())
			if ours, _ := isOurs(e.Name(), txid); ours {
				found = append(found, name)
				continue
			}
			if !e.IsDir() {
				continue
			}
			info, err := e.Info()
			if err != nil {
				continue
			}
			if fsroot.Device(info) != dev {
				continue
			}
			if err := walk(name); err != nil {
				return err
			}
		}
		return nil
	}
	return found, walk(".")
}
