package engine

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"pakt/internal/output"
	"pakt/internal/realdata"
	"pakt/internal/relation"
	"pakt/internal/solver"
)

// planRoot is an offline root whose lists are a real release's feeds and
// whose status file is status (none when nil).
func planRoot(tb testing.TB, feedGlob, arch string, status []byte) string {
	tb.Helper()
	data := realdata.Dir(tb)
	root := tb.TempDir()
	feeds, _ := filepath.Glob(filepath.Join(data, "feeds", feedGlob))
	if len(feeds) == 0 {
		tb.Skipf("no feeds match %s", feedGlob)
	}
	conf := "lists_dir ext /var/l\narch all 1\narch noarch 1\narch " + arch + " 10\n"
	for _, f := range feeds {
		name := filepath.Base(f)
		conf += "src/gz " + name + " http://127.0.0.1:9/" + name + "\n"
		list := "Packages.gz"
		if _, err := os.Stat(filepath.Join(f, list)); err != nil {
			list = "Packages" // some feeds of the data are kept uncompressed
		}
		put(tb, root, "var/l/"+name, realdata.Read(tb, filepath.Join("feeds", name, list)))
	}
	put(tb, root, "etc/opkg/test.conf", []byte(conf))
	if status != nil {
		put(tb, root, "usr/lib/opkg/status", status)
	}
	return root
}

// planTally counts the plans of installing each package on its own.
type planTally struct {
	plans, failures  int
	reasons          map[string]int    // failure class → count
	example          map[string]string // failure class → one explanation
	times, failTimes []time.Duration   // per plan; per failure (explanation included)
}

// failureClass sorts an explanation into what a person would call its
// cause: a kmod built for a kernel that is not there, a dependency no feed
// has, a conflict, ...
func failureClass(un *solver.Unsatisfiable) string {
	text := un.Error()
	switch {
	case strings.Contains(text, "kernel (="):
		return "needs a kernel build that is not installed or in the feeds"
	case un.Kind == solver.UnmetDependencies && strings.Contains(text, "no feed has a package called or providing"):
		return "needs a package no feed has"
	}
	return fmt.Sprintf("failure kind %d", un.Kind)
}

// planEach plans the install of every available package name into root,
// checks every plan with the solver's independent checker and checks that
// the rendered plan shows every step once.
func planEach(t *testing.T, root string) planTally {
	t.Helper()
	e := rootEngine(root)
	w, err := e.load(true)
	if err != nil {
		t.Fatal(err)
	}
	dest, err := w.cfg.DefaultDest("")
	if err != nil {
		t.Fatal(err)
	}
	u := newUniverse(w, dest.Name)
	var names []string
	w.available.Names(func(n string) { names = append(names, n) })
	sort.Strings(names)
	tally := planTally{reasons: map[string]int{}, example: map[string]string{}}
	for _, name := range names {
		req := solver.Request{Install: []relation.Atom{{Name: name}}}
		start := time.Now()
		plan, err := solver.Solve(u, req)
		took := time.Since(start)
		if err != nil {
			tally.failTimes = append(tally.failTimes, took)
			var un *solver.Unsatisfiable
			if !errors.As(err, &un) {
				t.Errorf("install %s: %v", name, err)
				continue
			}
			if len(un.Why) == 0 {
				t.Errorf("install %s: no explanation:\n%v", name, un)
			}
			tally.failures++
			class := failureClass(un)
			tally.reasons[class]++
			if _, ok := tally.example[class]; !ok {
				tally.example[class] = name + ": " + un.Error()
			}
			continue
		}
		tally.plans++
		tally.times = append(tally.times, took)
		if err := solver.Check(u, req, plan); err != nil {
			t.Errorf("install %s: the checker refuses the plan: %v", name, err)
		}
		checkRendered(t, name, plan, u.render(PlanInstall, req, plan, false))
	}
	return tally
}

// checkRendered checks that the text shows each step of the plan exactly
// once, as the right action.
func checkRendered(t *testing.T, name string, plan *solver.Plan, out *output.Plan) {
	t.Helper()
	var want, got []string
	for _, s := range plan.Install {
		want = append(want, "install "+s.Package.Name)
	}
	for _, s := range plan.Upgrade {
		want = append(want, "upgrade "+s.Package.Name)
	}
	for _, s := range plan.Reinstall {
		want = append(want, "reinstall "+s.Package.Name)
	}
	for _, s := range plan.Remove {
		want = append(want, "remove "+s.Package.Name)
	}
	for _, s := range out.Steps {
		switch s.Action {
		case output.PlanUpToDate, output.PlanHeld, output.PlanAlreadyInstalled:
			continue
		case output.PlanDowngrade:
			got = append(got, "upgrade "+s.Name)
		default:
			got = append(got, s.Action.String()+" "+s.Name)
		}
	}
	slices.Sort(want)
	slices.Sort(got)
	if !slices.Equal(want, got) {
		t.Errorf("install %s: rendered %q, plan has %q", name, got, want)
	}
	if len(out.Steps) > 0 && out.Steps[0].Name != name && plan.Install != nil && plan.Install[0].Reason.Kind == solver.Requested {
		// The requested package comes first, as lede's walk starts there
		// (it may be met through a provider of another name).
		if !slices.ContainsFunc(plan.Install, func(s solver.Step) bool {
			return s.Package.Name == out.Steps[0].Name && s.Reason.Kind == solver.Requested
		}) {
			t.Errorf("install %s: plan starts with %s", name, out.Steps[0].Name)
		}
	}
}

func (p planTally) report(t *testing.T, what string) {
	dist := func(ts []time.Duration) string {
		if len(ts) == 0 {
			return "-"
		}
		slices.Sort(ts)
		q := func(f float64) time.Duration { return ts[int(f*float64(len(ts)-1))] }
		return fmt.Sprintf("median %v, p99 %v, max %v", q(0.5), q(0.99), q(1))
	}
	t.Logf("%s: %d plans (%s), %d failures (%s); the first solve that meets a name also decodes its feed entries",
		what, p.plans, dist(p.times), p.failures, dist(p.failTimes))
	var classes []string
	for c := range p.reasons {
		classes = append(classes, c)
	}
	sort.Strings(classes)
	for _, c := range classes {
		t.Logf("  %d: %s; e.g. %s", p.reasons[c], c, firstLines(p.example[c], 4))
	}
}

func firstLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = append(lines[:n], "…")
	}
	return strings.Join(lines, " / ")
}

// TestPlanEachRealFeedEmptyRoot plans installing every package of the
// OpenWrt 23.05 arm_cortex-a9 release into an empty root; every plan must
// pass the checker, every failure must be explained.
func TestPlanEachRealFeedEmptyRoot(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("thousands of solves")
	}
	const glob, arch = "openwrt-23.05-snapshot-arm_cortex-a9_vfpv3-d16-*", "arm_cortex-a9_vfpv3-d16"
	empty := planEach(t, planRoot(t, glob, arch, nil))
	empty.report(t, "23.05 arm_cortex-a9 into an empty root")
	// libc and the kernel come with the firmware image, never from the
	// feeds: a root that has them, at the kernel build the feeds' kmods
	// name, is what a freshly flashed router is.
	base := planEach(t, planRoot(t, glob, arch, flashedBase(t, glob, arch)))
	base.report(t, "23.05 arm_cortex-a9 into libc and the feeds' kernel")
	if base.plans <= empty.plans {
		t.Errorf("libc and the kernel installed: %d plans, no more than the %d of an empty root", base.plans, empty.plans)
	}
}

// flashedBase is the status of a root holding only what an OpenWrt image
// brings and no feed has: libc, and the kernel at the build the feeds'
// kmods depend on (read from the feeds, the most common one).
func flashedBase(tb testing.TB, glob, arch string) []byte {
	tb.Helper()
	data := realdata.Dir(tb)
	feeds, _ := filepath.Glob(filepath.Join(data, "feeds", glob))
	count := map[string]int{}
	for _, f := range feeds {
		text := string(realdata.Read(tb, filepath.Join("feeds", filepath.Base(f), "Packages")))
		for {
			i := strings.Index(text, "kernel (=")
			if i < 0 {
				break
			}
			text = text[i+len("kernel (="):]
			if j := strings.IndexByte(text, ')'); j > 0 {
				count[strings.TrimSpace(text[:j])]++
			}
		}
	}
	kernel, best := "", 0
	for v, n := range count {
		if n > best || (n == best && v < kernel) {
			kernel, best = v, n
		}
	}
	if kernel == "" {
		tb.Skip("no kmod names a kernel build")
	}
	return []byte("Package: libc\nVersion: 1.2.4-4\nStatus: install hold installed\nEssential: yes\nArchitecture: " + arch +
		"\n\nPackage: kernel\nVersion: " + kernel + "\nStatus: install hold installed\nArchitecture: " + arch + "\n\n")
}

// TestPlanEachRealFeedDevice plans installing every package of the
// OpenWrt 23.05.2 x86_64 feeds into a real 23.05 x86_64 device's status
// (data README §5 pairs them): the device's kernel build differs from the
// feeds', so new kmods cannot install, and must say why.
func TestPlanEachRealFeedDevice(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("thousands of solves")
	}
	status := realdata.Read(t, "status/openwrt-23.05-snapshot-x86_64-trillaman/status")
	tally := planEach(t, planRoot(t, "openwrt-23.05.2-x86_64-*", "x86_64", status))
	tally.report(t, "23.05.2 x86_64 into the trillaman device")
	if tally.plans == 0 {
		t.Error("no plan at all")
	}
	empty := planEach(t, planRoot(t, "openwrt-23.05.2-x86_64-*", "x86_64", nil))
	empty.report(t, "23.05.2 x86_64 into an empty root")
	base := planEach(t, planRoot(t, "openwrt-23.05.2-x86_64-*", "x86_64", flashedBase(t, "openwrt-23.05.2-x86_64-*", "x86_64")))
	base.report(t, "23.05.2 x86_64 into libc and the feeds' kernel")
}

// BenchmarkPlanInstallDevice is a whole "install --noaction" on a real
// device against its release's feeds: configuration, lists, status, the
// solve and the rendering.
func BenchmarkPlanInstallDevice(b *testing.B) {
	status := realdata.Read(b, "status/openwrt-23.05-snapshot-x86_64-trillaman/status")
	e := rootEngine(planRoot(b, "openwrt-23.05.2-x86_64-*", "x86_64", status))
	b.ReportAllocs()
	for b.Loop() {
		res, err := e.Plan(context.Background(), PlanRequest{Command: PlanInstall, Args: []string{"curl"}})
		if err != nil {
			b.Fatal(err)
		}
		if len(res.Plan.Steps) == 0 {
			b.Fatal("empty plan")
		}
	}
}

// BenchmarkPlanUpgradeAllDevice plans upgrading a real device's whole
// installed set against a newer release's feeds.
func BenchmarkPlanUpgradeAllDevice(b *testing.B) {
	status := realdata.Read(b, "status/openwrt-23.05-snapshot-x86_64-trillaman/status")
	e := rootEngine(planRoot(b, "openwrt-23.05.2-x86_64-*", "x86_64", status))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := e.Plan(context.Background(), PlanRequest{Command: PlanUpgrade}); err != nil {
			b.Fatal(err)
		}
	}
}

// TestPlanUpgradeAllRealDevices plans "upgrade" of everything on real
// devices against the feed groups data README §5 pairs them with: every
// plan must pass the checker, and none may downgrade (no
// --force-downgrade), even where the feed is older than the device.
func TestPlanUpgradeAllRealDevices(t *testing.T) {
	t.Parallel()
	pairs := []struct{ status, feeds, arch string }{
		{"openwrt-23.05-snapshot-x86_64-trillaman", "openwrt-23.05.2-x86_64-*", "x86_64"},
		{"openwrt-22.03.4-x86_64-sturdynet", "openwrt-22.03.2-x86_64-*", "x86_64"},
		{"openwrt-22.03.4-x86_64-sturdynet", "openwrt-23.05.2-x86_64-*", "x86_64"},
		{"kiddin9-23.05-mipsel_24kc-masx200", "kiddin9-23.05-mipsel_24kc-*", "mipsel_24kc"},
		{"xiaomi-openwrt-18.06", "lede-lean-2020-aarch64_cortex-a53-*", "aarch64_cortex-a53"},
	}
	for _, p := range pairs {
		status := realdata.Read(t, filepath.Join("status", p.status, "status"))
		e := rootEngine(planRoot(t, p.feeds, p.arch, status))
		start := time.Now()
		res, err := e.Plan(context.Background(), PlanRequest{Command: PlanUpgrade})
		took := time.Since(start)
		if err != nil {
			var un *solver.Unsatisfiable
			if errors.As(err, &un) {
				t.Logf("%s against %s: no plan (%v):\n%v", p.status, p.feeds, took, un)
				continue
			}
			t.Errorf("%s against %s: %v", p.status, p.feeds, err)
			continue
		}
		if err := solver.Check(res.Universe, res.Request, res.Solved); err != nil {
			t.Errorf("%s against %s: the checker refuses the plan: %v", p.status, p.feeds, err)
		}
		count := map[output.PlanAction]int{}
		for _, s := range res.Plan.Steps {
			count[s.Action]++
		}
		if count[output.PlanDowngrade] > 0 {
			t.Errorf("%s against %s: %d downgrades without --force-downgrade", p.status, p.feeds, count[output.PlanDowngrade])
		}
		t.Logf("%s against %s (%v, load included): %d upgrades, %d new, %d removed, %d orphans, %d held back",
			p.status, p.feeds, took, count[output.PlanUpgrade], count[output.PlanInstall], count[output.PlanRemove],
			count[output.PlanOrphan], count[output.PlanHeld])
	}
}
