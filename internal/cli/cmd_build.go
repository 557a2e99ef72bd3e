package cli

import (
	"context"
	"errors"
	"fmt"
	"io"

	"pakt/internal/engine"
)

// pakt build is ipkg-build / opkg-build (pakt only):
//
//	pakt build [-o owner] [-g group] [--ar] <pkg_directory> [<destination_directory>]
//
// Its options are its own (ownOptions in the command table): opkg's -o is
// the offline root, opkg-build's is the owner, and a build command line
// copied from a Makefile must keep working behind "pakt".

const (
	buildOptOwner optionID = 300 + iota
	buildOptGroup
	buildOptAr
	buildOptTar
)

var buildSyntax = optionSyntax{
	long: []longOption{
		{"owner", requiredArgument, buildOptOwner},
		{"group", requiredArgument, buildOptGroup},
		{"ar", noArgument, buildOptAr},
		{"tar", noArgument, buildOptTar},
	},
	short: []shortOption{
		{'o', requiredArgument, buildOptOwner},
		{'g', requiredArgument, buildOptGroup},
		// opkg-build -c: the gzip tar outer form, which pakt writes anyway.
		{'c', noArgument, buildOptTar},
	},
}

const buildUsage = `usage: pakt build [-o owner] [-g group] [--ar] <pkg_directory> [<destination_directory>]
	<pkg_directory> holds the files to install and CONTROL/ (control, conffiles, scripts).
	The package <name>_<version>_<arch>.ipk is written to <destination_directory>
	(default: the current directory); entries get the mtime $SOURCE_DATE_EPOCH when set.
Options:
	-o, --owner <uid>	owner of every entry (a number or root; default 0)
	-g, --group <gid>	group of every entry (a number or root; default 0)
	--ar	ar outer archive (Yocto opkg-build's default; opkg-lede cannot read it)
	-c, --tar	gzip tar outer archive (the default, what opkg-lede and OpenWrt's ipkg-build use)
`

func runBuild(ctx context.Context, inv *invocation, args []string) error {
	scanned := buildSyntax.scan(append([]string{inv.argv0 + " build"}, args...))
	var req engine.BuildRequest
	for _, it := range scanned.items {
		if it.diagnostic != "" {
			return inv.ownUsage("build", buildUsage, it.diagnostic)
		}
		switch it.id {
		case buildOptOwner:
			req.Owner = it.value
		case buildOptGroup:
			req.Group = it.value
		case buildOptAr:
			req.Ar = true
		case buildOptTar:
			req.Ar = false
		}
	}
	switch len(scanned.operands) {
	case 1:
		req.Dir = scanned.operands[0]
	case 2:
		req.Dir, req.OutDir = scanned.operands[0], scanned.operands[1]
	case 0:
		return inv.ownUsage("build", buildUsage, "no package directory given")
	default:
		return inv.ownUsage("build", buildUsage, "unexpected argument "+scanned.operands[2])
	}
	res, err := inv.engine.Build(ctx, req)
	if err != nil {
		// opkg-build lists every problem of the control directory; each
		// becomes one collected error.
		var invalid *engine.InvalidSourceError
		if errors.As(err, &invalid) {
			for _, p := range invalid.Problems {
				inv.msgs.error("pakt_build", p.Error()+"\n")
			}
			return &exitStatusError{status: exitFailure}
		}
		return err
	}
	inv.msgs.notice(fmt.Sprintf("Packaged contents of %s into %s\n", res.Dir, res.File))
	return nil
}

// ownUsage reports a usage error of a pakt sub-command with options of its
// own, as the command line reports its own: the problem on stderr, the
// usage on stdout, status 1.
func (inv *invocation) ownUsage(command, usage, problem string) error {
	fmt.Fprintf(inv.stderr, "%s %s: %s\n", inv.argv0, command, problem)
	io.WriteString(inv.stdout, usage)
	return &exitStatusError{status: exitUsage}
}
