package engine

import (
	"io/fs"
	"pakt/internal/fsroot"
)

// Verbosity is opkg's message level: a message is shown when its level is
// at most the configured verbosity.
type Verbosity int

// opkg's levels (libopkg/opkg_message.h).
const (
	Error  Verbosity = iota // errors only
	Notice                  // normal messages (the default)
	Info                    // informative messages, also what a bare -V selects
	Debug
	Debug2
)

// Force holds the --force-* options.
type Force struct {
	Depends                    bool
	Maintainer                 bool
	Reinstall                  bool
	Overwrite                  bool
	Downgrade                  bool
	Space                      bool
	Postinstall                bool
	Remove                     bool
	Checksum                   bool
	Signature                  bool
	RemovalOfDependentPackages bool
	RemovalOfEssentialPackages bool
}

// Options are the settings of one invocation, as given on the command line.
// Empty strings mean "not given".
type Options struct {
	ConfFile      string   // -f, --conf
	OfflineRoot   string   // -o, --offline-root (else $OFFLINE_ROOT)
	Dest          string   // -d, --dest
	TmpDir        string   // -t, --tmp-dir
	ListsDir      string   // -l, --lists-dir
	Cache         string   // --cache, --cache-dir
	VerifyProgram string   // --verify-program
	AddArch       []string // --add-arch <arch>:<priority>, as given
	AddDest       []string // --add-dest <name>:<path>, as given
	// Verbosity is -V's level when VerbositySet; otherwise the
	// configuration's "option verbosity", else Notice.
	Verbosity    Verbosity
	VerbositySet bool

	QueryAll           bool // -A
	NoCase             bool // -i, --nocase
	Autoremove         bool
	NoAction           bool // --noaction, --test
	DownloadOnly       bool
	NoDeps             bool
	Size               bool
	StripABI           bool
	NoCheckCertificate bool
	Force              Force

	// Upstream opkg's extras.
	AddExclude          []string
	AddIgnoreRecommends []string
	Fields              []string
	ShortDescription    bool
	NoInstallRecommends bool
	PreferArchToVersion bool
	Combine             bool
	IgnoreMaintainer    bool
	VolatileCache       bool
}

// System is how the engine reaches the machine it runs on.
type System struct {
	// Files is the machine's root directory; names are slash-separated
	// and unrooted ("etc/opkg.conf").
	Files fs.FS
	// Dir is the absolute working directory, used to resolve relative
	// paths given on the command line.
	Dir string
	// Getenv reads the environment; nil means an empty environment.
	Getenv func(string) string
	// RootDir is the directory Files reads, in the operating system's
	// spelling ("/" on a real machine). Writes under the managed root
	// (internal/fsroot) go there; "" refuses them, so a test System
	// over an fstest.MapFS can never write to the real disk.
	RootDir string
	// WrapFS, when set, wraps the managed root's file operations for a
	// transaction: tests inject faults (fsroot.FaultFS) or count writes
	// and fsyncs (fsroot.CountingFS) through it. nil leaves them as they
	// are.
	WrapFS func(fsroot.FS) fsroot.FS
}

func (s System) getenv(name string) string {
	if s.Getenv == nil {
		return ""
	}
	return s.Getenv(name)
}

// Engine runs use cases for one invocation.
type Engine struct {
	sys  System
	opts Options
	// verbosity is the level in effect: -V, else the configuration's once
	// it has been read.
	verbosity Verbosity
}

// New returns an Engine for one invocation with the given options.
func New(sys System, opts Options) *Engine {
	e := &Engine{sys: sys, opts: opts, verbosity: Notice}
	if opts.VerbositySet {
		e.verbosity = opts.Verbosity
	}
	return e
}

// Verbosity is the message level in effect: -V if given, else what the
// configuration says once a use case has read it ("option verbosity"),
// else Notice. The cli filters messages with it.
func (e *Engine) Verbosity() Verbosity { return e.verbosity }
