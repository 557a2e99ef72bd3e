package cli

import (
	"flag"
	"os"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"

	"pakt/internal/feedtest"
)

// cmdFeed is the script command
//
//	feed [-name FEED] [-dir d] [-delay 2s] [broken twin...] <description>
//
// It builds a feed with feedtest (see package feedtest) from a description:
// a directory of the script laid out as <label>/control, <label>/<member>,
// <label>/data/... (a txtar file cannot be nested in a script's archive;
// modes come from chmod, links from symlink), or a txtar file written by
// the script. It serves it on loopback for the rest of the script and
// sets $<name>_URL (default $FEED_URL) and $<name>_KEY_ID. The public key
// is written to $WORK/keys/<key id>, ready to be copied to
// root/etc/opkg/keys/, and the secret key to $WORK/keys/feedtest.sec.
// With -dir the feed's files are also written to $WORK/<d> (for file://
// feeds, and to compare with what pakt index writes). The broken twins:
// -wrong-checksum <pkg>, -wrong-size <pkg>, -tampered <pkg>,
// -missing <pkg or file>, -wrong-signature, -unknown-key, -unsigned.
// (The serve command, beside it, serves a directory of files as they are.)
func cmdFeed(ts *testscript.TestScript, neg bool, args []string) {
	if neg {
		ts.Fatalf("usage: feed [options] <description dir or file>")
	}
	fl := flag.NewFlagSet("feed", flag.ContinueOnError)
	name := fl.String("name", "FEED", "environment variable prefix")
	dir := fl.String("dir", "", "also write the feed's files here")
	delay := fl.Duration("delay", 0, "wait before every response")
	wrongChecksum := fl.String("wrong-checksum", "", "package whose SHA256sum is wrong")
	wrongSize := fl.String("wrong-size", "", "package whose Size is wrong")
	tampered := fl.String("tampered", "", "package changed after indexing")
	missing := fl.String("missing", "", "package or file left out")
	wrongSig := fl.Bool("wrong-signature", false, "Packages.sig over other bytes")
	unknownKey := fl.Bool("unknown-key", false, "Packages.sig by another key")
	unsigned := fl.Bool("unsigned", false, "no Packages.sig")
	fl.SetOutput(ts.Stderr())
	if err := fl.Parse(args); err != nil || fl.NArg() != 1 {
		ts.Fatalf("usage: feed [options] <description dir or file>")
	}
	var f *feedtest.Feed
	var err error
	if info, serr := os.Stat(ts.MkAbs(fl.Arg(0))); serr == nil && info.IsDir() {
		f, err = feedtest.BuildFS(os.DirFS(ts.MkAbs(fl.Arg(0))))
	} else {
		f, err = feedtest.Build([]byte(ts.ReadFile(fl.Arg(0))))
	}
	ts.Check(err)
	public, secret := f.PublicKeyFile(), must(ts, f.Key.Marshal)
	variants := []struct {
		on    bool
		apply func() (*feedtest.Feed, error)
	}{
		{*wrongChecksum != "", func() (*feedtest.Feed, error) { return f.WithWrongChecksum(*wrongChecksum) }},
		{*wrongSize != "", func() (*feedtest.Feed, error) { return f.WithWrongSize(*wrongSize) }},
		{*tampered != "", func() (*feedtest.Feed, error) { return f.WithTamperedPackage(*tampered) }},
		{*missing != "", func() (*feedtest.Feed, error) { return f.WithMissingFile(*missing) }},
		{*wrongSig, func() (*feedtest.Feed, error) { return f.WithWrongSignature() }},
		{*unknownKey, func() (*feedtest.Feed, error) { return f.WithUnknownKey() }},
		{*unsigned, func() (*feedtest.Feed, error) { return f.WithoutSignature(), nil }},
	}
	// The closures read f when applied, so the twins combine.
	for _, v := range variants {
		if v.on {
			f, err = v.apply()
			ts.Check(err)
		}
	}
	if *dir != "" {
		ts.Check(f.WriteDir(ts.MkAbs(*dir)))
	}
	keys := ts.MkAbs("keys")
	ts.Check(os.MkdirAll(keys, 0o755))
	ts.Check(os.WriteFile(filepath.Join(keys, f.KeyID().String()), public, 0o644))
	ts.Check(os.WriteFile(filepath.Join(keys, "feedtest.sec"), secret, 0o600))
	var opts []feedtest.ServeOption
	if *delay > 0 {
		opts = append(opts, feedtest.Delay(*delay))
	}
	srv := feedtest.NewServer(f, opts...)
	ts.Defer(srv.Close)
	prefix := strings.ToUpper(*name)
	ts.Setenv(prefix+"_URL", srv.URL)
	ts.Setenv(prefix+"_KEY_ID", f.KeyID().String())
}

func must(ts *testscript.TestScript, f func() ([]byte, error)) []byte {
	b, err := f()
	ts.Check(err)
	return b
}
