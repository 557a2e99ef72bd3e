package engine

import (
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"path"
	"strconv"
	"strings"
	"time"

	"pakt/internal/fetch"
	"pakt/internal/fsroot"
	"pakt/internal/opkgconf"
	"pakt/internal/pkginfo"
	"pakt/internal/version"
)

// DefaultMaxPackageSize bounds a package download whose index gives no
// Size. The largest package in the data set is under 100 MiB (a firmware
// blob); 512 MiB leaves room and still stops an endless body.
const DefaultMaxPackageSize = 512 << 20

// DownloadResult is the answer of Download: one entry per name asked for,
// in order.
type DownloadResult struct {
	Messages  []Message // reading the configuration and the databases
	Downloads []*PackageDownload
	// Failed: a package was found but not downloaded; lede's exit status
	// is then 255. A name no feed has is only an error message (exit 0, as
	// in lede).
	Failed bool
}

// PackageDownload is what happened to one name of download.
type PackageDownload struct {
	Request string // the name as given
	Found   bool
	Name    string
	Version string
	URL     string
	// File is where it was written, as lede prints it: "./" and the last
	// part of the index's Filename (".//name" when Filename has a
	// directory, as lede builds it).
	File string
	Size int64 // bytes written
	// Messages are lede's lines for this package, in its order, pakt's
	// causes after the line they explain.
	Messages []Message
	Err      error // nil on success and for a name not found
}

// UndownloadableError is a package whose index entry gives no way to
// fetch it: no Filename, a Filename naming no file, or a feed that is no
// longer configured.
type UndownloadableError struct {
	Package string
	Feed    string
	Problem string
}

func (e *UndownloadableError) Error() string {
	return fmt.Sprintf("%s (list %s): %s", e.Package, e.Feed, e.Problem)
}

// ChecksumError is a downloaded package whose size or checksum is not the
// one its index promised.
type ChecksumError struct {
	Package string
	Field   string // "Size", "SHA256sum" or "MD5Sum"
	Want    string
	Got     string
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("%s: %s is %s, the index says %s", e.Package, e.Field, e.Got, e.Want)
}

// Download fetches the best candidate of each named package into the
// working directory (opkg_download_cmd): the highest version among the
// feeds' packages of that name, a higher architecture priority winning
// between equal versions.
//
// Where pakt differs from lede: the file's size and SHA256sum (or MD5Sum)
// are checked against the index and a file that does not match is not
// kept (lede keeps whatever arrived); the file is written atomically (a
// temporary beside it, renamed when complete); a candidate whose
// dependencies no feed can meet is still downloaded (lede rejects it,
// blaming the architectures). With --cache (or option cache) the package
// goes through the cache as in lede, and a cached copy is checked too.
func (e *Engine) Download(ctx context.Context, args []string) (*DownloadResult, error) {
	w, err := e.load(true)
	res := &DownloadResult{}
	if err != nil {
		res.Messages = w.msgs
		return res, err
	}
	res.Messages = joinMsgs(w.msgs, w.feedNotices, w.statusNotices)
	res.Messages = append(res.Messages, e.preinstallCheck(w, w.queryVector(false))...)
	var client *fetch.Client
	var dir *fsroot.Root
	defer func() {
		if client != nil {
			client.Close()
		}
		if dir != nil {
			dir.Close()
		}
	}()
	for _, name := range args {
		d := &PackageDownload{Request: name}
		res.Downloads = append(res.Downloads, d)
		best := w.bestCandidate(name)
		if best < 0 {
			d.Messages = append(d.Messages, Message{Level: Error, Func: "opkg_download_cmd", Text: "Cannot find package " + name + "."})
			continue
		}
		en := w.available.Entry(best)
		d.Found, d.Name, d.Version = true, en.Name, en.Version
		if client == nil {
			if client, err = e.downloadClient(w.cfg); err != nil {
				return res, err
			}
			if e.sys.RootDir == "" {
				return res, ErrNoRootDir
			}
			if dir, err = fsroot.Open(e.sys.Dir); err != nil {
				return res, &FileError{Op: "write", Path: e.sys.Dir, Err: err}
			}
		}
		if d.Err = e.downloadOne(ctx, w, client, dir, best, d); d.Err != nil {
			res.Failed = true
			d.Messages = append(d.Messages, Message{Level: Error, Func: "opkg_download_cmd", Text: "Failed to download " + d.Name + "."})
			continue
		}
		d.Messages = append(d.Messages, Message{Level: Notice, Text: "Downloaded " + d.Name + " as " + d.File + "."})
	}
	return res, nil
}

// bestCandidate is the feed entry download and list-upgradable take for a
// name: the newest version, then the higher architecture priority; -1 for
// none.
func (w *world) bestCandidate(name string) int {
	best, bestPrio := -1, 0
	for _, i := range w.available.Named(name) {
		en := w.available.Entry(i)
		prio, _ := w.cfg.ArchPriority(en.Architecture)
		if best < 0 {
			best, bestPrio = i, prio
			continue
		}
		cmp := version.Compare(en.Version, w.available.Entry(best).Version)
		if cmp > 0 || (cmp == 0 && prio > bestPrio) {
			best, bestPrio = i, prio
		}
	}
	return best
}

func (e *Engine) downloadClient(cfg *opkgconf.Config) (*fetch.Client, error) {
	timeout := time.Duration(0)
	if v := cfg.Value("http_timeout"); v != "" {
		secs, err := strconv.ParseFloat(v, 64)
		if err != nil || secs < 0 {
			return nil, &TimeoutOptionError{Value: v}
		}
		timeout = time.Duration(secs * float64(time.Second))
	}
	return fetch.NewClient(fetch.Options{
		HTTPProxy:          cfg.Value("http_proxy"),
		HTTPSProxy:         cfg.Value("https_proxy"),
		NoProxy:            cfg.Value("no_proxy"),
		Getenv:             e.sys.Getenv,
		Timeout:            timeout,
		NoCheckCertificate: cfg.Flag("no_check_certificate") || e.opts.NoCheckCertificate,
		WorkDir:            e.sys.Dir,
	}), nil
}

// downloadOne fetches one package into dir and checks it.
func (e *Engine) downloadOne(ctx context.Context, w *world, client *fetch.Client, dir *fsroot.Root, i int, d *PackageDownload) error {
	p, err := w.available.Package(i)
	if err != nil {
		return err
	}
	feedName := w.available.Lists()[w.available.Entry(i).List]
	fail := func(text string, err error) error {
		d.Messages = append(d.Messages, Message{Level: Error, Func: "opkg_download_pkg", Text: text})
		return err
	}
	if p.Filename == "" {
		return fail("Package "+d.Name+" does not have a valid filename field.", &UndownloadableError{Package: d.Name, Feed: feedName, Problem: "no Filename in the index"})
	}
	var feedURL string
	for _, f := range w.cfg.Feeds {
		if f.Name == feedName {
			feedURL = f.URL
			break
		}
	}
	if feedURL == "" {
		return fail("Package "+d.Name+" is not available from any configured src.", &UndownloadableError{Package: d.Name, Feed: feedName, Problem: "no such feed is configured"})
	}
	d.URL = feedURL + "/" + urlencodePath(p.Filename)
	// lede keeps the slash strrchr finds: "dir/x.ipk" is saved as ".//x.ipk".
	stripped := p.Filename
	if j := strings.LastIndexByte(stripped, '/'); j >= 0 {
		stripped = stripped[j:]
	}
	d.File = "./" + stripped
	base := path.Base(p.Filename)
	if base == "." || base == ".." || base == "/" {
		return fail("Package "+d.Name+" does not have a valid filename field.", &UndownloadableError{Package: d.Name, Feed: feedName, Problem: fmt.Sprintf("Filename %q names no file", p.Filename)})
	}
	if cache := e.cacheDir(w.cfg); cache != "" && !strings.HasPrefix(d.URL, "file:") {
		return e.downloadCached(ctx, client, dir, cache, base, p, d)
	}
	if err := fetchChecked(ctx, client, dir, base, d.File, p, d, nil); err != nil {
		return err
	}
	return nil
}

// cacheDir is --cache, else the configuration's "option cache", made
// absolute against the working directory ("" for none). Like lede, the
// offline root is not put in front.
func (e *Engine) cacheDir(cfg *opkgconf.Config) string {
	dir := e.opts.Cache
	if dir == "" {
		dir = cfg.Value("cache")
	}
	if dir != "" && !path.IsAbs(dir) {
		dir = path.Join(e.sys.Dir, dir)
	}
	return dir
}

// downloadCached is lede's opkg_download_cache: a cached copy whose
// checksum is wrong is removed ("Removing … from cache"), a good one is
// copied ("Copying <cache file>."), a missing one downloaded into the
// cache first; then the cached file is copied to the working directory.
func (e *Engine) downloadCached(ctx context.Context, client *fetch.Client, dir *fsroot.Root, cache, base string, p *pkginfo.Package, d *PackageDownload) error {
	cached := cache + "/" + base
	croot, err := fsroot.Open(cache)
	if err != nil {
		d.Messages = append(d.Messages, Message{Level: Error, Func: "opkg_download_cache", Text: cache + " is not a directory."})
		return &FileError{Op: "write", Path: cache, Err: err}
	}
	defer croot.Close()
	if f, err := croot.Open(base); err == nil {
		c := newChecker(p)
		n, err := io.Copy(c, f)
		f.Close()
		if err != nil || c.check(d.Name, n, false) != nil {
			d.Messages = append(d.Messages, Message{Level: Notice, Text: "Removing " + d.Name + " from cache because it has incorrect checksum."})
			if err := croot.Remove(base); err != nil {
				return &FileError{Op: "write", Path: cached, Err: err}
			}
		}
	}
	if _, err := croot.Lstat(base); err == nil {
		d.Messages = append(d.Messages, Message{Level: Notice, Text: "Copying " + cached + "."})
	} else if err := fetchChecked(ctx, client, croot, base, cached, p, d, nil); err != nil {
		return err
	}
	in, err := croot.Open(base)
	if err != nil {
		return &FileError{Op: "read", Path: cached, Err: err}
	}
	defer in.Close()
	out, err := dir.CreateTemp(base, 0o644)
	if err != nil {
		return &FileError{Op: "write", Path: d.File, Err: err}
	}
	defer out.Abort()
	if d.Size, err = io.Copy(out, in); err != nil {
		return &FileError{Op: "write", Path: d.File, Err: err}
	}
	if err := out.Commit(); err != nil {
		return &FileError{Op: "write", Path: d.File, Err: err}
	}
	return nil
}

// checker counts and hashes what is written, to compare with the index.
type checker struct {
	p     *pkginfo.Package
	sum   hash.Hash
	want  string
	field string
}

func newChecker(p *pkginfo.Package) *checker {
	c := &checker{p: p}
	switch {
	case p.SHA256sum != "":
		c.sum, c.want, c.field = sha256.New(), strings.ToLower(p.SHA256sum), "SHA256sum"
	case p.MD5Sum != "":
		c.sum, c.want, c.field = md5.New(), strings.ToLower(p.MD5Sum), "MD5Sum"
	}
	return c
}

func (c *checker) Write(b []byte) (int, error) {
	if c.sum != nil {
		c.sum.Write(b)
	}
	return len(b), nil
}

// check compares n bytes (more than the index's Size when tooLong) and
// their digest with the index.
func (c *checker) check(name string, n int64, tooLong bool) *ChecksumError {
	size := c.p.Size
	switch {
	case tooLong || (size > 0 && uint64(n) != size):
		got := strconv.FormatInt(n, 10)
		if tooLong {
			got = "more than " + strconv.FormatUint(size, 10)
		}
		return &ChecksumError{Package: name, Field: "Size", Want: strconv.FormatUint(size, 10), Got: got}
	case c.sum != nil && hex.EncodeToString(c.sum.Sum(nil)) != c.want:
		return &ChecksumError{Package: name, Field: c.field, Want: c.want, Got: hex.EncodeToString(c.sum.Sum(nil))}
	}
	return nil
}

// fetchChecked downloads d.URL to base in root (shown as shownAs in
// messages), checks it against the index and puts it in place only if it
// matches, with lede's messages for each failure.
func fetchChecked(ctx context.Context, client *fetch.Client, root *fsroot.Root, base, shownAs string, p *pkginfo.Package, d *PackageDownload, progress fetch.ProgressFunc) error {
	d.Messages = append(d.Messages, Message{Level: Notice, Text: "Downloading " + d.URL})
	fail := func(text string, err error) error {
		d.Messages = append(d.Messages, Message{Level: Error, Func: "opkg_download_pkg", Text: text})
		return err
	}
	limit := int64(DefaultMaxPackageSize)
	if p.Size > 0 {
		// One byte more than promised shows a body that is too long as a
		// size mismatch rather than a cut download.
		limit = int64(p.Size) + 1
	}
	out, err := root.CreateTemp(base, 0o644)
	if err != nil {
		return fail("Failed to create "+shownAs+": "+errnoText(errors.Unwrap(err))+".", err)
	}
	defer out.Abort()
	c := newChecker(p)
	n, err := client.Fetch(ctx, d.URL, io.MultiWriter(out, c), limit, progress)
	d.Size = n
	var le *fetch.LimitError
	tooLong := errors.As(err, &le) && p.Size > 0
	var fe *fetch.Error
	if err != nil && !tooLong {
		if errors.As(err, &fe) && fe.File != "" {
			// lede copies file: URLs itself (libbb copy_file, then file_copy).
			d.Messages = append(d.Messages,
				Message{Level: Error, Func: "copy_file", Text: fe.File + ": " + errnoText(fe.Err) + "."},
				Message{Level: Error, Func: "file_copy", Text: "Failed to copy file " + fe.File + " to " + shownAs + "."})
		} else {
			status := fetch.WgetStatus(err)
			d.Messages = append(d.Messages, Message{Level: Error, Func: "opkg_download", Text: fmt.Sprintf("Failed to download %s, wget returned %d.\n\t%s", d.URL, status, cause(err))})
			if status == 4 {
				d.Messages = append(d.Messages, Message{Level: Error, Func: "opkg_download", Text: "Check your network settings and connectivity.\n"})
			}
		}
		return err
	}
	if bad := c.check(d.Name, n, tooLong); bad != nil {
		// lede's install words it so; its download checks nothing.
		return fail("Checksum or size mismatch for package "+d.Name+". Either the opkg or the package index are corrupt. Try 'opkg update'.\n\t"+bad.Error(), bad)
	}
	// Not made durable: every use of a downloaded package checks it
	// against the index again first (Pending.Publish).
	if err := out.Publish(); err != nil {
		return fail("Failed to write "+shownAs+": "+errnoText(errors.Unwrap(err))+".", err)
	}
	return nil
}

// urlencodePath escapes what lede's urlencode_path escapes in a Filename
// before appending it to the feed's URL: the URL delimiters and '%'.
func urlencodePath(s string) string {
	const special = ":?#[]@!$&'()*+,;=%"
	if !strings.ContainsAny(s, special) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if strings.IndexByte(special, c) >= 0 {
			b.WriteString("%" + hex.EncodeToString([]byte{c}))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}
