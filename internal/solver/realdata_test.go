package solver

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"pakt/internal/control"
	"pakt/internal/realdata"
	"pakt/internal/relation"
)

// loadPackages reads a Packages index or a status file into solver packages.
// This stands in for pkginfo and the engine's adapter: the fields the solver
// needs, parsed with relation.
func loadPackages(tb testing.TB, path string, installed bool, archPriority map[string]int) []*Package {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	stanzas, err := control.Parse(path, data)
	if err != nil {
		tb.Fatalf("%s: %v", path, err)
	}
	var out []*Package
	for _, s := range stanzas {
		if installed {
			st := strings.Fields(s.Get("Status"))
			if len(st) != 3 || st[2] != "installed" {
				continue
			}
		}
		p := &Package{
			Name:      s.Get("Package"),
			Version:   s.Get("Version"),
			Arch:      s.Get("Architecture"),
			Installed: installed,
			Essential: s.Get("Essential") == "yes",
		}
		p.ArchPriority = archPriority[p.Arch]
		if installed {
			p.Hold = strings.HasPrefix(s.Get("Status"), "hold ")
			p.Auto = s.Get("Auto-Installed") == "yes"
		}
		groups := func(field string) []relation.Group {
			g, err := relation.ParseDepends(field, s.Get(field))
			if err != nil {
				tb.Fatalf("%s: %s: %v", path, p.Name, err)
			}
			return g
		}
		p.Depends = groups("Depends")
		p.PreDepends = groups("Pre-Depends")
		p.Recommends = groups("Recommends")
		p.Suggests = groups("Suggests")
		p.Conflicts = groups("Conflicts")
		if p.Provides, err = relation.ParseProvides(s.Get("Provides")); err != nil {
			tb.Fatalf("%s: %s: %v", path, p.Name, err)
		}
		if p.Replaces, err = relation.ParseReplaces(s.Get("Replaces")); err != nil {
			tb.Fatalf("%s: %s: %v", path, p.Name, err)
		}
		out = append(out, p)
	}
	return out
}

func loadFeeds(tb testing.TB, glob string, archPriority map[string]int) []*Package {
	tb.Helper()
	var pkgs []*Package
	for _, dir := range realdata.Glob(tb, glob) {
		pkgs = append(pkgs, loadPackages(tb, filepath.Join(dir, "Packages"), false, archPriority)...)
	}
	if len(pkgs) == 0 {
		tb.Skipf("no feeds match %s", glob)
	}
	return pkgs
}

var (
	armFeeds    = "feeds/openwrt-23.05-snapshot-arm_cortex-a9_vfpv3-d16-*"
	armArches   = map[string]int{"all": 1, "arm_cortex-a9_vfpv3-d16": 10}
	x86Feeds    = "feeds/openwrt-23.05.2-x86_64-*"
	x86Arches   = map[string]int{"all": 1, "x86_64": 10}
	x86Device   = "status/openwrt-23.05-snapshot-x86_64-trillaman/status"
	installStep = 1 // every package; -short takes a sample
)

func feedNames(pkgs []*Package) []string {
	var names []string
	for _, p := range pkgs {
		if !p.Installed {
			names = append(names, p.Name)
		}
	}
	slices.Sort(names)
	return slices.Compact(names)
}

// installEach plans an install of every feed package and checks each plan;
// it returns the time of each solve and the slowest failure.
func installEach(tb testing.TB, pkgs []*Package, step int) (times []time.Duration, solved, failed int, worst Request, worstTime time.Duration) {
	u := NewIndex(pkgs)
	for i, name := range feedNames(pkgs) {
		if i%step != 0 {
			continue
		}
		req := Request{Install: []relation.Atom{{Name: name}}}
		start := time.Now()
		plan, err := Solve(u, req)
		d := time.Since(start)
		times = append(times, d)
		var unsat *Unsatisfiable
		switch {
		case err == nil:
			solved++
			if cerr := Check(u, req, plan); cerr != nil {
				tb.Fatalf("install %s: checker: %v", name, cerr)
			}
		case errors.As(err, &unsat):
			failed++
			if d > worstTime {
				worst, worstTime = req, d
			}
		default:
			tb.Fatalf("install %s: %v", name, err)
		}
	}
	return times, solved, failed, worst, worstTime
}

// bareImage is what the firmware image brings and no feed carries: the
// kernel (at the version the feed's kmods were built for) and libc.
func bareImage(pkgs []*Package) []*Package {
	kernel := ""
	for _, p := range pkgs {
		for _, g := range p.Depends {
			if a := g.Alts[0]; a.Name == "kernel" && a.Constraint.Version != "" {
				kernel = a.Constraint.Version
			}
		}
	}
	return []*Package{
		{Name: "kernel", Version: kernel, Arch: "all", Installed: true},
		{Name: "libc", Version: "1.2.4-4", Arch: "all", Installed: true},
	}
}

func TestRealInstallEachIntoEmptyRoot(t *testing.T) {
	t.Parallel()
	pkgs := loadFeeds(t, armFeeds, armArches)
	pkgs = append(bareImage(pkgs), pkgs...)
	step := installStep
	if testing.Short() {
		step = 25
	}
	times, solved, failed, worst, _ := installEach(t, pkgs, step)
	t.Logf("%d requests: %d planned, %d unsatisfiable; %s", len(times), solved, failed, distribution(times))
	if solved < len(times)*9/10 {
		t.Errorf("only %d of %d installs planned", solved, len(times))
	}
	if len(worst.Install) > 0 {
		_, err := Solve(NewIndex(pkgs), worst)
		t.Logf("slowest failure, install %s:\n%v", worst.Install[0].Name, err)
		if _, ok := err.(*Unsatisfiable); !ok {
			t.Errorf("slowest failure: %v", err)
		}
	}
}

func TestRealInstallEachIntoDevice(t *testing.T) {
	t.Parallel()
	pkgs := loadFeeds(t, x86Feeds, x86Arches)
	dev := loadPackages(t, filepath.Join(realdata.Dir(t), x86Device), true, x86Arches)
	step := installStep
	if testing.Short() {
		step = 25
	}
	times, solved, failed, _, _ := installEach(t, append(dev, pkgs...), step)
	t.Logf("%d requests against %d installed: %d planned, %d unsatisfiable; %s", len(times), len(dev), solved, failed, distribution(times))
	if solved == 0 {
		t.Error("nothing planned")
	}
}

// The device runs a 23.05 snapshot kernel (5.15.137-1-8f46…); the 23.05.2
// feed's kmods want 5.15.137-1-4796…, so a kmod install must fail and say so.
func TestRealKernelMismatchExplained(t *testing.T) {
	t.Parallel()
	pkgs := loadFeeds(t, x86Feeds, x86Arches)
	dev := loadPackages(t, filepath.Join(realdata.Dir(t), x86Device), true, x86Arches)
	u := NewIndex(append(dev, pkgs...))
	var kmod string
	for _, p := range pkgs {
		if strings.HasPrefix(p.Name, "kmod-") && !slices.ContainsFunc(dev, func(d *Package) bool { return d.Name == p.Name }) &&
			slices.ContainsFunc(p.Depends, func(g relation.Group) bool { return g.Alts[0].Name == "kernel" }) {
			kmod = p.Name
			break
		}
	}
	if kmod == "" {
		t.Skip("no kmod outside the device's set")
	}
	_, err := Solve(u, Request{Install: []relation.Atom{{Name: kmod}}})
	if err == nil {
		t.Fatalf("install %s: planned despite the kernel mismatch", kmod)
	}
	text := err.Error()
	for _, want := range []string{"Cannot satisfy the following dependencies for " + kmod, "kernel (= 5.15.137-1-47964456485559d992fe6f536131fc64)", "installed kernel is 5.15.137-1-8f468338fcdf9df0aa1a3c5787b861f6, no feed has a match"} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q:\n%s", want, text)
		}
	}
}

func TestRealUpgradeAllDevice(t *testing.T) {
	t.Parallel()
	pkgs := loadFeeds(t, x86Feeds, x86Arches)
	dev := loadPackages(t, filepath.Join(realdata.Dir(t), x86Device), true, x86Arches)
	u := NewIndex(append(dev, pkgs...))
	req := Request{UpgradeAll: true}
	plan, err := Solve(u, req)
	if err != nil {
		t.Fatal(err)
	}
	if err := Check(u, req, plan); err != nil {
		t.Fatal(err)
	}
	t.Logf("upgrade-all: %d upgrades, %d installs, %d removals", len(plan.Upgrade), len(plan.Install), len(plan.Remove))
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
}

func distribution(times []time.Duration) string {
	s := slices.Clone(times)
	slices.Sort(s)
	return "median " + percentile(s, 0.5).String() + ", p99 " + percentile(s, 0.99).String() + ", max " + percentile(s, 1).String()
}

// BenchmarkInstallEach plans an install of every package of the 23.05
// arm_cortex-a9 feeds on a bare image, once per iteration, and reports the
// distribution per request. Each request's time is its best over the
// iterations, so with -benchtime=3x or more a busy machine's scheduling noise
// drops out; with 1x it is the raw time.
func BenchmarkInstallEach(b *testing.B) {
	pkgs := loadFeeds(b, armFeeds, armArches)
	benchInstallEach(b, append(bareImage(pkgs), pkgs...))
}

// BenchmarkInstallEachIntoDevice does the same for every package of the
// 23.05.2 x86_64 feeds into a real device's installed set (380 packages).
func BenchmarkInstallEachIntoDevice(b *testing.B) {
	pkgs := loadFeeds(b, x86Feeds, x86Arches)
	dev := loadPackages(b, filepath.Join(realdata.Dir(b), x86Device), true, x86Arches)
	benchInstallEach(b, append(dev, pkgs...))
}

func benchInstallEach(b *testing.B, pkgs []*Package) {
	b.ReportAllocs()
	var best []time.Duration
	for b.Loop() {
		times, _, _, _, _ := installEach(b, pkgs, 1)
		if best == nil {
			best = times
		}
		for i, d := range times {
			best[i] = min(best[i], d)
		}
	}
	slices.Sort(best)
	b.ReportMetric(float64(percentile(best, 0.5).Microseconds()), "median-µs/req")
	b.ReportMetric(float64(percentile(best, 0.99).Microseconds()), "p99-µs/req")
	b.ReportMetric(float64(percentile(best, 1).Microseconds()), "max-µs/req")
	b.ReportMetric(float64(len(best)), "req")
}

// BenchmarkUpgradeAllDevice upgrades a real 23.05 snapshot device's whole
// installed set against the 23.05.2 feeds.
func BenchmarkUpgradeAllDevice(b *testing.B) {
	pkgs := loadFeeds(b, x86Feeds, x86Arches)
	dev := loadPackages(b, filepath.Join(realdata.Dir(b), x86Device), true, x86Arches)
	u := NewIndex(append(dev, pkgs...))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Solve(u, Request{UpgradeAll: true}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkWorstUnsatisfiable repeats the slowest failing single-package
// install of the arm feeds (explanation included).
func BenchmarkWorstUnsatisfiable(b *testing.B) {
	pkgs := loadFeeds(b, armFeeds, armArches)
	pkgs = append(bareImage(pkgs), pkgs...)
	_, _, _, worst, _ := installEach(b, pkgs, 1)
	if len(worst.Install) == 0 {
		b.Skip("every install is satisfiable")
	}
	u := NewIndex(pkgs)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Solve(u, worst); err == nil {
			b.Fatal("solvable")
		}
	}
}
