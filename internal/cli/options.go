package cli

import (
	"strings"

	"pakt/internal/engine"
)

// optionID names what an option does; several spellings share one ID.
type optionID uint16

const (
	_ optionID = iota
	optQueryAll
	optAutoremove
	optCache
	optConfFile
	optDest
	optForceMaintainer
	optForceDepends
	optForceOverwrite
	optForceDowngrade
	optForceReinstall
	optForceSpace
	optForceRemovalOfDependent
	optForceRemovalOfEssential
	optForcePostinstall
	optForceRemove
	optForceChecksum
	optForceSignature
	optNoCheckCertificate
	optNoAction
	optDownloadOnly
	optNoDeps
	optNoCase
	optOfflineRoot
	optAddArch
	optAddDest
	optSize
	optStripABI
	optTmpDir
	optListsDir
	optVerbosity
	optVerifyProgram
	optVersion
	// lede's short-option string lists -n and -p, but args_parse has no case
	// for them: it prints "Confusion: getopt_long returned <code>".
	optConfusedN
	optConfusedP

	// Upstream opkg's extras (libopkg/opkg-cl.c in the Yocto tree).
	optAddExclude
	optAddIgnoreRecommends
	optPreferArchToVersion
	optCombine
	optFields
	optShortDescription
	optInstallRecommends
	optNoInstallRecommends
	optIgnoreMaintainer
	optVolatileCache

	// pakt's own.
	optJSON
)

// syntax is pakt's option table: opkg-lede's (src/opkg-cl.c long_options
// and "Ad:f:ino:p:l:t:vV::"), then upstream opkg's useful extras, then
// pakt's. The order matters only for which spelling a diagnostic names.
//
// Upstream's --host-cache-dir is left out on purpose: it would make "-h"
// (which every opkg user types for help, and which lede rejects with the
// usage text) silently mean --host-cache-dir.
var syntax = optionSyntax{
	long: []longOption{
		{"query-all", noArgument, optQueryAll},
		{"autoremove", noArgument, optAutoremove},
		{"cache", requiredArgument, optCache},
		{"conf-file", requiredArgument, optConfFile},
		{"conf", requiredArgument, optConfFile},
		{"dest", requiredArgument, optDest},
		{"force-maintainer", noArgument, optForceMaintainer},
		{"force-depends", noArgument, optForceDepends},
		{"force-overwrite", noArgument, optForceOverwrite},
		{"force-downgrade", noArgument, optForceDowngrade},
		{"force-reinstall", noArgument, optForceReinstall},
		{"force-space", noArgument, optForceSpace},
		{"recursive", noArgument, optForceRemovalOfDependent},
		{"force-removal-of-dependent-packages", noArgument, optForceRemovalOfDependent},
		{"force-removal-of-essential-packages", noArgument, optForceRemovalOfEssential},
		{"force-postinstall", noArgument, optForcePostinstall},
		{"force-remove", noArgument, optForceRemove},
		{"force-checksum", noArgument, optForceChecksum},
		{"force-signature", noArgument, optForceSignature},
		{"no-check-certificate", noArgument, optNoCheckCertificate},
		{"noaction", noArgument, optNoAction},
		{"download-only", noArgument, optDownloadOnly},
		{"nodeps", noArgument, optNoDeps},
		{"nocase", noArgument, optNoCase},
		{"offline", requiredArgument, optOfflineRoot},
		{"offline-root", requiredArgument, optOfflineRoot},
		{"add-arch", requiredArgument, optAddArch},
		{"add-dest", requiredArgument, optAddDest},
		{"size", noArgument, optSize},
		{"strip-abi", noArgument, optStripABI},
		{"test", noArgument, optNoAction},
		{"tmp-dir", requiredArgument, optTmpDir},
		{"lists-dir", requiredArgument, optListsDir},
		{"verbosity", optionalArgument, optVerbosity},
		{"verify-program", requiredArgument, optVerifyProgram},
		{"version", noArgument, optVersion},

		{"cache-dir", requiredArgument, optCache},
		{"volatile-cache", noArgument, optVolatileCache},
		{"add-exclude", requiredArgument, optAddExclude},
		{"add-ignore-recommends", requiredArgument, optAddIgnoreRecommends},
		{"prefer-arch-to-version", noArgument, optPreferArchToVersion},
		{"combine", noArgument, optCombine},
		{"fields", requiredArgument, optFields},
		{"short-description", noArgument, optShortDescription},
		{"install-recommends", noArgument, optInstallRecommends},
		{"no-install-recommends", noArgument, optNoInstallRecommends},
		{"ignore-maintainer", noArgument, optIgnoreMaintainer},

		{"json", noArgument, optJSON},
	},
	short: []shortOption{
		{'A', noArgument, optQueryAll},
		{'d', requiredArgument, optDest},
		{'f', requiredArgument, optConfFile},
		{'i', noArgument, optNoCase},
		{'n', noArgument, optConfusedN},
		{'o', requiredArgument, optOfflineRoot},
		{'p', requiredArgument, optConfusedP},
		{'l', requiredArgument, optListsDir},
		{'t', requiredArgument, optTmpDir},
		{'v', noArgument, optVersion},
		{'V', optionalArgument, optVerbosity},
	},
}

// globalOptions is everything the options set: the engine's settings and
// the few that only change how the cli renders.
type globalOptions struct {
	engine engine.Options
	json   bool
}

// apply records one scanned option. Options that act at once (-v, the
// "Confusion" quirk) are handled by the caller.
func (g *globalOptions) apply(it scanItem) {
	e := &g.engine
	switch it.id {
	case optQueryAll:
		e.QueryAll = true
	case optAutoremove:
		e.Autoremove = true
	case optCache:
		e.Cache = it.value
	case optConfFile:
		e.ConfFile = it.value
	case optDest:
		e.Dest = it.value
	case optForceMaintainer:
		e.Force.Maintainer = true
	case optForceDepends:
		e.Force.Depends = true
	case optForceOverwrite:
		e.Force.Overwrite = true
	case optForceDowngrade:
		e.Force.Downgrade = true
	case optForceReinstall:
		e.Force.Reinstall = true
	case optForceSpace:
		e.Force.Space = true
	case optForceRemovalOfDependent:
		e.Force.RemovalOfDependentPackages = true
	case optForceRemovalOfEssential:
		e.Force.RemovalOfEssentialPackages = true
	case optForcePostinstall:
		e.Force.Postinstall = true
	case optForceRemove:
		e.Force.Remove = true
	case optForceChecksum:
		e.Force.Checksum = true
	case optForceSignature:
		e.Force.Signature = true
	case optNoCheckCertificate:
		e.NoCheckCertificate = true
	case optNoAction:
		e.NoAction = true
	case optDownloadOnly:
		e.DownloadOnly = true
	case optNoDeps:
		e.NoDeps = true
	case optNoCase:
		e.NoCase = true
	case optOfflineRoot:
		e.OfflineRoot = it.value
	case optAddArch:
		// lede drops a malformed pair without a word; the engine reports it.
		e.AddArch = append(e.AddArch, it.value)
	case optAddDest:
		e.AddDest = append(e.AddDest, it.value)
	case optSize:
		e.Size = true
	case optStripABI:
		e.StripABI = true
	case optTmpDir:
		e.TmpDir = it.value
	case optListsDir:
		e.ListsDir = it.value
	case optVerbosity:
		e.VerbositySet = true
		e.Verbosity = engine.Info
		if it.hasArg {
			e.Verbosity = engine.Verbosity(atoi(it.value))
		}
	case optVerifyProgram:
		e.VerifyProgram = it.value
	case optAddExclude:
		e.AddExclude = append(e.AddExclude, it.value)
	case optAddIgnoreRecommends:
		e.AddIgnoreRecommends = append(e.AddIgnoreRecommends, it.value)
	case optPreferArchToVersion:
		e.PreferArchToVersion = true
	case optCombine:
		e.Combine = true
	case optFields:
		e.Fields = strings.Split(it.value, ",")
	case optShortDescription:
		e.ShortDescription = true
	case optInstallRecommends:
		e.NoInstallRecommends = false
	case optNoInstallRecommends:
		e.NoInstallRecommends = true
	case optIgnoreMaintainer:
		e.IgnoreMaintainer = true
	case optVolatileCache:
		e.VolatileCache = true
	case optJSON:
		g.json = true
	}
}

// atoi converts like C's atoi, which lede uses for -V: leading blanks, an
// optional sign, then digits up to the first non-digit; no digits is 0.
// The result saturates instead of overflowing.
func atoi(s string) int {
	i := 0
	for i < len(s) && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')) {
		i++
	}
	negative := false
	if i < len(s) && (s[i] == '+' || s[i] == '-') {
		negative = s[i] == '-'
		i++
	}
	n := 0
	for ; i < len(s) && s[i] >= '0' && s[i] <= '9'; i++ {
		if n < 1<<30 {
			n = n*10 + int(s[i]-'0')
		}
	}
	if n > 1<<30 {
		n = 1 << 30
	}
	if negative {
		return -n
	}
	return n
}
