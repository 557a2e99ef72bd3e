package cli

import "io"

// The usage text is opkg-lede's (src/opkg-cl.c usage()) byte for byte, as
// scripts and people compare it: testdata/usage-opkg.golden was extracted
// from that C source (and matches the real binary); the usage script
// compares it with what pakt prints under the opkg name. Under its own name pakt prints the same text with
// "pakt" in the first line, its own commands after the informational ones
// and its extra options after the force options.

const usageCommands = "where sub-command is one of:\n" +
	"\n" +
	"Package Manipulation:\n" +
	"\tupdate\t\t\tUpdate list of available packages\n" +
	"\tupgrade <pkgs>\t\tUpgrade packages\n" +
	"\tinstall <pkgs>\t\tInstall package(s)\n" +
	"\tconfigure <pkgs>\tConfigure unpacked package(s)\n" +
	"\tremove <pkgs|regexp>\tRemove package(s)\n" +
	"\tflag <flag> <pkgs>\tFlag package(s)\n" +
	"\t <flag>=hold|noprune|user|ok|installed|unpacked (one per invocation)\n" +
	"\n" +
	"Informational Commands:\n" +
	"\tlist\t\t\tList available packages\n" +
	"\tlist-installed\t\tList installed packages\n" +
	"\tlist-upgradable\t\tList installed and upgradable packages\n" +
	"\tlist-changed-conffiles\tList user modified configuration files\n" +
	"\tfiles <pkg>\t\tList files belonging to <pkg>\n" +
	"\tsearch <file|regexp>\tList package providing <file>\n" +
	"\tfind <regexp>\t\tList packages whose name or description matches <regexp>\n" +
	"\tinfo [pkg|regexp]\tDisplay all info for <pkg>\n" +
	"\tstatus [pkg|regexp]\tDisplay all status for <pkg>\n" +
	"\tdownload <pkg>\t\tDownload <pkg> to current directory\n" +
	"\tcompare-versions <v1> <op> <v2>\n" +
	"\t                    compare versions using <= < > >= = << >>\n" +
	"\tprint-architecture\tList installable package architectures\n" +
	"\tdepends [-A] [pkgname|pat]+\n" +
	"\twhatdepends [-A] [pkgname|pat]+\n" +
	"\twhatdependsrec [-A] [pkgname|pat]+\n" +
	"\twhatrecommends[-A] [pkgname|pat]+\n" +
	"\twhatsuggests[-A] [pkgname|pat]+\n" +
	"\twhatprovides [-A] [pkgname|pat]+\n" +
	"\twhatconflicts [-A] [pkgname|pat]+\n" +
	"\twhatreplaces [-A] [pkgname|pat]+\n"

const usageOptions = "\n" +
	"Options:\n" +
	"\t-A\t\t\tQuery all packages not just those installed\n" +
	"\t-V[<level>]\t\tSet verbosity level to <level>.\n" +
	"\t--verbosity[=<level>]\tVerbosity levels:\n" +
	"\t\t\t\t\t0 errors only\n" +
	"\t\t\t\t\t1 normal messages (default)\n" +
	"\t\t\t\t\t2 informative messages\n" +
	"\t\t\t\t\t3 debug\n" +
	"\t\t\t\t\t4 debug level 2\n" +
	"\t-f <conf_file>\t\tUse <conf_file> as the opkg configuration file\n" +
	"\t--conf <conf_file>\n" +
	"\t--cache <directory>\tUse a package cache\n" +
	"\t-d <dest_name>\t\tUse <dest_name> as the the root directory for\n" +
	"\t--dest <dest_name>\tpackage installation, removal, upgrading.\n" +
	"\t\t\t\t<dest_name> should be a defined dest name from\n" +
	"\t\t\t\tthe configuration file, (but can also be a\n" +
	"\t\t\t\tdirectory name in a pinch).\n" +
	"\t-o <dir>\t\tUse <dir> as the root directory for\n" +
	"\t--offline-root <dir>\toffline installation of packages.\n" +
	"\t--verify-program <path>\tUse the given program to verify usign signatures\n" +
	"\t--add-arch <arch>:<prio>\tRegister architecture with given priority\n" +
	"\t--add-dest <name>:<path>\tRegister destination with given path\n" +
	"\n" +
	"Force Options:\n" +
	"\t--force-depends\t\tInstall/remove despite failed dependencies\n" +
	"\t--force-maintainer\tOverwrite preexisting config files\n" +
	"\t--force-reinstall\tReinstall package(s)\n" +
	"\t--force-overwrite\tOverwrite files from other package(s)\n" +
	"\t--force-downgrade\tAllow opkg to downgrade packages\n" +
	"\t--force-space\t\tDisable free space checks\n" +
	"\t--force-postinstall\tRun postinstall scripts even in offline mode\n" +
	"\t--force-remove\tRemove package even if prerm script fails\n" +
	"\t--force-checksum\tDon't fail on checksum mismatches\n" +
	"\t--no-check-certificate Don't validate SSL certificates\n" +
	"\t--noaction\t\tNo action -- test only\n" +
	"\t--download-only\tNo action -- download only\n" +
	"\t--nodeps\t\tDo not follow dependencies\n" +
	"\t--nocase\t\tPerform case insensitive pattern matching\n" +
	"\t--size\t\t\tPrint package size when listing available packages\n" +
	"\t--strip-abi\t\tPrint package name without appended ABI version\n" +
	"\t--force-removal-of-dependent-packages\n" +
	"\t\t\t\tRemove package and all dependencies\n" +
	"\t--autoremove\t\tRemove packages that were installed\n" +
	"\t\t\t\tautomatically to satisfy dependencies\n" +
	"\t-t\t\t\tSpecify tmp-dir.\n" +
	"\t--tmp-dir\t\tSpecify tmp-dir.\n" +
	"\t-l\t\t\tSpecify lists-dir.\n" +
	"\t--lists-dir\t\tSpecify lists-dir.\n"

const usageFooter = "\n" +
	" regexp could be something like 'pkgname*' '*file*' or similar\n" +
	" e.g. opkg info 'libstd*' or opkg search '*libop*' or opkg remove 'libncur*'\n"

// paktUsageCommands lists what opkg never had, and upstream opkg's extras.
const paktUsageCommands = "\n" +
	"pakt Commands:\n" +
	"\texport [file]\t\tWrite the requested package set (versions, holds, feeds)\n" +
	"\trestore <file>\t\tInstall a package set written by export\n" +
	"\twhy <pkg>\t\tShow what keeps <pkg> installed\n" +
	"\thistory\t\t\tList past transactions\n" +
	"\trollback\t\tUndo the last transaction\n" +
	"\trecover\t\t\tFinish or undo an interrupted transaction\n" +
	"\tbuild <dir> [outdir]\tBuild an .ipk from a package directory\n" +
	"\tindex <dir>\t\tWrite Packages, Packages.gz and Packages.sig for <dir>\n" +
	"\tkey <sub-command>\tGenerate, sign with and verify usign keys\n" +
	"\tupgrade\t\t\tWithout <pkgs>: upgrade every upgradable package\n" +
	"\tdist-upgrade\t\tUpgrade everything (upstream opkg)\n" +
	"\tclean\t\t\tEmpty the package cache (upstream opkg)\n" +
	"\tverify [pkg|regexp]\tCheck installed files against their checksums\n"

const paktUsageOptions = "\n" +
	"pakt Options:\n" +
	"\t--json\t\t\tPrint results as JSON\n" +
	"\t--cache-dir <directory>\tSame as --cache (upstream opkg)\n" +
	"\t--add-exclude <name>\tNever install <name>\n" +
	"\t--add-ignore-recommends <name>\n" +
	"\t\t\t\tDo not install <name> because it is recommended\n" +
	"\t--no-install-recommends\tInstall no recommended packages\n" +
	"\t--install-recommends\tInstall recommended packages (default)\n" +
	"\t--prefer-arch-to-version\tPrefer architecture priority to a newer version\n" +
	"\t--fields <f1,f2,...>\tShow only these fields in info and status\n" +
	"\t--short-description\tShow only the first line of descriptions\n" +
	"\t--ignore-maintainer\tKeep modified conffiles without asking\n" +
	"\t--volatile-cache\tEmpty the cache after the command\n" +
	"\t--combine\t\tSolve all requested packages together\n"

// writeUsage prints the usage text for a personality.
func writeUsage(w io.Writer, p personality) {
	if p == asOpkg {
		io.WriteString(w, "usage: opkg [options...] sub-command [arguments...]\n"+usageCommands+usageOptions+usageFooter)
		return
	}
	io.WriteString(w, "usage: pakt [options...] sub-command [arguments...]\n"+usageCommands+paktUsageCommands+usageOptions+paktUsageOptions+usageFooter)
}
