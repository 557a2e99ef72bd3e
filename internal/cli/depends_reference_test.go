package cli

import (
	"regexp"
	"strings"
	"testing"
)

// The dependency queries (depends, what*) against opkg-lede, on roots of
// the real data, with the machinery of query_reference_test.go: goldens in
// testdata/query produced by the reference binary
// (PAKT_REGEN_QUERY_GOLDEN=1), never by pakt.

var (
	feeds23arm = []string{
		"openwrt-23.05-snapshot-arm_cortex-a9_vfpv3-d16-base",
		"openwrt-23.05-snapshot-arm_cortex-a9_vfpv3-d16-core",
		"openwrt-23.05-snapshot-arm_cortex-a9_vfpv3-d16-luci",
		"openwrt-23.05-snapshot-arm_cortex-a9_vfpv3-d16-packages",
		"openwrt-23.05-snapshot-arm_cortex-a9_vfpv3-d16-routing",
		"openwrt-23.05-snapshot-arm_cortex-a9_vfpv3-d16-telephony",
	}
	arm9   = []string{"all:1", "noarch:1", "arm_cortex-a9_vfpv3-d16:10"}
	mips19 = []string{"openwrt-19.07.7-mips_24kc-base", "openwrt-19.07.7-mips_24kc-luci", "openwrt-19.07.7-mips_24kc-packages"}
	mips   = []string{"all:1", "noarch:1", "mips_24kc:10"}
	yocto  = []string{"all:1", "armv7ahf-neon:10", "am5728_phycore_rdk:20"}

	trillaman  = "openwrt-23.05-snapshot-x86_64-trillaman"
	kirkstone  = []string{"all:1", "cortexa53:10", "raspberrypi3_64:20"}
	yoctoFeeds = []string{"yocto-kirkstone-rpi3-64-all", "yocto-kirkstone-rpi3-64-cortexa53", "yocto-kirkstone-rpi3-64-raspberrypi3_64"}
)

var dependsGoldenCases = []queryCase{
	// Installed packages only; every installed package lacking a .list
	// file is reported by pkg_info_preinstall_check.
	{name: "depends_installed", root: queryRoot{sturdy, x86, feeds232}, args: []string{"depends", "luci-app-*"}},
	// -A: every version of every known package, in hash order.
	{name: "depends_all", root: queryRoot{sturdy, x86, feeds232}, args: []string{"depends", "-A", "dnsmasq*"}},
	{name: "whatdepends_installed", root: queryRoot{sturdy, x86, nil}, args: []string{"whatdepends", "libubox20220515"}},
	// The root set matches provided names too (libubus provided by
	// libubus20220601); packages found early in the pass are marked and
	// found again through.
	{name: "whatdepends_all_libc", root: queryRoot{trillaman, x86, feeds232[:1]}, args: []string{"whatdepends", "-A", "libc"}},
	{name: "whatdepends_all_perl", root: queryRoot{"", arm9, feeds23arm[3:4]}, args: []string{"whatdepends", "-A", "perl"}},
	{name: "whatdepends_all_provided", root: queryRoot{"", x86, feeds232}, args: []string{"whatdepends", "-A", "libubus"}},
	{name: "whatdependsrec_installed", root: queryRoot{sturdy, x86, nil}, args: []string{"whatdependsrec", "libuci20130104"}},
	{name: "whatdependsrec_all", root: queryRoot{"", x86, feeds232}, args: []string{"whatdependsrec", "-A", "libnl-tiny*"}},
	{name: "whatrecommends_yocto", root: queryRoot{"yocto-arago-2017.06-phytec-am57xx", yocto, nil}, args: []string{"whatrecommends", "libc6-dev", "update-rc.d"}},
	{name: "whatsuggests_yocto", root: queryRoot{"yocto-arago-2017.06-phytec-am57xx", yocto, nil}, args: []string{"whatsuggests", "crda", "perf*", "ncurses*"}},
	{name: "whatconflicts_all", root: queryRoot{"", x86, feeds232}, args: []string{"whatconflicts", "-A", "dnsmasq*", "nftables*"}},
	{name: "whatprovides_wget", root: queryRoot{"", mips, mips19}, args: []string{"whatprovides", "-A", "wget"}},
	{name: "whatprovides_glob", root: queryRoot{sturdy, x86, feeds232}, args: []string{"whatprovides", "-A", "libubox*", "*ssl*"}},
	{name: "whatprovides_installed", root: queryRoot{sturdy, x86, nil}, args: []string{"whatprovides", "libc", "*crypto*"}},
	{name: "whatreplaces_yocto", root: queryRoot{"", kirkstone, yoctoFeeds}, args: []string{"whatreplaces", "-A", "*"}},
}

// TestDependsGolden compares pakt with the committed opkg-lede output of
// the dependency queries, byte for byte.
func TestDependsGolden(t *testing.T) {
	t.Parallel()
	testGoldenCases(t, dependsGoldenCases)
}

// firstConstraintOnly turns pakt's "name (>= 1.5-1) (<= 2)" into lede's
// "name (>= 1.5-1)": lede keeps the first constraint on a name and drops
// the rest (relation's package doc); pakt keeps and prints them all.
var firstConstraintOnly = regexp.MustCompile(`(\([<>=]+ [^)]*\))( \([<>=]+ [^)]*\))+`)

// TestDependsLiveBigRoot runs the reference opkg-lede (when present) and
// pakt on the largest OpenWrt release group with a device's status file,
// for every dependency query over every package: the outputs (thousands
// of lines each) must be the same but for firstConstraintOnly.
func TestDependsLiveBigRoot(t *testing.T) {
	t.Parallel()
	ref := referenceOpkg(t)
	root := queryRoot{sturdy, append(append([]string{}, arm9...), "x86_64:5"), feeds23arm}.build(t, t.TempDir())
	for _, args := range [][]string{
		{"depends", "-A", "*"}, {"depends", "*"},
		{"whatdepends", "-A", "libc"}, {"whatdepends", "*"},
		{"whatdependsrec", "-A", "libubox*"},
		{"whatprovides", "-A", "*"}, {"whatprovides", "*"},
		{"whatconflicts", "-A", "*"},
	} {
		want := runLedeQuery(t, ref, root, args)
		got := runPaktQuery(root, args)
		got.stdout = firstConstraintOnly.ReplaceAllString(got.stdout, "$1")
		if strings.Count(want.stdout, "\n") < 2 {
			t.Errorf("%s: lede printed almost nothing; the root is not what the test means", strings.Join(args, " "))
		}
		compareResults(t, strings.Join(args, " "), got, want)
	}
}
