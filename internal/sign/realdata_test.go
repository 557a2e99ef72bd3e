package sign

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"pakt/internal/realdata"
)

// signify returns the path of signify-openbsd, or skips the test.
func signify(t testing.TB) string {
	t.Helper()
	p, err := exec.LookPath("signify-openbsd")
	if err != nil {
		t.Skip("signify-openbsd not installed (apt-get install signify-openbsd): interoperability not checked")
	}
	return p
}

// signifyVerify reports whether `signify-openbsd -V` accepts sig over msg
// with pub, and what it said.
func signifyVerify(t testing.TB, pub, sig, msg string) (bool, string) {
	t.Helper()
	out, err := exec.Command(signify(t), "-V", "-q", "-p", pub, "-x", sig, "-m", msg).CombinedOutput()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		t.Fatalf("run signify-openbsd: %v", err)
	}
	return err == nil, strings.TrimSpace(string(out))
}

type manifest struct {
	Feeds map[string]struct {
		Signature *struct {
			KeyID             string `json:"key_id"`
			VerifiesPackages  bool   `json:"verifies_Packages"`
			SignifyExitZeroAs bool   `json:"signify_openbsd_exit_zero_as_is"`
		} `json:"signature"`
	} `json:"feeds"`
	Keys map[string]struct {
		EndsWithNewline bool `json:"ends_with_newline"`
	} `json:"keys"`
	Vectors struct {
		Negative struct {
			SameKeyOtherContent []struct{ Sig, Message, Key string } `json:"same_key_other_content"`
			KeyIDMismatch       []struct{ Sig, Message, Key string } `json:"key_id_mismatch"`
			UnusedKeys          []string                             `json:"unused_keys"`
			UnsignedFeeds       []string                             `json:"unsigned_feeds"`
		} `json:"negative"`
	} `json:"signature_vectors"`
}

func loadManifest(t testing.TB) *manifest {
	t.Helper()
	var m manifest
	if err := json.Unmarshal(realdata.Read(t, "manifest.json"), &m); err != nil {
		t.Fatalf("manifest.json: %v", err)
	}
	return &m
}

func readFile(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func parseSigFile(t testing.TB, path string) *Signature {
	t.Helper()
	s, err := ParseSignature(path, readFile(t, path))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestRealKeys: every key file in keys/ and in the devices' /etc/opkg/keys
// parses, and the id inside equals the file name read as hex (unpadded names
// included).
func TestRealKeys(t *testing.T) {
	t.Parallel()
	files := append(realdata.Glob(t, "keys/*"), realdata.Glob(t, "status/*/rootfs/etc/opkg/keys/*")...)
	if len(files) == 0 {
		t.Fatal("no key files in the data set")
	}
	for _, f := range files {
		k, err := ParsePublicKey(f, readFile(t, f))
		if err != nil {
			t.Errorf("%v", err)
			continue
		}
		want, err := ParseKeyID(filepath.Base(f))
		if err != nil || k.ID != want {
			t.Errorf("%s holds key %s", f, k.ID)
		}
	}
}

// TestRealFeedSignatures checks every Packages.sig of the data set with the
// key directory keys/, as opkg-key does (usign -V -P keys -m Packages), and
// that signify-openbsd agrees on each one.
func TestRealFeedSignatures(t *testing.T) {
	t.Parallel()
	data := realdata.Dir(t)
	m := loadManifest(t)
	keys := os.DirFS(filepath.Join(data, "keys"))
	verified, wantVerified := 0, 0
	for _, f := range m.Feeds {
		if f.Signature != nil && f.Signature.VerifiesPackages {
			wantVerified++
		}
	}
	for _, feed := range realdata.Feeds(t) {
		sigPath := filepath.Join(feed, "Packages.sig")
		name := filepath.Base(feed)
		if _, err := os.Stat(sigPath); err != nil {
			if m.Feeds[name].Signature != nil {
				t.Errorf("%s: manifest lists a signature, none on disk", name)
			}
			continue
		}
		sig := parseSigFile(t, sigPath)
		if sig.Comment != "signed by key "+sig.ID.String() {
			t.Errorf("%s: comment %q does not name key %s", sigPath, sig.Comment, sig.ID)
		}
		msgPath := filepath.Join(feed, "Packages")
		msg := readFile(t, msgPath)
		k, err := VerifyDir(keys, "keys", msg, sig)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		verified++
		if k.File != "keys/"+sig.ID.String() {
			t.Errorf("%s: key from %s", name, k.File)
		}
		// The signature covers the uncompressed Packages, never Packages.gz.
		if gz, err := os.ReadFile(msgPath + ".gz"); err == nil {
			var ve *VerificationError
			if err := k.Verify(gz, sig); !errors.As(err, &ve) {
				t.Errorf("%s: signature over Packages.gz: got %v, want *VerificationError", name, err)
			}
		}
	}
	if verified != wantVerified || verified == 0 {
		t.Errorf("verified %d feeds, manifest says %d signatures are genuine", verified, wantVerified)
	}
}

// TestRealFeedSignaturesAgreeWithSignify runs signify-openbsd on every
// Packages.sig (and Packages.gz) and requires the same verdict from pakt. The
// one place they differ is a key file without a final newline, which
// signify refuses ("missing new line after base64") and usign reads; there
// signify must accept the same key with the newline added.
func TestRealFeedSignaturesAgreeWithSignify(t *testing.T) {
	t.Parallel()
	signify(t)
	data := realdata.Dir(t)
	tmp := t.TempDir()
	for _, feed := range realdata.Feeds(t) {
		sigPath := filepath.Join(feed, "Packages.sig")
		if _, err := os.Stat(sigPath); err != nil {
			continue
		}
		t.Run(filepath.Base(feed), func(t *testing.T) {
			t.Parallel()
			sig := parseSigFile(t, sigPath)
			keyPath := filepath.Join(data, "keys", sig.ID.String())
			keyData := readFile(t, keyPath)
			key, err := ParsePublicKey(keyPath, keyData)
			if err != nil {
				t.Fatal(err)
			}
			for _, msgPath := range []string{filepath.Join(feed, "Packages"), filepath.Join(feed, "Packages.gz")} {
				msg, err := os.ReadFile(msgPath)
				if err != nil {
					continue
				}
				paktOK := key.Verify(msg, sig) == nil
				signifyOK, said := signifyVerify(t, keyPath, sigPath, msgPath)
				if paktOK == signifyOK {
					continue
				}
				if !paktOK || bytes.HasSuffix(keyData, []byte("\n")) || !strings.Contains(said, "missing new line after base64") {
					t.Errorf("%s: pakt verified=%v, signify-openbsd verified=%v (%s)", msgPath, paktOK, signifyOK, said)
					continue
				}
				fixed := filepath.Join(tmp, filepath.Base(feed)+".pub")
				if err := os.WriteFile(fixed, append(bytes.Clone(keyData), '\n'), 0o644); err != nil {
					t.Fatal(err)
				}
				if ok, said := signifyVerify(t, fixed, sigPath, msgPath); !ok {
					t.Errorf("%s: pakt verifies, signify-openbsd refuses even with the key's newline added: %s", msgPath, said)
				}
			}
		})
	}
}

func TestRealNegativeVectors(t *testing.T) {
	t.Parallel()
	data := realdata.Dir(t)
	m := loadManifest(t)
	at := func(rel string) string { return filepath.Join(data, rel) }
	key := func(rel string) *PublicKey {
		k, err := ParsePublicKey(at(rel), readFile(t, at(rel)))
		if err != nil {
			t.Fatal(err)
		}
		return k
	}
	neg := m.Vectors.Negative
	if len(neg.SameKeyOtherContent) == 0 || len(neg.KeyIDMismatch) == 0 || len(neg.UnusedKeys) == 0 {
		t.Fatal("manifest lists no negative signature vectors")
	}
	t.Run("same key, other content", func(t *testing.T) {
		for _, v := range neg.SameKeyOtherContent {
			err := key(v.Key).Verify(readFile(t, at(v.Message)), parseSigFile(t, at(v.Sig)))
			var ve *VerificationError
			if !errors.As(err, &ve) {
				t.Errorf("%s over %s: got %v, want *VerificationError", v.Sig, v.Message, err)
			}
		}
	})
	t.Run("key id mismatch", func(t *testing.T) {
		for _, v := range neg.KeyIDMismatch {
			k, sig := key(v.Key), parseSigFile(t, at(v.Sig))
			err := k.Verify(readFile(t, at(v.Message)), sig)
			var km *KeyMismatchError
			if !errors.As(err, &km) || km.SigID != sig.ID || km.KeyID != k.ID {
				t.Errorf("%s with %s: got %v, want *KeyMismatchError", v.Sig, v.Key, err)
			}
			want := at(v.Sig) + ": signature made by key " + sig.ID.String() + ", but " + at(v.Key) + " is key " + k.ID.String()
			if err.Error() != want {
				t.Errorf("message %q\nwant    %q", err, want)
			}
		}
	})
	// The unused release keys sign nothing here: every signature checked with
	// them fails on the key number, and, with the number forced to match, on
	// the Ed25519 check itself.
	t.Run("unused keys", func(t *testing.T) {
		for _, id := range neg.UnusedKeys {
			k := key("keys/" + id)
			for _, sigPath := range realdata.Glob(t, "feeds/*/Packages.sig") {
				sig := parseSigFile(t, sigPath)
				msg := readFile(t, filepath.Join(filepath.Dir(sigPath), "Packages"))
				var km *KeyMismatchError
				if err := k.Verify(msg, sig); !errors.As(err, &km) {
					t.Errorf("%s with key %s: got %v", sigPath, id, err)
				}
				forged := *k
				forged.ID = sig.ID
				var ve *VerificationError
				if err := forged.Verify(msg, sig); !errors.As(err, &ve) {
					t.Errorf("%s with key %s under id %s: got %v", sigPath, id, sig.ID, err)
				}
			}
		}
	})
	t.Run("device without the key", func(t *testing.T) {
		for _, c := range []struct{ keys, feeds string }{
			{"status/openwrt-22.03.4-x86_64-sturdynet/rootfs/etc/opkg/keys", "feeds/openwrt-22.03.2-x86_64-*/Packages.sig"},
			{"status/openwrt-23.05-snapshot-x86_64-trillaman/rootfs/etc/opkg/keys", "feeds/openwrt-23.05.2-x86_64-*/Packages.sig"},
		} {
			sigs := realdata.Glob(t, c.feeds)
			if len(sigs) == 0 {
				t.Fatalf("no feeds match %s", c.feeds)
			}
			for _, sigPath := range sigs {
				sig := parseSigFile(t, sigPath)
				msg := readFile(t, filepath.Join(filepath.Dir(sigPath), "Packages"))
				_, err := VerifyDir(os.DirFS(at(c.keys)), "/etc/opkg/keys", msg, sig)
				var nf *KeyNotFoundError
				if !errors.As(err, &nf) || nf.ID != sig.ID {
					t.Errorf("%s against %s: got %v, want *KeyNotFoundError", sigPath, c.keys, err)
				}
			}
		}
	})
	t.Run("unsigned feeds", func(t *testing.T) {
		for _, name := range neg.UnsignedFeeds {
			if _, err := os.Stat(at("feeds/" + name + "/Packages.sig")); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("%s: expected no Packages.sig, stat says %v", name, err)
			}
		}
	})
	// The signature binds content, not the feed name: the two empty feeds are
	// byte-identical, so the node feed's signature verifies the other.
	t.Run("empty feeds", func(t *testing.T) {
		sig := parseSigFile(t, at("feeds/openwrt-15.05-glinet-ramips_24kec-node/Packages.sig"))
		k := key("keys/" + sig.ID.String())
		if err := k.Verify(readFile(t, at("feeds/openwrt-21.02.7-x86_64-routing/Packages")), sig); err != nil {
			t.Errorf("node signature over the other empty feed: %v", err)
		}
	})
	t.Run("unpadded key file", func(t *testing.T) {
		dir := at("status/xiaomi-openwrt-18.06/rootfs/etc/opkg/keys")
		k, err := FindKey(os.DirFS(dir), "/etc/opkg/keys", 0x0b26f36ae0f4106d)
		if err != nil || k.File != "/etc/opkg/keys/b26f36ae0f4106d" {
			t.Errorf("got %+v, %v", k, err)
		}
	})
}

// BenchmarkVerifyLargestSignedFeed verifies the biggest signed Packages of
// the data set.
func BenchmarkVerifyLargestSignedFeed(b *testing.B) {
	var best string
	var size int64
	for _, sigPath := range realdata.Glob(b, "feeds/*/Packages.sig") {
		st, err := os.Stat(filepath.Join(filepath.Dir(sigPath), "Packages"))
		if err == nil && st.Size() > size {
			best, size = sigPath, st.Size()
		}
	}
	if best == "" {
		b.Skip("no signed feed in the data set")
	}
	sig := parseSigFile(b, best)
	msg := readFile(b, filepath.Join(filepath.Dir(best), "Packages"))
	k, err := FindKey(os.DirFS(filepath.Join(realdata.Dir(b), "keys")), "keys", sig.ID)
	if err != nil {
		b.Fatal(err)
	}
	b.Logf("%s: %d bytes", best, len(msg))
	b.ReportAllocs()
	b.SetBytes(int64(len(msg)))
	for b.Loop() {
		if err := k.Verify(msg, sig); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseSignature(b *testing.B) {
	paths := realdata.Glob(b, "feeds/*/Packages.sig")
	if len(paths) == 0 {
		b.Skip("no signatures in the data set")
	}
	data := readFile(b, paths[0])
	b.ReportAllocs()
	for b.Loop() {
		if _, err := ParseSignature(paths[0], data); err != nil {
			b.Fatal(err)
		}
	}
}
