package cli

import (
	"context"
	"fmt"
	"strings"

	"pakt/internal/engine"
)

// pakt index is ipkg-make-index.sh / opkg-make-index (pakt only):
//
//	pakt index [-s <seckey>] [--md5] <package_directory>
//
// It writes Packages, Packages.gz and, with -s, Packages.sig into the
// directory. Its options are its own, like build's.

const (
	indexOptSecretKey optionID = 320 + iota
	indexOptMD5
)

var indexSyntax = optionSyntax{
	long: []longOption{
		{"secret-key", requiredArgument, indexOptSecretKey},
		{"md5", noArgument, indexOptMD5},
	},
	short: []shortOption{
		{'s', requiredArgument, indexOptSecretKey},
	},
}

const indexUsage = `usage: pakt index [-s <seckey>] [--md5] <package_directory>
	Writes Packages, Packages.gz and (with -s) Packages.sig for the .ipk files below
	<package_directory>: one stanza per package, sorted by file name, with Filename,
	Size and SHA256sum before Description.
Options:
	-s, --secret-key <file>	sign Packages with this usign/signify secret key (Packages.sig)
	--md5	also write MD5Sum (upstream opkg built without sha256 support needs it)
`

func runIndex(ctx context.Context, inv *invocation, args []string) error {
	scanned := indexSyntax.scan(append([]string{inv.argv0 + " index"}, args...))
	var req engine.IndexRequest
	for _, it := range scanned.items {
		if it.diagnostic != "" {
			return inv.ownUsage("index", indexUsage, it.diagnostic)
		}
		switch it.id {
		case indexOptSecretKey:
			if it.value == "" {
				return inv.ownUsage("index", indexUsage, "-s needs a non-empty argument")
			}
			req.SecretKey = it.value
		case indexOptMD5:
			req.MD5 = true
		}
	}
	switch len(scanned.operands) {
	case 1:
		req.Dir = scanned.operands[0]
	case 0:
		return inv.ownUsage("index", indexUsage, "no package directory given")
	default:
		return inv.ownUsage("index", indexUsage, "unexpected argument "+scanned.operands[1])
	}
	res, err := inv.engine.Index(ctx, req)
	if res != nil && res.RemovedSignature != "" {
		inv.msgs.notice(fmt.Sprintf("Removed %s: it signed the previous index\n", res.RemovedSignature))
	}
	if err != nil {
		return err
	}
	text := fmt.Sprintf("Indexed %d packages: %s", res.Packages, strings.Join(res.Files, ", "))
	if res.Signed {
		text += fmt.Sprintf(" (signed with key %s)", res.KeyID)
	}
	inv.msgs.notice(text + "\n")
	return nil
}
