package engine

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pakt/internal/realdata"
	"pakt/internal/sign"
)

func keyEngine(t *testing.T) (*Engine, string) {
	t.Helper()
	dir := t.TempDir()
	return New(System{Files: os.DirFS("/"), Dir: dir}, Options{}), dir
}

// entries lists dir, to prove no temporary file is left behind.
func entries(t *testing.T, dir string) string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, de := range des {
		names = append(names, de.Name())
	}
	return strings.Join(names, " ")
}

func TestKeyGenerateSignVerify(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, dir := keyEngine(t)
	gen, err := e.KeyGenerate(ctx, KeyGenerateRequest{SecretKey: "k.sec", PublicKey: "k.pub"})
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, "k.sec"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("secret key mode %v, %v; want 0600", st.Mode(), err)
	}
	if err := os.WriteFile(filepath.Join(dir, "msg"), []byte("hello\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	signed, err := e.KeySign(ctx, KeySignRequest{SecretKey: "k.sec", Message: "msg"})
	if err != nil || signed.ID != gen.ID || signed.Signature != "msg.sig" {
		t.Fatalf("KeySign = %+v, %v", signed, err)
	}
	v, err := e.KeyVerify(ctx, KeyVerifyRequest{PublicKey: filepath.Join(dir, "k.pub"), Message: "msg"})
	if err != nil || v.ID != gen.ID {
		t.Fatalf("KeyVerify = %+v, %v", v, err)
	}
	if got := entries(t, dir); got != "k.pub k.sec msg msg.sig" {
		t.Errorf("directory holds %q", got)
	}
	for _, f := range []string{"k.pub", "k.sec", "msg.sig"} {
		id, err := e.KeyID(ctx, f)
		if err != nil || id.ID != gen.ID {
			t.Errorf("KeyID(%s) = %+v, %v", f, id, err)
		}
	}
	// Standard input as the message.
	_, err = e.KeyVerify(ctx, KeyVerifyRequest{PublicKey: "k.pub", Message: Stdin, Input: strings.NewReader("hello\n"), Signature: "msg.sig"})
	if err != nil {
		t.Errorf("verify from stdin: %v", err)
	}
	_, err = e.KeyVerify(ctx, KeyVerifyRequest{PublicKey: "k.pub", Message: Stdin, Input: strings.NewReader("other\n"), Signature: "msg.sig"})
	var ve *sign.VerificationError
	if !errors.As(err, &ve) {
		t.Errorf("verify other stdin: %v", err)
	}
}

func TestKeyGenerateNeverOverwrites(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, dir := keyEngine(t)
	old := []byte("precious\n")
	if err := os.WriteFile(filepath.Join(dir, "k.pub"), old, 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := e.KeyGenerate(ctx, KeyGenerateRequest{SecretKey: "k.sec", PublicKey: "k.pub"})
	var fe *FileError
	if !errors.As(err, &fe) || !errors.Is(err, fs.ErrExist) || fe.Path != "k.pub" {
		t.Fatalf("got %v", err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "k.pub")); !bytes.Equal(got, old) {
		t.Error("existing file changed")
	}
	if got := entries(t, dir); got != "k.pub" {
		t.Errorf("directory holds %q", got)
	}
	// The exclusive write itself, for a file that appears after the check.
	if err := writeFile(filepath.Join(dir, "k.pub"), []byte("x"), 0o644, true); !errors.Is(err, fs.ErrExist) {
		t.Errorf("exclusive write over an existing file: %v", err)
	}
	if got := entries(t, dir); got != "k.pub" {
		t.Errorf("directory holds %q after a refused write", got)
	}
}

func TestKeyRequestErrors(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	e, _ := keyEngine(t)
	var re *KeyRequestError
	for name, err := range map[string]error{
		"generate without files": second(e.KeyGenerate(ctx, KeyGenerateRequest{SecretKey: "a"})),
		"generate same file":     second(e.KeyGenerate(ctx, KeyGenerateRequest{SecretKey: "a", PublicKey: "./a"})),
		"sign without key":       second(e.KeySign(ctx, KeySignRequest{Message: "m"})),
		"sign without message":   second(e.KeySign(ctx, KeySignRequest{SecretKey: "s"})),
		"sign stdin without -x":  second(e.KeySign(ctx, KeySignRequest{SecretKey: "s", Message: Stdin})),
		"verify with both":       second(e.KeyVerify(ctx, KeyVerifyRequest{PublicKey: "p", KeyDir: "d", Message: "m"})),
		"verify with neither":    second(e.KeyVerify(ctx, KeyVerifyRequest{Message: "m"})),
	} {
		if !errors.As(err, &re) {
			t.Errorf("%s: got %v, want *KeyRequestError", name, err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// TestKeyVerifyRealFeed verifies a real feed with the data set's key
// directory, through the engine: the key file lacks its final newline, and
// the signature does not cover Packages.gz.
func TestKeyVerifyRealFeed(t *testing.T) {
	t.Parallel()
	data := realdata.Dir(t)
	e := New(System{Files: os.DirFS("/"), Dir: data}, Options{})
	ctx := context.Background()
	feed := "feeds/lede-lean-2020-aarch64_cortex-a53-nanopi-r2s/"
	v, err := e.KeyVerify(ctx, KeyVerifyRequest{KeyDir: "keys", Message: feed + "Packages"})
	if err != nil || v.Key != "keys/5e99c2573f29d764" {
		t.Fatalf("KeyVerify = %+v, %v", v, err)
	}
	_, err = e.KeyVerify(ctx, KeyVerifyRequest{KeyDir: "keys", Message: feed + "Packages.gz", Signature: feed + "Packages.sig"})
	var ve *sign.VerificationError
	if !errors.As(err, &ve) {
		t.Errorf("over Packages.gz: %v", err)
	}
	_, err = e.KeyVerify(ctx, KeyVerifyRequest{KeyDir: "status/openwrt-22.03.4-x86_64-sturdynet/rootfs/etc/opkg/keys",
		Message: "feeds/openwrt-22.03.2-x86_64-base/Packages"})
	var nf *sign.KeyNotFoundError
	if !errors.As(err, &nf) {
		t.Errorf("device without the key: %v", err)
	}
}
