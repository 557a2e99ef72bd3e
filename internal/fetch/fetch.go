package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// DefaultTimeout is the idle timeout when none is configured.
const DefaultTimeout = 30 * time.Second

// Options configure a Client. The zero value verifies TLS, uses the
// proxies of an empty environment (none) and DefaultTimeout.
type Options struct {
	// HTTPProxy, HTTPSProxy and NoProxy are opkg's options of those names;
	// "" falls back to the environment.
	HTTPProxy, HTTPSProxy, NoProxy string
	// Getenv reads the environment; nil is an empty environment.
	Getenv func(string) string
	// Timeout is the longest a download may make no progress.
	Timeout time.Duration
	// NoCheckCertificate turns TLS certificate verification off.
	NoCheckCertificate bool
	// RootCAs replaces the system's trusted roots (tests); nil keeps them.
	RootCAs *x509.CertPool
	// WorkDir resolves relative file: URLs; "" is the process's.
	WorkDir string
	// UserAgent is sent with HTTP requests; "" sends "pakt".
	UserAgent string
}

// Client downloads with one set of Options. It is safe for concurrent use.
type Client struct {
	opts Options
	http *http.Client
}

// NewClient returns a Client for opts.
func NewClient(opts Options) *Client {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.UserAgent == "" {
		opts.UserAgent = "pakt"
	}
	c := &Client{opts: opts}
	dialer := &net.Dialer{Timeout: opts.Timeout, KeepAlive: 30 * time.Second}
	transport := &http.Transport{
		Proxy:                 c.proxyFor,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   opts.Timeout,
		ResponseHeaderTimeout: opts.Timeout,
		DisableCompression:    true,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       30 * time.Second,
		ForceAttemptHTTP2:     true,
		TLSClientConfig: &tls.Config{
			RootCAs:            opts.RootCAs,
			InsecureSkipVerify: opts.NoCheckCertificate,
			MinVersion:         tls.VersionTLS12,
		},
	}
	c.http = &http.Client{Transport: transport}
	return c
}

// Close drops idle connections.
func (c *Client) Close() { c.http.CloseIdleConnections() }

// ProgressFunc is told, after each read, how many bytes arrived so far and
// the expected total (-1 when the server did not say).
type ProgressFunc func(done, total int64)

// Fetch copies the document at rawURL into w, at most limit bytes (no
// limit when limit <= 0), calling progress (may be nil) as it goes. It
// returns the number of bytes written.
func (c *Client) Fetch(ctx context.Context, rawURL string, w io.Writer, limit int64, progress ProgressFunc) (int64, error) {
	if rest, ok := strings.CutPrefix(rawURL, "file:"); ok {
		return c.fetchFile(rawURL, rest, w, limit, progress)
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return 0, &Error{URL: rawURL, Err: err}
	}
	switch u.Scheme {
	case "http", "https":
	default:
		return 0, &Error{URL: rawURL, Err: fmt.Errorf("%w %q", ErrUnsupportedScheme, u.Scheme)}
	}
	return c.fetchHTTP(ctx, rawURL, w, limit, progress)
}

func (c *Client) fetchHTTP(ctx context.Context, rawURL string, w io.Writer, limit int64, progress ProgressFunc) (int64, error) {
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stalled := &TimeoutError{After: c.opts.Timeout}
	idle := time.AfterFunc(c.opts.Timeout, func() { cancel(stalled) })
	defer idle.Stop()

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return 0, &Error{URL: rawURL, Err: err}
	}
	req.Header.Set("User-Agent", c.opts.UserAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, &Error{URL: rawURL, Err: c.cause(ctx, err)}
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return 0, &Error{URL: rawURL, StatusCode: resp.StatusCode, Status: resp.Status, Err: ErrStatus}
	}
	total := resp.ContentLength
	if limit > 0 && total > limit {
		return 0, &Error{URL: rawURL, Err: &LimitError{Limit: limit, Size: total}}
	}
	src := &idleReader{r: resp.Body, timer: idle, timeout: c.opts.Timeout}
	n, err := copyLimited(w, src, limit, total, progress)
	if err != nil {
		var we *WriteError
		if !errors.As(err, &we) {
			var le *LimitError
			if !errors.As(err, &le) {
				err = c.cause(ctx, err)
			}
		}
		return n, &Error{URL: rawURL, Err: err}
	}
	if total >= 0 && n != total {
		return n, &Error{URL: rawURL, Err: io.ErrUnexpectedEOF}
	}
	return n, nil
}

// cause replaces a context cancellation by the reason for it (our idle
// timer), so a stall says "no data for 30s", not "context canceled".
func (c *Client) cause(ctx context.Context, err error) error {
	if why := context.Cause(ctx); why != nil && !errors.Is(why, context.Canceled) {
		return why
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return &TimeoutError{After: c.opts.Timeout, Err: err}
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err // its URL is ours
	}
	return err
}

func (c *Client) fetchFile(rawURL, rest string, w io.Writer, limit int64, progress ProgressFunc) (int64, error) {
	name, err := url.PathUnescape(rest)
	if err != nil {
		name = rest // lede's urldecode_path keeps what it cannot decode
	}
	osName := name
	if !filepath.IsAbs(osName) && c.opts.WorkDir != "" {
		osName = filepath.Join(c.opts.WorkDir, osName)
	}
	f, err := os.Open(osName)
	if err != nil {
		return 0, &Error{URL: rawURL, File: name, Err: pathCause(err)}
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return 0, &Error{URL: rawURL, File: name, Err: pathCause(err)}
	}
	if info.IsDir() {
		return 0, &Error{URL: rawURL, File: name, Err: errIsDir}
	}
	total := int64(-1)
	if info.Mode().IsRegular() {
		total = info.Size()
	}
	if limit > 0 && total > limit {
		return 0, &Error{URL: rawURL, File: name, Err: &LimitError{Limit: limit, Size: total}}
	}
	n, err := copyLimited(w, f, limit, total, progress)
	if err != nil {
		return n, &Error{URL: rawURL, File: name, Err: pathCause(err)}
	}
	return n, nil
}

var errIsDir = errors.New("is a directory")

// copyLimited copies src to w, refusing more than limit bytes.
func copyLimited(w io.Writer, src io.Reader, limit, total int64, progress ProgressFunc) (int64, error) {
	buf := make([]byte, 32<<10)
	var n int64
	for {
		m, rerr := src.Read(buf)
		if m > 0 {
			if limit > 0 && n+int64(m) > limit {
				return n, &LimitError{Limit: limit, Size: -1}
			}
			if _, err := w.Write(buf[:m]); err != nil {
				return n, &WriteError{Err: err}
			}
			n += int64(m)
			if progress != nil {
				progress(n, total)
			}
		}
		if rerr == io.EOF {
			return n, nil
		}
		if rerr != nil {
			return n, rerr
		}
	}
}

// idleReader pushes the idle deadline back whenever data arrives.
type idleReader struct {
	r       io.Reader
	timer   *time.Timer
	timeout time.Duration
}

func (r *idleReader) Read(p []byte) (int, error) {
	n, err := r.r.Read(p)
	if n > 0 {
		r.timer.Reset(r.timeout)
	}
	return n, err
}

func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// proxyFor picks the proxy for a request the way wget does.
func (c *Client) proxyFor(req *http.Request) (*url.URL, error) {
	var proxy string
	switch req.URL.Scheme {
	case "http":
		proxy = c.setting(c.opts.HTTPProxy, "http_proxy")
	case "https":
		proxy = c.setting(c.opts.HTTPSProxy, "https_proxy")
	}
	if proxy == "" || bypassProxy(c.setting(c.opts.NoProxy, "no_proxy"), req.URL.Hostname()) {
		return nil, nil
	}
	if !strings.Contains(proxy, "://") {
		proxy = "http://" + proxy
	}
	u, err := url.Parse(proxy)
	if err != nil {
		return nil, &ProxyError{Proxy: proxy, Err: err}
	}
	return u, nil
}

// setting is an option value, else the environment variable in lower,
// then upper case.
func (c *Client) setting(option, env string) string {
	if option != "" || c.opts.Getenv == nil {
		return option
	}
	if v := c.opts.Getenv(env); v != "" {
		return v
	}
	return c.opts.Getenv(strings.ToUpper(env))
}

// bypassProxy reports whether host matches the no_proxy list.
func bypassProxy(noProxy, host string) bool {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for _, entry := range strings.FieldsFunc(noProxy, func(r rune) bool { return r == ',' || r == ' ' }) {
		entry = strings.ToLower(entry)
		if entry == "*" {
			return true
		}
		if h, _, err := net.SplitHostPort(entry); err == nil {
			entry = h
		}
		entry = strings.TrimSuffix(strings.TrimPrefix(entry, "."), ".")
		if entry == "" {
			continue
		}
		if host == entry || strings.HasSuffix(host, "."+entry) {
			return true
		}
	}
	return false
}

// WgetStatus is the exit status wget would have given for err (0 for nil),
// which opkg-lede prints in "wget returned <n>".
func WgetStatus(err error) int {
	if err == nil {
		return 0
	}
	var (
		fe  *Error
		we  *WriteError
		te  *TimeoutError
		ne  net.Error
		cve *tls.CertificateVerificationError
		ua  x509.UnknownAuthorityError
		hn  x509.HostnameError
		ci  x509.CertificateInvalidError
		oe  *net.OpError
	)
	switch {
	case errors.As(err, &we):
		return 3
	case errors.As(err, &fe) && fe.StatusCode != 0:
		return 8
	case errors.As(err, &cve), errors.As(err, &ua), errors.As(err, &hn), errors.As(err, &ci):
		return 5
	case errors.As(err, &te), errors.As(err, &oe), errors.As(err, &ne):
		return 4
	}
	return 1
}

// Error is a download that failed.
type Error struct {
	URL string
	// StatusCode and Status are the server's answer when it was not 200
	// (Err is then ErrStatus); 0 and "" otherwise.
	StatusCode int
	Status     string
	// File is the local path of a file: URL, as opkg-lede spells it.
	File string
	Err  error
}

func (e *Error) Error() string {
	if e.StatusCode != 0 {
		return fmt.Sprintf("GET %s: server answered %s", e.URL, e.Status)
	}
	return fmt.Sprintf("fetch %s: %v", e.URL, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Causes inside an *Error, for errors.Is.
var (
	ErrStatus            = errors.New("HTTP status other than 200 OK")
	ErrUnsupportedScheme = errors.New("unsupported URL scheme")
)

// LimitError is a document larger than the caller allows.
type LimitError struct {
	Limit int64
	Size  int64 // announced size, -1 when the body just kept coming
}

func (e *LimitError) Error() string {
	if e.Size >= 0 {
		return "size " + strconv.FormatInt(e.Size, 10) + " bytes is over the limit of " + strconv.FormatInt(e.Limit, 10)
	}
	return "more than the limit of " + strconv.FormatInt(e.Limit, 10) + " bytes"
}

// TimeoutError is a download that made no progress for After.
type TimeoutError struct {
	After time.Duration
	Err   error // the network's own timeout, if that is what fired
}

func (e *TimeoutError) Error() string { return "no data for " + e.After.String() }
func (e *TimeoutError) Unwrap() error { return e.Err }
func (e *TimeoutError) Timeout() bool { return true }

// WriteError is the destination refusing what was downloaded (a full disk).
type WriteError struct{ Err error }

func (e *WriteError) Error() string { return "write: " + e.Err.Error() }
func (e *WriteError) Unwrap() error { return e.Err }

// ProxyError is a configured proxy that is not a URL.
type ProxyError struct {
	Proxy string
	Err   error
}

func (e *ProxyError) Error() string { return "proxy " + e.Proxy + ": " + e.Err.Error() }
func (e *ProxyError) Unwrap() error { return e.Err }
