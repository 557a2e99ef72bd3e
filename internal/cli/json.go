package cli

import (
	"encoding/json"
)

// With --json, results are printed as one JSON object per line, each with
// a "message_type" naming its shape (restic's convention), so a reader can
// dispatch on it; errors still go to stderr as opkg prints them.

type archJSON struct {
	Name     string `json:"name"`
	Priority string `json:"priority"`
}

type architecturesJSON struct {
	MessageType   string     `json:"message_type"` // "architectures"
	Architectures []archJSON `json:"architectures"`
}

// writeJSON prints v as one line of JSON on stdout.
func (inv *invocation) writeJSON(v any) error {
	return json.NewEncoder(inv.stdout).Encode(v)
}
