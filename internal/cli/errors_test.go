package cli

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"pakt/internal/engine"
)

// funcError stands for an error that knows which opkg function reports it
// (opkgconf's FileError, for one).
type funcError struct{ text string }

func (e *funcError) Error() string { return e.text }
func (e *funcError) Func() string  { return "opkg_conf_load" }

// TestReport pins the one mapping from errors to messages and statuses.
func TestReport(t *testing.T) {
	t.Parallel()
	install, _ := lookupCommand("install", asPakt)
	tests := []struct {
		name          string
		err           error
		status        int
		stderr        string
		wantCollected string
	}{
		{"success", nil, 0, "", ""},
		{"silent status", &exitStatusError{status: 1}, 1, "", ""},
		{"not implemented, even wrapped", fmt.Errorf("x: %w", &engine.NotImplementedError{Command: "install"}), 255,
			"pakt: install: not implemented yet\n", ""},
		{"unknown operator", &engine.UnknownOperatorError{Op: "!="}, 1, "",
			"Collected errors:\n * pkg_version_satisfied: Unknown operator: !=.\n"},
		{"compare usage", &engine.CompareVersionsUsageError{Args: 2}, 255, "",
			"Collected errors:\n * opkg_compare_versions_cmd: opkg compare_versions <v1> <op> <v2>\n<op> is one of <= >= << >> =\n"},
		{"error naming its function", fmt.Errorf("load: %w", &funcError{"Couldn't stat /x: No such file or directory."}), 255, "",
			"Collected errors:\n * opkg_conf_load: Couldn't stat /x: No such file or directory.\n"},
		{"anything else, under the command's function", errors.New("boom"), 255, "",
			"Collected errors:\n * opkg_install_cmd: boom\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var stdout, stderr, collected bytes.Buffer
			inv := &invocation{stdout: &stdout, stderr: &stderr, msgs: &messages{stdout: &stdout, verbosity: engine.Notice}}
			if got := inv.report(install, tt.err); got != tt.status {
				t.Errorf("status %d, want %d", got, tt.status)
			}
			inv.msgs.flush(&collected)
			if stderr.String() != tt.stderr || collected.String() != tt.wantCollected || stdout.Len() != 0 {
				t.Errorf("stderr %q, collected %q, stdout %q; want %q, %q, nothing",
					stderr.String(), collected.String(), stdout.String(), tt.stderr, tt.wantCollected)
			}
		})
	}
}
