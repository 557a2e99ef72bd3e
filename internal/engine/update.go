package engine

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"
	"unicode/utf8"

	"pakt/internal/fetch"
	"pakt/internal/fsroot"
	"pakt/internal/opkgconf"
	"pakt/internal/sign"
	"pakt/internal/txn"
)

// Update (opkg update) downloads the index of every src and src/gz feed
// into lists_dir, as opkg-lede's opkg_update_cmd does, with its messages,
// and with three differences that only show when something goes wrong:
//
//   - A list is replaced only once it is known to be good: downloaded
//     whole, a valid gzip stream for src/gz, and, with check_signature,
//     signed by a key in <root>/etc/opkg/keys. It is written to a temporary
//     file beside the old one and renamed over it (fsroot), so readers
//     (LuCI, opkg-lede, a power cut) see the old list or the new one.
//     lede writes the download straight over the old list, and when the
//     signature then fails it deletes both files; pakt keeps the previous
//     list and says so.
//   - The signature is checked natively (internal/sign) over the
//     uncompressed index, which is what OpenWrt's opkg-key does through
//     usign; verify_program is not run.
//   - A src/gz download that is not a whole gzip stream (truncated, an
//     HTML error page) counts as a failed download; lede stored it.
//
// The stored files are what lede stores: <lists_dir>/<feed> holds the
// bytes as fetched (gzip for src/gz) and <lists_dir>/<feed>.sig the
// signature, so opkg-lede and LuCI read what pakt wrote.
//
// Feeds are downloaded a few at a time; results are reported in
// configuration order. The exit status is lede's: the number of failed
// downloads (index or signature); a signature that does not verify is not
// counted, as in lede.

// DefaultMaxListSize bounds a feed index, compressed as fetched and again
// uncompressed. The largest index in the data set (a Yocto feed) is 3 MiB
// uncompressed, OpenWrt's biggest about 1 MiB: 64 MiB leaves room for
// feeds twenty times bigger while still refusing a gzip bomb long before
// it fills a router's RAM.
const DefaultMaxListSize = 64 << 20

// DefaultUpdateParallel is how many feeds are downloaded at a time.
const DefaultUpdateParallel = 4

// maxSignatureSize bounds Packages.sig; a real one is 151 bytes.
const maxSignatureSize = 4 << 10

// UpdateRequest tunes an update. The zero value is opkg update.
type UpdateRequest struct {
	// Progress, when set, is told how downloads advance. Calls never
	// overlap each other nor Feed's.
	Progress func(UpdateProgress)
	// Feed, when set, receives each feed's outcome in configuration order,
	// as soon as that feed and all feeds before it are done.
	Feed func(*FeedUpdate)
	// Loaded, when set, gets the messages that come before any download,
	// so they can be shown first: the configuration's once it has been
	// read, then the report of an interrupted transaction recovered.
	Loaded func([]Message)
	// Parallel is how many feeds are fetched at a time; 0 means
	// DefaultUpdateParallel.
	Parallel int
	// MaxListSize bounds each index; 0 means DefaultMaxListSize.
	MaxListSize int64
}

// UpdateProgress is one step of one download.
type UpdateProgress struct {
	Feed  int    // index in UpdateResult.Feeds (configuration order)
	Name  string // feed name
	URL   string
	Done  int64
	Total int64 // -1 when unknown
}

// FeedUpdate is what happened to one feed.
type FeedUpdate struct {
	Name string
	URL  string // of the index
	List string // <lists_dir>/<name>, spelled as opkg-lede spells it
	// Messages are opkg-lede's lines for this feed, in its order, with
	// pakt's causes after the line they explain.
	Messages []Message
	// Failures counts failed downloads (index, signature): 0, 1 or 2.
	Failures int
	// Updated: the list (and its signature) were replaced.
	Updated bool
	// Verified: the new list's signature was checked and is good.
	Verified bool
	// Kept: a failure left the previous list in place.
	Kept bool
	// Err is why the feed was not updated; nil when Updated.
	Err error
}

// UpdateResult is the outcome of Update.
type UpdateResult struct {
	Messages []Message // from reading the configuration
	Feeds    []*FeedUpdate
	// Failures is the number of failed downloads, lede's exit status.
	Failures int
	// SignatureChecked: option check_signature was on.
	SignatureChecked bool
}

// LockError is the opkg lock that could not be taken; its text is
// opkg-lede's.
type LockError struct {
	Path   string // as opkg-lede spells it
	Create bool   // the file could not be created (missing directory)
	Err    error
}

func (e *LockError) Error() string {
	if e.Create {
		return fmt.Sprintf("Could not create lock file %s: %s.", e.Path, errnoText(e.Err))
	}
	return fmt.Sprintf("Could not lock %s: %s.", e.Path, errnoText(e.Err))
}

func (e *LockError) Unwrap() error { return e.Err }

// Func is the opkg-lede function that reports the error.
func (e *LockError) Func() string { return "opkg_conf_load" }

// ListsDirError is a lists_dir that is not a directory or cannot be made.
type ListsDirError struct {
	Path   string
	Exists bool // it exists and is something else
	Err    error
}

func (e *ListsDirError) Error() string {
	if e.Exists {
		return fmt.Sprintf("%s exists, but is not a directory.", e.Path)
	}
	return fmt.Sprintf("Cannot create directory %s: %s.", e.Path, errnoText(e.Err))
}

func (e *ListsDirError) Unwrap() error { return e.Err }

// Func is the opkg-lede function that reports the error.
func (e *ListsDirError) Func() string { return "opkg_update_cmd" }

// TimeoutOptionError is an http_timeout that is not a number of seconds.
type TimeoutOptionError struct{ Value string }

func (e *TimeoutOptionError) Error() string {
	return fmt.Sprintf("option http_timeout %q: not a number of seconds", e.Value)
}

// CorruptListError is a downloaded index that is not usable.
type CorruptListError struct {
	URL string
	Err error
}

func (e *CorruptListError) Error() string { return fmt.Sprintf("%s: %v", e.URL, e.Err) }
func (e *CorruptListError) Unwrap() error { return e.Err }

// SignatureError is an index whose signature could not be checked or is
// wrong.
type SignatureError struct {
	Feed string
	URL  string // of Packages.sig
	Err  error  // a *sign.VerificationError, *sign.KeyNotFoundError, ...
}

func (e *SignatureError) Error() string {
	return fmt.Sprintf("signature of feed %s (%s): %v", e.Feed, e.URL, e.Err)
}
func (e *SignatureError) Unwrap() error { return e.Err }

// managedRoot is the root directory writes go to: -o, else /, inside
// System.RootDir.
func (e *Engine) managedRoot(cfg *opkgconf.Config) (string, error) {
	if e.sys.RootDir == "" {
		return "", ErrNoRootDir
	}
	dir := "/"
	if cfg.OfflineRoot != "" {
		dir = e.osPath(cfg.OfflineRoot)
	}
	return filepath.Join(e.sys.RootDir, dir), nil
}

// ErrNoRootDir is a System without RootDir asked to write.
var ErrNoRootDir = errors.New("this system has no writable root directory (System.RootDir is empty)")

// underRoot turns a path opkgconf built (the offline root, then the
// configured path) into a name under the managed root.
func (e *Engine) underRoot(cfg *opkgconf.Config, full string) string {
	if cfg.OfflineRoot != "" {
		return path.Clean("/" + strings.TrimPrefix(full, cfg.OfflineRoot))
	}
	return e.osPath(full)
}

// lockRoot opens the managed root and takes opkg's lock in it.
func (e *Engine) lockRoot(cfg *opkgconf.Config) (*fsroot.Root, *fsroot.Lock, error) {
	dir, err := e.managedRoot(cfg)
	if err != nil {
		return nil, nil, err
	}
	root, err := fsroot.Open(dir)
	if err != nil {
		return nil, nil, &LockError{Path: cfg.LockPath(), Create: true, Err: errors.Unwrap(err)}
	}
	lock, err := root.Lock(e.underRoot(cfg, cfg.LockPath()))
	if err != nil {
		root.Close()
		var le *fsroot.LockError
		if errors.As(err, &le) {
			return nil, nil, &LockError{Path: cfg.LockPath(), Create: le.Op == "create", Err: le.Err}
		}
		return nil, nil, &LockError{Path: cfg.LockPath(), Err: err}
	}
	return root, lock, nil
}

// updateRun is one Update's shared state.
type updateRun struct {
	e         *Engine
	cfg       *opkgconf.Config
	root      *fsroot.Root
	client    *fetch.Client
	listsDir  string // under the root
	listsPath string // as lede spells it
	checkSig  bool
	keys      fs.FS
	keysDir   string // for messages
	maxList   int64
	progress  func(UpdateProgress)
	callbacks *sync.Mutex
	// verifying allows one feed at a time to hold an uncompressed index in
	// memory: Ed25519 needs the whole message, and the largest index is
	// several MiB, too much to have four of on a 64 MB router.
	verifying sync.Mutex
	indexBuf  bytes.Buffer // the uncompressed index, under verifying
}

// Update refreshes the package lists of every configured feed.
func (e *Engine) Update(ctx context.Context, req UpdateRequest) (*UpdateResult, error) {
	cfg, msgs, err := e.loadConfig()
	res := &UpdateResult{Messages: msgs}
	if req.Loaded != nil {
		req.Loaded(msgs)
	}
	if err != nil {
		return res, err
	}
	timeout := time.Duration(0)
	if v := cfg.Value("http_timeout"); v != "" {
		secs, err := strconv.ParseFloat(v, 64)
		if err != nil || secs < 0 {
			return res, &TimeoutOptionError{Value: v}
		}
		timeout = time.Duration(secs * float64(time.Second))
	}
	root, lock, err := e.lockRoot(cfg)
	if err != nil {
		return res, err
	}
	defer root.Close()
	defer lock.Unlock()
	// Every command that takes the lock finishes or undoes an interrupted
	// transaction first (DESIGN.md §5).
	if rep, err := txn.Recover(root.Resolved(), nil); err != nil {
		return res, err
	} else if rep.Action != txn.Nothing {
		msg := Message{Level: Notice, Text: recoveredText(rep)}
		res.Messages = append(res.Messages, msg)
		if req.Loaded != nil {
			req.Loaded([]Message{msg})
		}
	}

	run := &updateRun{
		e: e, cfg: cfg, root: root,
		listsDir:  e.underRoot(cfg, cfg.ListsDir()),
		listsPath: cfg.ListsDir(),
		checkSig:  cfg.Flag("check_signature"),
		maxList:   req.MaxListSize,
		progress:  req.Progress,
		callbacks: &sync.Mutex{},
	}
	if run.maxList <= 0 {
		run.maxList = DefaultMaxListSize
	}
	res.SignatureChecked = run.checkSig
	if err := run.prepareListsDir(); err != nil {
		return res, err
	}
	if run.checkSig {
		if err := run.openKeys(); err != nil {
			return res, err
		}
	}
	run.client = fetch.NewClient(fetch.Options{
		HTTPProxy:          cfg.Value("http_proxy"),
		HTTPSProxy:         cfg.Value("https_proxy"),
		NoProxy:            cfg.Value("no_proxy"),
		Getenv:             e.sys.Getenv,
		Timeout:            timeout,
		NoCheckCertificate: cfg.Flag("no_check_certificate"),
		WorkDir:            e.sys.Dir,
	})
	defer run.client.Close()

	parallel := req.Parallel
	if parallel <= 0 {
		parallel = DefaultUpdateParallel
	}
	feeds := cfg.Feeds
	res.Feeds = make([]*FeedUpdate, len(feeds))
	done := make([]chan struct{}, len(feeds))
	slots := make(chan struct{}, parallel)
	for i := range feeds {
		done[i] = make(chan struct{})
		go func() {
			defer close(done[i])
			select {
			case slots <- struct{}{}:
			case <-ctx.Done():
				res.Feeds[i] = run.canceled(feeds[i], ctx.Err())
				return
			}
			defer func() { <-slots }()
			res.Feeds[i] = run.feed(ctx, i, feeds[i])
		}()
	}
	for i := range feeds {
		<-done[i]
		res.Failures += res.Feeds[i].Failures
		if req.Feed != nil {
			run.callbacks.Lock()
			req.Feed(res.Feeds[i])
			run.callbacks.Unlock()
		}
	}
	return res, nil
}

// prepareListsDir makes lists_dir if needed (lede: file_mkdir_hier) and
// removes temporaries an interrupted update left there.
func (r *updateRun) prepareListsDir() error {
	resolved, err := r.root.Resolve(r.listsDir + "/x")
	if err != nil {
		return &ListsDirError{Path: r.listsPath, Err: errors.Unwrap(err)}
	}
	dir := path.Dir(resolved)
	info, err := r.root.Lstat(dir)
	switch {
	case err == nil && !info.IsDir():
		return &ListsDirError{Path: r.listsPath, Exists: true}
	case err != nil && errors.Is(err, fs.ErrNotExist):
		if err := r.root.MkdirAll(dir, 0o755); err != nil {
			return &ListsDirError{Path: r.listsPath, Err: errors.Unwrap(err)}
		}
	case err != nil:
		return &ListsDirError{Path: r.listsPath, Err: errors.Unwrap(err)}
	}
	r.listsDir = dir
	_, err = r.root.RemoveStale(dir)
	return err
}

// openKeys finds <root>/etc/opkg/keys, following links as the device would.
func (r *updateRun) openKeys() error {
	const keysDir = "/etc/opkg/keys"
	r.keysDir = keysDir
	if r.cfg.OfflineRoot != "" {
		r.keysDir = r.cfg.OfflineRoot + keysDir
	}
	resolved, err := r.root.Resolve(keysDir + "/x")
	if err != nil {
		return err
	}
	sub, err := fs.Sub(r.root.FS(), path.Dir(resolved))
	if err != nil {
		return err
	}
	r.keys = sub
	return nil
}

func (r *updateRun) canceled(feed opkgconf.Feed, err error) *FeedUpdate {
	fu := r.newFeedUpdate(feed)
	fu.Failures = 1
	fu.Err = err
	fu.Messages = append(fu.Messages, Message{Level: Notice, Text: "*** Failed to download the package list from " + fu.URL + "\n"})
	return fu
}

func (r *updateRun) newFeedUpdate(feed opkgconf.Feed) *FeedUpdate {
	index := "Packages"
	if feed.Gzip {
		index = "Packages.gz"
	}
	return &FeedUpdate{Name: feed.Name, URL: feed.URL + "/" + index, List: r.listsPath + "/" + feed.Name}
}

// feed updates one feed.
func (r *updateRun) feed(ctx context.Context, i int, feed opkgconf.Feed) *FeedUpdate {
	fu := r.newFeedUpdate(feed)
	listName := r.listsDir + "/" + feed.Name
	_, statErr := r.root.Lstat(listName)
	hadList := statErr == nil
	notice := func(text string) { fu.Messages = append(fu.Messages, Message{Level: Notice, Text: text}) }
	keptNote := func() string {
		if hadList {
			return "kept the previous list " + fu.List
		}
		return "no list stored for " + feed.Name
	}

	notice("Downloading " + fu.URL)
	list, err := r.root.CreateTemp(listName, 0o644)
	if err != nil {
		r.downloadFailed(fu, err, keptNote())
		fu.Kept = hadList
		return fu
	}
	defer list.Abort()
	n, err := r.client.Fetch(ctx, fu.URL, list, r.maxList, r.progressOf(i, feed.Name, fu.URL))
	if err != nil {
		r.downloadFailed(fu, err, keptNote())
		fu.Kept = hadList
		return fu
	}
	checkSig := r.checkSig && !feed.Trusted
	if !checkSig {
		if err := r.checkList(fu, feed, list, n); err != nil {
			r.downloadFailed(fu, err, keptNote())
			fu.Kept = hadList
			return fu
		}
		notice("Updated list of available packages in " + fu.List)
		if err := list.Commit(); err != nil {
			return r.storeFailed(fu, err)
		}
		fu.Updated = true
		return fu
	}

	// The signature is fetched before the index is read back, so one
	// pass over the index both checks the gzip stream and feeds the
	// verifier; the messages still come in lede's order.
	sigURL := feed.URL + "/Packages.sig"
	var sigData bytes.Buffer
	_, sigErr := r.client.Fetch(ctx, sigURL, &sigData, maxSignatureSize, r.progressOf(i, feed.Name, sigURL))

	r.verifying.Lock()
	defer r.verifying.Unlock()
	msg, err := r.readIndex(fu, feed, list, n)
	if err != nil {
		r.downloadFailed(fu, err, keptNote())
		fu.Kept = hadList
		return fu
	}
	notice("Updated list of available packages in " + fu.List)
	notice("Downloading " + sigURL)
	var verifyErr error
	if sigErr != nil {
		fu.Failures++
		r.fetchErrorMessages(fu, sigURL, fu.List+".sig", sigErr, "")
		notice("Signature file download failed.")
		verifyErr = sigErr
	} else {
		verifyErr = r.verify(sigURL, sigData.Bytes(), msg)
		if verifyErr == nil {
			notice("Signature check passed.")
		} else {
			notice("Signature check failed.")
			notice("\t" + cause(verifyErr))
			verifyErr = &SignatureError{Feed: feed.Name, URL: sigURL, Err: verifyErr}
		}
	}
	if verifyErr != nil && !r.e.opts.Force.Signature {
		// lede: "Remove wrong Signature file." and both files deleted.
		notice("Remove wrong Signature file.")
		notice("\t" + capitalizeFirst(keptNote()) + ".")
		fu.Kept = hadList
		fu.Err = verifyErr
		return fu
	}
	// Good, or forced: store the list, then its signature if any. Either
	// order fails closed: a crash between the two renames leaves a list
	// and a signature that do not match, which every verifier refuses.
	if err := list.Commit(); err != nil {
		return r.storeFailed(fu, err)
	}
	fu.Updated = true
	fu.Verified = verifyErr == nil
	fu.Err = verifyErr
	if sigErr == nil {
		if err := r.root.WriteFile(listName+".sig", sigData.Bytes(), 0o644); err != nil {
			return r.storeFailed(fu, err)
		}
	}
	return fu
}

// progressOf reports one download's progress, serialized with the other
// callbacks.
func (r *updateRun) progressOf(i int, name, url string) fetch.ProgressFunc {
	if r.progress == nil {
		return nil
	}
	return func(done, total int64) {
		r.callbacks.Lock()
		defer r.callbacks.Unlock()
		r.progress(UpdateProgress{Feed: i, Name: name, URL: url, Done: done, Total: total})
	}
}

// checkList reads back a src/gz download: it must be one whole gzip
// stream (or several, as zcat accepts), and not inflate beyond the limit.
func (r *updateRun) checkList(fu *FeedUpdate, feed opkgconf.Feed, list *fsroot.Pending, n int64) error {
	if !feed.Gzip {
		return nil
	}
	_, err := r.uncompress(list, n, io.Discard)
	if err != nil {
		return &CorruptListError{URL: fu.URL, Err: err}
	}
	return nil
}

// uncompress writes the downloaded index, uncompressed, to w.
func (r *updateRun) uncompress(list *fsroot.Pending, n int64, w io.Writer) (int64, error) {
	src := io.NewSectionReader(list.File(), 0, n)
	zr, err := gzip.NewReader(src)
	if err != nil {
		return 0, fmt.Errorf("not a gzip file: %w", err)
	}
	m, err := io.Copy(w, io.LimitReader(zr, r.maxList+1))
	if err != nil {
		return m, fmt.Errorf("bad gzip data: %w", err)
	}
	if m > r.maxList {
		return m, fmt.Errorf("uncompressed index is larger than the limit of %d bytes", r.maxList)
	}
	return m, nil
}

// readIndex reads the downloaded index back, uncompressed, into the
// run's buffer (the caller holds r.verifying); a bad gzip stream is a
// *CorruptListError.
func (r *updateRun) readIndex(fu *FeedUpdate, feed opkgconf.Feed, list *fsroot.Pending, n int64) ([]byte, error) {
	r.indexBuf.Reset()
	if feed.Gzip {
		if _, err := r.uncompress(list, n, &r.indexBuf); err != nil {
			return nil, &CorruptListError{URL: fu.URL, Err: err}
		}
	} else if _, err := io.Copy(&r.indexBuf, io.NewSectionReader(list.File(), 0, n)); err != nil {
		return nil, err
	}
	return r.indexBuf.Bytes(), nil
}

// verify checks the signature over the uncompressed index.
func (r *updateRun) verify(sigURL string, sigData, msg []byte) error {
	sig, err := sign.ParseSignature(sigURL, sigData)
	if err != nil {
		return err
	}
	_, err = sign.VerifyDir(r.keys, r.keysDir, msg, sig)
	return err
}

// downloadFailed reports a failed index download as lede does: its error
// item(s), then the "*** Failed" notice and a blank line.
func (r *updateRun) downloadFailed(fu *FeedUpdate, err error, kept string) {
	fu.Failures++
	fu.Err = err
	r.fetchErrorMessages(fu, fu.URL, fu.List, err, kept)
	fu.Messages = append(fu.Messages, Message{Level: Notice, Text: "*** Failed to download the package list from " + fu.URL + "\n"})
}

// fetchErrorMessages are opkg_download's error items for a failed
// download, followed by pakt's cause (and what was kept) on the next line.
func (r *updateRun) fetchErrorMessages(fu *FeedUpdate, url, dest string, err error, kept string) {
	detail := cause(err)
	if kept != "" {
		detail += "; " + kept
	}
	add := func(function, text string) {
		fu.Messages = append(fu.Messages, Message{Level: Error, Func: function, Text: text})
	}
	var fe *fetch.Error
	var ce *CorruptListError
	switch {
	case errors.As(err, &ce):
		add("opkg_update_cmd", "Downloaded "+url+" is not a usable package list.\n\t"+detail)
	case errors.As(err, &fe) && fe.File != "":
		// lede copies file: URLs itself (libbb copy_file, then file_copy).
		add("copy_file", fe.File+": "+errnoText(fe.Err)+".")
		add("file_copy", "Failed to copy file "+fe.File+" to "+dest+"."+optionalLine(kept))
	default:
		status := fetch.WgetStatus(err)
		add("opkg_download", fmt.Sprintf("Failed to download %s, wget returned %d.\n\t%s", url, status, detail))
		if status == 4 {
			add("opkg_download", "Check your network settings and connectivity.\n")
		}
	}
}

func optionalLine(s string) string {
	if s == "" {
		return ""
	}
	return "\n\t" + s
}

// storeFailed is a good download that could not be put in place.
func (r *updateRun) storeFailed(fu *FeedUpdate, err error) *FeedUpdate {
	fu.Failures++
	fu.Err = err
	fu.Updated = false
	fu.Messages = append(fu.Messages, Message{Level: Error, Func: "opkg_update_cmd", Text: "Failed to store " + fu.List + ": " + cause(err)})
	return fu
}

// cause is the part of an error worth a line after opkg's message: the
// URL is already in that message.
func cause(err error) string {
	var fe *fetch.Error
	if errors.As(err, &fe) {
		if fe.StatusCode != 0 {
			return "server answered " + fe.Status
		}
		err = fe.Err
	}
	var ce *CorruptListError
	if errors.As(err, &ce) {
		err = ce.Err
	}
	return err.Error()
}

// errnoText words an error as glibc's strerror does (Go's errno texts are
// glibc's in lower case).
func errnoText(err error) string {
	if err == nil {
		return "Success"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "No such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "Permission denied"
	}
	return capitalizeFirst(err.Error())
}

func capitalizeFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsLower(r) {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
