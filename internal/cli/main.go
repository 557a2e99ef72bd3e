package cli

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"

	"pakt/internal/engine"
)

// Main runs pakt with the given command line (args[0] is the program name)
// and returns the exit status. It is the whole program: cmd/pakt only
// passes the process's arguments and standard streams.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	dir, err := os.Getwd()
	if err != nil {
		dir = "/"
	}
	sys := engine.System{Files: os.DirFS("/"), Dir: dir, Getenv: os.Getenv, RootDir: "/"}
	return run(context.Background(), sys, args, stdin, stdout, stderr)
}

// invocation is one run of the command line: where output goes, the
// options given and the engine built from them. Only the cli prints.
type invocation struct {
	argv0       string
	personality personality
	stdin       io.Reader
	stdout      io.Writer
	stderr      io.Writer
	options     globalOptions
	engine      *engine.Engine
	msgs        *messages
}

// run is Main with the machine made explicit, for tests.
func run(ctx context.Context, sys engine.System, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		args = []string{"pakt"}
	}
	inv := &invocation{
		argv0:       args[0],
		personality: personalityOf(args[0]),
		stdin:       stdin,
		stdout:      stdout,
		stderr:      stderr,
	}

	// lede's args_parse: getopt reports each bad option as it goes, -v
	// prints the version and exits on the spot, and any bad option ends
	// in the "must have one sub-command" complaint.
	scanned := syntax.scan(args)
	if len(scanned.operands) > 0 {
		if c, ok := lookupCommand(scanned.operands[0], inv.personality); ok && c.ownOptions {
			scanned = syntax.scanToSubcommand(args)
		}
	}
	for _, it := range scanned.items {
		switch it.id {
		case 0:
			fmt.Fprintf(stderr, "%s: %s\n", args[0], it.diagnostic)
		case optVersion:
			fmt.Fprintf(stdout, "%s version %s\n", inv.name(), paktVersion())
			return exitOK
		case optConfusedN, optConfusedP:
			code := 'n'
			if it.id == optConfusedP {
				code = 'p'
			}
			fmt.Fprintf(stdout, "Confusion: getopt_long returned %d\n", code)
		default:
			inv.options.apply(it)
		}
	}
	if scanned.failed || len(scanned.operands) == 0 {
		fmt.Fprintf(stderr, "%s must have one sub-command argument\n", inv.name())
		return inv.usage()
	}
	name, cmdArgs := scanned.operands[0], scanned.operands[1:]
	cmd, ok := lookupCommand(name, inv.personality)
	if !ok {
		fmt.Fprintf(stderr, "%s: unknown sub-command %s\n", args[0], name)
		return inv.usage()
	}
	if cmd.requiresArgs(inv.personality) && len(cmdArgs) == 0 {
		fmt.Fprintf(stderr, "%s: the ``%s'' command requires at least one argument\n", args[0], name)
		return inv.usage()
	}

	inv.engine = engine.New(sys, inv.options.engine)
	inv.msgs = &messages{stdout: stdout, verbosity: inv.engine.Verbosity()}
	if inv.options.json {
		// stdout holds the JSON document alone (json.go).
		inv.msgs.stdout = stderr
	}
	status := inv.report(cmd, cmd.run(ctx, inv, cmdArgs))
	inv.msgs.verbosity = inv.engine.Verbosity()
	inv.msgs.flush(stderr)
	return status
}

// personalityOf picks the personality from the program name: opkg-lede's
// binary is built as opkg-cl and installed as opkg.
func personalityOf(argv0 string) personality {
	switch filepath.Base(argv0) {
	case "opkg", "opkg-cl":
		return asOpkg
	}
	return asPakt
}

// name is how the program calls itself in the texts where lede writes a
// fixed "opkg" rather than argv[0].
func (inv *invocation) name() string {
	if inv.personality == asOpkg {
		return "opkg"
	}
	return "pakt"
}

// usage prints the usage text on stdout and returns lede's status for it.
func (inv *invocation) usage() int {
	writeUsage(inv.stdout, inv.personality)
	return exitUsage
}

// paktVersion is the version text after "opkg version ": pakt's module
// version and, when the build recorded it, the commit, in lede's
// "<hash> (<date>)" shape.
func paktVersion() string {
	v := "pakt"
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return v
	}
	if info.Main.Version != "" && info.Main.Version != "(devel)" {
		v += "-" + info.Main.Version
	}
	var rev, when string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			when = s.Value
		}
	}
	if len(rev) > 7 {
		rev = rev[:7]
	}
	if rev != "" {
		v += " " + rev
		if when != "" {
			v += " (" + when + ")"
		}
	}
	return v
}
