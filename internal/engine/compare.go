package engine

import (
	"context"
	"errors"
	"fmt"

	"pakt/internal/version"
)

// CompareVersionsUsageError: compare-versions needs exactly three
// arguments, <v1> <op> <v2>.
type CompareVersionsUsageError struct {
	Args int // how many were given
}

func (e *CompareVersionsUsageError) Error() string {
	return fmt.Sprintf("compare-versions takes <v1> <op> <v2>, got %d arguments", e.Args)
}

// UnknownOperatorError: the operator given to compare-versions is not one
// of << <= = >= >> < >.
type UnknownOperatorError struct {
	Op  string
	Err error // the version package's error
}

func (e *UnknownOperatorError) Error() string { return fmt.Sprintf("unknown operator %q", e.Op) }
func (e *UnknownOperatorError) Unwrap() error { return e.Err }

// Comparison is the answer of CompareVersions.
type Comparison struct {
	Holds    bool
	Messages []Message // from reading the configuration
}

// CompareVersions reports whether args[0] stands in relation args[1] to
// args[2], with opkg's version ordering. The versions are compared as
// given, as opkg-lede does, however odd they are; only the operator is
// checked. The legacy "<" and ">" mean "<=" and ">=".
//
// Like every opkg-lede command it reads the configuration first, so a
// broken configuration is reported (and an unreadable one fails) here too.
func (e *Engine) CompareVersions(ctx context.Context, args []string) (*Comparison, error) {
	_, msgs, err := e.loadConfig()
	res := &Comparison{Messages: msgs}
	if err != nil {
		return res, err
	}
	if len(args) != 3 {
		return res, &CompareVersionsUsageError{Args: len(args)}
	}
	op, err := version.ParseOp(args[1])
	if err != nil {
		var opErr *version.OpError
		if errors.As(err, &opErr) {
			return res, &UnknownOperatorError{Op: opErr.Op, Err: err}
		}
		return res, &UnknownOperatorError{Op: args[1], Err: err}
	}
	res.Holds = version.Satisfies(args[0], op, args[2])
	return res, nil
}
