package opkgconf

import (
	"fmt"
	"slices"
	"strconv"
)

// Defaults compiled into opkg-lede (CMakeLists.txt, opkg_conf.h,
// opkg_defines.h).
const (
	DefaultConfFile      = "/etc/opkg.conf"
	DefaultConfDir       = "/etc/opkg"
	DefaultListsDir      = "/usr/lib/opkg/lists"
	DefaultLockFile      = "/var/lock/opkg.lock"
	DefaultTmpDirBase    = "/tmp"
	DefaultVerifyProgram = "/usr/sbin/opkg-key"
	DefaultDestName      = "root"
	DefaultDestPath      = "/"
	// DefaultArchPriority is the priority of an "arch" line without one.
	DefaultArchPriority = 10
	// StateDir is where a dest keeps status and info, under its root.
	StateDir = "/usr/lib/opkg"
	// DefaultVerbosity is opkg's NOTICE level.
	DefaultVerbosity = 1
)

// MaxFileSize bounds what Load reads of one configuration file; real ones are
// under a kilobyte.
const MaxFileSize = 1 << 20

// Source says where a setting came from.
type Source uint8

const (
	FromFile        Source = iota // a line of a configuration file
	FromCommandLine               // --add-arch, --add-dest, -l, -o, SetOption
	FromEnvironment               // $OFFLINE_ROOT
	FromDefault                   // compiled in, because nothing was configured
)

// Pos is where a setting came from: a file and line, or another Source.
type Pos struct {
	Source Source
	File   string
	Line   int
}

func (p Pos) String() string {
	switch p.Source {
	case FromCommandLine:
		return "command line"
	case FromEnvironment:
		return "environment"
	case FromDefault:
		return "default"
	}
	return p.File + ":" + strconv.Itoa(p.Line)
}

// Feed is a package source: "src <name> <url>" or "src/gz <name> <url>".
type Feed struct {
	Name string
	URL  string
	// Gzip: the index is Packages.gz ("src/gz"), else plain Packages.
	Gzip bool
	// Trusted is upstream opkg's "[trusted=yes]": the feed's index needs no
	// signature.
	Trusted bool
	// Options are the raw "key=value" words of a bracket group, in order.
	Options []string
	Pos     Pos
}

// Dest is an installation destination: "dest <name> <path>".
type Dest struct {
	Name string
	Path string // as configured, without the offline root
	Pos  Pos
}

// Arch is an accepted package architecture and its priority (higher wins).
type Arch struct {
	Name     string
	Priority int
	// PriorityText is the priority as written; print-architecture prints it
	// verbatim ("arch <name> <PriorityText>").
	PriorityText string
	Pos          Pos
}

// Option is one "option <name> [<value>]" setting in effect.
type Option struct {
	Name  string // as first written ("test" stays "test")
	Value string // as written; for Bool options informative only
	Int   int    // Value read as a number, for Int options
	Kind  OptionKind
	// Upstream marks an option only upstream (Yocto) opkg defines.
	Upstream bool
	Pos      Pos
}

// Config is the configuration in effect after reading every file.
//
// The slices keep configuration order, which is meaningful: the first dest
// is the default one, print-architecture lists Arches in order, and the
// first of two equal arch names gives the priority. Treat them as read-only;
// Parse and Load maintain indexes beside them.
type Config struct {
	Feeds   []Feed
	Dests   []Dest
	Arches  []Arch
	Options []Option // first-seen order, one per setting

	// ListsDirLine is the path of the last "lists_dir <name> <path>" line
	// (opkg-lede's syntax); "" when there is none.
	ListsDirLine string
	ListsDirPos  Pos
	// ListsDirFlag is the -l/--lists-dir argument; it wins over every file.
	ListsDirFlag string

	// OfflineRoot is the effective offline root: -o, else $OFFLINE_ROOT,
	// else "option offline_root". "" for the running system.
	OfflineRoot string
	// Files lists the files read, in reading order, named as opkg names them.
	Files []string

	feedIndex   map[string]int
	optionIndex map[string]int // by optionSpec.key
}

// Option returns the setting stored under an option name (either spelling
// of an alias), or false.
func (c *Config) Option(name string) (Option, bool) {
	spec, ok := lookupOption(name)
	if !ok {
		return Option{}, false
	}
	c.reindex()
	i, ok := c.optionIndex[spec.key]
	if !ok {
		return Option{}, false
	}
	return c.Options[i], true
}

// Flag reports whether a Bool option is on.
func (c *Config) Flag(name string) bool {
	o, ok := c.Option(name)
	return ok && o.Kind == Bool
}

// Value returns a String option's value, or "".
func (c *Config) Value(name string) string {
	o, ok := c.Option(name)
	if !ok || o.Kind != String {
		return ""
	}
	return o.Value
}

// Verbosity is the message level: "option verbosity" or -V, else NOTICE.
func (c *Config) Verbosity() int {
	if o, ok := c.Option("verbosity"); ok {
		return o.Int
	}
	return DefaultVerbosity
}

// Feed returns the feed of a name, or false.
func (c *Config) Feed(name string) (Feed, bool) {
	c.reindex()
	i, ok := c.feedIndex[name]
	if !ok {
		return Feed{}, false
	}
	return c.Feeds[i], true
}

// ListsDir is where feed indexes are stored: -l, else the last lists_dir
// line, else upstream's "option lists_dir", else /usr/lib/opkg/lists; under
// an offline root prefixed as opkg-lede spells it ("<root>/<dir>").
func (c *Config) ListsDir() string {
	dir := c.ListsDirFlag
	if dir == "" {
		dir = c.ListsDirLine
	}
	if dir == "" {
		dir = c.Value("lists_dir")
	}
	if dir == "" {
		dir = DefaultListsDir
	}
	if c.OfflineRoot != "" {
		return c.OfflineRoot + "/" + dir
	}
	return dir
}

// LockPath is the lock file: "<root>/" + /var/lock/opkg.lock under an
// offline root, as opkg-lede spells it.
func (c *Config) LockPath() string {
	if c.OfflineRoot != "" {
		return c.OfflineRoot + "/" + DefaultLockFile
	}
	return DefaultLockFile
}

// TmpDirBase is where the per-run temporary directory goes: tmp_dir (-t or
// option), else tmpdirEnv ($TMPDIR), else /tmp. Never under the offline root.
func (c *Config) TmpDirBase(tmpdirEnv string) string {
	if v := c.Value("tmp_dir"); v != "" {
		return v
	}
	if tmpdirEnv != "" {
		return tmpdirEnv
	}
	return DefaultTmpDirBase
}

// VerifyProgram is the signature verifier opkg-lede runs.
func (c *Config) VerifyProgram() string {
	if v := c.Value("verify_program"); v != "" {
		return v
	}
	return DefaultVerifyProgram
}

// DestRoot returns the root directory of a dest as opkg-lede builds it: the
// offline root, then the configured path, always ending in '/'.
func (c *Config) DestRoot(name string) (string, bool) {
	for _, d := range c.Dests {
		if d.Name == name {
			return c.destRoot(d), true
		}
	}
	return "", false
}

func (c *Config) destRoot(d Dest) string {
	root := c.OfflineRoot + d.Path
	if root == "" || root[len(root)-1] != '/' {
		root += "/"
	}
	return root
}

// StatusFile returns a dest's status file path, spelled as opkg-lede spells
// it ("<root>/" + "/usr/lib/opkg/status": note the doubled slash).
func (c *Config) StatusFile(name string) (string, bool) {
	root, ok := c.DestRoot(name)
	return root + StateDir + "/status", ok
}

// InfoDir returns a dest's info directory path, spelled as opkg-lede does.
func (c *Config) InfoDir(name string) (string, bool) {
	root, ok := c.DestRoot(name)
	return root + StateDir + "/info", ok
}

// DefaultDest picks the dest packages go to: the one named by -d/--dest
// (requested), or the first configured. An unknown name is an error, as in
// opkg-lede.
func (c *Config) DefaultDest(requested string) (Dest, error) {
	if requested == "" {
		if len(c.Dests) == 0 {
			return Dest{Name: DefaultDestName, Path: DefaultDestPath, Pos: Pos{Source: FromDefault}}, nil
		}
		return c.Dests[0], nil
	}
	for _, d := range c.Dests {
		if d.Name == requested {
			return d, nil
		}
	}
	return Dest{}, &UnknownDestError{Name: requested}
}

// ArchPriority returns the priority of a package architecture, or false when
// it is not accepted. With duplicates the first entry counts, as in lede.
func (c *Config) ArchPriority(arch string) (int, bool) {
	for _, a := range c.Arches {
		if a.Name == arch {
			return a.Priority, true
		}
	}
	return 0, false
}

// Architectures returns the accepted architectures in print-architecture
// order: --add-arch ones first, then arch lines in file order, duplicates
// kept (lede prints them all); the defaults when none was configured.
func (c *Config) Architectures() []Arch {
	return slices.Clone(c.Arches)
}

// DefaultArches is opkg-lede's architecture list when none is configured:
// all and noarch at priority 1, the package architecture the binary was
// built for (pkgArch) at 10.
func DefaultArches(pkgArch string) []Arch {
	def := Pos{Source: FromDefault}
	arches := []Arch{
		{Name: "all", Priority: 1, PriorityText: "1", Pos: def},
		{Name: "noarch", Priority: 1, PriorityText: "1", Pos: def},
	}
	if pkgArch != "" {
		arches = append(arches, Arch{Name: pkgArch, Priority: 10, PriorityText: "10", Pos: def})
	}
	return arches
}

// reindex rebuilds the lookup maps when the slices moved under them.
func (c *Config) reindex() {
	if len(c.feedIndex) != len(c.Feeds) || c.feedIndex == nil {
		c.feedIndex = make(map[string]int, len(c.Feeds))
		for i, f := range c.Feeds {
			if _, dup := c.feedIndex[f.Name]; !dup {
				c.feedIndex[f.Name] = i
			}
		}
	}
	if len(c.optionIndex) != len(c.Options) || c.optionIndex == nil {
		c.optionIndex = make(map[string]int, len(c.Options))
		for i, o := range c.Options {
			key := o.Name
			if spec, ok := lookupOption(o.Name); ok {
				key = spec.key
			}
			if _, dup := c.optionIndex[key]; !dup {
				c.optionIndex[key] = i
			}
		}
	}
}

// setOption applies "option name value" from pos, returning opkg-lede's
// complaint if any. An earlier setting (from the command line or a previous
// line) wins, as in lede.
func (c *Config) setOption(name, value string, pos Pos) (Warning, bool) {
	warn := func(format string, args ...any) (Warning, bool) {
		return Warning{File: pos.File, Line: pos.Line, Level: LevelError, Func: funcSetOption,
			Msg: fmt.Sprintf(format, args...)}, true
	}
	spec, ok := lookupOption(name)
	if !ok {
		return warn("Unrecognized option: %s=%s", name, value)
	}
	c.reindex()
	if i, dup := c.optionIndex[spec.key]; dup {
		first := c.Options[i]
		switch spec.kind {
		case Bool:
			return warn("Duplicate boolean option %s, leaving this option on.", name)
		case Int:
			if value == "" {
				return warn("Option %s needs an argument", name)
			}
			return warn("Duplicate option %s, using first seen value \"%d\".", name, first.Int)
		default:
			if value == "" {
				return warn("Option %s needs an argument", name)
			}
			return warn("Duplicate option %s, using first seen value \"%s\".", name, first.Value)
		}
	}
	if spec.kind != Bool && value == "" {
		return warn("Option %s needs an argument", name)
	}
	o := Option{Name: name, Value: value, Kind: spec.kind, Upstream: spec.upstream, Pos: pos}
	if spec.kind == Int {
		o.Int = atoi(value)
	}
	c.optionIndex[spec.key] = len(c.Options)
	c.Options = append(c.Options, o)
	return Warning{}, false
}
