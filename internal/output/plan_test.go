package output

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestPlanText pins each step's line to opkg-lede's wording
// (opkg_install.c, opkg_remove.c, opkg_upgrade.c; opkg-compat.md §1.5).
func TestPlanText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		step PlanStep
		want string
	}{
		{PlanStep{Action: PlanInstall, Name: "a", Version: "1.0-1", Dest: "root"}, "Installing a (1.0-1) to root...\n"},
		// lede prints no 0 epoch (pkg_version_str_alloc) but keeps others.
		{PlanStep{Action: PlanInstall, Name: "a", Version: "0:1.0", Dest: "root"}, "Installing a (1.0) to root...\n"},
		{PlanStep{Action: PlanInstall, Name: "a", Version: "2:1.0", Dest: "ram"}, "Installing a (2:1.0) to ram...\n"},
		{PlanStep{Action: PlanUpgrade, Name: "a", Version: "2", OldVersion: "1", Dest: "root"}, "Upgrading a on root from 1 to 2...\n"},
		{PlanStep{Action: PlanDowngrade, Name: "a", Version: "1", OldVersion: "2", Dest: "root"}, "Downgrading a on root from 2 to 1...\n"},
		{PlanStep{Action: PlanReinstall, Name: "a", Version: "1", Dest: "root"}, "Removing package a from root...\nInstalling a (1) to root...\n"},
		{PlanStep{Action: PlanRemove, Name: "a", Version: "1", Dest: "root"}, "Removing package a from root...\n"},
		{PlanStep{Action: PlanOrphan, Name: "a", Version: "1", Dest: "root"}, "a was autoinstalled and is now orphaned, removing.\nRemoving package a from root...\n"},
		{PlanStep{Action: PlanUpToDate, Name: "a", Version: "1", Dest: "root"}, "Package a (1) installed in root is up to date.\n"},
		{PlanStep{Action: PlanAlreadyInstalled, Name: "p", Version: "1", Dest: "root"}, "Package p is already installed on root.\n"},
		{PlanStep{Action: PlanHeld, Name: "a", Version: "2", OldVersion: "1", Dest: "root", LedeFlags: 0x202}, "Not upgrading package a which is marked hold (flags=0x202).\n"},
		{PlanStep{Action: PlanHeld, Name: "a", Version: "2", OldVersion: "1", Dest: "root"}, "Not upgrading package a on root from 1 to 2: that version does not fit.\n"},
	}
	for _, tc := range tests {
		var b strings.Builder
		if err := PlanText(&b, &Plan{Steps: []PlanStep{tc.step}}); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("%v: %q, want %q", tc.step, b.String(), tc.want)
		}
	}
	var b strings.Builder
	p := &Plan{NothingRemoved: true, Suggested: []PlanNote{{Package: "a", Relation: "s", Satisfier: "s"}, {Package: "a", Relation: "gone"}}}
	if err := PlanText(&b, p); err != nil {
		t.Fatal(err)
	}
	if want := "package a suggests installing s\nNo packages removed.\n"; b.String() != want {
		t.Errorf("%q, want %q", b.String(), want)
	}
}

// TestPlanDocument checks the document's promises: every array present,
// each step in the array of its action.
func TestPlanDocument(t *testing.T) {
	t.Parallel()
	p := &Plan{Command: "install", Steps: []PlanStep{
		{Action: PlanInstall, Name: "i"}, {Action: PlanDowngrade, Name: "d"}, {Action: PlanOrphan, Name: "o"},
		{Action: PlanUpToDate, Name: "u"}, {Action: PlanHeld, Name: "h"}, {Action: PlanReinstall, Name: "r"},
	}}
	var b strings.Builder
	if err := WriteJSON(&b, PlanDocument(p)); err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal([]byte(b.String()), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"install": "i", "upgrade": "d", "remove": "o", "up_to_date": "u", "held_back": "h", "reinstall": "r"}
	for k, name := range want {
		arr, ok := doc[k].([]any)
		if !ok || len(arr) != 1 || arr[0].(map[string]any)["name"] != name {
			t.Errorf("%s: %v, want one step %s", k, doc[k], name)
		}
	}
	for _, k := range []string{"suggested", "broken"} {
		if arr, ok := doc[k].([]any); !ok || len(arr) != 0 {
			t.Errorf("%s: %v, want []", k, doc[k])
		}
	}
	if doc["message_type"] != TypePlan || doc["problem"] != nil {
		t.Errorf("message_type %v, problem %v", doc["message_type"], doc["problem"])
	}
	d := PlanProblemDocument("remove", &PlanProblemJSON{Kind: "essential", Package: "base"})
	if d.Problem.Items == nil || d.Problem.Why == nil || d.Remove == nil {
		t.Errorf("problem document with nil arrays: %+v", d)
	}
}
