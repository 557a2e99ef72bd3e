package engine

import (
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

// CompareVersions reports whether args[0] stands in relation args[1] to
// args[2], with opkg's version ordering. The versions are compared as
// given, as opkg-lede does, however odd they are; only the operator is
// checked. The legacy "<" and ">" mean "<=" and ">=".
func (e *Engine) CompareVersions(args []string) (bool, error) {
	if len(args) != 3 {
		return false, &CompareVersionsUsageError{Args: len(args)}
	}
	op, err := version.ParseOp(args[1])
	if err != nil {
		var opErr *version.OpError
		if errors.As(err, &opErr) {
			return false, &UnknownOperatorError{Op: opErr.Op, Err: err}
		}
		return false, &UnknownOperatorError{Op: args[1], Err: err}
	}
	return version.Satisfies(args[0], op, args[2]), nil
}
