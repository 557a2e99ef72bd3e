package engine

import (
	"fmt"
	"strconv"

	"pakt/internal/opkgconf"
)

// Message is something to tell the user that is not the result itself and
// does not make the command fail: opkg's NOTICE lines and the ERRORs it
// collects while carrying on (a bad configuration line, say).
type Message struct {
	Level Verbosity // Error or Notice (Info and Debug for chatter)
	// Func is the opkg-lede C function that reports the message; opkg
	// prints it before ERROR, INFO and DEBUG texts.
	Func string
	Text string // one message, without a final newline
}

// boolConfOptions are the command-line flags that are also configuration
// options: opkg-lede sets them before it reads the files, so a file that
// sets one again gets lede's duplicate-option message.
func (o *Options) confOptions() []opkgconf.Option {
	var out []opkgconf.Option
	flag := func(on bool, name string) {
		if on {
			out = append(out, opkgconf.Option{Name: name})
		}
	}
	value := func(v, name string) {
		if v != "" {
			out = append(out, opkgconf.Option{Name: name, Value: v})
		}
	}
	flag(o.Force.Maintainer, "force_maintainer")
	flag(o.Force.Depends, "force_depends")
	flag(o.Force.Overwrite, "force_overwrite")
	flag(o.Force.Downgrade, "force_downgrade")
	flag(o.Force.Reinstall, "force_reinstall")
	flag(o.Force.Space, "force_space")
	flag(o.Force.Postinstall, "force_postinstall")
	flag(o.Force.Checksum, "force_checksum")
	flag(o.NoCheckCertificate, "no_check_certificate")
	flag(o.NoAction, "noaction")
	flag(o.DownloadOnly, "download_only")
	flag(o.NoDeps, "nodeps")
	flag(o.NoCase, "nocase")
	flag(o.QueryAll, "query-all")
	flag(o.Size, "size")
	flag(o.StripABI, "strip_abi")
	value(o.Cache, "cache")
	value(o.TmpDir, "tmp_dir")
	value(o.VerifyProgram, "verify_program")
	if o.VerbositySet {
		out = append(out, opkgconf.Option{Name: "verbosity", Value: strconv.Itoa(int(o.Verbosity))})
	}
	return out
}

// loadConfig reads the configuration as opkg-lede's opkg_conf_load does,
// with this invocation's options merged in. Problems in the files come
// back as messages; a file that cannot be read is an error (its Func
// method names lede's reporting function).
func (e *Engine) loadConfig() (*opkgconf.Config, []Message, error) {
	sel := opkgconf.Selection{
		ConfFile:       e.opts.ConfFile,
		OfflineRoot:    e.opts.OfflineRoot,
		OfflineRootEnv: e.sys.getenv("OFFLINE_ROOT"),
		ConfDir:        e.sys.getenv("OPKG_CONF_DIR"),
		ListsDir:       e.opts.ListsDir,
		WorkDir:        e.sys.Dir,
		PkgArch:        e.pkgArch(),
	}
	var msgs []Message
	for _, spec := range e.opts.AddArch {
		if err := sel.AddArch(spec); err != nil {
			msgs = append(msgs, Message{Level: Error, Func: "args_parse", Text: err.Error()})
		}
	}
	for _, spec := range e.opts.AddDest {
		if err := sel.AddDest(spec); err != nil {
			msgs = append(msgs, Message{Level: Error, Func: "args_parse", Text: err.Error()})
		}
	}
	for _, o := range e.opts.confOptions() {
		if err := sel.SetOption(o.Name, o.Value); err != nil {
			return nil, nil, fmt.Errorf("command-line option %s: %w", o.Name, err)
		}
	}
	cfg, warns, err := opkgconf.Load(e.sys.Files, sel)
	if err != nil {
		return nil, msgs, err
	}
	e.verbosity = Verbosity(cfg.Verbosity())
	for _, w := range warns {
		m := Message{Level: Error, Func: w.Func, Text: w.Msg}
		if w.Level == opkgconf.LevelNotice {
			m.Level = Notice
		}
		msgs = append(msgs, m)
	}
	// lede resolves -d while loading the configuration, so an unknown dest
	// fails every command, queries included (resolve_pkg_dest_list).
	if _, err := cfg.DefaultDest(e.opts.Dest); err != nil {
		return nil, msgs, err
	}
	return cfg, msgs, nil
}
