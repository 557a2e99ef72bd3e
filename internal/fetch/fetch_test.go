package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const body = "Package: foo\nVersion: 1\n\n"

// feedServer serves a few behaviours by path.
func feedServer(t *testing.T) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) })
	mux.HandleFunc("/gzipped", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write([]byte{0x1f, 0x8b, 1, 2, 3})
	})
	mux.HandleFunc("/missing", http.NotFound)
	mux.HandleFunc("/broken", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "oops", 500) })
	mux.HandleFunc("/stall", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.Write([]byte("Package: "))
		w.(http.Flusher).Flush()
		<-r.Context().Done()
	})
	mux.HandleFunc("/stall-headers", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		for i := range 6 {
			fmt.Fprintf(w, "line %d\n", i)
			w.(http.Flusher).Flush()
			time.Sleep(60 * time.Millisecond)
		}
	})
	mux.HandleFunc("/big", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "5000")
		w.Write(make([]byte, 5000))
	})
	mux.HandleFunc("/endless", func(w http.ResponseWriter, r *http.Request) {
		for r.Context().Err() == nil {
			if _, err := w.Write(make([]byte, 1000)); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/short", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "100")
		w.Write([]byte("only a part"))
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestFetchHTTP(t *testing.T) {
	t.Parallel()
	srv := feedServer(t)
	c := NewClient(Options{Timeout: 200 * time.Millisecond})
	defer c.Close()
	for _, tc := range []struct {
		path     string
		limit    int64
		want     string // body, when it succeeds
		status   int    // HTTP status in the error
		wget     int
		causeIs  error
		causeAs  any
		contains string
	}{
		{path: "/ok", want: body},
		{path: "/gzipped", want: "\x1f\x8b\x01\x02\x03"},
		{path: "/slow", want: "line 0\nline 1\nline 2\nline 3\nline 4\nline 5\n"},
		{path: "/missing", status: 404, wget: 8, causeIs: ErrStatus, contains: "404 Not Found"},
		{path: "/broken", status: 500, wget: 8, causeIs: ErrStatus, contains: "500 Internal Server Error"},
		{path: "/stall", wget: 4, causeAs: new(*TimeoutError), contains: "no data for 200ms"},
		{path: "/stall-headers", wget: 4, causeAs: new(*TimeoutError), contains: "no data for 200ms"},
		{path: "/big", limit: 4096, wget: 1, causeAs: new(*LimitError), contains: "size 5000 bytes is over the limit of 4096"},
		{path: "/endless", limit: 4096, wget: 1, causeAs: new(*LimitError), contains: "more than the limit of 4096 bytes"},
		{path: "/short", wget: 1, causeIs: nil, contains: "unexpected EOF"},
	} {
		t.Run(tc.path, func(t *testing.T) {
			t.Parallel()
			var out bytes.Buffer
			var last, calls int64
			n, err := c.Fetch(context.Background(), srv.URL+tc.path, &out, tc.limit, func(done, total int64) {
				if done < last {
					t.Errorf("progress went back from %d to %d", last, done)
				}
				last, calls = done, calls+1
			})
			if tc.want != "" {
				if err != nil || out.String() != tc.want || n != int64(len(tc.want)) {
					t.Fatalf("got %q, %d, %v; want %q", out.String(), n, err, tc.want)
				}
				if last != n || calls == 0 {
					t.Errorf("progress ended at %d after %d calls, want %d", last, calls, n)
				}
				return
			}
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error %v (%T), want *Error", err, err)
			}
			if fe.URL != srv.URL+tc.path || fe.StatusCode != tc.status {
				t.Errorf("error URL %q status %d", fe.URL, fe.StatusCode)
			}
			if got := WgetStatus(err); got != tc.wget {
				t.Errorf("WgetStatus = %d, want %d (%v)", got, tc.wget, err)
			}
			if tc.causeIs != nil && !errors.Is(err, tc.causeIs) {
				t.Errorf("%v is not %v", err, tc.causeIs)
			}
			if tc.causeAs != nil && !errors.As(err, tc.causeAs) {
				t.Errorf("%v: cause of the wrong type %T", err, fe.Err)
			}
			if !strings.Contains(err.Error(), tc.contains) || !strings.Contains(err.Error(), tc.path) {
				t.Errorf("error %q does not say %q and the URL", err, tc.contains)
			}
		})
	}
}

func TestFetchRefusedConnection(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	_, err = NewClient(Options{}).Fetch(context.Background(), "http://"+addr+"/x", &bytes.Buffer{}, 0, nil)
	if WgetStatus(err) != 4 || !strings.Contains(err.Error(), "refused") {
		t.Errorf("refused connection: %v (wget %d)", err, WgetStatus(err))
	}
}

func TestFetchTLS(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, body) }))
	defer srv.Close()
	_, err := NewClient(Options{}).Fetch(context.Background(), srv.URL, &bytes.Buffer{}, 0, nil)
	if WgetStatus(err) != 5 {
		t.Errorf("self-signed certificate: %v (wget %d), want a verification failure", err, WgetStatus(err))
	}
	for _, opts := range []Options{{NoCheckCertificate: true}, {RootCAs: srv.Client().Transport.(*http.Transport).TLSClientConfig.RootCAs}} {
		var out bytes.Buffer
		if _, err := NewClient(opts).Fetch(context.Background(), srv.URL, &out, 0, nil); err != nil || out.String() != body {
			t.Errorf("%+v: %q, %v", opts, out.String(), err)
		}
	}
}

func TestFetchThroughProxy(t *testing.T) {
	t.Parallel()
	var seen []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.URL.String())
		fmt.Fprint(w, "via proxy")
	}))
	defer proxy.Close()
	direct := feedServer(t)
	env := map[string]string{"http_proxy": proxy.URL, "no_proxy": "skip.example,.lan"}
	for _, tc := range []struct {
		opts Options
		url  string
		want string
	}{
		{Options{HTTPProxy: proxy.URL}, "http://feeds.example/x/Packages", "via proxy"},
		{Options{HTTPProxy: strings.TrimPrefix(proxy.URL, "http://")}, "http://feeds.example/y", "via proxy"},
		{Options{Getenv: func(k string) string { return env[k] }}, "http://env.example/z", "via proxy"},
		{Options{HTTPProxy: proxy.URL, NoProxy: "*"}, direct.URL + "/ok", body},
		{Options{Getenv: func(k string) string { return env[k] }, NoProxy: "127.0.0.1"}, direct.URL + "/ok", body},
		{Options{HTTPSProxy: proxy.URL}, direct.URL + "/ok", body}, // https proxy is not for http
	} {
		var out bytes.Buffer
		if _, err := NewClient(tc.opts).Fetch(context.Background(), tc.url, &out, 0, nil); err != nil || out.String() != tc.want {
			t.Errorf("%s: %q, %v; want %q", tc.url, out.String(), err, tc.want)
		}
	}
	if len(seen) != 3 || seen[0] != "http://feeds.example/x/Packages" {
		t.Errorf("proxy saw %q", seen)
	}
}

func TestBypassProxy(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		list, host string
		want       bool
	}{
		{"", "a.lan", false},
		{"*", "anything", true},
		{".lan", "router.lan", true},
		{"lan", "router.lan", true},
		{"lan", "router.plan", false},
		{"a.example, b.example", "b.example", true},
		{"B.Example:8080", "b.example", true},
		{"example.org", "example.org.", true},
	} {
		if got := bypassProxy(tc.list, tc.host); got != tc.want {
			t.Errorf("bypassProxy(%q, %q) = %v", tc.list, tc.host, got)
		}
	}
}

func TestFetchFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "my feed"), 0o755)
	os.WriteFile(filepath.Join(dir, "my feed", "Packages"), []byte(body), 0o644)
	c := NewClient(Options{WorkDir: dir})
	// lede takes everything after "file:" as the path: both spellings work.
	for _, u := range []string{"file:" + dir + "/my%20feed/Packages", "file://" + dir + "/my feed/Packages", "file:my%20feed/Packages"} {
		var out bytes.Buffer
		if _, err := c.Fetch(context.Background(), u, &out, 0, nil); err != nil || out.String() != body {
			t.Errorf("%s: %q, %v", u, out.String(), err)
		}
	}
	_, err := c.Fetch(context.Background(), "file://"+dir+"/nope/Packages.gz", &bytes.Buffer{}, 0, nil)
	var fe *Error
	if !errors.As(err, &fe) || fe.File != "//"+dir+"/nope/Packages.gz" || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %#v", err)
	}
	_, err = c.Fetch(context.Background(), "file:"+dir+"/my%20feed/Packages", &bytes.Buffer{}, 10, nil)
	var le *LimitError
	if !errors.As(err, &le) || le.Size != int64(len(body)) {
		t.Errorf("limit: %v", err)
	}
	_, err = c.Fetch(context.Background(), "ftp://example.org/Packages", &bytes.Buffer{}, 0, nil)
	if !errors.Is(err, ErrUnsupportedScheme) {
		t.Errorf("ftp: %v", err)
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("no space left on device") }

func TestFetchWriteError(t *testing.T) {
	t.Parallel()
	srv := feedServer(t)
	_, err := NewClient(Options{}).Fetch(context.Background(), srv.URL+"/ok", failingWriter{}, 0, nil)
	var we *WriteError
	if !errors.As(err, &we) || WgetStatus(err) != 3 {
		t.Errorf("write error: %v", err)
	}
}
