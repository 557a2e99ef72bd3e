package fsroot

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// CrashEnv is the environment variable tests set to make a pakt process
// kill itself at a named crash point: "name" (the first time the point is
// reached) or "name:n" (the n-th time). Only the command layer reads it and
// hands the result down with ParseCrasher; nothing reads it behind the
// caller's back.
const CrashEnv = "PAKT_CRASH_AT"

// Crasher kills its own process with SIGKILL when a chosen crash point is
// reached for the chosen time: no deferred code, no buffers flushed, as a
// power cut would leave things (except the kernel's page cache, which
// tests do not need to lose: the ordering of renames is what they check).
// A nil *Crasher never crashes.
type Crasher struct {
	point string
	nth   int
	seen  int
}

// CrashSpecError is a CrashEnv value that is not "name" or "name:n".
type CrashSpecError struct {
	Spec string
	Err  error
}

func (e *CrashSpecError) Error() string {
	return fmt.Sprintf("%s=%q: want <point> or <point>:<n> with n >= 1: %v", CrashEnv, e.Spec, e.Err)
}
func (e *CrashSpecError) Unwrap() error { return e.Err }

// ParseCrasher reads a CrashEnv value. The empty string gives nil: no
// crash.
func ParseCrasher(spec string) (*Crasher, error) {
	if spec == "" {
		return nil, nil
	}
	point, count, hasCount := strings.Cut(spec, ":")
	nth := 1
	if hasCount {
		n, err := strconv.Atoi(count)
		if err != nil {
			return nil, &CrashSpecError{Spec: spec, Err: err}
		}
		if n < 1 {
			return nil, &CrashSpecError{Spec: spec, Err: fmt.Errorf("count %d", n)}
		}
		nth = n
	}
	if point == "" {
		return nil, &CrashSpecError{Spec: spec, Err: fmt.Errorf("no point name")}
	}
	return &Crasher{point: point, nth: nth}, nil
}

// At is a crash point: the process dies here if this is the chosen point
// reached for the chosen time.
func (c *Crasher) At(point string) {
	if c == nil || point != c.point {
		return
	}
	c.seen++
	if c.seen == c.nth {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is delivered before Kill returns; never go on
	}
}
