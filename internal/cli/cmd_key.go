package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"

	"pakt/internal/engine"
)

// pakt key is usign under pakt's name (pakt only). It takes usign's
// options, so a usign command line works with "pakt key" in front of it,
// and a spelled-out action word for people:
//
//	pakt key generate [-c comment] -s <seckey> -p <pubkey>    usign -G
//	pakt key generate [-c comment] <seckey> <pubkey>
//	pakt key sign -s <seckey> [-x <sigfile>] [-c comment] <file>   usign -S -m <file>
//	pakt key verify -p <pubkey>|-P <keydir> [-x <sigfile>] [-q] <file>   usign -V -m <file>
//	pakt key id <pubkey|seckey|sigfile>                      usign -F
//
// The options after "key" are its own (see scanToSubcommand): opkg's global
// options go in front of "key".

// Option ids of the key sub-command's own scanner, far from the global ones.
const (
	keyOptGenerate optionID = 200 + iota
	keyOptSign
	keyOptVerify
	keyOptFingerprint
	keyOptComment
	keyOptMessage
	keyOptPublicKey
	keyOptKeyDir
	keyOptSecretKey
	keyOptSignature
	keyOptQuiet
)

// keySyntax is usign's getopt string "FGSVc:m:P:p:qs:x:" plus long names.
var keySyntax = optionSyntax{
	long: []longOption{
		{"generate", noArgument, keyOptGenerate},
		{"sign", noArgument, keyOptSign},
		{"verify", noArgument, keyOptVerify},
		{"fingerprint", noArgument, keyOptFingerprint},
		{"comment", requiredArgument, keyOptComment},
		{"message", requiredArgument, keyOptMessage},
		{"public-key", requiredArgument, keyOptPublicKey},
		{"public-key-dir", requiredArgument, keyOptKeyDir},
		{"secret-key", requiredArgument, keyOptSecretKey},
		{"signature", requiredArgument, keyOptSignature},
		{"quiet", noArgument, keyOptQuiet},
	},
	short: []shortOption{
		{'G', noArgument, keyOptGenerate},
		{'S', noArgument, keyOptSign},
		{'V', noArgument, keyOptVerify},
		{'F', noArgument, keyOptFingerprint},
		{'c', requiredArgument, keyOptComment},
		{'m', requiredArgument, keyOptMessage},
		{'p', requiredArgument, keyOptPublicKey},
		{'P', requiredArgument, keyOptKeyDir},
		{'s', requiredArgument, keyOptSecretKey},
		{'x', requiredArgument, keyOptSignature},
		{'q', noArgument, keyOptQuiet},
	},
}

const keyUsage = `usage: pakt key <action> [options] [file...]
Actions (usign's letters work too):
	generate [-c comment] -s <seckey> -p <pubkey>	new key pair (-G); also: generate <seckey> <pubkey>
	sign -s <seckey> [-x <sigfile>] [-c comment] <file>	sign <file> (-S); -m <file> works too
	verify -p <pubkey>|-P <keydir> [-x <sigfile>] [-q] <file>	verify <file> (-V); "-" reads standard input
	id <pubkey|seckey|sigfile>	print the key id (-F); -p, -s or -x work too
Options:
	-c, --comment <text>	comment of the new keys or signature
	-m, --message <file>	file to sign or verify
	-p, --public-key <file>	public key file
	-P, --public-key-dir <dir>	directory of keys named by key id, e.g. /etc/opkg/keys
	-s, --secret-key <file>	secret key file
	-x, --signature <file>	signature file (default: <file>.sig)
	-q, --quiet	no message when a signature verifies
`

// keyArgs is a parsed "pakt key" command line.
type keyArgs struct {
	action   optionID // keyOptGenerate, keyOptSign, keyOptVerify or keyOptFingerprint
	values   map[optionID]string
	quiet    bool
	operands []string
}

var keyActionWords = map[string]optionID{
	"generate": keyOptGenerate,
	"sign":     keyOptSign,
	"verify":   keyOptVerify,
	"id":       keyOptFingerprint,
}

// keyOptionsOf lists the options each action takes.
var keyOptionsOf = map[optionID][]optionID{
	keyOptGenerate:    {keyOptComment, keyOptSecretKey, keyOptPublicKey},
	keyOptSign:        {keyOptComment, keyOptSecretKey, keyOptMessage, keyOptSignature},
	keyOptVerify:      {keyOptPublicKey, keyOptKeyDir, keyOptMessage, keyOptSignature, keyOptQuiet},
	keyOptFingerprint: {keyOptPublicKey, keyOptSecretKey, keyOptSignature},
}

var keyActionNames = map[optionID]string{
	keyOptGenerate: "generate", keyOptSign: "sign", keyOptVerify: "verify", keyOptFingerprint: "id",
}

func keyOptionName(id optionID) string {
	for _, o := range keySyntax.short {
		if o.id == id {
			return "-" + string(o.letter)
		}
	}
	return "?"
}

func runKey(ctx context.Context, inv *invocation, args []string) error {
	err := runKeyAction(ctx, inv, args)
	// The engine double-checks the request; what it refuses is a usage
	// error like the ones found here.
	var bad *engine.KeyRequestError
	if errors.As(err, &bad) {
		return inv.keyUsage(bad.Problem)
	}
	return err
}

func runKeyAction(ctx context.Context, inv *invocation, args []string) error {
	ka, problem := parseKeyArgs(inv, args)
	if problem != "" {
		return inv.keyUsage(problem)
	}
	v := ka.values
	switch ka.action {
	case keyOptGenerate:
		sec, pub := v[keyOptSecretKey], v[keyOptPublicKey]
		if sec == "" && pub == "" && len(ka.operands) == 2 {
			sec, pub = ka.operands[0], ka.operands[1]
		} else if len(ka.operands) > 0 {
			return inv.keyUsage("unexpected argument " + ka.operands[0])
		}
		if sec == "" || pub == "" {
			return inv.keyUsage("generate needs a secret key file (-s) and a public key file (-p)")
		}
		res, err := inv.engine.KeyGenerate(ctx, engine.KeyGenerateRequest{SecretKey: sec, PublicKey: pub, Comment: v[keyOptComment]})
		if err != nil {
			return err
		}
		inv.msgs.notice(fmt.Sprintf("Generated key %s: secret key %s, public key %s\n", res.ID, res.SecretKey, res.PublicKey))
	case keyOptSign:
		msg, problem := ka.message()
		if problem == "" && v[keyOptSecretKey] == "" {
			problem = "sign needs a secret key file (-s)"
		}
		if problem != "" {
			return inv.keyUsage(problem)
		}
		res, err := inv.engine.KeySign(ctx, engine.KeySignRequest{
			SecretKey: v[keyOptSecretKey], Message: msg, Input: inv.stdin, Signature: v[keyOptSignature], Comment: v[keyOptComment],
		})
		if err != nil {
			return err
		}
		inv.msgs.notice(fmt.Sprintf("Signed %s with key %s: %s\n", msg, res.ID, res.Signature))
	case keyOptVerify:
		msg, problem := ka.message()
		if problem == "" && (v[keyOptPublicKey] == "") == (v[keyOptKeyDir] == "") {
			problem = "verify needs either a public key file (-p) or a key directory (-P)"
		}
		if problem != "" {
			return inv.keyUsage(problem)
		}
		res, err := inv.engine.KeyVerify(ctx, engine.KeyVerifyRequest{
			PublicKey: v[keyOptPublicKey], KeyDir: v[keyOptKeyDir], Message: msg, Input: inv.stdin, Signature: v[keyOptSignature],
		})
		if err != nil {
			return err
		}
		if !ka.quiet {
			inv.msgs.notice(fmt.Sprintf("Signature %s of %s verified with key %s (%s)\n", res.Signature, msg, res.ID, res.Key))
		}
	case keyOptFingerprint:
		var files []string
		for _, id := range keyOptionsOf[keyOptFingerprint] {
			if f := v[id]; f != "" {
				files = append(files, f)
			}
		}
		files = append(files, ka.operands...)
		if len(files) != 1 {
			return inv.keyUsage("id needs exactly one public key, secret key or signature file")
		}
		res, err := inv.engine.KeyID(ctx, files[0])
		if err != nil {
			return err
		}
		fmt.Fprintln(inv.stdout, res.ID)
	}
	return nil
}

// message is the file to sign or verify: -m or the one operand.
func (ka *keyArgs) message() (string, string) {
	name := keyActionNames[ka.action]
	m := ka.values[keyOptMessage]
	switch {
	case m != "" && len(ka.operands) > 0:
		return "", "unexpected argument " + ka.operands[0]
	case m != "":
		return m, ""
	case len(ka.operands) == 1:
		return ka.operands[0], ""
	case len(ka.operands) == 0:
		return "", name + " needs the file to " + name
	}
	return "", "unexpected argument " + ka.operands[1]
}

// parseKeyArgs reads the action and options; problem is a usage error.
func parseKeyArgs(inv *invocation, args []string) (ka keyArgs, problem string) {
	scanned := keySyntax.scan(append([]string{inv.argv0 + " key"}, args...))
	ka.values = map[optionID]string{}
	for _, it := range scanned.items {
		if it.diagnostic != "" {
			return ka, it.diagnostic
		}
		switch it.id {
		case keyOptGenerate, keyOptSign, keyOptVerify, keyOptFingerprint:
			if ka.action != 0 && ka.action != it.id {
				return ka, "more than one action: " + keyActionNames[ka.action] + " and " + keyActionNames[it.id]
			}
			ka.action = it.id
		case keyOptQuiet:
			ka.quiet = true
		default:
			ka.values[it.id] = it.value
		}
	}
	ka.operands = scanned.operands
	if len(ka.operands) > 0 {
		if a, ok := keyActionWords[ka.operands[0]]; ok {
			if ka.action != 0 && ka.action != a {
				return ka, "more than one action: " + keyActionNames[ka.action] + " and " + ka.operands[0]
			}
			ka.action = a
			ka.operands = ka.operands[1:]
		}
	}
	if ka.action == 0 {
		if len(ka.operands) > 0 {
			return ka, "unknown action " + ka.operands[0]
		}
		return ka, "no action given"
	}
	allowed := keyOptionsOf[ka.action]
	for _, id := range []optionID{keyOptComment, keyOptMessage, keyOptPublicKey, keyOptKeyDir, keyOptSecretKey, keyOptSignature} {
		if _, set := ka.values[id]; set && !slices.Contains(allowed, id) {
			return ka, keyOptionName(id) + " is not an option of " + keyActionNames[ka.action]
		}
		if v, set := ka.values[id]; set && v == "" {
			return ka, keyOptionName(id) + " needs a non-empty argument"
		}
	}
	if ka.quiet && ka.action != keyOptVerify {
		return ka, "-q is not an option of " + keyActionNames[ka.action]
	}
	return ka, ""
}

// keyUsage reports a usage error of pakt key the way the command line
// reports its own: the problem on stderr, the usage on stdout, status 1.
func (inv *invocation) keyUsage(problem string) error {
	fmt.Fprintf(inv.stderr, "%s key: %s\n", inv.argv0, problem)
	io.WriteString(inv.stdout, keyUsage)
	return &exitStatusError{status: exitUsage}
}
