package cli

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"

	"pakt/internal/engine"
	"pakt/internal/realdata"
)

// queryRoot describes an offline root made from the real data: the
// installed database of one status set (status, info/ and the device's
// /etc when the set has them) and some feeds stored in lists_dir as gzip,
// as opkg-lede stores them.
type queryRoot struct {
	status string   // data/status/<status>, "" for none
	arches []string // "name:priority"
	feeds  []string // data/feeds/<feed>
}

func (q queryRoot) String() string {
	return fmt.Sprintf("status=%s arch=%s feeds=%s", q.status, strings.Join(q.arches, ","), strings.Join(q.feeds, ","))
}

// build makes the root under dir and returns its path.
func (q queryRoot) build(t *testing.T, dir string) string {
	t.Helper()
	data := realdata.Dir(t)
	root := filepath.Join(dir, "root")
	for _, d := range []string{"etc/opkg", "var/lock", "var/l", "usr/lib/opkg/info", "tmp"} {
		if err := os.MkdirAll(filepath.Join(root, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if q.status != "" {
		set := filepath.Join(data, "status", q.status)
		copyTree(t, filepath.Join(set, "rootfs", "etc"), filepath.Join(root, "etc"))
		// The device's own configuration would point at its feeds: only
		// the test's is read.
		os.Remove(filepath.Join(root, "etc", "opkg.conf"))
		confs, _ := filepath.Glob(filepath.Join(root, "etc", "opkg", "*.conf"))
		for _, c := range confs {
			os.Remove(c)
		}
		copyTree(t, filepath.Join(set, "info"), filepath.Join(root, "usr/lib/opkg/info"))
		writeFile(t, filepath.Join(root, "usr/lib/opkg/status"), readFile(t, filepath.Join(set, "status")))
	}
	conf := "lists_dir ext /var/l\n"
	for _, a := range q.arches {
		name, prio, _ := strings.Cut(a, ":")
		conf += "arch " + name + " " + prio + "\n"
	}
	for _, f := range q.feeds {
		conf += "src/gz " + f + " http://127.0.0.1:9/" + f + "\n"
		var gz bytes.Buffer
		zw := gzip.NewWriter(&gz)
		zw.Write(readFile(t, filepath.Join(data, "feeds", f, "Packages")))
		zw.Close()
		writeFile(t, filepath.Join(root, "var/l", f), gz.Bytes())
	}
	writeFile(t, filepath.Join(root, "etc/opkg/test.conf"), []byte(conf))
	return root
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// copyTree copies regular files and directories (symlinks are skipped);
// a missing source copies nothing.
func copyTree(t *testing.T, from, to string) {
	t.Helper()
	filepath.WalkDir(from, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		switch {
		case d.IsDir():
			os.MkdirAll(dst, 0o755)
		case d.Type().IsRegular():
			writeFile(t, dst, readFile(t, p))
		}
		return nil
	})
}

// result is what one run printed, with the root's path replaced by $ROOT.
type result struct {
	stdout, stderr string
	exit           int
}

func scrub(s, root string) string { return strings.ReplaceAll(s, root, "$ROOT") }

// runPaktQuery runs pakt as opkg, in process, on the root.
func runPaktQuery(root string, args []string) result {
	var stdout, stderr bytes.Buffer
	sys := engine.System{Files: os.DirFS("/"), Dir: root, Getenv: func(string) string { return "" }}
	argv := append([]string{"opkg", "-o", root}, args...)
	code := run(context.Background(), sys, argv, strings.NewReader(""), &stdout, &stderr)
	return result{scrub(stdout.String(), root), scrub(stderr.String(), root), code}
}

// runLedeQuery runs the reference opkg-lede on the root.
func runLedeQuery(t *testing.T, ref, root string, args []string) result {
	t.Helper()
	bin := filepath.Join(filepath.Dir(root), "bin")
	os.MkdirAll(bin, 0o755)
	link := filepath.Join(bin, "opkg") // lede prints argv[0] in some messages
	os.Symlink(ref, link)
	cmd := exec.Command(link, append([]string{"-o", root}, args...)...)
	cmd.Env = []string{"TMPDIR=" + filepath.Join(root, "tmp"), "PATH=/usr/bin:/bin"}
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	code := 0
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code = exitErr.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{scrub(stdout.String(), root), scrub(stderr.String(), root), code}
}

// Divergences: where pakt deliberately prints something else than
// opkg-lede (DESIGN.md §1.4: correct before compatible), each a function
// turning lede's output into pakt's, applied before comparing.
var divergences = map[string]func(r result) result{
	// lede's info and status print the wrong entries under Recommends:
	// and Suggests: (pkg_formatted_field walks the package's whole
	// dependency array by an index that does not match; a Recommends of
	// "rec1" prints as "Recommends: libc"). pakt prints the package's real
	// Recommends and Suggests. The goldens keep lede's text; the test
	// checks every other line is the same.
	// Also, lede splits Replaces and Provides on commas and spaces alike,
	// so a versioned "Replaces: check (<= 0.9.5)" (Yocto) prints as
	// "Replaces: check, (<=, 0.9.5)"; pakt prints the relation.
	"recommends": func(r result) result {
		r.stdout = regexp.MustCompile(`(?m)^((Recommends|Suggests): .*|(Replaces|Provides): .*\(.*)\n`).ReplaceAllString(r.stdout, "")
		return r
	},
	// lede's list-upgradable first runs its install-candidate checks and
	// prints their noise ("Multiple packages … marked HOLD or PREFER",
	// "cannot find dependency …", "… incompatible with the architectures
	// configured"), and lists some kmods whose kernel is in no feed but
	// not others, depending on the order of its checks. pakt prints the
	// upgradable packages only, leaving out every candidate whose
	// dependencies no package can meet.
	"upgradable": func(r result) result {
		r.stdout = regexp.MustCompile(`(?m)^(Multiple packages .*|kmod-.*)\n`).ReplaceAllString(r.stdout, "")
		r.stderr = ""
		return r
	},
}

// feedLies drops, from either side, the info lines where pakt reads a
// feed better than lede: Recommends and Suggests (above), old "Provides:
// erlang-erts=6.4" tokens, which pkginfo reads as versioned provides and
// prints "erlang-erts (= 6.4)" where lede prints the token, and a
// dependency with two constraints, "nginx-ssl-util (>=1.5-1) (<2)", whose
// second constraint lede drops and pakt keeps.
func feedLies(r result) result {
	r = divergences["recommends"](r)
	r.stdout = regexp.MustCompile(`(?m)^Provides: .*=.*\n`).ReplaceAllString(r.stdout, "")
	r.stdout = regexp.MustCompile(`\) \([^)]*\)`).ReplaceAllString(r.stdout, ")")
	return r
}

// paktDivergent applies to pakt's output the part of a divergence that
// concerns it (lines it prints that lede never does).
var paktDivergent = map[string]func(r result) result{
	// ...and lede prints the strict operators << and >> as < and >
	// (constraint_to_str), which read back as <= and >=; pakt keeps them.
	"recommends": func(r result) result {
		r = divergences["recommends"](r)
		r.stdout = strings.NewReplacer("(<< ", "(< ", "(>> ", "(> ").Replace(r.stdout)
		return r
	},
	"upgradable": func(r result) result {
		r.stdout = regexp.MustCompile(`(?m)^kmod-.*\n`).ReplaceAllString(r.stdout, "")
		return r
	},
}

type queryCase struct {
	name    string
	root    queryRoot
	args    []string
	diverge string // key of divergences, "" for none
}

var (
	sturdy   = "openwrt-22.03.4-x86_64-sturdynet"
	x86      = []string{"all:1", "noarch:1", "x86_64:10"}
	small21  = []string{"mossdef-all-2022-09-21", "openwrt-21.02.7-x86_64-packages", "openwrt-21.02.7-x86_64-luci", "openwrt-21.02.7-x86_64-routing"}
	feeds232 = []string{"openwrt-23.05.2-x86_64-base", "openwrt-23.05.2-x86_64-luci"}
)

// goldenCases are committed in testdata/query, each produced by the
// reference opkg-lede (PAKT_REGEN_QUERY_GOLDEN=1 rewrites them from it,
// never from pakt).
var goldenCases = []queryCase{
	{name: "list", root: queryRoot{"", x86, small21}, args: []string{"list"}},
	{name: "list_size_glob", root: queryRoot{"", x86, small21}, args: []string{"list", "--size", "luci-app-*"}},
	{name: "list_nocase", root: queryRoot{"", x86, small21}, args: []string{"--nocase", "list", "*LUA*"}},
	{name: "list_strip_abi", root: queryRoot{sturdy, x86, nil}, args: []string{"list", "--strip-abi", "lib*"}},
	{name: "list_with_installed", root: queryRoot{sturdy, x86, small21}, args: []string{"list", "l*"}},
	{name: "find", root: queryRoot{sturdy, x86, small21}, args: []string{"find", "*http*"}},
	{name: "list_installed", root: queryRoot{sturdy, x86, nil}, args: []string{"list-installed"}},
	{name: "list_upgradable", root: queryRoot{sturdy, x86, feeds232}, args: []string{"list-upgradable"}, diverge: "upgradable"},
	{name: "status_glob", root: queryRoot{sturdy, x86, nil}, args: []string{"status", "luci-*"}},
	{name: "info_glob", root: queryRoot{sturdy, x86, small21}, args: []string{"info", "luci-app-*"}},
	{name: "info_feed_only", root: queryRoot{"", x86, small21}, args: []string{"info", "luci-app-a*"}},
	{name: "files", root: queryRoot{sturdy, x86, nil}, args: []string{"files", "dnsmasq"}},
	{name: "files_not_installed", root: queryRoot{sturdy, x86, nil}, args: []string{"files", "nosuchpkg"}},
	{name: "search", root: queryRoot{sturdy, x86, nil}, args: []string{"search", "*/sbin/ip*"}},
	{name: "list_changed_conffiles", root: queryRoot{sturdy, x86, nil}, args: []string{"list-changed-conffiles"}},
	{name: "status_yocto", root: queryRoot{"yocto-arago-2017.06-phytec-am57xx", []string{"all:1", "armv7ahf-neon:10", "am5728_phycore_rdk:20"}, nil}, args: []string{"status", "perf*"}, diverge: "recommends"},
	{name: "status_wrong_arch", root: queryRoot{"openwrt-12.09-r31467-samknows", []string{"all:1"}, nil}, args: []string{"status", "b*"}},
}

func goldenPath(name string) string { return filepath.Join("testdata", "query", name+".txtar") }

func (r result) archive(comment string) []byte {
	return txtar.Format(&txtar.Archive{
		Comment: []byte(comment),
		Files: []txtar.File{
			{Name: "stdout", Data: []byte(r.stdout)},
			{Name: "stderr", Data: []byte(r.stderr)},
			{Name: "exit", Data: []byte(strconv.Itoa(r.exit) + "\n")},
		},
	})
}

func parseResult(a *txtar.Archive) result {
	var r result
	for _, f := range a.Files {
		switch f.Name {
		case "stdout":
			r.stdout = string(f.Data)
		case "stderr":
			r.stderr = string(f.Data)
		case "exit":
			r.exit, _ = strconv.Atoi(strings.TrimSpace(string(f.Data)))
		}
	}
	return r
}

// TestQueryGolden compares pakt with the committed opkg-lede output, byte
// for byte (modulo the documented divergences), on roots made from the
// real data.
func TestQueryGolden(t *testing.T) {
	t.Parallel()
	testGoldenCases(t, goldenCases)
}

// testGoldenCases runs each case against its committed opkg-lede golden
// (PAKT_REGEN_QUERY_GOLDEN=1 first rewrites the golden from opkg-lede).
func testGoldenCases(t *testing.T, cases []queryCase) {
	regen := os.Getenv("PAKT_REGEN_QUERY_GOLDEN") == "1"
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			root := tc.root.build(t, t.TempDir())
			if regen {
				ref := referenceOpkg(t)
				r := runLedeQuery(t, ref, root, tc.args)
				comment := "Produced by opkg-lede 38eccbb (/work/ref/opkg), not by pakt:\n" +
					"  TMPDIR=$ROOT/tmp opkg -o $ROOT " + strings.Join(tc.args, " ") + "\n" +
					"on a root of the real data (query_reference_test.go builds it): " + tc.root.String() + "\n"
				if tc.diverge != "" {
					comment += "pakt diverges on purpose: see divergences[\"" + tc.diverge + "\"].\n"
				}
				writeFile(t, goldenPath(tc.name), r.archive(comment))
			}
			a, err := txtar.ParseFile(goldenPath(tc.name))
			if err != nil {
				t.Fatal(err)
			}
			want := parseResult(a)
			got := runPaktQuery(root, tc.args)
			if tc.diverge != "" {
				want = divergences[tc.diverge](want)
				got = paktDivergent[tc.diverge](got)
			}
			compareResults(t, strings.Join(tc.args, " "), got, want)
		})
	}
}

func compareResults(t *testing.T, what string, got, want result) {
	t.Helper()
	if got.stdout != want.stdout {
		t.Errorf("%s: stdout differs from opkg-lede's:\n%s", what, firstDiff(got.stdout, want.stdout))
	}
	if got.stderr != want.stderr {
		t.Errorf("%s: stderr differs from opkg-lede's:\n%s", what, firstDiff(got.stderr, want.stderr))
	}
	if got.exit != want.exit {
		t.Errorf("%s: exit %d, opkg-lede %d", what, got.exit, want.exit)
	}
}

func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) || i < len(w); i++ {
		var gl, wl string
		if i < len(g) {
			gl = g[i]
		}
		if i < len(w) {
			wl = w[i]
		}
		if gl != wl {
			return fmt.Sprintf("line %d:\n pakt: %q\n lede: %q", i+1, gl, wl)
		}
	}
	return "(same lines, different length)"
}

// TestQueryEveryStatusSet runs the reference opkg-lede (when present) and
// pakt on every status set of the real data: list-installed, status,
// files and list-changed-conffiles must match.
func TestQueryEveryStatusSet(t *testing.T) {
	t.Parallel()
	ref := referenceOpkg(t)
	for _, set := range realdata.StatusSets(t) {
		name := filepath.Base(set)
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			status := string(readFile(t, filepath.Join(set, "status")))
			arches := []string{"all:1", "noarch:1"}
			seen := map[string]bool{}
			first := ""
			for _, line := range strings.Split(status, "\n") {
				if v, ok := strings.CutPrefix(line, "Architecture: "); ok && !seen[v] && v != "all" && v != "noarch" {
					seen[v] = true
					arches = append(arches, v+":10")
				}
				if v, ok := strings.CutPrefix(line, "Package: "); ok && first == "" {
					first = v
				}
			}
			root := queryRoot{status: name, arches: arches}.build(t, t.TempDir())
			for _, args := range [][]string{{"list-installed"}, {"status"}, {"files", first}, {"files", "base-files"}, {"list-changed-conffiles"}, {"search", "*/bin/*"}} {
				want := runLedeQuery(t, ref, root, args)
				got := runPaktQuery(root, args)
				if args[0] == "status" {
					want, got = divergences["recommends"](want), paktDivergent["recommends"](got)
				}
				compareResults(t, strings.Join(args, " "), got, want)
			}
		})
	}
}

// TestQueryFeeds runs the reference opkg-lede (when present) and pakt on
// single real feeds of every family in the data (OpenWrt 15.05 to 23.05,
// LEDE, Entware, Yocto, third-party): list and info must match.
func TestQueryFeeds(t *testing.T) {
	t.Parallel()
	ref := referenceOpkg(t)
	for _, f := range []struct{ feed, arch string }{
		{"entware-mipselsf-k3.4-2020-12", "mipsel-3.4"},
		{"lede-lean-2019-x86_64-base", "x86_64"},
		{"openwrt-15.05-glinet-ar71xx-base", "ar71xx"},
		{"openwrt-23.05-snapshot-arm_cortex-a9_vfpv3-d16-packages", "arm_cortex-a9_vfpv3-d16"},
		{"yocto-kirkstone-rpi3-64-all", "all"},
		{"mossdef-all-2026-06-26", "all"},
		{"kiddin9-23.05-mipsel_24kc-partial", "mipsel_24kc"},
	} {
		t.Run(f.feed, func(t *testing.T) {
			t.Parallel()
			root := queryRoot{arches: []string{f.arch + ":10", "all:1"}, feeds: []string{f.feed}}.build(t, t.TempDir())
			for _, args := range [][]string{{"list"}, {"info"}} {
				want := feedLies(runLedeQuery(t, ref, root, args))
				got := feedLies(runPaktQuery(root, args))
				compareResults(t, strings.Join(args, " "), got, want)
			}
		})
	}
}

// TestQueryTerminal runs list and info on a pseudo-terminal (util-linux
// script) with pakt and with the reference opkg-lede: on a terminal lede
// keeps the line breaks of multi-line descriptions (pkg_parse.c isatty).
func TestQueryTerminal(t *testing.T) {
	t.Parallel()
	ref := referenceOpkg(t)
	scriptBin, err := exec.LookPath("script")
	if err != nil {
		t.Skip("no script(1) to make a terminal")
	}
	pakt, err := exec.LookPath("opkg") // this test binary, installed by TestMain
	if err != nil || pakt == ref {
		t.Skip("pakt is not installed as opkg in $PATH")
	}
	dir := t.TempDir()
	root := queryRoot{arches: x86, feeds: []string{"openwrt-21.02.7-x86_64-packages"}}.build(t, dir)
	for _, args := range []string{"list golang*", "info golang"} {
		run := func(bin string) string {
			cmd := exec.Command(scriptBin, "-qec", bin+" -o "+root+" "+args, "/dev/null")
			cmd.Env = append(os.Environ(), "TMPDIR="+filepath.Join(root, "tmp"))
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("%s %s: %v", bin, args, err)
			}
			return string(out)
		}
		got, want := run(pakt), run(ref)
		if !strings.Contains(want, "\r\n ") {
			t.Fatalf("%s: lede's output on a terminal has no continuation line; the test proves nothing", args)
		}
		if got != want {
			t.Errorf("%s on a terminal: %s", args, firstDiff(got, want))
		}
	}
}
