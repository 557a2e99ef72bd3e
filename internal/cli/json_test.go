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
// scripts and checks the README's promises: one JSON document, an object
// with a known message_type, and no null where an array is documented.
func TestJSONGoldens(t *testing.T) {
	t.Parallel()
	scripts, err := filepath.Glob(filepath.Join("testdata", "script", "json_*.txt"))
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no json_*.txt scripts (%v)", err)
	}
	types := map[string][]string{
		"packages":   {"packages"},
		"upgradable": {"packages"},
		"conffiles":  {"paths"},
		"files":      {"files"},
		"what":       {"root_set", "matches"},
		"provides":   {"queries"},
		"downloads":  {"downloads"},
	}
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
			for _, k := range arrays {
				if _, ok := doc[k].([]any); !ok {
					t.Errorf("%s %s: %q is %v, want an array", s, f.Name, k, doc[k])
				}
			}
		}
	}
	if seen < 10 {
		t.Errorf("only %d JSON goldens found", seen)
	}
}
