package maintscript

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// shells are the shells the tests run scripts with: the host's /bin/sh,
// and busybox's ash (OpenWrt's /bin/sh) when the host has it.
func shells(t *testing.T) map[string]string {
	t.Helper()
	m := map[string]string{"sh": DefaultShell}
	if _, err := os.Stat("/bin/busybox"); err == nil {
		dir := t.TempDir()
		link := filepath.Join(dir, "sh")
		if err := os.Symlink("/bin/busybox", link); err != nil {
			t.Fatal(err)
		}
		m["busybox"] = link
	}
	return m
}

// writeScript writes an executable script body (a #!/bin/sh line is put
// first) to dir/name and returns its path.
func writeScript(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte("#!/bin/sh\n"+body), 0o755); err != nil {
		t.Fatal(err)
	}
	return p
}

func readLines(t *testing.T, file string) []string {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.TrimSuffix(string(data), "\n")
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// envOf reads an `env` dump into a map.
func envOf(t *testing.T, file string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, kv := range readLines(t, file) {
		if k, v, ok := strings.Cut(kv, "="); ok {
			m[k] = v
		}
	}
	return m
}

// recorder is a script that writes each argument on a line to args and
// its environment to env, both next to it.
const recorder = `d=$(dirname "$0")
for a in "$@"; do printf '%s\n' "$a"; done >"$d/args"
env >"$d/env"
`

// The arguments opkg passes (opkg-compat.md §5.2) reach the script as
// separate words, whatever characters a version holds; PKG_ROOT and
// PKG_UPGRADE are set as lede sets them, replacing the caller's.
func TestArgsAndEnvironment(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		script  string
		args    []string
		upgrade bool
	}{
		{"fresh preinst", "preinst", InstallArgs(), false},
		{"postinst", "postinst", ConfigureArgs(), false},
		{"upgrade old prerm", "prerm", UpgradeArgs("1.37.0-r2"), true},
		{"upgrade new preinst epoch tilde plus", "preinst", UpgradeArgs("1:2.0~rc1+b2"), true},
		{"leading tilde", "postrm", UpgradeArgs("~1"), true},
		{"shell metacharacters", "postrm", UpgradeArgs("$(touch pwned) `id` ; a'b \"c\" *"), true},
		{"empty version", "prerm", UpgradeArgs(""), true},
		{"remove prerm", "prerm", RemoveArgs(), false},
	}
	for sh, shell := range shells(t) {
		for _, c := range cases {
			t.Run(sh+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				dir := filepath.Join(t.TempDir(), "info dir 'q'") // a path the shell must be given quoted
				if err := os.Mkdir(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				path := writeScript(t, dir, "pkg."+c.script, recorder)
				r := &Runner{Shell: shell, Env: []string{"PATH=/usr/bin:/bin", "KEEP=me", "PKG_ROOT=/wrong/", "PKG_UPGRADE=7"}, Dir: dir}
				out, err := r.Run(context.Background(), Script{Package: "pkg", Name: c.script, Path: path, Args: c.args, Root: "/mnt/root/", Upgrade: c.upgrade})
				if err != nil || out != Ran {
					t.Fatalf("Run = %v, %v; want ran, nil", out, err)
				}
				if got := readLines(t, filepath.Join(dir, "args")); !reflect.DeepEqual(got, c.args) && !(len(got) == 0 && len(c.args) == 0) {
					t.Errorf("script saw args %q, want %q", got, c.args)
				}
				if _, err := os.Stat(filepath.Join(dir, "pwned")); err == nil {
					t.Error("an argument was run as a command")
				}
				env := envOf(t, filepath.Join(dir, "env"))
				want := map[string]string{"PKG_ROOT": "/mnt/root/", "PKG_UPGRADE": "0", "KEEP": "me", "PATH": "/usr/bin:/bin"}
				if c.upgrade {
					want["PKG_UPGRADE"] = "1"
				}
				for k, v := range want {
					if env[k] != v {
						t.Errorf("script saw %s=%q, want %q", k, env[k], v)
					}
				}
				if v, ok := env["OPKG_INTERCEPT_DIR"]; ok {
					t.Errorf("OPKG_INTERCEPT_DIR=%q set without an intercept dir", v)
				}
			})
		}
	}
}

// The command string is lede's `<path> <args>` for ordinary values: quoting
// only appears where the shell would otherwise change a word.
func TestCommand(t *testing.T) {
	t.Parallel()
	cases := []struct {
		s    Script
		want string
	}{
		{Script{Path: "/usr/lib/opkg/info/busybox.postinst", Args: ConfigureArgs()}, "/usr/lib/opkg/info/busybox.postinst configure"},
		{Script{Path: "/tmp/opkg-x/busybox/preinst", Args: UpgradeArgs("1:1.36.1-r2~x+y")}, "/tmp/opkg-x/busybox/preinst upgrade 1:1.36.1-r2~x+y"},
		{Script{Path: "/a b/p.prerm", Args: RemoveArgs()}, "'/a b/p.prerm' remove"},
		{Script{Path: "rel=x/p.postrm", Args: UpgradeArgs("it's")}, `'rel=x/p.postrm' upgrade 'it'\''s'`},
		{Script{Path: "/p", Args: UpgradeArgs("~1")}, "/p upgrade '~1'"},
		{Script{Path: "/p", Args: UpgradeArgs("")}, "/p upgrade ''"},
	}
	for _, c := range cases {
		if got := Command(c.s); got != c.want {
			t.Errorf("Command(%q %q) = %q, want %q", c.s.Path, c.s.Args, got, c.want)
		}
	}
}

// quote's output, given to the shell, is the input again, byte for byte.
func TestQuoteRoundTrip(t *testing.T) {
	t.Parallel()
	words := []string{"plain", "1:2.0~rc1+b2", "~root", "a b", "it's", `"dq"`, "$HOME", "`id`", "*", "a\nb", "\t", "", "x=y", "-n", "\\", "'", "''"}
	for sh, shell := range shells(t) {
		var line strings.Builder
		line.WriteString("for a in")
		for _, w := range words {
			line.WriteString(" " + quote(w))
		}
		line.WriteString(`; do printf '%s\0' "$a"; done`)
		out, err := exec.Command(shell, "-c", line.String()).Output()
		if err != nil {
			t.Fatalf("%s: %v", sh, err)
		}
		got := strings.Split(strings.TrimSuffix(string(out), "\x00"), "\x00")
		if !reflect.DeepEqual(got, words) {
			t.Errorf("%s: round trip gave %q, want %q", sh, got, words)
		}
	}
}

// A script's exit status is lede's "returned status <n>"; a script file
// that is not executable fails as lede's `sh -c <path>` does, with 126.
func TestExitStatus(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		body string
		mode os.FileMode
		want int // -1: success
	}{
		{"success", "exit 0\n", 0o755, -1},
		{"one", "exit 1\n", 0o755, 1},
		{"three", "exit 3\n", 0o755, 3},
		{"255", "exit 255\n", 0o755, 255},
		{"last command fails", "true\nfalse\n", 0o755, 1},
		{"not executable", "exit 0\n", 0o644, 126},
	}
	for sh, shell := range shells(t) {
		for _, c := range cases {
			t.Run(sh+"/"+c.name, func(t *testing.T) {
				t.Parallel()
				dir := t.TempDir()
				path := filepath.Join(dir, "foo.postinst")
				if err := os.WriteFile(path, []byte("#!/bin/sh\n"+c.body), c.mode); err != nil {
					t.Fatal(err)
				}
				var stderr bytes.Buffer
				r := &Runner{Shell: shell, Env: os.Environ(), Stderr: &stderr}
				out, err := r.Run(context.Background(), Script{Package: "foo", Name: "postinst", Path: path, Args: ConfigureArgs(), Root: "/"})
				if out != Ran {
					t.Errorf("outcome %v, want ran", out)
				}
				if c.want < 0 {
					if err != nil {
						t.Fatalf("err = %v, want nil", err)
					}
					return
				}
				var se *ScriptError
				if !errors.As(err, &se) {
					t.Fatalf("err = %v (%T), want *ScriptError", err, err)
				}
				if se.Status != c.want || se.Package != "foo" || se.Script != "postinst" {
					t.Errorf("ScriptError %+v, want status %d", se, c.want)
				}
				if want := `package "foo" postinst script returned status ` + strconv.Itoa(c.want); se.Error() != want {
					t.Errorf("Error() = %q, want %q", se.Error(), want)
				}
			})
		}
	}
}

// A missing script is success (lede's file_exists check), a dangling
// symlink included; a script that cannot be looked at is an error.
func TestMissingScript(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dangling := filepath.Join(dir, "dangling.postinst")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	notDir := writeScript(t, dir, "file", "exit 0\n")
	for _, path := range []string{filepath.Join(dir, "absent.postinst"), dangling, filepath.Join(notDir, "x")} {
		r := &Runner{}
		out, err := r.Run(context.Background(), Script{Package: "p", Name: "postinst", Path: path, Root: "/"})
		if out != Missing || err != nil {
			t.Errorf("%s: Run = %v, %v; want missing, nil", path, out, err)
		}
	}
}

// Under an offline root lede runs no script, before even looking for it,
// unless --force-postinstall is given.
func TestOffline(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name    string
		force   bool
		missing bool
		want    Outcome
		ran     bool
	}{
		{"skipped", false, false, Skipped, false},
		{"missing script skipped too", false, true, Skipped, false},
		{"force-postinstall runs", true, false, Ran, true},
		{"force-postinstall missing", true, true, Missing, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "p.postinst")
			if !c.missing {
				writeScript(t, dir, "p.postinst", `touch "$(dirname "$0")/ran"`+"\n")
			}
			r := &Runner{Offline: true, ForcePostinstall: c.force}
			out, err := r.Run(context.Background(), Script{Package: "p", Name: "postinst", Path: path, Args: ConfigureArgs(), Root: dir + "/"})
			if out != c.want || err != nil {
				t.Fatalf("Run = %v, %v; want %v, nil", out, err, c.want)
			}
			_, statErr := os.Stat(filepath.Join(dir, "ran"))
			if ran := statErr == nil; ran != c.ran {
				t.Errorf("script ran = %v, want %v", ran, c.ran)
			}
		})
	}
}

// Output goes to the Runner's writers, and the script runs in Dir.
func TestOutputAndDir(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	work := t.TempDir()
	path := writeScript(t, dir, "p.postinst", "echo out; echo err >&2; pwd\n")
	var stdout, stderr bytes.Buffer
	r := &Runner{Stdout: &stdout, Stderr: &stderr, Dir: work}
	if _, err := r.Run(context.Background(), Script{Package: "p", Name: "postinst", Path: path, Root: "/"}); err != nil {
		t.Fatal(err)
	}
	if want := "out\n" + work + "\n"; stdout.String() != want {
		t.Errorf("stdout %q, want %q", stdout.String(), want)
	}
	if stderr.String() != "err\n" {
		t.Errorf("stderr %q, want %q", stderr.String(), "err\n")
	}
}
