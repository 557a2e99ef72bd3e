package engine

import (
	"bufio"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"io/fs"

	"pakt/internal/control"
	"pakt/internal/feed"
	"pakt/internal/opkgconf"
	"pakt/internal/statusdb"
)

// world is what a query sees once loaded: the configuration, the
// available packages of every list in lists_dir and the installed
// database of every dest, both filtered by the configured architectures.
type world struct {
	cfg       *opkgconf.Config
	available feed.Index
	installed *statusdb.DB
	// feedNotices and statusNotices are lede's "has no valid
	// architecture" notices of one pass over the lists and over the
	// status files; commands repeat them as lede's passes do.
	feedNotices   []Message
	statusNotices []Message
	msgs          []Message // from reading the configuration

	// Reused from list to list: one gzip state for the whole load.
	gz *gzip.Reader
}

// ListError is a package list in lists_dir that could not be read: opkg
// names it and the line where reading stopped.
type ListError struct {
	Path string // as opkg spells it: <lists_dir>/<feed>
	Err  error  // *feed.ListError, a gzip or file error
}

func (e *ListError) Error() string {
	var le *feed.ListError
	if !errors.As(e.Err, &le) {
		return fmt.Sprintf("package list %s: %v", e.Path, e.Err)
	}
	// Say where in the path's own terms: "<path>:<line>: what", the line
	// counted in the list's uncompressed text.
	cause := le.Err
	var syn *control.SyntaxError
	if errors.As(cause, &syn) {
		bare := *syn
		bare.File, bare.Line = "", 0
		cause = &bare
	}
	if le.Line > 0 {
		return fmt.Sprintf("corrupt package list %s:%d: %v", e.Path, le.Line, cause)
	}
	return fmt.Sprintf("corrupt package list %s: %v", e.Path, cause)
}

func (e *ListError) Unwrap() error { return e.Err }

// Func is the opkg-lede function that reads lists.
func (e *ListError) Func() string { return "pkg_hash_add_from_file" }

// StatusError is an installed database that could not be trusted.
type StatusError struct{ Err error }

func (e *StatusError) Error() string { return e.Err.Error() }
func (e *StatusError) Unwrap() error { return e.Err }

// Func is the opkg-lede function that reads status files.
func (e *StatusError) Func() string { return "pkg_hash_load_status_files" }

// maxListSize bounds the uncompressed text of one list: the largest real
// feed is 3 MB, a gzip bomb would be unbounded.
const maxListSize = 256 << 20

// load reads the configuration, then, when feeds is set, every configured
// feed's list in lists_dir, then every dest's status file. keepOnly, when
// given, are the only list fields the command needs beyond those every
// entry keeps (feed.Index.KeepOnly): list holds half the text it would.
func (e *Engine) load(feeds bool, keepOnly ...string) (*world, error) {
	cfg, msgs, err := e.loadConfig()
	if err != nil {
		return &world{msgs: msgs}, err
	}
	// Each pass lede makes over the files starts with an empty INFO line
	// of its loading function (shown with -V2), then the notices.
	w := &world{cfg: cfg, msgs: msgs,
		feedNotices:   []Message{{Level: Info, Func: "pkg_hash_load_feeds"}},
		statusNotices: []Message{{Level: Info, Func: "pkg_hash_load_status_files"}},
	}
	if feeds {
		if keepOnly != nil {
			w.available.KeepOnly(keepOnly...)
		}
		dir := cfg.ListsDir()
		// A gzip list holds about one package per 100 bytes (OpenWrt's
		// 23.05 lists: 92 to 110), a plain one per 450.
		guess := 0
		for _, f := range cfg.Feeds {
			if st, err := fs.Stat(e.sys.Files, statusdb.FSPath(dir+"/"+f.Name)); err == nil {
				guess += int(st.Size() / 100)
			}
		}
		w.available.Reserve(guess)
		for _, f := range cfg.Feeds {
			path := dir + "/" + f.Name
			if err := e.loadList(w, f.Name, path); err != nil {
				return w, err
			}
		}
	}
	var dests []statusdb.Dest
	for _, d := range cfg.Dests {
		root, _ := cfg.DestRoot(d.Name)
		status, _ := cfg.StatusFile(d.Name)
		info, _ := cfg.InfoDir(d.Name)
		dests = append(dests, statusdb.Dest{Name: d.Name, Root: root, StatusFile: status, InfoDir: info})
	}
	db, err := statusdb.Load(e.sys.Files, dests, func(p *statusdb.Package) bool {
		if !w.archOK(p.Architecture) {
			w.statusNotices = append(w.statusNotices, noValidArch(p.Name, p.Version))
			return false
		}
		return true
	})
	w.installed = db
	if err != nil {
		return w, &StatusError{Err: err}
	}
	return w, nil
}

// archOK is lede's check: an architecture is given and configured with a
// priority other than 0.
func (w *world) archOK(arch string) bool {
	if arch == "" {
		return false
	}
	prio, ok := w.cfg.ArchPriority(arch)
	return ok && prio != 0
}

func noValidArch(name, version string) Message {
	return Message{Level: Notice, Text: "Package " + name + " version " + version + " has no valid architecture, ignoring."}
}

// loadList adds one list to the index. A missing list is skipped, as lede
// skips a feed never updated. lede reads a "src/gz" list as gzip and a
// "src" list as text; pakt looks at the bytes, so either is read right.
func (e *Engine) loadList(w *world, name, path string) error {
	f, err := e.sys.Files.Open(statusdb.FSPath(path))
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return &ListError{Path: path, Err: err}
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 4<<10) // gzip reads through its own buffer
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		if w.gz == nil {
			w.gz, err = gzip.NewReader(br)
		} else {
			err = w.gz.Reset(br)
		}
		if err != nil {
			return &ListError{Path: path, Err: err}
		}
		r = w.gz
	}
	// Decompressing ahead in a second goroutine was tried: no gain
	// measured on two shared cores, so the list is read in line.
	err = w.available.Add(name, &limitedReader{r: r, n: maxListSize}, func(en *feed.Entry) bool {
		if !w.archOK(en.Architecture) {
			w.feedNotices = append(w.feedNotices, noValidArch(en.Name, en.Version))
			return false
		}
		return true
	})
	if err != nil {
		return &ListError{Path: path, Err: err}
	}
	return nil
}

// errListTooLarge is the cause of a list above maxListSize.
var errListTooLarge = fmt.Errorf("uncompressed list larger than %d bytes", maxListSize)

// limitedReader is io.LimitReader that fails instead of ending quietly,
// so a cut list is never mistaken for a whole one.
type limitedReader struct {
	r io.Reader
	n int64
}

func (l *limitedReader) Read(p []byte) (int, error) {
	if l.n <= 0 {
		return 0, errListTooLarge
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	n, err := l.r.Read(p)
	l.n -= int64(n)
	return n, err
}
