package cli

import (
	"io"

	"pakt/internal/engine"
)

// messages is opkg's message plumbing (libopkg/opkg_message.c): NOTICE
// text goes to stdout as is; INFO and DEBUG to stdout after
// "<function>: "; ERRORs are collected and printed when the command ends,
// on stderr, under "Collected errors:", one " * <function>: <text>" each.
// A message is shown only when the verbosity is at least its level, so -V0
// keeps errors and drops notices.
type messages struct {
	stdout    io.Writer
	verbosity engine.Verbosity
	collected []string // "<function>: <text>", each as lede stores it
}

// shows reports whether messages of a level are shown. lede compares its
// int verbosity with an unsigned enum level, so a negative verbosity
// (-V-1) turns into the largest and shows everything (observed with the
// real opkg-lede: -V-1 prints the INFO lines).
func (m *messages) shows(level engine.Verbosity) bool {
	return uint32(int32(m.verbosity)) >= uint32(level)
}

func (m *messages) notice(text string) {
	if m.shows(engine.Notice) {
		io.WriteString(m.stdout, text)
	}
}

// at prints an INFO or DEBUG message, prefixed by its function.
func (m *messages) at(level engine.Verbosity, function, text string) {
	if m.shows(level) {
		io.WriteString(m.stdout, function+": "+text)
	}
}

// error collects one ERROR. text carries its own line ends, as in lede:
// a text without "\n" runs into the next item's " * ".
func (m *messages) error(function, text string) {
	if m.shows(engine.Error) {
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
	// The configuration may have set the level ("option verbosity").
	inv.msgs.verbosity = inv.engine.Verbosity()
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
