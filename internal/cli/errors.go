package cli

import (
	"errors"
	"fmt"

	"pakt/internal/engine"
)

// Exit statuses, as opkg-lede returns them.
const (
	exitOK = 0
	// exitUsage: bad option, unknown or missing sub-command, missing
	// arguments (lede's usage() calls exit(1)). compare-versions also
	// returns 1 when the relation does not hold.
	exitUsage = 1
	// exitFailure: a command returned -1, lede's usual failure.
	exitFailure = 255
)

// exitStatusError ends a command with a status and no message, e.g.
// compare-versions when the relation does not hold.
type exitStatusError struct{ status int }

func (e *exitStatusError) Error() string { return fmt.Sprintf("exit status %d", e.status) }

// report is the one place that turns what a command returned into
// messages and an exit status. Errors become opkg ERRORs ("Collected
// errors:" items) prefixed by the opkg function that reports them.
func (inv *invocation) report(cmd *command, err error) int {
	if err == nil {
		return exitOK
	}
	var (
		status         *exitStatusError
		notImplemented *engine.NotImplementedError
		unknownOp      *engine.UnknownOperatorError
		compareUsage   *engine.CompareVersionsUsageError
	)
	switch {
	case errors.As(err, &status):
		return status.status
	case errors.As(err, &notImplemented):
		fmt.Fprintf(inv.stderr, "pakt: %s: not implemented yet\n", notImplemented.Command)
		return exitFailure
	case errors.As(err, &unknownOp):
		// lede: pkg_version_satisfied reports the operator and answers
		// "does not hold", so compare-versions returns 1.
		inv.msgs.error("pkg_version_satisfied", "Unknown operator: "+unknownOp.Op+".\n")
		return exitUsage
	case errors.As(err, &compareUsage):
		inv.msgs.error("opkg_compare_versions_cmd", "opkg compare_versions <v1> <op> <v2>\n<op> is one of <= >= << >> =\n")
		return exitFailure
	}
	// Errors that know which opkg function reports them (configuration
	// files, for one) are printed in their own words, under that name,
	// whatever context was wrapped around them on the way up.
	var reported interface {
		error
		Func() string
	}
	if errors.As(err, &reported) {
		inv.msgs.error(reported.Func(), reported.Error()+"\n")
		return exitFailure
	}
	inv.msgs.error(cmd.function, err.Error()+"\n")
	return exitFailure
}
