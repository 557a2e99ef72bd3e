package cli

import (
	"bytes"
	"testing"

	"pakt/internal/engine"
)

// TestMessageLevels pins opkg's plumbing (libopkg/opkg_message.c): NOTICE
// unprefixed on stdout, INFO and DEBUG prefixed by their function, ERRORs
// collected for the end; each only when the verbosity reaches its level.
func TestMessageLevels(t *testing.T) {
	t.Parallel()
	tests := []struct {
		verbosity engine.Verbosity
		stdout    string
		collected int
	}{
		{engine.Error, "", 1},
		{engine.Notice, "notice\n", 1},
		{engine.Info, "notice\nf_info: info\n", 1},
		{engine.Debug, "notice\nf_info: info\nf_debug: debug\n", 1},
		// int verbosity against an unsigned level: negative shows all.
		{-1, "notice\nf_info: info\nf_debug: debug\n", 1},
	}
	for _, tt := range tests {
		var out bytes.Buffer
		m := &messages{stdout: &out, verbosity: tt.verbosity}
		m.notice("notice\n")
		m.at(engine.Info, "f_info", "info\n")
		m.at(engine.Debug, "f_debug", "debug\n")
		m.error("f_error", "error\n")
		if out.String() != tt.stdout || len(m.collected) != tt.collected {
			t.Errorf("verbosity %d: stdout %q, %d collected; want %q, %d",
				tt.verbosity, out.String(), len(m.collected), tt.stdout, tt.collected)
		}
	}
}

// TestCollectedErrors: the block lede prints at exit, including the stray
// " * " of an error text without its newline.
func TestCollectedErrors(t *testing.T) {
	t.Parallel()
	var out, stderr bytes.Buffer
	m := &messages{stdout: &out, verbosity: engine.Notice}
	m.flush(&stderr)
	if stderr.Len() != 0 {
		t.Errorf("no errors, yet printed %q", stderr.String())
	}
	m.error("check_conflicts_for", "The following packages conflict with foo:\n")
	m.error("check_conflicts_for", "\tbar")
	m.error("opkg_install_cmd", "Cannot install package foo.\n")
	m.flush(&stderr)
	want := "Collected errors:\n" +
		" * check_conflicts_for: The following packages conflict with foo:\n" +
		" * check_conflicts_for: \tbar * opkg_install_cmd: Cannot install package foo.\n"
	if stderr.String() != want {
		t.Errorf("got\n%q\nwant\n%q", stderr.String(), want)
	}
	if out.Len() != 0 {
		t.Errorf("errors leaked to stdout: %q", out.String())
	}
}
