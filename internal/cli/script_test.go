package cli

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

// TestMain makes this test binary double as pakt: testscript installs it
// in $PATH under both names, so scripts run the real program as "pakt" and
// as "opkg" (the personality comes from argv[0], as on a router).
func TestMain(m *testing.M) {
	main := func() { os.Exit(Main(os.Args, os.Stdin, os.Stdout, os.Stderr)) }
	testscript.Main(m, map[string]func(){"pakt": main, "opkg": main})
}

// TestScripts runs one script per command-line behaviour from
// testdata/script. UPDATE_GOLDEN=1 rewrites the expected output kept
// inside the scripts; the golden files in testdata hold what opkg-lede
// prints (see their headers in TestUsageGolden) and are never rewritten
// from pakt's output.
func TestScripts(t *testing.T) {
	t.Parallel()
	golden, err := filepath.Abs("testdata")
	if err != nil {
		t.Fatal(err)
	}
	testscript.Run(t, testscript.Params{
		Dir:                 filepath.Join("testdata", "script"),
		RequireExplicitExec: true,
		RequireUniqueNames:  true,
		UpdateScripts:       os.Getenv("UPDATE_GOLDEN") == "1",
		Setup: func(env *testscript.Env) error {
			env.Setenv("GOLDEN", golden)
			// A router's environment must not leak into the scripts.
			env.Setenv("OFFLINE_ROOT", "")
			env.Setenv("OPKG_CONF_DIR", "")
			return nil
		},
	})
}
