package cli

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pakt/internal/sign"
)

// TestUpdateAgainstReferenceOpkg runs the real opkg-lede and pakt (as opkg)
// on the same feeds — file:, file://, http src and src/gz, a missing feed,
// an HTTP 404, good, missing and wrong signatures — and requires lede's
// exit status and lede's lines: pakt's output with its own cause lines
// (the tab-indented ones) taken out must equal lede's byte for byte. Then
// the real opkg-lede lists what pakt stored, to prove it reads pakt's lists.
// lede verifies with --verify-program, a script doing what OpenWrt's
// opkg-key does (usign over the uncompressed list); it downloads with wget.
func TestUpdateAgainstReferenceOpkg(t *testing.T) {
	t.Parallel()
	ref := referenceOpkg(t)
	usign := filepath.Join(filepath.Dir(ref), "usign")
	if _, err := os.Stat(usign); err != nil {
		t.Skip("no usign beside the reference opkg")
	}
	wget, err := exec.LookPath("wget")
	if err != nil {
		t.Skip("opkg-lede needs wget for http feeds")
	}
	pakt, err := exec.LookPath("opkg")
	if err != nil {
		t.Skip("pakt is not installed as opkg in $PATH")
	}
	work := t.TempDir()
	pub, sec, err := sign.GenerateKey(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	_, other, _ := sign.GenerateKey(nil, "")
	index := "Package: foo\nVersion: 1.0\nArchitecture: all\nDescription: foo pkg\n\nPackage: bar\nVersion: 2\nArchitecture: all\n\n"
	var zipped bytes.Buffer
	zw := gzip.NewWriter(&zipped)
	zw.Write([]byte(index))
	zw.Close()
	signed := func(k *sign.SecretKey, msg string) string {
		s, _ := k.Sign([]byte(msg), "")
		b, _ := s.Marshal()
		return string(b)
	}
	pubFile, _ := pub.Marshal()
	files := map[string]string{
		"feed/good/Packages.gz":   zipped.String(),
		"feed/good/Packages":      index,
		"feed/good/Packages.sig":  signed(sec, index),
		"feed/nosig/Packages.gz":  zipped.String(),
		"feed/bad/Packages.gz":    zipped.String(),
		"feed/bad/Packages.sig":   signed(sec, "other"),
		"feed/other/Packages.gz":  zipped.String(),
		"feed/other/Packages.sig": signed(other, index),
		"verify": "#!/bin/sh\n[ \"$1\" = verify ] || exit 2\n{ zcat \"$3\" 2>/dev/null || cat \"$3\"; } | " +
			usign + " -V -P \"$OPKG_KEYS\" -q -x \"$2\" -m -\n",
	}
	for name, data := range files {
		p := filepath.Join(work, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(data), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(filepath.Join(work, "feed"))))
	defer srv.Close()
	feed := filepath.Join(work, "feed")
	confs := map[string]string{
		"plain": "arch all 1\nsrc/gz a file://" + feed + "/good\nsrc b file:" + feed + "/good\n" +
			"src/gz missing file://" + feed + "/nope\nsrc/gz h " + srv.URL + "/good\nsrc hp " + srv.URL + "/good\n" +
			"src/gz h404 " + srv.URL + "/nope\n",
		"signed": "arch all 1\noption check_signature\nsrc/gz good " + srv.URL + "/good\nsrc/gz nosig " + srv.URL + "/nosig\n" +
			"src/gz bad " + srv.URL + "/bad\nsrc/gz other " + srv.URL + "/other\nsrc plain file:" + feed + "/good\n",
	}
	run := func(bin, root string, args ...string) (string, string, int) {
		cmd := exec.Command(bin, append([]string{"-o", root, "--verify-program", filepath.Join(work, "verify")}, args...)...)
		cmd.Args[0] = "opkg"
		cmd.Dir = work
		cmd.Env = []string{"PATH=" + filepath.Dir(wget) + ":/usr/bin:/bin", "TMPDIR=" + filepath.Join(work, "tmp"),
			"OPKG_KEYS=" + filepath.Join(root, "etc/opkg/keys")}
		return runCaptured(t, cmd)
	}
	os.MkdirAll(filepath.Join(work, "tmp"), 0o755)
	for name, conf := range confs {
		roots := map[string]string{}
		for _, who := range []string{"lede", "pakt"} {
			root := filepath.Join(work, name+"-"+who)
			os.MkdirAll(filepath.Join(root, "etc/opkg/keys"), 0o755)
			os.MkdirAll(filepath.Join(root, "var/lock"), 0o755)
			os.WriteFile(filepath.Join(root, "etc/opkg/keys", pub.ID.String()), pubFile, 0o644)
			os.WriteFile(filepath.Join(root, "etc/opkg/feeds.conf"), []byte(conf), 0o644)
			roots[who] = root
		}
		wantOut, wantErr, wantStatus := run(ref, roots["lede"], "update")
		gotOut, gotErr, gotStatus := run(pakt, roots["pakt"], "update")
		same := strings.NewReplacer(roots["pakt"], "ROOT").Replace
		wantOut = strings.NewReplacer(roots["lede"], "ROOT").Replace(wantOut)
		wantErr = strings.NewReplacer(roots["lede"], "ROOT").Replace(wantErr)
		if gotStatus != wantStatus {
			t.Errorf("%s: status %d, opkg-lede %d", name, gotStatus, wantStatus)
		}
		if got := withoutCauses(same(gotOut)); got != wantOut {
			t.Errorf("%s: stdout without pakt's causes\n%s\nopkg-lede:\n%s", name, got, wantOut)
		}
		if got := withoutCauses(same(gotErr)); got != wantErr {
			t.Errorf("%s: stderr without pakt's causes\n%s\nopkg-lede:\n%s", name, got, wantErr)
		}
		// opkg-lede reads what pakt stored (where lede kept a list too).
		wantList, _, _ := run(ref, roots["lede"], "list")
		gotList, listErr, status := run(ref, roots["pakt"], "list")
		if status != 0 || gotList != wantList {
			t.Errorf("%s: opkg-lede list over pakt's lists: %d %q %s\nover its own: %q", name, status, gotList, listErr, wantList)
		}
	}
}

// withoutCauses drops the lines pakt adds after opkg's (tab-indented).
func withoutCauses(s string) string {
	var out []string
	for _, line := range strings.SplitAfter(s, "\n") {
		if !strings.HasPrefix(line, "\t") {
			out = append(out, line)
		}
	}
	return strings.Join(out, "")
}
