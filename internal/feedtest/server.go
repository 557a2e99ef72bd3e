package feedtest

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Server serves a feed on a loopback port. URL (from httptest.Server) is
// the feed's base: "<URL>/Packages.gz", "<URL>/<Filename>".
type Server struct {
	*httptest.Server
	Feed *Feed

	cfg      serveConfig
	mu       sync.Mutex
	requests []string
}

// ServeOption changes how a Server answers.
type ServeOption func(*serveConfig)

type serveConfig struct {
	delay    time.Duration // before the response starts
	throttle int           // body bytes per second; 0: as fast as possible
	prefix   string        // path the feed lives under
}

// Delay makes every response wait d before it starts (a slow or stalled
// server, for timeout tests). The wait ends early when the client gives up.
func Delay(d time.Duration) ServeOption { return func(c *serveConfig) { c.delay = d } }

// Throttle sends response bodies at about bytesPerSecond, in small pieces
// (a slow link, for progress and timeout tests).
func Throttle(bytesPerSecond int) ServeOption {
	return func(c *serveConfig) { c.throttle = bytesPerSecond }
}

// Under serves the feed below a path, e.g. "/releases/24.10/packages/x86_64/base".
func Under(prefix string) ServeOption {
	return func(c *serveConfig) { c.prefix = "/" + strings.Trim(prefix, "/") }
}

// NewServer starts serving f; the caller must Close it.
func NewServer(f *Feed, opts ...ServeOption) *Server {
	s := &Server{Feed: f}
	for _, o := range opts {
		o(&s.cfg)
	}
	if s.cfg.prefix == "/" {
		s.cfg.prefix = ""
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	s.URL += s.cfg.prefix
	return s
}

// Serve starts serving f for the duration of the test.
func Serve(t testing.TB, f *Feed, opts ...ServeOption) *Server {
	t.Helper()
	s := NewServer(f, opts...)
	t.Cleanup(s.Close)
	return s
}

// Requests returns the paths requested so far, in order, relative to the
// feed ("Packages.gz", "hello_1.0_all.ipk").
func (s *Server) Requests() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.requests...)
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	name, ok := strings.CutPrefix(r.URL.Path, s.cfg.prefix+"/")
	s.mu.Lock()
	s.requests = append(s.requests, name)
	s.mu.Unlock()
	if s.cfg.delay > 0 {
		select {
		case <-time.After(s.cfg.delay):
		case <-r.Context().Done():
			return
		}
	}
	data, found := s.Feed.Files[name]
	if !ok || !found || (r.Method != http.MethodGet && r.Method != http.MethodHead) {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if s.cfg.throttle <= 0 {
		// ServeContent answers HEAD and Range requests (resumed downloads).
		http.ServeContent(w, r, name, time.Unix(ModTimeUnix, 0), bytes.NewReader(data))
		return
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	if r.Method == http.MethodHead {
		return
	}
	const tick = 50 * time.Millisecond
	chunk := max(1, s.cfg.throttle/20)
	flusher, _ := w.(http.Flusher)
	for len(data) > 0 {
		n := min(chunk, len(data))
		if _, err := w.Write(data[:n]); err != nil {
			return
		}
		if flusher != nil {
			flusher.Flush()
		}
		data = data[n:]
		select {
		case <-time.After(tick):
		case <-r.Context().Done():
			return
		}
	}
}
