package cli

import (
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdServe is "serve <dir> [file...]": a loopback HTTP server for the rest
// of the script, serving the files under dir, its URL in $FEEDURL; each
// file named after dir has $FEEDURL and $WORK replaced in it (configuration
// files need the URL, which is only known now). Beside a file
// F, a file F.status holding a number answers that HTTP status instead,
// and a file F.stall makes the server send the headers and two bytes of F,
// then nothing until the client gives up: the broken twins of a good feed.
func cmdServe(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 1 {
		ts.Fatalf("usage: serve <dir> [file...]")
	}
	dir := ts.MkAbs(args[0])
	files := http.FileServer(http.Dir(dir))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		name := dir + "/" + strings.TrimPrefix(r.URL.Path, "/")
		if data, err := os.ReadFile(name + ".status"); err == nil {
			code, err := strconv.Atoi(strings.TrimSpace(string(data)))
			if err != nil {
				code = http.StatusInternalServerError
			}
			http.Error(w, http.StatusText(code), code)
			return
		}
		if _, err := os.Stat(name + ".stall"); err == nil {
			data, _ := os.ReadFile(name)
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
			w.Write(data[:min(2, len(data))])
			w.(http.Flusher).Flush()
			<-r.Context().Done()
			return
		}
		files.ServeHTTP(w, r)
	}))
	ts.Defer(srv.Close)
	ts.Setenv("FEEDURL", srv.URL)
	for _, f := range args[1:] {
		expanded := os.Expand(ts.ReadFile(f), func(name string) string {
			if name == "FEEDURL" || name == "WORK" {
				return ts.Getenv(name)
			}
			return "$" + name
		})
		ts.Check(os.WriteFile(ts.MkAbs(f), []byte(expanded), 0o644))
	}
}
