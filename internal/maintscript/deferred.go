package maintscript

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
)

// Deferred is the OPKG_INTERCEPT_DIR of one configure pass: a fresh
// directory into which OpenWrt's intercept scripts drop the commands they
// stand in for (lede's opkg_prep_intercepts makes it as
// <tmp_dir>/opkg-intercept-XXXXXX).
type Deferred struct {
	dir string
}

// DeferredError is an intercept directory that could not be made, read or
// removed.
type DeferredError struct {
	Op  string // "create", "read", "remove"
	Dir string
	Err error
}

func (e *DeferredError) Error() string {
	return fmt.Sprintf("%s intercept dir %s: %v", e.Op, e.Dir, e.Err)
}

func (e *DeferredError) Unwrap() error { return e.Err }

// NewDeferred makes a fresh intercept directory under tempDir ("" means
// os.TempDir()).
func NewDeferred(tempDir string) (*Deferred, error) {
	if tempDir == "" {
		tempDir = os.TempDir()
	}
	dir, err := os.MkdirTemp(tempDir, "opkg-intercept-")
	if err != nil {
		return nil, &DeferredError{Op: "create", Dir: tempDir, Err: errCause(err)}
	}
	return &Deferred{dir: dir}, nil
}

// Dir is the directory, as the OS spells it.
func (d *Deferred) Dir() string { return d.dir }

// Commands lists the deferred commands, as lede's finalize picks them:
// names not starting with '.', files the process may execute; sorted by
// name (lede takes readdir's order, which no one can rely on).
func (d *Deferred) Commands() ([]string, error) {
	entries, err := os.ReadDir(d.dir)
	if err != nil {
		return nil, &DeferredError{Op: "read", Dir: d.dir, Err: errCause(err)}
	}
	var cmds []string
	for _, e := range entries {
		if e.Name()[0] == '.' {
			continue
		}
		file := filepath.Join(d.dir, e.Name())
		if executable(file) {
			cmds = append(cmds, file)
		}
	}
	sort.Strings(cmds)
	return cmds, nil
}

// Close removes the directory and everything in it.
func (d *Deferred) Close() error {
	if err := os.RemoveAll(d.dir); err != nil {
		return &DeferredError{Op: "remove", Dir: d.dir, Err: errCause(err)}
	}
	return nil
}

// errCause drops an *os.PathError's path, which DeferredError already has.
func errCause(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
