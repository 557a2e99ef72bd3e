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

// TestPlanJSONGoldens checks every expected --json output of the plan_*.txt
// scripts against the README's promise for the plan document: one
// document, message_type "plan", every array present.
func TestPlanJSONGoldens(t *testing.T) {
	t.Parallel()
	scripts, err := filepath.Glob(filepath.Join("testdata", "script", "plan_*.txt"))
	if err != nil || len(scripts) == 0 {
		t.Fatalf("no plan_*.txt scripts (%v)", err)
	}
	arrays := []string{"install", "upgrade", "reinstall", "remove", "up_to_date", "held_back", "suggested", "broken"}
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
			if doc["message_type"] != "plan" {
				t.Errorf("%s %s: message_type %v", s, f.Name, doc["message_type"])
			}
			for _, k := range arrays {
				if _, ok := doc[k].([]any); !ok {
					t.Errorf("%s %s: %q is %v, want an array", s, f.Name, k, doc[k])
				}
			}
			if p, ok := doc["problem"].(map[string]any); ok {
				for _, k := range []string{"items", "why"} {
					if _, ok := p[k].([]any); !ok {
						t.Errorf("%s %s: problem.%s is %v, want an array", s, f.Name, k, p[k])
					}
				}
			}
		}
	}
	if seen < 2 {
		t.Errorf("only %d plan JSON goldens found", seen)
	}
}
