package txn

import (
	"bytes"
	"io/fs"
	"reflect"
	"testing"
)

func sampleSteps(txid string) []step {
	return []step{
		{kind: "dir", mode: fs.ModeDir | 0o755, dest: "usr/share/x"},
		{kind: "mkdir", mode: fs.ModeDir | 0o700, uid: 0, gid: -1, dest: "etc/empty dir"},
		{kind: "put", dest: "usr/bin/a\nb", temp: stagedName(txid, "usr/bin/a\nb"), backup: backupName(txid, "usr/bin/a\nb")},
		{kind: "put", dest: "usr/share/x/new", temp: stagedName(txid, "usr/share/x/new")},
		{kind: "del", dest: "usr/lib/old \"quoted\"", backup: backupName(txid, "usr/lib/old \"quoted\"")},
	}
}

func TestJournalRoundTrip(t *testing.T) {
	t.Parallel()
	const txid = "0123456789abcdef"
	steps := sampleSteps(txid)
	plan := encodePlan(txid, steps)
	full := append(append([]byte{}, plan...), commitRecord(plan)...)
	j := parseJournal(full)
	if !j.planned || !j.committed || j.txid != txid || j.planLen != len(plan) || j.badLine != 0 {
		t.Fatalf("parse = %+v", j)
	}
	if !reflect.DeepEqual(j.steps, steps) {
		t.Errorf("steps = %+v\nwant %+v", j.steps, steps)
	}
	// A staged name that is not the transaction's own is refused: a damaged
	// journal must not name arbitrary files to move.
	bad := bytes.Replace(full, []byte(".pakt-"+txid), []byte(".pakt-fedcba9876543210"), 1)
	if j := parseJournal(bad); j.committed || j.badLine == 0 {
		t.Errorf("foreign staged name accepted: %+v", j)
	}
}

// FuzzParseJournal: any bytes parse without panicking, and whatever is
// trusted re-encodes to the same bytes.
func FuzzParseJournal(f *testing.F) {
	const txid = "0123456789abcdef"
	plan := encodePlan(txid, sampleSteps(txid))
	f.Add(append(append([]byte{}, plan...), commitRecord(plan)...))
	f.Add(plan[:len(plan)/2])
	f.Add([]byte("pakt-journal 1 0123456789abcdef 00000000\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		j := parseJournal(data)
		if j.planned {
			again := encodePlan(j.txid, j.steps)
			if !bytes.Equal(again, data[:j.planLen]) {
				t.Fatalf("plan re-encodes differently:\n%q\n%q", again, data[:j.planLen])
			}
		}
		if j.committed && !j.planned {
			t.Fatal("committed without a plan")
		}
	})
}
