package cli

import (
	"bytes"
	"encoding/json"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// TestJSONGoldens reads every expected --json output of the json_*.txt
// and plan_*.txt scripts and checks the README's promises: one JSON
// document, an object with a known message_type, and no null where an
// array is documented.
func TestJSONGoldens(t *testing.T) {
	t.Parallel()
	var scripts []string
	for _, pattern := range []string{"json_*.txt", "plan_*.txt"} {
		m, err := filepath.Glob(filepath.Join("testdata", "script", pattern))
		if err != nil || len(m) == 0 {
			t.Fatalf("no %s scripts (%v)", pattern, err)
		}
		scripts = append(scripts, m...)
	}
	types := map[string][]string{
		"packages":   {"packages"},
		"upgradable": {"packages"},
		"conffiles":  {"paths"},
		"files":      {"files"},
		"what":       {"root_set", "matches"},
		"provides":   {"queries"},
		"downloads":  {"downloads"},
		"plan":       {"install", "upgrade", "reinstall", "remove", "up_to_date", "held_back", "suggested", "broken"},
	}
	perType := map[string]int{}
	seen := 0
	for _, s := range scripts {
		a, err := txtar.ParseFile(s)
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range a.Files {
			if !strings.HasSuffix(f.Name, ".json") {
				continue
			}
			seen++
			dec := json.NewDecoder(bytes.NewReader(f.Data))
			var doc map[string]any
			if err := dec.Decode(&doc); err != nil {
				t.Errorf("%s %s: %v", s, f.Name, err)
				continue
			}
			if _, err := dec.Token(); err != io.EOF {
				t.Errorf("%s %s: more than one JSON document", s, f.Name)
			}
			mt, _ := doc["message_type"].(string)
			arrays, ok := types[mt]
			if !ok {
				t.Errorf("%s %s: message_type %q is not documented", s, f.Name, mt)
				continue
			}
			perType[mt]++
			for _, k := range arrays {
				if _, ok := doc[k].([]any); !ok {
					t.Errorf("%s %s: %q is %v, want an array", s, f.Name, k, doc[k])
				}
			}
			// A plan without a solution says why in arrays too.
			if p, ok := doc["problem"].(map[string]any); ok {
				for _, k := range []string{"items", "why"} {
					if _, ok := p[k].([]any); !ok {
						t.Errorf("%s %s: problem.%s is %v, want an array", s, f.Name, k, p[k])
					}
				}
			}
		}
	}
	if seen < 10 || perType["plan"] < 2 {
		t.Errorf("only %d JSON goldens found (%d plans)", seen, perType["plan"])
	}
}

// TestJSONMatchesText runs the list-like queries with and without --json
// on roots of the real data: the document lists the same packages, in
// the same order, as opkg's text.
func TestJSONMatchesText(t *testing.T) {
	t.Parallel()
	roots := []queryRoot{
		{sturdy, x86, small21},
		{"yocto-arago-2017.06-phytec-am57xx", yocto, nil},
		{"", arm9, feeds23arm},
	}
	for _, q := range roots {
		root := q.build(t, t.TempDir())
		for _, args := range [][]string{{"list"}, {"list-installed"}, {"find", "*http*"}, {"info"}, {"status"}, {"depends", "-A", "*"}} {
			text := runPaktQuery(root, args)
			js := runPaktQuery(root, append([]string{"--json"}, args...))
			var doc struct {
				MessageType string `json:"message_type"`
				Packages    []struct {
					Name    string `json:"name"`
					Version string `json:"version"`
				} `json:"packages"`
			}
			if err := json.Unmarshal([]byte(js.stdout), &doc); err != nil {
				t.Fatalf("%v %s: %v", args, q, err)
			}
			var want []string
			for _, line := range strings.Split(text.stdout, "\n") {
				switch {
				case strings.HasPrefix(line, "Package: "):
					want = append(want, strings.TrimPrefix(line, "Package: "))
				case strings.HasSuffix(line, " depends on:"):
					want = append(want, strings.TrimSuffix(line, " depends on:"))
				case args[0] != "info" && args[0] != "status" && args[0] != "depends" && strings.Contains(line, " - "):
					want = append(want, line[:strings.Index(line, " - ")])
				}
			}
			var got []string
			for _, p := range doc.Packages {
				got = append(got, p.Name)
			}
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("%v on %s: --json lists %d packages, text %d (or another order)", args, q, len(got), len(want))
			}
			if js.exit != text.exit || doc.MessageType != "packages" {
				t.Errorf("%v: exit %d/%d, message_type %q", args, js.exit, text.exit, doc.MessageType)
			}
		}
	}
}
