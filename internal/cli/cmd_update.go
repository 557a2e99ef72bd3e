package cli

import (
	"context"
	"fmt"
	"io"
	"strings"

	"pakt/internal/engine"
)

// runUpdate is opkg update: one feed after the other in configuration
// order, with opkg-lede's lines (engine.Update explains what pakt adds).
// Feeds download a few at a time; on a terminal the feed whose turn it is
// shows a progress line, replaced by its result lines when it is done, so
// every feed gets one progress line and the output stays in order. Off a
// terminal the output is lede's plain lines, byte for byte. The exit
// status is lede's: the number of failed downloads (capped at 255, where
// lede's would wrap around to 0 at 256).
func runUpdate(ctx context.Context, inv *invocation, args []string) error {
	if inv.options.json {
		// stdout holds the JSON document alone; opkg's lines go to stderr.
		inv.msgs.stdout = inv.stderr
	}
	p := &updateProgress{out: inv.stdout, width: 80}
	req := engine.UpdateRequest{
		Loaded: inv.say,
		Feed: func(f *engine.FeedUpdate) {
			p.clear()
			inv.say(f.Messages)
			p.next++
		},
	}
	if inv.terminal() && inv.msgs.shows(engine.Notice) && !inv.options.json {
		req.Progress = p.show
	}
	res, err := inv.engine.Update(ctx, req)
	p.clear()
	if err != nil {
		return err
	}
	if inv.options.json {
		if err := inv.writeJSON(updateDoc(res)); err != nil {
			return err
		}
	}
	// DESIGN.md §7: unchecked feeds are accepted with a one-line warning.
	// Under the opkg name the output stays lede's.
	if !res.SignatureChecked && len(res.Feeds) > 0 && inv.personality == asPakt {
		fmt.Fprintf(inv.stderr, "%s: warning: feed lists were not signature-checked (option check_signature is off)\n", inv.name())
	}
	if res.Failures > 0 {
		return &exitStatusError{status: min(res.Failures, exitFailure)}
	}
	return nil
}

// updateProgress draws the progress line of the feed whose turn it is.
type updateProgress struct {
	out     io.Writer
	width   int
	next    int    // the feed whose lines come next
	shown   bool   // a progress line is on the screen
	last    string // what it says
	lastPct int64
}

func (p *updateProgress) show(u engine.UpdateProgress) {
	if u.Feed != p.next {
		return
	}
	pct := int64(-1)
	if u.Total > 0 {
		pct = u.Done * 100 / u.Total
	}
	line := fmt.Sprintf("Downloading %s  %s", u.URL, size(u.Done))
	if pct >= 0 {
		line += fmt.Sprintf(" of %s (%d%%)", size(u.Total), pct)
	}
	if p.shown && pct >= 0 && pct == p.lastPct && strings.HasPrefix(p.last, "Downloading "+u.URL+" ") {
		return // redraw only when the percentage moves
	}
	if len(line) > p.width-1 {
		line = "…" + line[len(line)-(p.width-2):]
	}
	fmt.Fprintf(p.out, "\r\x1b[K%s", line)
	p.shown, p.last, p.lastPct = true, line, pct
}

// clear removes the progress line before real output.
func (p *updateProgress) clear() {
	if p.shown {
		io.WriteString(p.out, "\r\x1b[K")
		p.shown = false
	}
}

func size(n int64) string {
	switch {
	case n >= 10<<20:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 10<<10:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d B", n)
}

// updateJSON is update's --json document: what happened to each feed.
type updateJSON struct {
	MessageType      string           `json:"message_type"` // "update"
	Failures         int              `json:"failures"`
	SignatureChecked bool             `json:"signature_checked"`
	Feeds            []feedUpdateJSON `json:"feeds"`
}

type feedUpdateJSON struct {
	Name     string `json:"name"`
	URL      string `json:"url"`
	List     string `json:"list"`
	Updated  bool   `json:"updated"`
	Verified bool   `json:"verified"`
	Kept     bool   `json:"kept_previous"`
	Failures int    `json:"failures"`
	Error    string `json:"error,omitempty"`
}

func updateDoc(res *engine.UpdateResult) updateJSON {
	doc := updateJSON{MessageType: "update", Failures: res.Failures, SignatureChecked: res.SignatureChecked, Feeds: []feedUpdateJSON{}}
	for _, f := range res.Feeds {
		fj := feedUpdateJSON{Name: f.Name, URL: f.URL, List: f.List, Updated: f.Updated, Verified: f.Verified, Kept: f.Kept, Failures: f.Failures}
		if f.Err != nil {
			fj.Error = f.Err.Error()
		}
		doc.Feeds = append(doc.Feeds, fj)
	}
	return doc
}
