package control

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"

	"pakt/internal/realdata"
)

// manifest is the part of data/manifest.json these tests check against: the
// facts were measured by the data set's own scripts, with opkg-lede's rules.
type manifest struct {
	Feeds map[string]struct {
		Path              string         `json:"path"`
		Stanzas           int            `json:"stanzas"`
		StanzasWithoutPkg int            `json:"stanzas_without_Package"`
		Fields            map[string]int `json:"fields"`
		MaxLineBytes      int            `json:"max_line_bytes"`
	} `json:"feeds"`
	StatusSets map[string]struct {
		Path     string         `json:"path"`
		Packages int            `json:"packages"`
		Fields   map[string]int `json:"fields"`
	} `json:"status_sets"`
	ParsingFacts struct {
		WhitespaceOnlyLines  int  `json:"whitespace_only_lines_in_feeds"`
		AllFollowDescription bool `json:"all_follow_Description"`
	} `json:"parsing_facts"`
}

func loadManifest(t *testing.T) manifest {
	var m manifest
	if err := json.Unmarshal(realdata.Read(t, "manifest.json"), &m); err != nil {
		t.Fatal(err)
	}
	if len(m.Feeds) == 0 || len(m.StatusSets) == 0 {
		t.Fatal("manifest.json lists no feeds or status sets")
	}
	return m
}

// fieldHistogram counts, per field name, the stanzas that have it.
func fieldHistogram(stanzas []Stanza) map[string]int {
	h := map[string]int{}
	for _, s := range stanzas {
		seen := map[string]bool{}
		for _, f := range s.Fields {
			if !seen[f.Name] {
				seen[f.Name] = true
				h[f.Name]++
			}
		}
	}
	return h
}

// TestRealFeedsMatchManifest: stanza counts, package-less stanzas, the
// per-field histogram and the longest line agree with the manifest for every
// feed, and the " " lines (opkg-lede: Description text, not separators) all
// end up inside Description values.
func TestRealFeedsMatchManifest(t *testing.T) {
	t.Parallel()
	m := loadManifest(t)
	spaceLines, spaceLinesInDescription := 0, 0
	for _, name := range slices.Sorted(maps.Keys(m.Feeds)) {
		feed := m.Feeds[name]
		file := feed.Path + "/Packages"
		data := realdata.Read(t, file)
		stanzas, err := Parse(file, data)
		if err != nil {
			t.Fatal(err)
		}
		withoutPkg, longest := 0, 0
		for _, s := range stanzas {
			if !s.Has("Package") {
				withoutPkg++
			}
			for _, f := range s.Fields {
				for line := range strings.Lines(f.Value) {
					line = strings.TrimSuffix(line, "\n")
					if line == " " {
						spaceLines++
						if f.Name == "Description" {
							spaceLinesInDescription++
						}
					}
				}
				entry := f.Name + ":" + s.text[f.rawStart:f.rawEnd]
				for line := range strings.Lines(entry) {
					longest = max(longest, len(strings.TrimSuffix(line, "\n")))
				}
			}
		}
		if len(stanzas) != feed.Stanzas || withoutPkg != feed.StanzasWithoutPkg {
			t.Errorf("%s: %d stanzas (%d without Package), manifest says %d (%d without)",
				name, len(stanzas), withoutPkg, feed.Stanzas, feed.StanzasWithoutPkg)
		}
		if got := fieldHistogram(stanzas); !maps.Equal(got, feed.Fields) {
			t.Errorf("%s: field histogram %v, manifest %v", name, got, feed.Fields)
		}
		if longest != feed.MaxLineBytes && len(stanzas) > 0 {
			t.Errorf("%s: longest line %d bytes, manifest says %d", name, longest, feed.MaxLineBytes)
		}
	}
	if spaceLines != m.ParsingFacts.WhitespaceOnlyLines {
		t.Errorf("%d \" \" continuation lines in values, manifest counts %d", spaceLines, m.ParsingFacts.WhitespaceOnlyLines)
	}
	if m.ParsingFacts.AllFollowDescription && spaceLinesInDescription != spaceLines {
		t.Errorf("%d of %d \" \" lines are in a Description", spaceLinesInDescription, spaceLines)
	}
}

func TestRealStatusMatchesManifest(t *testing.T) {
	t.Parallel()
	m := loadManifest(t)
	for _, name := range slices.Sorted(maps.Keys(m.StatusSets)) {
		set := m.StatusSets[name]
		file := set.Path + "/status"
		stanzas, err := Parse(file, realdata.Read(t, file))
		if err != nil {
			t.Fatal(err)
		}
		if len(stanzas) != set.Packages {
			t.Errorf("%s: %d stanzas, manifest says %d packages", name, len(stanzas), set.Packages)
		}
		if got := fieldHistogram(stanzas); !maps.Equal(got, set.Fields) {
			t.Errorf("%s: field histogram %v, manifest %v", name, got, set.Fields)
		}
	}
}
