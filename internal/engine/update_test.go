package engine

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"

	"pakt/internal/sign"
)

// The expected texts below are opkg-lede's (the real binary in /work/ref,
// run with -o against file:// and loopback http feeds and a verify program
// calling usign), followed by pakt's cause lines, which start with a tab.

const testIndex = "Package: foo\nVersion: 1.0\nArchitecture: all\nDescription: foo pkg\n\nPackage: bar\nVersion: 2\nArchitecture: all\n\n"

func gz(t testing.TB, data string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&b, gzip.BestCompression)
	zw.Write([]byte(data))
	zw.Close()
	return b.Bytes()
}

// feedServer serves files from a map that tests change between runs; a
// path mapped to a handler does what the handler does.
type feedServer struct {
	*httptest.Server
	mu       sync.Mutex
	files    map[string][]byte
	handlers map[string]http.HandlerFunc
}

func newFeedServer(t testing.TB) *feedServer {
	fs := &feedServer{files: map[string][]byte{}, handlers: map[string]http.HandlerFunc{}}
	fs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fs.mu.Lock()
		h, data, ok := fs.handlers[r.URL.Path], fs.files[r.URL.Path], false
		if h == nil {
			_, ok = fs.files[r.URL.Path]
		}
		fs.mu.Unlock()
		switch {
		case h != nil:
			h(w, r)
		case ok:
			w.Write(data)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(fs.Close)
	return fs
}

func (s *feedServer) set(path string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.handlers, path)
	if data == nil {
		delete(s.files, path)
		return
	}
	s.files[path] = data
}

func (s *feedServer) handle(path string, h http.HandlerFunc) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers[path] = h
}

// testRoot is an offline root with a key directory and a configuration.
type testRoot struct {
	dir string
	sec *sign.SecretKey
}

func newTestRoot(t testing.TB, conf string) *testRoot {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{"etc/opkg/keys", "var/lock"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	pub, sec, err := sign.GenerateKey(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	pubData, _ := pub.Marshal()
	os.WriteFile(filepath.Join(dir, "etc/opkg/keys", pub.ID.String()), pubData, 0o644)
	os.WriteFile(filepath.Join(dir, "etc/opkg/feeds.conf"), []byte(conf), 0o644)
	return &testRoot{dir: dir, sec: sec}
}

func (r *testRoot) sign(t testing.TB, data string) []byte {
	t.Helper()
	sig, err := r.sec.Sign([]byte(data), "")
	if err != nil {
		t.Fatal(err)
	}
	out, _ := sig.Marshal()
	return out
}

func (r *testRoot) engine(opts Options) *Engine {
	opts.OfflineRoot = r.dir
	return New(System{Files: os.DirFS("/"), Dir: r.dir, RootDir: "/"}, opts)
}

// render prints an update's messages as the cli does for opkg: notices on
// stdout, errors collected on stderr.
func render(res *UpdateResult) (stdout, stderr string) {
	var out, errs strings.Builder
	for _, f := range res.Feeds {
		for _, m := range f.Messages {
			if m.Level == Error {
				errs.WriteString(" * " + m.Func + ": " + m.Text + "\n")
			} else {
				out.WriteString(m.Text + "\n")
			}
		}
	}
	if errs.Len() > 0 {
		return out.String(), "Collected errors:\n" + errs.String()
	}
	return out.String(), ""
}

// snapshot is every file under dir with its hash, to prove a failure left
// lists_dir exactly as it was.
func snapshot(t testing.TB, dir string) string {
	t.Helper()
	var lines []string
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if d.IsDir() {
			lines = append(lines, rel+"/")
			return nil
		}
		data, _ := os.ReadFile(p)
		lines = append(lines, fmt.Sprintf("%s %x", rel, sha256.Sum256(data)))
		return nil
	})
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func TestUpdateSuccess(t *testing.T) {
	t.Parallel()
	srv := newFeedServer(t)
	root := newTestRoot(t, "arch all 1\noption check_signature\n"+
		"src/gz core "+srv.URL+"/core\nsrc plain "+srv.URL+"/plain\n")
	index := gz(t, testIndex)
	srv.set("/core/Packages.gz", index)
	srv.set("/core/Packages.sig", root.sign(t, testIndex))
	srv.set("/plain/Packages", []byte(testIndex))
	srv.set("/plain/Packages.sig", root.sign(t, testIndex))

	var progressed []string
	res, err := root.engine(Options{}).Update(context.Background(), UpdateRequest{
		Progress: func(p UpdateProgress) { progressed = append(progressed, p.Name) },
	})
	if err != nil {
		t.Fatal(err)
	}
	lists := root.dir + "//usr/lib/opkg/lists"
	stdout, stderr := render(res)
	want := "Downloading " + srv.URL + "/core/Packages.gz\n" +
		"Updated list of available packages in " + lists + "/core\n" +
		"Downloading " + srv.URL + "/core/Packages.sig\n" +
		"Signature check passed.\n" +
		"Downloading " + srv.URL + "/plain/Packages\n" +
		"Updated list of available packages in " + lists + "/plain\n" +
		"Downloading " + srv.URL + "/plain/Packages.sig\n" +
		"Signature check passed.\n"
	if stdout != want || stderr != "" || res.Failures != 0 {
		t.Errorf("stdout:\n%s\nwant:\n%s\nstderr: %s, failures %d", stdout, want, stderr, res.Failures)
	}
	// Stored as lede stores them: the gzip bytes as fetched, the
	// signature beside.
	for name, want := range map[string][]byte{"core": index, "core.sig": srv.files["/core/Packages.sig"], "plain": []byte(testIndex)} {
		got, err := os.ReadFile(filepath.Join(root.dir, "usr/lib/opkg/lists", name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s: stored %d bytes, %v; want the %d bytes fetched", name, len(got), err, len(want))
		}
	}
	if len(progressed) == 0 {
		t.Error("no progress reported")
	}
	if _, err := os.Stat(filepath.Join(root.dir, "var/lock/opkg.lock")); !os.IsNotExist(err) {
		t.Errorf("lock file left behind: %v", err)
	}
}

// Each tampered twin of a good feed: opkg's message plus pakt's cause, the
// failure count lede returns, and lists_dir byte for byte as before.
func TestUpdateTamperedFeeds(t *testing.T) {
	t.Parallel()
	wrongKey, _ := func() (*sign.SecretKey, error) { _, sec, err := sign.GenerateKey(nil, ""); return sec, err }()
	for _, tc := range []struct {
		name     string
		tamper   func(t *testing.T, srv *feedServer, root *testRoot)
		conf     string // extra configuration
		stdout   string // {U} is the feed URL, {L} the list
		stderr   string
		failures int
		cause    error // the signature error type, whose text is {C}
	}{
		{
			name: "wrong signature",
			tamper: func(t *testing.T, srv *feedServer, root *testRoot) {
				srv.set("/f/Packages.gz", gz(t, testIndex+"Package: evil\nVersion: 1\n\n"))
			},
			stdout: "Downloading {U}/Packages.gz\nUpdated list of available packages in {L}\nDownloading {U}/Packages.sig\nSignature check failed.\n" +
				"\t{C}\nRemove wrong Signature file.\n\tKept the previous list {L}.\n",
			cause: &sign.VerificationError{},
		},
		{
			name: "wrong key",
			tamper: func(t *testing.T, srv *feedServer, root *testRoot) {
				sig, _ := wrongKey.Sign([]byte(testIndex), "")
				data, _ := sig.Marshal()
				srv.set("/f/Packages.sig", data)
			},
			stdout: "Downloading {U}/Packages.gz\nUpdated list of available packages in {L}\nDownloading {U}/Packages.sig\nSignature check failed.\n" +
				"\t{C}\nRemove wrong Signature file.\n\tKept the previous list {L}.\n",
			cause: &sign.KeyNotFoundError{},
		},
		{
			name: "signature over Packages.gz",
			tamper: func(t *testing.T, srv *feedServer, root *testRoot) {
				srv.set("/f/Packages.sig", root.sign(t, string(gz(t, testIndex))))
			},
			stdout: "Downloading {U}/Packages.gz\nUpdated list of available packages in {L}\nDownloading {U}/Packages.sig\nSignature check failed.\n" +
				"\t{C}\nRemove wrong Signature file.\n\tKept the previous list {L}.\n",
			cause: &sign.VerificationError{},
		},
		{
			name: "missing signature",
			tamper: func(t *testing.T, srv *feedServer, root *testRoot) {
				srv.set("/f/Packages.sig", nil)
			},
			stdout:   "Downloading {U}/Packages.gz\nUpdated list of available packages in {L}\nDownloading {U}/Packages.sig\nSignature file download failed.\nRemove wrong Signature file.\n\tKept the previous list {L}.\n",
			stderr:   "Collected errors:\n * opkg_download: Failed to download {U}/Packages.sig, wget returned 8.\n\tserver answered 404 Not Found\n",
			failures: 1,
		},
		{
			name: "truncated gzip",
			tamper: func(t *testing.T, srv *feedServer, root *testRoot) {
				data := gz(t, testIndex)
				srv.set("/f/Packages.gz", data[:len(data)-10])
			},
			stdout:   "Downloading {U}/Packages.gz\n*** Failed to download the package list from {U}/Packages.gz\n\n",
			stderr:   "Collected errors:\n * opkg_update_cmd: Downloaded {U}/Packages.gz is not a usable package list.\n\tbad gzip data: unexpected EOF; kept the previous list {L}\n",
			failures: 1,
		},
		{
			name: "HTTP 404",
			tamper: func(t *testing.T, srv *feedServer, root *testRoot) {
				srv.set("/f/Packages.gz", nil)
			},
			stdout:   "Downloading {U}/Packages.gz\n*** Failed to download the package list from {U}/Packages.gz\n\n",
			stderr:   "Collected errors:\n * opkg_download: Failed to download {U}/Packages.gz, wget returned 8.\n\tserver answered 404 Not Found; kept the previous list {L}\n",
			failures: 1,
		},
		{
			name: "HTTP 500",
			tamper: func(t *testing.T, srv *feedServer, root *testRoot) {
				srv.handle("/f/Packages.gz", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) })
			},
			stdout:   "Downloading {U}/Packages.gz\n*** Failed to download the package list from {U}/Packages.gz\n\n",
			stderr:   "Collected errors:\n * opkg_download: Failed to download {U}/Packages.gz, wget returned 8.\n\tserver answered 500 Internal Server Error; kept the previous list {L}\n",
			failures: 1,
		},
		{
			name: "stalled server",
			conf: "option http_timeout 0.2\n",
			tamper: func(t *testing.T, srv *feedServer, root *testRoot) {
				srv.handle("/f/Packages.gz", func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Length", "1000")
					w.Write([]byte{0x1f, 0x8b})
					w.(http.Flusher).Flush()
					<-r.Context().Done()
				})
			},
			stdout: "Downloading {U}/Packages.gz\n*** Failed to download the package list from {U}/Packages.gz\n\n",
			stderr: "Collected errors:\n * opkg_download: Failed to download {U}/Packages.gz, wget returned 4.\n\tno data for 200ms; kept the previous list {L}\n" +
				" * opkg_download: Check your network settings and connectivity.\n\n",
			failures: 1,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newFeedServer(t)
			root := newTestRoot(t, "arch all 1\noption check_signature\n"+tc.conf+"src/gz f "+srv.URL+"/f\n")
			srv.set("/f/Packages.gz", gz(t, testIndex))
			srv.set("/f/Packages.sig", root.sign(t, testIndex))
			e := root.engine(Options{})
			if res, err := e.Update(context.Background(), UpdateRequest{}); err != nil || res.Failures != 0 {
				t.Fatalf("good feed: %v, %+v", err, res)
			}
			lists := filepath.Join(root.dir, "usr/lib/opkg/lists")
			before := snapshot(t, lists)

			tc.tamper(t, srv, root)
			res, err := root.engine(Options{}).Update(context.Background(), UpdateRequest{})
			if err != nil {
				t.Fatal(err)
			}
			causeText := ""
			switch want := tc.cause.(type) {
			case *sign.VerificationError:
				var got *sign.VerificationError
				if !errors.As(res.Feeds[0].Err, &got) || got.ID != root.sec.ID || got.Signature != srv.URL+"/f/Packages.sig" {
					t.Fatalf("cause %v, want a %T for key %s", res.Feeds[0].Err, want, root.sec.ID)
				}
				causeText = got.Error()
			case *sign.KeyNotFoundError:
				var got *sign.KeyNotFoundError
				if !errors.As(res.Feeds[0].Err, &got) || got.ID != wrongKey.ID || got.Dir != root.dir+"/etc/opkg/keys" {
					t.Fatalf("cause %v, want a %T for key %s", res.Feeds[0].Err, want, wrongKey.ID)
				}
				causeText = got.Error()
			}
			expand := strings.NewReplacer("{U}", srv.URL+"/f", "{L}", root.dir+"//usr/lib/opkg/lists/f", "{C}", causeText)
			stdout, stderr := render(res)
			if want := expand.Replace(tc.stdout); stdout != want {
				t.Errorf("stdout:\n%s\nwant:\n%s", stdout, want)
			}
			if want := expand.Replace(tc.stderr); stderr != want {
				t.Errorf("stderr:\n%q\nwant:\n%q", stderr, want)
			}
			if res.Failures != tc.failures || res.Feeds[0].Updated || !res.Feeds[0].Kept || res.Feeds[0].Err == nil {
				t.Errorf("failures %d (want %d), feed %+v", res.Failures, tc.failures, res.Feeds[0])
			}
			if after := snapshot(t, lists); after != before {
				t.Errorf("lists_dir changed:\n%s\nwas:\n%s", after, before)
			}
		})
	}
}

// --force-signature stores what it got, as lede keeps both files.
func TestUpdateForceSignature(t *testing.T) {
	t.Parallel()
	srv := newFeedServer(t)
	root := newTestRoot(t, "arch all 1\noption check_signature\nsrc/gz f "+srv.URL+"/f\n")
	srv.set("/f/Packages.gz", gz(t, testIndex))
	srv.set("/f/Packages.sig", root.sign(t, "something else"))
	res, err := root.engine(Options{Force: Force{Signature: true}}).Update(context.Background(), UpdateRequest{})
	if err != nil {
		t.Fatal(err)
	}
	stdout, _ := render(res)
	var verr *sign.VerificationError
	if !errors.As(res.Feeds[0].Err, &verr) || !strings.HasSuffix(stdout, "Signature check failed.\n\t"+verr.Error()+"\n") ||
		!res.Feeds[0].Updated || res.Feeds[0].Verified || res.Failures != 0 {
		t.Errorf("stdout %q, feed %+v", stdout, res.Feeds[0])
	}
	if got := snapshot(t, filepath.Join(root.dir, "usr/lib/opkg/lists")); !strings.Contains(got, "f.sig ") {
		t.Errorf("signature not kept: %s", got)
	}
}

// A list is only replaced after it verified, and a failure never removes
// the list of another feed; feeds come back in configuration order however
// they finish.
func TestUpdateOrderAndMissingFeeds(t *testing.T) {
	t.Parallel()
	srv := newFeedServer(t)
	dir := t.TempDir()
	os.MkdirAll(filepath.Join(dir, "feed/a"), 0o755)
	os.WriteFile(filepath.Join(dir, "feed/a/Packages"), []byte(testIndex), 0o644)
	os.WriteFile(filepath.Join(dir, "feed/a/Packages.gz"), gz(t, testIndex), 0o644)
	var conf strings.Builder
	conf.WriteString("arch all 1\n")
	conf.WriteString("src/gz a file://" + dir + "/feed/a\n")
	conf.WriteString("src b file:" + dir + "/feed/a\n")
	conf.WriteString("src/gz missing file://" + dir + "/feed/nope\n")
	for i := range 6 {
		fmt.Fprintf(&conf, "src/gz h%d %s/h%d\n", i, srv.URL, i)
		srv.set(fmt.Sprintf("/h%d/Packages.gz", i), gz(t, testIndex))
	}
	root := newTestRoot(t, conf.String())
	var order []string
	res, err := root.engine(Options{}).Update(context.Background(), UpdateRequest{Parallel: 3, Feed: func(f *FeedUpdate) { order = append(order, f.Name) }})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(order, " "); got != "a b missing h0 h1 h2 h3 h4 h5" {
		t.Errorf("order %q", got)
	}
	lists := root.dir + "//usr/lib/opkg/lists"
	stdout, stderr := render(res)
	// opkg-lede 38eccbb, file:// and file: feeds and a missing one.
	wantHead := "Downloading file://" + dir + "/feed/a/Packages.gz\n" +
		"Updated list of available packages in " + lists + "/a\n" +
		"Downloading file:" + dir + "/feed/a/Packages\n" +
		"Updated list of available packages in " + lists + "/b\n" +
		"Downloading file://" + dir + "/feed/nope/Packages.gz\n" +
		"*** Failed to download the package list from file://" + dir + "/feed/nope/Packages.gz\n\n"
	if !strings.HasPrefix(stdout, wantHead) {
		t.Errorf("stdout:\n%s\nwant prefix:\n%s", stdout, wantHead)
	}
	wantErr := "Collected errors:\n * copy_file: //" + dir + "/feed/nope/Packages.gz: No such file or directory.\n" +
		" * file_copy: Failed to copy file //" + dir + "/feed/nope/Packages.gz to " + lists + "/missing.\n\tno list stored for missing\n"
	if stderr != wantErr || res.Failures != 1 {
		t.Errorf("stderr:\n%s\nwant:\n%s\nfailures %d", stderr, wantErr, res.Failures)
	}
}

func TestUpdateLockAndListsDirErrors(t *testing.T) {
	t.Parallel()
	root := newTestRoot(t, "src/gz a file:///nonexistent\n")
	os.Remove(filepath.Join(root.dir, "var/lock"))
	_, err := root.engine(Options{}).Update(context.Background(), UpdateRequest{})
	if le, ok := err.(*LockError); !ok || le.Error() != "Could not create lock file "+root.dir+"//var/lock/opkg.lock: No such file or directory." || le.Func() != "opkg_conf_load" {
		t.Errorf("missing lock directory: %v", err)
	}

	root = newTestRoot(t, "lists_dir ext /var/l\nsrc/gz a file:///nonexistent\n")
	os.WriteFile(filepath.Join(root.dir, "var/l"), nil, 0o644)
	_, err = root.engine(Options{}).Update(context.Background(), UpdateRequest{})
	if le, ok := err.(*ListsDirError); !ok || le.Error() != root.dir+"//var/l exists, but is not a directory." {
		t.Errorf("lists_dir a file: %v", err)
	}

	// OpenWrt's /var is a link to /tmp: lists_dir /var/opkg-lists lands in
	// <root>/tmp/opkg-lists, the lock in <root>/tmp/lock.
	root = newTestRoot(t, "lists_dir ext /var/opkg-lists\nsrc/gz a file:///nonexistent\n")
	os.RemoveAll(filepath.Join(root.dir, "var"))
	os.MkdirAll(filepath.Join(root.dir, "tmp/lock"), 0o755)
	os.Symlink("/tmp", filepath.Join(root.dir, "var"))
	res, err := root.engine(Options{}).Update(context.Background(), UpdateRequest{})
	if err != nil || res.Failures != 1 {
		t.Fatalf("var -> /tmp: %v %+v", err, res)
	}
	if _, err := os.Stat(filepath.Join(root.dir, "tmp/opkg-lists")); err != nil {
		t.Errorf("lists_dir not made under <root>/tmp: %v", err)
	}
}

func TestUpdateHeldLock(t *testing.T) {
	t.Parallel()
	if _, err := exec.LookPath("python3"); err != nil {
		t.Skip("python3 not available to hold a lockf lock from another process")
	}
	root := newTestRoot(t, "src/gz a file:///nonexistent\n")
	lockFile := filepath.Join(root.dir, "var/lock/opkg.lock")
	// Another process holds the lock the way opkg-lede takes it (lockf).
	holder := exec.Command("python3", "-c", `import fcntl,os,sys
fd=os.open(sys.argv[1],os.O_WRONLY|os.O_CREAT)
fcntl.lockf(fd,fcntl.LOCK_EX|fcntl.LOCK_NB)
print("locked",flush=True)
sys.stdin.read()`, lockFile)
	stdin, _ := holder.StdinPipe()
	stdout, _ := holder.StdoutPipe()
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer holder.Wait()
	defer stdin.Close()
	buf := make([]byte, 7)
	if _, err := stdout.Read(buf); err != nil {
		t.Fatal(err)
	}
	_, err := root.engine(Options{}).Update(context.Background(), UpdateRequest{})
	if le, ok := err.(*LockError); !ok || le.Error() != "Could not lock "+root.dir+"//var/lock/opkg.lock: Resource temporarily unavailable." {
		t.Errorf("held lock: %v", err)
	}
}

// Keys made by the real signify-openbsd (-G -n: no passphrase) verify a
// feed it signed; a twin signed by another signify key is refused.
func TestUpdateSignifyKeys(t *testing.T) {
	t.Parallel()
	signify, err := exec.LookPath("signify-openbsd")
	if err != nil {
		t.Skip("signify-openbsd not installed")
	}
	work := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		if out, err := exec.Command(signify, args...).CombinedOutput(); err != nil {
			t.Fatalf("signify %v: %v\n%s", args, err, out)
		}
	}
	os.WriteFile(filepath.Join(work, "Packages"), []byte(testIndex), 0o644)
	run("-G", "-n", "-p", filepath.Join(work, "good.pub"), "-s", filepath.Join(work, "good.sec"))
	run("-G", "-n", "-p", filepath.Join(work, "other.pub"), "-s", filepath.Join(work, "other.sec"))
	run("-S", "-s", filepath.Join(work, "good.sec"), "-m", filepath.Join(work, "Packages"), "-x", filepath.Join(work, "good.sig"))
	run("-S", "-s", filepath.Join(work, "other.sec"), "-m", filepath.Join(work, "Packages"), "-x", filepath.Join(work, "other.sig"))

	srv := newFeedServer(t)
	root := newTestRoot(t, "option check_signature\nsrc/gz f "+srv.URL+"/f\n")
	pub, _ := os.ReadFile(filepath.Join(work, "good.pub"))
	id, _, err := sign.ReadKeyID("good.pub", pub)
	if err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(root.dir, "etc/opkg/keys", id.String()), pub, 0o644)
	goodSig, _ := os.ReadFile(filepath.Join(work, "good.sig"))
	otherSig, _ := os.ReadFile(filepath.Join(work, "other.sig"))
	srv.set("/f/Packages.gz", gz(t, testIndex))
	srv.set("/f/Packages.sig", goodSig)
	res, err := root.engine(Options{}).Update(context.Background(), UpdateRequest{})
	if err != nil || !res.Feeds[0].Verified {
		t.Fatalf("signify-signed feed: %v %+v", err, res.Feeds[0])
	}
	srv.set("/f/Packages.sig", otherSig)
	res, err = root.engine(Options{}).Update(context.Background(), UpdateRequest{})
	var nokey *sign.KeyNotFoundError
	if err != nil || res.Feeds[0].Updated || !errors.As(res.Feeds[0].Err, &nokey) {
		t.Fatalf("other signify key: %v %+v", err, res.Feeds[0])
	}
	stored, _ := os.ReadFile(filepath.Join(root.dir, "usr/lib/opkg/lists/f.sig"))
	if !bytes.Equal(stored, goodSig) {
		t.Error("the good signature was not kept")
	}
}

// Options reach the downloader: http_proxy (a feed host that does not
// exist is fetched through the proxy), and a bad http_timeout is refused
// before anything is downloaded.
func TestUpdateProxyAndTimeoutOptions(t *testing.T) {
	t.Parallel()
	index := gz(t, testIndex)
	var asked []string
	var mu sync.Mutex
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		asked = append(asked, r.URL.String())
		mu.Unlock()
		w.Write(index)
	}))
	defer proxy.Close()
	root := newTestRoot(t, "option http_proxy "+proxy.URL+"\nsrc/gz f http://feeds.invalid/core\n")
	res, err := root.engine(Options{}).Update(context.Background(), UpdateRequest{})
	if err != nil || res.Failures != 0 || len(asked) != 1 || asked[0] != "http://feeds.invalid/core/Packages.gz" {
		t.Fatalf("through the proxy: %v %+v, proxy asked for %q", err, res, asked)
	}
	// The environment's proxy is used when no option says otherwise.
	root = newTestRoot(t, "src/gz f http://feeds.invalid/env\n")
	e := New(System{Files: os.DirFS("/"), Dir: root.dir, RootDir: "/", Getenv: func(k string) string {
		if k == "http_proxy" {
			return proxy.URL
		}
		return ""
	}}, Options{OfflineRoot: root.dir})
	if res, err := e.Update(context.Background(), UpdateRequest{}); err != nil || res.Failures != 0 {
		t.Fatalf("through the environment's proxy: %v %+v", err, res)
	}

	root = newTestRoot(t, "option http_timeout soon\nsrc/gz f http://feeds.invalid/core\n")
	if _, err := root.engine(Options{}).Update(context.Background(), UpdateRequest{}); err == nil || !strings.Contains(err.Error(), `http_timeout "soon"`) {
		t.Errorf("bad http_timeout: %v", err)
	}
}

// Temporaries an interrupted update left in lists_dir are removed; other
// files are not.
func TestUpdateRemovesStaleTemporaries(t *testing.T) {
	t.Parallel()
	srv := newFeedServer(t)
	srv.set("/f/Packages.gz", gz(t, testIndex))
	root := newTestRoot(t, "src/gz f "+srv.URL+"/f\n")
	lists := filepath.Join(root.dir, "usr/lib/opkg/lists")
	os.MkdirAll(lists, 0o755)
	os.WriteFile(filepath.Join(lists, ".f.pakt-0123456789abcdef"), []byte("half"), 0o644)
	os.WriteFile(filepath.Join(lists, "other"), []byte("kept"), 0o644)
	if _, err := root.engine(Options{}).Update(context.Background(), UpdateRequest{}); err != nil {
		t.Fatal(err)
	}
	if got := entries(t, lists); got != "f other" {
		t.Errorf("lists_dir holds %q", got)
	}
}

// A System without RootDir never writes.
func TestUpdateNeedsRootDir(t *testing.T) {
	t.Parallel()
	root := newTestRoot(t, "src/gz f http://feeds.invalid/core\n")
	e := New(System{Files: os.DirFS("/"), Dir: root.dir}, Options{OfflineRoot: root.dir})
	if _, err := e.Update(context.Background(), UpdateRequest{}); err != ErrNoRootDir {
		t.Errorf("got %v, want ErrNoRootDir", err)
	}
}

// https feeds are verified against the system's roots unless
// --no-check-certificate (wget's status 5 for a bad certificate).
func TestUpdateTLS(t *testing.T) {
	t.Parallel()
	index := gz(t, testIndex)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(index) }))
	defer srv.Close()
	root := newTestRoot(t, "src/gz f "+srv.URL+"/f\n")
	res, err := root.engine(Options{}).Update(context.Background(), UpdateRequest{})
	if err != nil || res.Failures != 1 {
		t.Fatalf("self-signed server: %v %+v", err, res)
	}
	_, stderr := render(res)
	if !strings.Contains(stderr, "Failed to download "+srv.URL+"/f/Packages.gz, wget returned 5.\n\ttls: failed to verify certificate") {
		t.Errorf("stderr %q", stderr)
	}
	res, err = root.engine(Options{NoCheckCertificate: true}).Update(context.Background(), UpdateRequest{})
	if err != nil || res.Failures != 0 || !res.Feeds[0].Updated {
		t.Fatalf("--no-check-certificate: %v %+v", err, res.Feeds[0])
	}
}
