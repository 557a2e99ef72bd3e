package cli

import (
	"io"

	"pakt/internal/engine"
)

// messages is opkg's message plumbing (libopkg/opkg_message.c): NOTICE
// text goes to stdout as is; INFO and DEBUG to stdout after
// "<function>: "; ERRORs are collected and printed when the command ends,
// on stderr, under "Collected errors:", one " * <function>: <text>" each.
// Every level is shown only when the verbosity is at least that level, so
// -V0 keeps errors and drops notices (and a negative level drops errors).
type messages struct {
	stdout    io.Writer
	verbosity engine.Verbosity
	collected []string // "<function>: <text>", each as lede stores it
}

func (m *messages) notice(text string) {
	if m.verbosity >= engine.Notice {
		io.WriteString(m.stdout, text)
	}
}

// at prints an INFO or DEBUG message, prefixed by its function.
func (m *messages) at(level engine.Verbosity, function, text string) {
	if m.verbosity >= level {
		io.WriteString(m.stdout, function+": "+text)
	}
}

// error collects one ERROR. text carries its own line ends, as in lede:
// a text without "\n" runs into the next item's " * ".
func (m *messages) error(function, text string) {
	if m.verbosity >= engine.Error {
		m.collected = append(m.collected, function+": "+text)
	}
}

// flush prints the collected errors, if any, to w.
func (m *messages) flush(w io.Writer) {
	if len(m.collected) == 0 {
		return
	}
	io.WriteString(w, "Collected errors:\n")
	for _, e := range m.collected {
		io.WriteString(w, " * "+e)
	}
	m.collected = nil
}

// say passes the engine's messages through opkg's plumbing.
func (inv *invocation) say(msgs []engine.Message) {
	for _, m := range msgs {
		text := m.Text + "\n"
		switch m.Level {
		case engine.Error:
			inv.msgs.error(m.Func, text)
		case engine.Notice:
			inv.msgs.notice(text)
		default:
			inv.msgs.at(m.Level, m.Func, text)
		}
	}
}
