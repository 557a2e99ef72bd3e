package cli

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// refOpkgEnv names a real opkg-lede binary to compare pakt with.
const refOpkgEnv = "PAKT_REF_OPKG"

// referenceOpkg returns the real opkg-lede binary, or skips: $PAKT_REF_OPKG,
// else /work/ref/opkg (the team's build of lede 38eccbb).
func referenceOpkg(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv(refOpkgEnv), "/work/ref/opkg"} {
		if p == "" {
			continue
		}
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p
		}
	}
	t.Skipf("no reference opkg-lede binary (set %s)", refOpkgEnv)
	return ""
}

// TestAgainstReferenceOpkg runs the real opkg-lede and pakt (as opkg) on the
// same command lines, against a throwaway offline root, and requires the
// same stdout, stderr and exit status. Only behaviour pakt claims to match
// is listed; getopt's own diagnostic lines are left out because the
// reference is linked with glibc and OpenWrt with musl, whose texts differ.
func TestAgainstReferenceOpkg(t *testing.T) {
	t.Parallel()
	ref := referenceOpkg(t)
	pakt, err := exec.LookPath("opkg") // this test binary, installed by TestMain
	if err != nil {
		t.Skip("pakt is not installed as opkg in $PATH")
	}
	work := t.TempDir()
	root := filepath.Join(work, "root")
	for name, data := range map[string]string{
		"root/etc/opkg/arch.conf": "arch all 1\narch noarch 1\narch mipsel_24kc 10\n",
		"root/etc/opkg/zz.conf":   "arch mips_24kc 0x20\ndest ram /tmp\n",
		"root/etc/opkg.conf":      "arch never-read 1\n",
		"broken/etc/opkg/x.conf":  "arch all 1\nbogus line\nsrc/gz a http://x\nsrc/gz a http://y\n",
		"conf/one.conf":           "arch one 3\n",
		"dup/etc/opkg/a.conf":     "arch all 1\noption verbosity 0\noption force_depends\noption tmp_dir /x\n",
	} {
		p := filepath.Join(work, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, dir := range []string{"root/var/lock", "broken/var/lock", "empty/var/lock", "dup/var/lock", "tmp"} {
		if err := os.MkdirAll(filepath.Join(work, dir), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	broken, empty, dup := filepath.Join(work, "broken"), filepath.Join(work, "empty"), filepath.Join(work, "dup")
	cases := [][]string{
		{},
		{"-A", "--force-depends"},
		{"-o", root, "frobnicate"},
		{"-o", root, "why", "x"},
		{"-o", root, "Install"},
		{"-o", root, "install"},
		{"-o", root, "upgrade"},
		{"-o", root, "compare_versions"},
		{"-o", root, "whatdepends", "-A"},
		{"-o", root, "print-architecture"},
		{"-o", root, "--add-arch", "x86_64:200", "print_architecture"},
		{"print-installation-architecture", "-o" + root, "--add-arch=a:1", "-add-arch", "b:c:d"},
		{"-o", root, "print_installation_architecture", "extra", "args"},
		{"-o", root, "-d", "ram", "print-architecture"},
		{"-o", root, "-d", "usb", "print-architecture"},
		{"-o", root, "--add-dest", "usb:/mnt", "-d", "usb", "print-architecture"},
		{"-f", filepath.Join(work, "conf/one.conf"), "-o", empty, "print-architecture"},
		{"-f", filepath.Join(work, "missing.conf"), "print-architecture"},
		{"-o", broken, "print-architecture"},
		{"-o", broken, "-V0", "print-architecture"},
		// Command-line settings come first; the file repeating them is told so.
		{"-o", dup, "-V1", "--force-depends", "-t", filepath.Join(work, "tmp"), "print-architecture"},
		{"-o", root, "-n", "print-architecture"},
		{"-o", root, "-p", "1", "print-architecture"},
		{"-o", root, "-Vv", "print-architecture"},
		{"-o", root, "--", "print-architecture"},
		{"--", "-o", root, "print-architecture"},
		{"-o", root, "-r", "-q", "-i", "--test", "--recursive", "--force-rein", "-force-depends", "print-architecture"},
		{"-o", root, "compare-versions", "1.0", "<<", "2.0"},
		{"-o", root, "compare-versions", "2.0", "<<", "2.0"},
		{"-o", root, "compare-versions", "2.0", "<", "2.0"},
		{"-o", root, "compare-versions", "2.0", ">", "2.1"},
		{"-o", root, "compare-versions", "1:1.0", "=", "1:1.0-0"},
		{"-o", root, "compare-versions", "1.0~rc1", ">=", "1.0"},
		{"-o", root, "compare-versions", "1", "!=", "2"},
		{"-o", root, "compare-versions", "1", "==", "1"},
		{"-o", root, "compare-versions", "1", "<<"},
		{"-o", root, "compare-versions", "1", "<<", "2", "3"},
		{"-o", broken, "compare-versions", "1", "<<", "2"},
	}
	run := func(bin string, args []string) (string, string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Args[0] = "opkg" // as run from $PATH on a router
		cmd.Dir = work
		cmd.Env = []string{"PATH=/usr/bin:/bin", "TMPDIR=" + filepath.Join(work, "tmp")}
		return runCaptured(t, cmd)
	}
	for _, args := range cases {
		wantOut, wantErr, wantStatus := run(ref, args)
		gotOut, gotErr, gotStatus := run(pakt, args)
		if gotStatus != wantStatus {
			t.Errorf("opkg %q: status %d, opkg-lede %d", args, gotStatus, wantStatus)
		}
		if gotOut != wantOut {
			t.Errorf("opkg %q: stdout\n%s\nopkg-lede:\n%s", args, gotOut, wantOut)
		}
		if gotErr != wantErr {
			t.Errorf("opkg %q: stderr\n%s\nopkg-lede:\n%s", args, gotErr, wantErr)
		}
	}
}

// TestAgainstReferenceOpkgBadOptions: for bad options only getopt's own
// lines may differ (glibc in the reference, musl on OpenWrt and in pakt);
// the usage text, lede's closing line and the status must not.
func TestAgainstReferenceOpkgBadOptions(t *testing.T) {
	t.Parallel()
	ref := referenceOpkg(t)
	pakt, err := exec.LookPath("opkg")
	if err != nil {
		t.Skip("pakt is not installed as opkg in $PATH")
	}
	work := t.TempDir()
	for _, args := range [][]string{
		{"--bogus", "list"}, {"-h"}, {"-xy", "list"}, {"--force", "install", "x"}, {"list", "--dest"},
		{"list", "-d"}, {"--nodeps=1", "list"}, {"--co", "x", "list"}, {"--v"}, {"--offl", "x", "list"},
	} {
		var outs, lasts [2]string
		var statuses [2]int
		for i, bin := range []string{ref, pakt} {
			cmd := exec.Command(bin, args...)
			cmd.Args[0] = "opkg"
			cmd.Dir = work
			cmd.Env = []string{"PATH=/usr/bin:/bin", "TMPDIR=" + work}
			var stdout, stderr bytes.Buffer
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			err := cmd.Run()
			var exitErr *exec.ExitError
			if !errors.As(err, &exitErr) {
				t.Fatalf("%s %q: want a failure, got %v", bin, args, err)
			}
			statuses[i] = exitErr.ExitCode()
			outs[i] = stdout.String()
			lines := bytes.Split(bytes.TrimSuffix(stderr.Bytes(), []byte("\n")), []byte("\n"))
			lasts[i] = string(lines[len(lines)-1])
		}
		if statuses[0] != statuses[1] || outs[0] != outs[1] || lasts[0] != lasts[1] {
			t.Errorf("opkg %q: opkg-lede %d %q, pakt %d %q (stdout equal: %v)",
				args, statuses[0], lasts[0], statuses[1], lasts[1], outs[0] == outs[1])
		}
	}
}

// runCaptured runs cmd and returns its standard output, standard error and
// exit status; only a failure to start it fails the test.
func runCaptured(t *testing.T, cmd *exec.Cmd) (string, string, int) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	status := 0
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if !errors.As(err, &exitErr) {
			t.Fatalf("%s: %v", cmd.Path, err)
		}
		status = exitErr.ExitCode()
	}
	return stdout.String(), stderr.String(), status
}
