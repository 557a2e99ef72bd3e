package cli

import "context"

// personality is who the binary is, chosen by the name it was run under.
type personality uint8

const (
	// asPakt is pakt under its own name (or any name but opkg's): opkg's
	// commands plus pakt's.
	asPakt personality = iota
	// asOpkg is pakt installed as (or linked to) opkg or opkg-cl: a drop-in
	// for opkg-lede, where pakt's own commands do not exist.
	asOpkg
)

// arity is how many arguments a sub-command needs.
type arity uint8

const (
	anyArgs   arity = iota
	needsArgs       // at least one (lede's requires_args)
	// needsArgsAsOpkg: at least one under the opkg name only. OpenWrt's
	// lede requires packages for upgrade; pakt, like upstream opkg,
	// upgrades everything when none are named (DESIGN.md §4).
	needsArgsAsOpkg
)

// command is one row of the sub-command table.
type command struct {
	names []string // the first is canonical; lede accepts '_' spellings
	arity arity
	// paktOnly commands are unknown sub-commands under the opkg name.
	paktOnly bool
	// ownOptions commands parse the words after their name themselves;
	// only the options in front of the sub-command are global.
	ownOptions bool
	// function is the C function of opkg-lede that runs the command; its
	// name prefixes the command's errors, as opkg's messages do.
	function string
	run      func(ctx context.Context, inv *invocation, args []string) error
}

// commands is the sub-command table: opkg-lede's (libopkg/opkg_cmd.c
// cmds[]), upstream opkg's extras, then pakt's own. Each run function
// lives in cmd_<name>.go.
var commands = []command{
	{names: []string{"update"}, function: "opkg_update_cmd", run: runUpdate},
	{names: []string{"upgrade"}, arity: needsArgsAsOpkg, function: "opkg_upgrade_cmd", run: runUpgrade},
	{names: []string{"list"}, function: "opkg_list_cmd", run: runList},
	{names: []string{"list-installed", "list_installed"}, function: "opkg_list_installed_cmd", run: runListInstalled},
	{names: []string{"list-upgradable", "list_upgradable"}, function: "opkg_list_upgradable_cmd", run: runListUpgradable},
	{names: []string{"list-changed-conffiles", "list_changed_conffiles"}, function: "opkg_list_changed_conffiles_cmd", run: runListChangedConffiles},
	{names: []string{"info"}, function: "opkg_info_cmd", run: runInfo},
	{names: []string{"flag"}, arity: needsArgs, function: "opkg_flag_cmd", run: runFlag},
	{names: []string{"status"}, function: "opkg_status_cmd", run: runStatus},
	{names: []string{"install"}, arity: needsArgs, function: "opkg_install_cmd", run: runInstall},
	{names: []string{"remove"}, arity: needsArgs, function: "opkg_remove_cmd", run: runRemove},
	{names: []string{"configure"}, function: "opkg_configure_cmd", run: runConfigure},
	{names: []string{"files"}, arity: needsArgs, function: "opkg_files_cmd", run: runFiles},
	{names: []string{"search"}, arity: needsArgs, function: "opkg_search_cmd", run: runSearch},
	{names: []string{"find"}, arity: needsArgs, function: "opkg_find_cmd", run: runFind},
	{names: []string{"download"}, arity: needsArgs, function: "opkg_download_cmd", run: runDownload},
	{names: []string{"compare-versions", "compare_versions"}, arity: needsArgs, function: "opkg_compare_versions_cmd", run: runCompareVersions},
	{names: []string{"print-architecture", "print_architecture", "print-installation-architecture", "print_installation_architecture"}, function: "opkg_print_architecture_cmd", run: runPrintArchitecture},
	{names: []string{"depends"}, arity: needsArgs, function: "opkg_depends_cmd", run: runDepends},
	{names: []string{"whatdepends"}, arity: needsArgs, function: "opkg_whatdepends_cmd", run: runWhatDepends},
	{names: []string{"whatdependsrec"}, arity: needsArgs, function: "opkg_whatdepends_recursively_cmd", run: runWhatDependsRec},
	{names: []string{"whatrecommends"}, arity: needsArgs, function: "opkg_whatrecommends_cmd", run: runWhatRecommends},
	{names: []string{"whatsuggests"}, arity: needsArgs, function: "opkg_whatsuggests_cmd", run: runWhatSuggests},
	{names: []string{"whatprovides"}, arity: needsArgs, function: "opkg_whatprovides_cmd", run: runWhatProvides},
	{names: []string{"whatreplaces"}, arity: needsArgs, function: "opkg_whatreplaces_cmd", run: runWhatReplaces},
	{names: []string{"whatconflicts"}, arity: needsArgs, function: "opkg_whatconflicts_cmd", run: runWhatConflicts},

	// Upstream opkg's (Yocto) extras: opkg commands, so under both names.
	{names: []string{"clean"}, function: "opkg_clean_cmd", run: runClean},
	{names: []string{"verify"}, function: "opkg_verify_cmd", run: runVerify},
	{names: []string{"dist-upgrade", "dist_upgrade"}, function: "opkg_dist_upgrade_cmd", run: runDistUpgrade},

	// pakt's own: unknown under the opkg name.
	{names: []string{"export"}, paktOnly: true, function: "pakt_export", run: runExport},
	{names: []string{"restore"}, arity: needsArgs, paktOnly: true, function: "pakt_restore", run: runRestore},
	{names: []string{"why"}, arity: needsArgs, paktOnly: true, function: "pakt_why", run: runWhy},
	{names: []string{"history"}, paktOnly: true, function: "pakt_history", run: runHistory},
	{names: []string{"rollback"}, paktOnly: true, function: "pakt_rollback", run: runRollback},
	{names: []string{"build"}, arity: needsArgs, paktOnly: true, ownOptions: true, function: "pakt_build", run: runBuild},
	{names: []string{"index"}, arity: needsArgs, paktOnly: true, ownOptions: true, function: "pakt_index", run: runIndex},
	{names: []string{"key"}, arity: needsArgs, paktOnly: true, ownOptions: true, function: "pakt_key", run: runKey},
	{names: []string{"recover"}, paktOnly: true, function: "pakt_recover", run: runRecover},
}

// lookupCommand finds a sub-command by any of its names, as the given
// personality knows them. Names are matched exactly (lede uses strcmp).
func lookupCommand(name string, p personality) (*command, bool) {
	for i := range commands {
		c := &commands[i]
		if c.paktOnly && p == asOpkg {
			continue
		}
		for _, n := range c.names {
			if n == name {
				return c, true
			}
		}
	}
	return nil, false
}

// requiresArgs reports whether c needs at least one argument under p.
func (c *command) requiresArgs(p personality) bool {
	return c.arity == needsArgs || (c.arity == needsArgsAsOpkg && p == asOpkg)
}
