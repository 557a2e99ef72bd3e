package cli

import (
	"strings"
	"testing"

	"pakt/internal/engine"
)

// On a terminal only the feed whose turn it is draws a progress line,
// redrawn in place when its percentage moves, and wiped before the feed's
// own lines are printed.
func TestUpdateProgressLine(t *testing.T) {
	t.Parallel()
	var out strings.Builder
	p := &updateProgress{out: &out, width: 80}
	url := "http://x/core/Packages.gz"
	p.show(engine.UpdateProgress{Feed: 1, URL: "http://x/other/Packages.gz", Done: 10, Total: 100})
	if out.Len() != 0 {
		t.Fatalf("a later feed drew %q", out.String())
	}
	p.show(engine.UpdateProgress{Feed: 0, URL: url, Done: 50 << 10, Total: 100 << 10})
	p.show(engine.UpdateProgress{Feed: 0, URL: url, Done: 50<<10 + 1, Total: 100 << 10}) // same percentage
	p.show(engine.UpdateProgress{Feed: 0, URL: url, Done: 100 << 10, Total: 100 << 10})
	p.clear()
	want := "\r\x1b[KDownloading " + url + "  50 KiB of 100 KiB (50%)" +
		"\r\x1b[KDownloading " + url + "  100 KiB of 100 KiB (100%)" +
		"\r\x1b[K"
	if out.String() != want {
		t.Errorf("drew %q\nwant %q", out.String(), want)
	}
	out.Reset()
	p.next = 1
	p.show(engine.UpdateProgress{Feed: 1, URL: strings.Repeat("x", 200), Done: 5, Total: -1})
	if line := strings.TrimPrefix(out.String(), "\r\x1b[K"); len([]rune(line)) > 79 || !strings.HasSuffix(line, "x  5 B") {
		t.Errorf("long line %q", line)
	}
}
