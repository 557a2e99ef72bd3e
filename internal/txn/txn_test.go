package txn

import (
	"bufio"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"pakt/internal/fsroot"
	"pakt/internal/roottest"
)

func TestRunAndRecoverNothing(t *testing.T) {
	t.Parallel()
	tr := makeTrees(t, 0)
	if _, ok := tr.new["tmp/run/tool.pid"]; !ok {
		t.Errorf("var/run/tool.pid not written through the var -> /tmp link: %v", tr.new)
	}
	if got := tr.new["usr/share/tool/plugins/a.so"]; !strings.HasPrefix(got, "urwxr-xr-x") {
		t.Errorf("set-uid file mode = %q", got)
	}
	for name := range tr.new {
		if strings.Contains(name, ".pakt-") {
			t.Errorf("leftover %s", name)
		}
	}
	if _, ok := tr.new["usr/share/tool/obsolete"]; ok {
		t.Error("removed file still there")
	}
}

// crashExpect is the tree each crash point must end in after Recover:
// before the commit record the old one, after it the new one.
func crashExpect(point string) string {
	switch point {
	case CrashJournaled, CrashStaged, CrashPrepared:
		return "old"
	}
	return "new"
}

// TestCrashPoints kills a child at every crash point, each time it is
// reached, recovers, and requires exactly the old or the new tree.
func TestCrashPoints(t *testing.T) {
	t.Parallel()
	tr := makeTrees(t, 0)
	for _, point := range CrashPoints() {
		if point == CrashRecoverStep {
			continue // TestCrashDuringRecover
		}
		reached := 0
		for n := 1; ; n++ {
			dir := t.TempDir()
			oldTree(t, dir)
			spec := point + ":" + strconv.Itoa(n)
			if !runChild(t, dir, "run", spec, 0) {
				if got := snapshot(t, dir); diff(tr.new, got) != "" {
					t.Errorf("%s: completed run left:\n%s", spec, diff(tr.new, got))
				}
				break
			}
			reached++
			rep := recoverIn(t, dir)
			got, ok := tr.which(snapshot(t, dir))
			if !ok || got != crashExpect(point) {
				t.Errorf("%s: after recover (%v) the tree is %s, want %s", spec, rep.Action, got, crashExpect(point))
			}
		}
		if reached == 0 {
			t.Errorf("crash point %s never reached", point)
		}
	}
}

// TestCrashDuringRecover crashes Recover itself, rolling forward and
// rolling back, at each of its steps; the next Recover finishes.
func TestCrashDuringRecover(t *testing.T) {
	t.Parallel()
	tr := makeTrees(t, 0)
	for _, first := range []string{CrashPrepared, CrashRenamed + ":3", CrashRenamesDone} {
		reached := 0
		for n := 1; ; n++ {
			dir := t.TempDir()
			oldTree(t, dir)
			if !runChild(t, dir, "run", first, 0) {
				t.Fatalf("%s not reached", first)
			}
			spec := CrashRecoverStep + ":" + strconv.Itoa(n)
			if !runChild(t, dir, "recover", spec, 0) {
				break
			}
			reached++
			recoverIn(t, dir)
			want := crashExpect(strings.Split(first, ":")[0])
			if got, ok := tr.which(snapshot(t, dir)); !ok || got != want {
				t.Errorf("%s then %s: tree is %s, want %s", first, spec, got, want)
			}
		}
		if reached == 0 {
			t.Errorf("%s: crash point %s never reached", first, CrashRecoverStep)
		}
	}
}

// TestCrashPointsListed keeps CrashPoints whole: every Crash constant in
// the package's source is in the list the tests run.
func TestCrashPointsListed(t *testing.T) {
	t.Parallel()
	decl := regexp.MustCompile(`(?m)^\s*Crash\w+\s*=\s*"([^"]+)"`)
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range decl.FindAllStringSubmatch(string(src), -1) {
			found++
			if !slices.Contains(CrashPoints(), m[1]) {
				t.Errorf("%s: crash point %q is not in CrashPoints", f, m[1])
			}
		}
	}
	if found != len(CrashPoints()) {
		t.Errorf("%d crash points declared, %d listed", found, len(CrashPoints()))
	}
}

// TestRandomKill kills a long transaction at random instants.
func TestRandomKill(t *testing.T) {
	t.Parallel()
	const extra = 80
	runs := 50
	if testing.Short() {
		runs = 10
	}
	tr := makeTrees(t, extra)
	// Calibrate: how long the transaction itself takes in a child.
	dir := t.TempDir()
	oldTree(t, dir)
	cmd := child(dir, "run", "", extra)
	cmd.Env = append(cmd.Env, noSyncEnv+"=1")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Fields(string(out))
	ns, err := strconv.ParseInt(lines[len(lines)-1], 10, 64)
	if err != nil {
		t.Fatalf("child output %q: %v", out, err)
	}
	span := time.Duration(ns) * 11 / 10
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 7))
	seen := map[string]int{}
	for i := range runs {
		dir := t.TempDir()
		oldTree(t, dir)
		cmd := child(dir, "run", "", extra)
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		r := bufio.NewReader(stdout)
		if _, err := r.ReadString('\n'); err != nil {
			t.Fatalf("run %d: child did not start: %v", i, err)
		}
		time.Sleep(time.Duration(rng.Int64N(int64(span) + 1)))
		cmd.Process.Signal(syscall.SIGKILL)
		r.ReadString('\n')
		cmd.Wait()
		rep := recoverIn(t, dir)
		got, ok := tr.which(snapshot(t, dir))
		if !ok {
			t.Fatalf("run %d (killed after recover %v): tree is %s", i, rep.Action, got)
		}
		seen[got+" "+rep.Action.String()]++
	}
	t.Logf("%d runs over %v: %v", runs, span, seen)
}

// TestFaults fails every writing call of a transaction in turn with ENOSPC
// and with EIO: the old tree and an error naming the cause, or, when only
// the cleanup failed, the new tree once recovered.
func TestFaults(t *testing.T) {
	t.Parallel()
	tr := makeTrees(t, 0)
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EIO} {
		kinds := map[string]int{}
		defer func() {
			if kinds["stage"] == 0 || kinds["commit"] == 0 || kinds["cleanup"] == 0 {
				t.Errorf("%v: faults hit %v, want every phase", errno, kinds)
			}
			t.Logf("%v: %v", errno, kinds)
		}()
		for at := 1; ; at++ {
			dir := t.TempDir()
			oldTree(t, dir)
			faulty := &fsroot.FaultFS{FS: noSync{openRoot(t, dir).Resolved()}, At: at, Err: errno}
			tx, err := New(faulty, scenario(0), Options{})
			if err != nil {
				t.Fatal(err)
			}
			err = tx.Run()
			if faulty.Fired() == "" {
				if err != nil {
					t.Fatalf("no fault, error %v", err)
				}
				if at < 10 {
					t.Fatalf("only %d writing calls", at-1)
				}
				break
			}
			if err == nil {
				t.Errorf("%v at call %d (%s): no error", errno, at, faulty.Fired())
				continue
			}
			if !errors.Is(err, errno) {
				t.Errorf("%v at call %d (%s): error %v does not wrap it", errno, at, faulty.Fired(), err)
			}
			var cleanup *CleanupError
			var stage *StageError
			var commit *CommitError
			switch {
			case errors.As(err, &cleanup):
				kinds["cleanup"]++
			case errors.As(err, &stage):
				kinds["stage"]++
			case errors.As(err, &commit):
				kinds["commit"]++
			default:
				t.Errorf("%v at call %d (%s): untyped error %v", errno, at, faulty.Fired(), err)
			}
			want := "old"
			if errors.As(err, &cleanup) {
				want = "new"
				recoverIn(t, dir)
			} else if _, err := os.Lstat(filepath.Join(dir, JournalPath)); err == nil {
				t.Errorf("%v at call %d (%s): journal left behind", errno, at, faulty.Fired())
			}
			if got, ok := tr.which(snapshot(t, dir)); !ok || got != want {
				t.Errorf("%v at call %d (%s): %v: tree is %s, want %s", errno, at, faulty.Fired(), err, got, want)
			}
		}
	}
}

// TestJournalTruncated puts the tree in several crashed states, then
// truncates the journal at every byte, and flips every byte: recovery must
// leave the old or new tree, or refuse with an *AmbiguousError and change
// nothing. (Damage k < len+1 is a cut at k, beyond it a flipped byte.)
func TestJournalTruncated(t *testing.T) {
	t.Parallel()
	tr := makeTrees(t, 0)
	for _, state := range []string{CrashPrepared, CrashRenamed + ":1", CrashRenamed + ":5", CrashRenamesDone, CrashBackupRemoved + ":2", CrashCleaned} {
		crashed := t.TempDir()
		oldTree(t, crashed)
		if !runChild(t, crashed, "run", state, 0) {
			t.Fatalf("%s not reached", state)
		}
		journal, err := os.ReadFile(filepath.Join(crashed, JournalPath))
		if err != nil {
			t.Fatal(err)
		}
		// Cuts inside one line read the same (the records before it);
		// every byte is parsed, and recovery runs once per distinct
		// reading.
		counts := map[string]int{}
		tried := map[string]bool{}
		// Then every byte flipped: damage in the middle, not only at the end.
		var damaged [][]byte
		for k := 0; k <= len(journal); k++ {
			damaged = append(damaged, journal[:k])
		}
		for k := range journal {
			flipped := append([]byte{}, journal...)
			flipped[k] ^= 0x20
			damaged = append(damaged, flipped)
		}
		for k, data := range damaged {
			j := parseJournal(data)
			key := fmt.Sprintf("%d %v %v %d", len(j.steps), j.planned, j.committed, j.badLine)
			if tried[key] {
				continue
			}
			tried[key] = true
			dir := t.TempDir()
			roottest.Copy(t, crashed, dir)
			if err := os.WriteFile(filepath.Join(dir, JournalPath), data, 0o644); err != nil {
				t.Fatal(err)
			}
			before := snapshot(t, dir)
			rep, err := Recover(noSync{openRoot(t, dir)}, nil)
			if err != nil {
				var amb *AmbiguousError
				if !errors.As(err, &amb) {
					t.Fatalf("%s, journal damage %d: %v", state, k, err)
				}
				if msg := err.Error(); !strings.Contains(msg, JournalPath) || !strings.Contains(msg, "Way out") {
					t.Errorf("refusal names no journal or way out: %s", msg)
				}
				if d := diff(before, snapshot(t, dir)); d != "" {
					t.Errorf("%s, journal cut at %d: refused (%v) but changed the tree:\n%s", state, k, err, d)
				}
				counts["refused"]++
				continue
			}
			got, ok := tr.which(snapshot(t, dir))
			if !ok {
				t.Fatalf("%s, journal cut at %d (%v): tree is %s", state, k, rep.Action, got)
			}
			counts[got]++
		}
		t.Logf("%s: journal of %d bytes: %v", state, len(journal), counts)
	}
}

func TestSpace(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	oldTree(t, dir)
	root := openRoot(t, dir)
	tx, err := New(root, scenario(0), Options{})
	if err != nil {
		t.Fatal(err)
	}
	needs, err := tx.Needs()
	if err != nil {
		t.Fatal(err)
	}
	if len(needs) == 0 || needs[0].Bytes <= 0 || needs[0].Available <= 0 {
		t.Fatalf("needs = %+v", needs)
	}
	// A margin as big as the free space leaves no room.
	tx, err = New(root, scenario(0), Options{Margin: needs[0].Available + 1<<20})
	if err != nil {
		t.Fatal(err)
	}
	err = tx.Run()
	var space *SpaceError
	if !errors.As(err, &space) {
		t.Fatalf("err = %v, want *SpaceError", err)
	}
	msg := err.Error()
	if !regexp.MustCompile(`^verify_pkg_installable: Only have 0kb available on filesystem \S+, pkg tool needs \d+$`).MatchString(msg) {
		t.Errorf("message %q", msg)
	}
	if d := diff(snapshot(t, dir), func() map[string]string { o := t.TempDir(); oldTree(t, o); return snapshot(t, o) }()); d != "" {
		t.Errorf("refused transaction changed the tree:\n%s", d)
	}
	tx, err = New(root, scenario(0), Options{Margin: needs[0].Available + 1<<20, ForceSpace: true})
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Run(); err != nil {
		t.Errorf("--force-space: %v", err)
	}
}

func TestPlanErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	oldTree(t, dir)
	root := openRoot(t, dir)
	for _, tc := range []struct {
		name string
		ops  []Op
		want string
	}{
		{"twice", []Op{Remove("usr/bin/tool"), Remove("/usr/bin/tool")}, "changed twice"},
		{"directory", []Op{File("usr/bin", 0o644, -1, -1, 0, strings.NewReader(""))}, "is a directory"},
		{"under a file", []Op{File("usr/bin/tool/x", 0o644, -1, -1, 0, strings.NewReader(""))}, "not a directory"},
		{"root", []Op{Remove("/")}, "not a name"},
		{"txid", nil, "transaction id"},
	} {
		opt := Options{}
		if tc.name == "txid" {
			opt.TxID = "../x"
		}
		_, err := New(root, tc.ops, opt)
		var pe *PlanError
		if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want a PlanError with %q", tc.name, err, tc.want)
		}
	}
	// A short reader is an error before the commit point.
	tx, err := New(root, []Op{File("usr/bin/new", 0o755, -1, -1, 10, strings.NewReader("short"))}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var se *SizeError
	if err := tx.Run(); !errors.As(err, &se) {
		t.Errorf("short data: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(dir, "usr/bin/new")); err == nil {
		t.Error("short data: file created")
	}
}

func TestPendingJournal(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	oldTree(t, dir)
	if !runChild(t, dir, "run", CrashCommitted, 0) {
		t.Fatal("not reached")
	}
	_, err := New(openRoot(t, dir), scenario(0), Options{})
	if !errors.Is(err, ErrPending) {
		t.Errorf("err = %v, want ErrPending", err)
	}
}

// TestJournalDirKnownToRoottest: the test helper that leaves the empty
// journal directory out of snapshots names the same directory.
func TestJournalDirKnownToRoottest(t *testing.T) {
	t.Parallel()
	if got := path.Dir(JournalPath); got != roottest.JournalDir {
		t.Errorf("journal directory %s, roottest.JournalDir %s", got, roottest.JournalDir)
	}
}
