package opkgconf

import (
	"errors"
	"io"
	"io/fs"
	"path"
	"strings"
)

// Selection is what the command line and the environment say about which
// configuration to read. The zero value reads /etc/opkg.conf and
// /etc/opkg/*.conf of the running system.
type Selection struct {
	ConfFile       string // -f/--conf; "" when not given
	OfflineRoot    string // -o/--offline-root; "" when not given
	OfflineRootEnv string // $OFFLINE_ROOT
	ConfDir        string // $OPKG_CONF_DIR; "" means /etc/opkg
	ListsDir       string // -l/--lists-dir; "" when not given
	// WorkDir resolves relative paths (a relative -f or -o) for the fs.FS;
	// messages keep the user's spelling. "" means "/".
	WorkDir string
	// PkgArch is the package architecture pakt was built for; it joins the
	// default architecture list when no arch is configured.
	PkgArch string

	arches  []Arch
	dests   []Dest
	options []Option
}

// AddArch records --add-arch <name>:<priority>. Command-line arches come
// before every arch line and, like any configured arch, replace the default
// list. lede ignores a malformed value silently; pakt reports it.
func (s *Selection) AddArch(spec string) error {
	name, prio, ok := strings.Cut(spec, ":")
	if !ok || name == "" || prio == "" {
		return &SpecError{Option: "--add-arch", Value: spec, Reason: "want <arch>:<priority>"}
	}
	s.arches = append(s.arches, Arch{Name: name, Priority: int(strtol(prio, 0)), PriorityText: prio,
		Pos: Pos{Source: FromCommandLine}})
	return nil
}

// AddDest records --add-dest <name>:<path>. Command-line dests come before
// every dest line, so the first of them becomes the default dest (lede).
func (s *Selection) AddDest(spec string) error {
	name, dir, ok := strings.Cut(spec, ":")
	if !ok || name == "" || dir == "" {
		return &SpecError{Option: "--add-dest", Value: spec, Reason: "want <name>:<path>"}
	}
	s.dests = append(s.dests, Dest{Name: name, Path: dir, Pos: Pos{Source: FromCommandLine}})
	return nil
}

// SetOption records a command-line flag that is also a configuration option
// (--force-depends is "force_depends", -t is "tmp_dir", -V is "verbosity",
// -A is "query-all", -i/--nocase is "nocase", --cache, --verify-program, …).
// As in lede the command line wins: a file setting the same option gets
// lede's duplicate message. Bool options take value "". A second call for
// the same option replaces the first.
func (s *Selection) SetOption(name, value string) error {
	spec, ok := lookupOption(name)
	if !ok {
		return &SpecError{Option: name, Value: value, Reason: "not a configuration option"}
	}
	if spec.kind != Bool && value == "" {
		return &SpecError{Option: name, Value: value, Reason: "needs a value"}
	}
	o := Option{Name: name, Value: value, Kind: spec.kind, Upstream: spec.upstream, Pos: Pos{Source: FromCommandLine}}
	if spec.kind == Int {
		o.Int = atoi(value)
	}
	for i, old := range s.options {
		if oldSpec, _ := lookupOption(old.Name); oldSpec.key == spec.key {
			s.options[i] = o
			return nil
		}
	}
	s.options = append(s.options, o)
	return nil
}

// Load reads the configuration the way opkg-lede's opkg_conf_load does,
// through fsys (os.DirFS("/") in pakt; a MapFS in tests):
//
//   - without -o: the -f file (default /etc/opkg.conf), then every
//     $OPKG_CONF_DIR/*.conf (default /etc/opkg/*.conf) in name order,
//     skipping the -f file if it is one of them;
//   - with -o ROOT and no -f: only ROOT/etc/opkg/*.conf;
//   - with -o ROOT and -f FILE: FILE, then ROOT/etc/opkg/*.conf.
//
// The offline root is -o, else $OFFLINE_ROOT, else an "option offline_root"
// of the -f file (which lede reads before it globs). Unreadable files stop
// loading with a *FileError, except a missing default /etc/opkg.conf (see
// the package documentation). Line problems are returned as warnings.
func Load(fsys fs.FS, sel Selection) (*Config, []Warning, error) {
	cfg := &Config{ListsDirFlag: sel.ListsDir}
	cfg.Arches = append(cfg.Arches, sel.arches...)
	cfg.Dests = append(cfg.Dests, sel.dests...)
	cfg.Options = append(cfg.Options, sel.options...)
	cfg.reindex()
	switch {
	case sel.OfflineRoot != "":
		cfg.setOption("offline_root", sel.OfflineRoot, Pos{Source: FromCommandLine})
	case sel.OfflineRootEnv != "":
		cfg.setOption("offline_root", sel.OfflineRootEnv, Pos{Source: FromEnvironment})
	}

	var warns []Warning
	confFile, explicit := sel.ConfFile, sel.ConfFile != ""
	if !explicit && sel.OfflineRoot == "" {
		confFile = DefaultConfFile
	}
	if confFile != "" {
		if _, err := fs.Stat(fsys, fsPath(sel.WorkDir, confFile)); err != nil {
			if explicit || !errors.Is(err, fs.ErrNotExist) {
				return nil, nil, &FileError{Op: "stat", Path: confFile, Err: err}
			}
			confFile = ""
		} else {
			data, isDir, err := readConf(fsys, fsPath(sel.WorkDir, confFile))
			if err != nil {
				return nil, nil, readError(confFile, err)
			}
			if !isDir {
				cfg.Files = append(cfg.Files, confFile)
				warns = append(warns, Parse(confFile, data, cfg)...)
			}
		}
	}

	root := cfg.Value("offline_root")
	dir := sel.ConfDir
	switch {
	case root != "":
		dir = root + "/etc/opkg"
	case dir == "":
		dir = DefaultConfDir
	}
	entries, err := fs.ReadDir(fsys, fsPath(sel.WorkDir, dir))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		// glob(3) reports it through lede's glob_errfunc and goes on.
		warns = append(warns, Warning{Level: LevelError, Func: funcGlob,
			Msg: "glob failed for " + dir + ": " + strerror(err)})
	}
	skip := ""
	if confFile != "" {
		skip = fsPath(sel.WorkDir, confFile)
	}
	for _, e := range entries {
		if !matchesConfGlob(e.Name()) {
			continue
		}
		name := dir + "/" + e.Name()
		p := fsPath(sel.WorkDir, name)
		if p == skip {
			continue
		}
		data, isDir, err := readConf(fsys, p)
		if err != nil {
			return nil, nil, readError(name, err)
		}
		if isDir {
			continue
		}
		cfg.Files = append(cfg.Files, name)
		warns = append(warns, Parse(name, data, cfg)...)
	}

	// A later file's "option offline_root" still moves dests, lists and the
	// lock, though it came too late to choose the files (lede).
	cfg.OfflineRoot = cfg.Value("offline_root")
	if len(cfg.Arches) == 0 {
		cfg.Arches = DefaultArches(sel.PkgArch)
	}
	if len(cfg.Dests) == 0 {
		cfg.Dests = []Dest{{Name: DefaultDestName, Path: DefaultDestPath, Pos: Pos{Source: FromDefault}}}
	}
	return cfg, warns, nil
}

func readError(name string, err error) *FileError {
	if errors.Is(err, ErrTooLarge) {
		return &FileError{Op: "read", Path: name, Err: err}
	}
	return &FileError{Op: "open", Path: name, Err: err}
}

// matchesConfGlob is glob(3)'s "*.conf": any name ending in .conf except
// hidden ones (a leading dot must be matched explicitly).
func matchesConfGlob(name string) bool {
	return strings.HasSuffix(name, ".conf") && !strings.HasPrefix(name, ".")
}

// readConf reads a configuration file, at most MaxFileSize bytes. A directory
// reads as nothing, as fopen+fgets on one does in lede.
func readConf(fsys fs.FS, name string) (data []byte, isDir bool, err error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, false, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, false, err
	}
	if st.IsDir() {
		return nil, true, nil
	}
	data, err = io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, false, err
	}
	if len(data) > MaxFileSize {
		return nil, false, ErrTooLarge
	}
	return data, false, nil
}

// fsPath turns a host path into an fs.FS path relative to "/".
func fsPath(workDir, p string) string {
	if !strings.HasPrefix(p, "/") {
		if workDir == "" {
			workDir = "/"
		}
		p = workDir + "/" + p
	}
	p = strings.TrimPrefix(path.Clean(p), "/")
	if p == "" {
		return "."
	}
	return p
}
