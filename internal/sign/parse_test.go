package sign

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha512"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
)

// Records are built here byte by byte from the layout in usign's main.c
// (struct pubkey, struct seckey, struct sig), independently of the package's
// encoder, so the parser is checked against the format and not against itself.

var testSeed = bytes.Repeat([]byte{7}, ed25519.SeedSize)

const testID = KeyID(0x0b26f36ae0f4106d)

func pubRecord(id KeyID, key ed25519.PublicKey) []byte {
	rec := []byte("Ed")
	rec = binary.BigEndian.AppendUint64(rec, uint64(id))
	return append(rec, key...)
}

func secRecord(id KeyID, kdf string, rounds uint32, key ed25519.PrivateKey) []byte {
	sum := sha512.Sum512(key)
	rec := []byte("Ed" + kdf)
	rec = binary.BigEndian.AppendUint32(rec, rounds)
	rec = append(rec, bytes.Repeat([]byte{0x5a}, 16)...)
	rec = append(rec, sum[:8]...)
	rec = binary.BigEndian.AppendUint64(rec, uint64(id))
	return append(rec, key...)
}

func sigRecord(id KeyID, sig []byte) []byte {
	rec := []byte("Ed")
	rec = binary.BigEndian.AppendUint64(rec, uint64(id))
	return append(rec, sig...)
}

func file(comment string, rec []byte) []byte {
	return []byte("untrusted comment: " + comment + "\n" + base64.StdEncoding.EncodeToString(rec) + "\n")
}

func TestParseValidForms(t *testing.T) {
	t.Parallel()
	priv := ed25519.NewKeyFromSeed(testSeed)
	pub := priv.Public().(ed25519.PublicKey)
	good := file("public key 0b26f36ae0f4106d", pubRecord(testID, pub))
	b64line := base64.StdEncoding.EncodeToString(pubRecord(testID, pub))
	tests := []struct {
		name    string
		data    []byte
		comment string
	}{
		{"as usign writes it", good, "public key 0b26f36ae0f4106d"},
		// usign reads to the end of file; keys/5e99c2573f29d764 has no final newline.
		{"no final newline", bytes.TrimSuffix(good, []byte("\n")), "public key 0b26f36ae0f4106d"},
		// keys/d9783d2fd06b2ff9 ends with a blank line.
		{"blank lines after", append(bytes.Clone(good), "\n  \n"...), "public key 0b26f36ae0f4106d"},
		{"CRLF line ends", []byte("untrusted comment: x\r\n" + b64line + "\r\n"), "x"},
		{"blanks around base64", []byte("untrusted comment: x\n  " + b64line + " \t\n"), "x"},
		{"empty comment", []byte("untrusted comment: \n" + b64line + "\n"), ""},
		{"comment keeps inner blanks", []byte("untrusted comment:  a  b \n" + b64line + "\n"), " a  b "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := ParsePublicKey("k", tt.data)
			if err != nil {
				t.Fatalf("ParsePublicKey: %v", err)
			}
			if k.ID != testID || !bytes.Equal(k.Key, pub) || k.Comment != tt.comment || k.File != "k" {
				t.Errorf("got id %s comment %q file %q key %x; want %s %q k %x", k.ID, k.Comment, k.File, k.Key, testID, tt.comment, pub)
			}
		})
	}
}

func TestParseMalformed(t *testing.T) {
	t.Parallel()
	priv := ed25519.NewKeyFromSeed(testSeed)
	pub := priv.Public().(ed25519.PublicKey)
	sig := ed25519.Sign(priv, []byte("msg"))
	records := map[string][]byte{
		"public key": pubRecord(testID, pub),
		"secret key": secRecord(testID, "BK", 0, priv),
		"signature":  sigRecord(testID, sig),
	}
	parse := map[string]func(string, []byte) error{
		"public key": func(n string, d []byte) error { _, err := ParsePublicKey(n, d); return err },
		"secret key": func(n string, d []byte) error { _, err := ParseSecretKey(n, d); return err },
		"signature":  func(n string, d []byte) error { _, err := ParseSignature(n, d); return err },
	}
	enc := base64.StdEncoding.EncodeToString
	type form struct {
		name string
		make func(rec []byte) []byte
		line int
		want func(error) bool // the cause inside the *SyntaxError
		text string           // exact Error() after "<file>:<line>: malformed <kind> file: "
	}
	is := func(target error) func(error) bool { return func(err error) bool { return errors.Is(err, target) } }
	as := func(target any) func(error) bool {
		return func(err error) bool { return errors.As(err, target) }
	}
	forms := []form{
		{"empty file", func([]byte) []byte { return nil }, 1, is(ErrCommentLine), `first line must start with "untrusted comment: "`},
		{"no comment line", func(r []byte) []byte { return []byte(enc(r) + "\n") }, 1, is(ErrCommentLine), `first line must start with "untrusted comment: "`},
		// signify: memcmp(b64, COMMENTHDR, COMMENTHDRLEN), the space included.
		{"comment without space", func(r []byte) []byte { return []byte("untrusted comment:x\n" + enc(r) + "\n") }, 1, is(ErrCommentLine), `first line must start with "untrusted comment: "`},
		{"wrong case", func(r []byte) []byte { return []byte("Untrusted comment: x\n" + enc(r) + "\n") }, 1, is(ErrCommentLine), `first line must start with "untrusted comment: "`},
		{"comment only, no newline", func([]byte) []byte { return []byte("untrusted comment: x") }, 2, is(ErrMissingData), "missing base64 line after the comment line"},
		{"comment only", func([]byte) []byte { return []byte("untrusted comment: x\n") }, 2, is(ErrMissingData), "missing base64 line after the comment line"},
		// usign would skip the blank line (its decoder skips all white space);
		// signify takes the second line as the base64 and fails. We follow signify.
		{"blank second line", func(r []byte) []byte { return []byte("untrusted comment: x\n\n" + enc(r) + "\n") }, 2, is(ErrMissingData), "missing base64 line after the comment line"},
		{"not base64", func([]byte) []byte { return []byte("untrusted comment: x\nRWR!!!\n") }, 2, as(new(base64.CorruptInputError)), "invalid base64: illegal base64 data at input byte 3"},
		// 74 and 104 bytes need one "=", which BSD b64_pton (signify) insists on.
		{"base64 without padding", func(r []byte) []byte {
			if len(r)%3 == 0 {
				r = r[:len(r)-1] // a length error then, but still checks the missing "="
			}
			return []byte("untrusted comment: x\n" + strings.TrimRight(enc(r), "=") + "\n")
		}, 2, as(new(*Base64Error)), ""},
		{"non-canonical last character", func(r []byte) []byte {
			b := []byte(enc(r[:len(r)-1]))
			// r minus one byte has 1 or 2 spare bits in its last character only when
			// padded; flip a spare bit where there is one, else use a 2-byte tail.
			if !bytes.HasSuffix(b, []byte("=")) {
				b = []byte(enc(r[:len(r)-2]))
			}
			i := bytes.IndexByte(b, '=') - 1
			b[i] = "BCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/A"[strings.IndexByte("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", b[i])]
			return []byte("untrusted comment: x\n" + string(b) + "\n")
		}, 2, as(new(*Base64Error)), ""},
		{"one byte short", func(r []byte) []byte { return file("x", r[:len(r)-1]) }, 2, as(new(*LengthError)), ""},
		{"one byte long", func(r []byte) []byte { return file("x", append(bytes.Clone(r), 0)) }, 2, as(new(*LengthError)), ""},
		{"huge base64 line", func(r []byte) []byte { return file("x", bytes.Repeat(r, 1000)) }, 2, as(new(*LengthError)), ""},
		{"other algorithm", func(r []byte) []byte { return file("x", append([]byte("Xy"), r[2:]...)) }, 2, as(new(*AlgorithmError)), `unsupported signature algorithm "Xy" (want "Ed")`},
		{"data after base64", func(r []byte) []byte { return append(file("x", r), "\nmore\n"...) }, 4, is(ErrTrailingData), "unexpected data after the base64 line"},
		// signify -S -e (embedded message) writes the message after the signature.
		{"embedded message", func(r []byte) []byte { return append(file("x", r), "Package: a\n"...) }, 3, is(ErrTrailingData), "unexpected data after the base64 line"},
		{"base64 split over two lines", func(r []byte) []byte {
			e := enc(r)
			return []byte("untrusted comment: x\n" + e[:20] + "\n" + e[20:] + "\n")
		}, 3, is(ErrTrailingData), "unexpected data after the base64 line"},
	}
	for kind, rec := range records {
		for _, f := range forms {
			t.Run(kind+"/"+f.name, func(t *testing.T) {
				t.Parallel()
				err := parse[kind]("dir/f.sig", f.make(rec))
				var se *SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("got %v (%T), want *SyntaxError", err, err)
				}
				if se.File != "dir/f.sig" || se.Line != f.line || se.Kind != kind {
					t.Errorf("got file %q line %d kind %q, want dir/f.sig %d %q", se.File, se.Line, se.Kind, f.line, kind)
				}
				if !f.want(err) {
					t.Errorf("cause %v (%T) is not the expected kind", se.Err, se.Err)
				}
				if f.text != "" {
					want := "dir/f.sig:" + string(rune('0'+f.line)) + ": malformed " + kind + " file: " + f.text
					if err.Error() != want {
						t.Errorf("message\n got %q\nwant %q", err.Error(), want)
					}
				}
			})
		}
	}
}

func TestParseLengthMessage(t *testing.T) {
	t.Parallel()
	pub := ed25519.NewKeyFromSeed(testSeed).Public().(ed25519.PublicKey)
	for _, tt := range []struct {
		rec  []byte
		want string
	}{
		{pubRecord(testID, pub)[:41], "k:2: malformed public key file: base64 decodes to 41 bytes, want 42"},
		{append(pubRecord(testID, pub), 1, 2), "k:2: malformed public key file: base64 decodes to 44 bytes, want 42"},
		{bytes.Repeat([]byte{1}, 300), "k:2: malformed public key file: base64 decodes to 300 bytes, want 42"},
		{sigRecord(testID, make([]byte, 64)), "k:2: malformed public key file: base64 decodes to 74 bytes, want 42"},
	} {
		_, err := ParsePublicKey("k", file("x", tt.rec))
		if err == nil || err.Error() != tt.want {
			t.Errorf("got %v\nwant %s", err, tt.want)
		}
	}
}

func TestParseSecretKeyRefusals(t *testing.T) {
	t.Parallel()
	priv := ed25519.NewKeyFromSeed(testSeed)
	other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{8}, 32))
	mixed := append(bytes.Clone(priv[:32]), other[32:]...)
	badSum := secRecord(testID, "BK", 0, priv)
	badSum[24] ^= 1
	tests := []struct {
		name string
		rec  []byte
		want string
		as   any
	}{
		{"other KDF", secRecord(testID, "SC", 0, priv), `s.sec:2: malformed secret key file: unsupported KDF algorithm "SC" (want "BK")`, new(*AlgorithmError)},
		// usign main.c sign(): "Password protected secret keys are not supported".
		{"passphrase", secRecord(testID, "BK", 42, priv), "s.sec: secret key 0b26f36ae0f4106d is protected by a passphrase (bcrypt_pbkdf, 42 rounds): " +
			"encrypted secret keys are not supported; generate the key without a passphrase (signify -n, usign -G, pakt key generate)", new(*EncryptedKeyError)},
		{"checksum", badSum, "s.sec:2: malformed secret key file: secret key 0b26f36ae0f4106d is corrupted: checksum does not match the key bytes", new(*ChecksumError)},
		{"public half of another key", secRecord(testID, "BK", 0, mixed), "s.sec:2: malformed secret key file: secret key 0b26f36ae0f4106d is corrupted: public half does not belong to the seed", new(*ChecksumError)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			k, err := ParseSecretKey("s.sec", file("x", tt.rec))
			if k != nil || err == nil || err.Error() != tt.want {
				t.Fatalf("got %v, %v\nwant %s", k, err, tt.want)
			}
			if !errors.As(err, tt.as) {
				t.Errorf("%T is not %T", err, tt.as)
			}
		})
	}
	var enc *EncryptedKeyError
	_, err := ParseSecretKey("s.sec", file("x", secRecord(testID, "BK", 42, priv)))
	if !errors.As(err, &enc) || enc.ID != testID || enc.Rounds != 42 || enc.File != "s.sec" {
		t.Errorf("EncryptedKeyError fields: %+v", enc)
	}
}

func TestParseSecretKey(t *testing.T) {
	t.Parallel()
	priv := ed25519.NewKeyFromSeed(testSeed)
	k, err := ParseSecretKey("s", file("private key 0b26f36ae0f4106d", secRecord(testID, "BK", 0, priv)))
	if err != nil {
		t.Fatal(err)
	}
	if k.ID != testID || !bytes.Equal(k.Key, priv) || k.Comment != "private key 0b26f36ae0f4106d" || k.Salt != [16]byte(bytes.Repeat([]byte{0x5a}, 16)) {
		t.Errorf("got %+v", k)
	}
	if pub := k.Public(); pub.ID != testID || !bytes.Equal(pub.Key, priv[32:]) {
		t.Errorf("Public() = %+v", pub)
	}
}

func TestKeyID(t *testing.T) {
	t.Parallel()
	tests := []struct {
		id       KeyID
		str      string
		fileName string
		names    []string
	}{
		// status/xiaomi-openwrt-18.06/rootfs/etc/opkg/keys/b26f36ae0f4106d (usign before f1f6502 used %PRIx64).
		{0x0b26f36ae0f4106d, "0b26f36ae0f4106d", "b26f36ae0f4106d", []string{"0b26f36ae0f4106d", "b26f36ae0f4106d"}},
		{0xd9783d2fd06b2ff9, "d9783d2fd06b2ff9", "d9783d2fd06b2ff9", []string{"d9783d2fd06b2ff9"}},
		{0, "0000000000000000", "0", []string{"0000000000000000", "0"}},
		{0x00000000000000ab, "00000000000000ab", "ab", []string{"00000000000000ab", "ab"}},
	}
	for _, tt := range tests {
		if got := tt.id.String(); got != tt.str {
			t.Errorf("String() = %q, want %q", got, tt.str)
		}
		if got := tt.id.FileName(); got != tt.fileName {
			t.Errorf("FileName() = %q, want %q", got, tt.fileName)
		}
		if got := tt.id.FileNames(); strings.Join(got, ",") != strings.Join(tt.names, ",") {
			t.Errorf("FileNames() = %q, want %q", got, tt.names)
		}
		for _, s := range []string{tt.str, tt.fileName, strings.ToUpper(tt.str)} {
			if got, err := ParseKeyID(s); err != nil || got != tt.id {
				t.Errorf("ParseKeyID(%q) = %v, %v", s, got, err)
			}
		}
	}
	for _, bad := range []string{"", "0x12", "12345678901234567", "g", "-1", "+1", " 1", "1_0"} {
		if _, err := ParseKeyID(bad); err == nil {
			t.Errorf("ParseKeyID(%q) accepted", bad)
		}
	}
}

func TestGenerateSignVerify(t *testing.T) {
	t.Parallel()
	random := bytes.NewReader(append(append([]byte{0, 1, 2, 3, 4, 5, 6, 7}, testSeed...), bytes.Repeat([]byte{9}, 16)...))
	pub, sec, err := GenerateKey(random, "")
	if err != nil {
		t.Fatal(err)
	}
	if pub.ID != 0x0001020304050607 || sec.ID != pub.ID {
		t.Errorf("ids %s %s, want the first 8 random bytes", pub.ID, sec.ID)
	}
	if !bytes.Equal(sec.Key, ed25519.NewKeyFromSeed(testSeed)) || sec.Salt != [16]byte(bytes.Repeat([]byte{9}, 16)) {
		t.Errorf("key or salt not taken from the random bytes in usign's order")
	}
	// usign main.c write_file: "<prefix> %016"PRIx64.
	if pub.Comment != "public key 0001020304050607" || sec.Comment != "private key 0001020304050607" {
		t.Errorf("default comments %q, %q", pub.Comment, sec.Comment)
	}
	pubFile, err := pub.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if want := file("public key 0001020304050607", pubRecord(pub.ID, ed25519.PublicKey(ed25519.NewKeyFromSeed(testSeed)[32:]))); !bytes.Equal(pubFile, want) {
		t.Errorf("public key file\n%s\nwant\n%s", pubFile, want)
	}
	secFile, err := sec.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	wantSec := secRecord(sec.ID, "BK", 0, sec.Key)
	copy(wantSec[8:24], bytes.Repeat([]byte{9}, 16))
	if want := file("private key 0001020304050607", wantSec); !bytes.Equal(secFile, want) {
		t.Errorf("secret key file\n%s\nwant\n%s", secFile, want)
	}
	sec2, err := ParseSecretKey("s", secFile)
	if err != nil {
		t.Fatal(err)
	}
	pub2, err := ParsePublicKey("p", pubFile)
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("Package: a\nVersion: 1\n")
	sig, err := sec2.Sign(msg, "")
	if err != nil {
		t.Fatal(err)
	}
	if sig.Comment != "signed by key 0001020304050607" {
		t.Errorf("signature comment %q", sig.Comment)
	}
	sigFile, err := sig.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if want := file("signed by key 0001020304050607", sigRecord(sig.ID, ed25519.Sign(sec.Key, msg))); !bytes.Equal(sigFile, want) {
		t.Errorf("signature file\n%s\nwant\n%s", sigFile, want)
	}
	sig2, err := ParseSignature("m.sig", sigFile)
	if err != nil {
		t.Fatal(err)
	}
	if err := pub2.Verify(msg, sig2); err != nil {
		t.Errorf("Verify: %v", err)
	}
	tampered := append(bytes.Clone(msg), ' ')
	err = pub2.Verify(tampered, sig2)
	var ve *VerificationError
	if !errors.As(err, &ve) || err.Error() != "m.sig: signature verification failed: the data does not match the signature by key 0001020304050607 (p)" {
		t.Errorf("tampered message: %v", err)
	}
	sig2.Sig[0] ^= 1
	if err := pub2.Verify(msg, sig2); !errors.As(err, &ve) {
		t.Errorf("tampered signature: %v", err)
	}
}

func TestGenerateKeyComments(t *testing.T) {
	t.Parallel()
	pub, sec, err := GenerateKey(nil, "my build key")
	if err != nil {
		t.Fatal(err)
	}
	// usign -G -c puts the same comment in both files.
	if pub.Comment != "my build key" || sec.Comment != "my build key" {
		t.Errorf("comments %q %q", pub.Comment, sec.Comment)
	}
	for _, tt := range []struct{ comment, want string }{
		{"a\nb", `comment "a\nb" contains a line break or NUL`},
		{"a\rb", `comment "a\rb" contains a line break or NUL`},
		{"a\x00", `comment "a\x00" contains a line break or NUL`},
		{strings.Repeat("x", 1024), `comment "` + strings.Repeat("x", 40) + `..." is longer than 1023 bytes`},
	} {
		_, _, err := GenerateKey(nil, tt.comment)
		var ce *CommentError
		if !errors.As(err, &ce) || err.Error() != tt.want {
			t.Errorf("GenerateKey(%q): %v, want %s", tt.comment, err, tt.want)
		}
		if _, err := sec.Sign(nil, tt.comment); !errors.As(err, &ce) {
			t.Errorf("Sign(%q): %v", tt.comment, err)
		}
		p := *pub
		p.Comment = tt.comment
		if _, err := p.Marshal(); !errors.As(err, &ce) {
			t.Errorf("Marshal with %q: %v", tt.comment, err)
		}
	}
	if _, _, err := GenerateKey(strings.NewReader("short"), ""); err == nil {
		t.Error("GenerateKey with exhausted randomness succeeded")
	}
	if _, err := sec.Sign(nil, strings.Repeat("x", 1023)); err != nil {
		t.Errorf("1023-byte comment refused: %v", err)
	}
}

func TestInvalidKeyValues(t *testing.T) {
	t.Parallel()
	var ik *InvalidKeyError
	if _, err := (&SecretKey{Key: make([]byte, 10)}).Sign(nil, ""); !errors.As(err, &ik) {
		t.Errorf("Sign with short key: %v", err)
	}
	if _, err := (&SecretKey{Key: make([]byte, 10)}).Marshal(); !errors.As(err, &ik) {
		t.Errorf("Marshal short secret key: %v", err)
	}
	if _, err := (&PublicKey{Key: make([]byte, 10)}).Marshal(); !errors.As(err, &ik) {
		t.Errorf("Marshal short public key: %v", err)
	}
	if err := (&PublicKey{Key: make([]byte, 10)}).Verify(nil, &Signature{}); !errors.As(err, &ik) {
		t.Errorf("Verify with short key: %v", err)
	}
}

func TestVerifyKeyMismatch(t *testing.T) {
	t.Parallel()
	pub, sec, err := GenerateKey(nil, "")
	if err != nil {
		t.Fatal(err)
	}
	sig, err := sec.Sign([]byte("m"), "")
	if err != nil {
		t.Fatal(err)
	}
	sig.File = "Packages.sig"
	other := *pub
	other.ID ^= 1
	other.File = "keys/x"
	err = other.Verify([]byte("m"), sig)
	var km *KeyMismatchError
	if !errors.As(err, &km) || km.SigID != pub.ID || km.KeyID != other.ID {
		t.Fatalf("got %v", err)
	}
	want := "Packages.sig: signature made by key " + pub.ID.String() + ", but keys/x is key " + other.ID.String()
	if err.Error() != want {
		t.Errorf("message %q\nwant    %q", err, want)
	}
}

func TestFindKey(t *testing.T) {
	t.Parallel()
	mk := func(id KeyID) []byte {
		return file("k", pubRecord(id, ed25519.PublicKey(ed25519.NewKeyFromSeed(testSeed)[32:])))
	}
	dir := fstest.MapFS{
		"b26f36ae0f4106d":  {Data: mk(0x0b26f36ae0f4106d)},
		"1111111111111111": {Data: mk(0x2222222222222222)},
		"3333333333333333": {Data: []byte("garbage")},
		"4444444444444444": {Mode: 0o755 | 1<<31}, // a directory
		"0555555555555555": {Data: mk(0x0555555555555555)},
		"555555555555555":  {Data: mk(0x0777777777777777)},
		"6666666666666666": {Data: bytes.Repeat([]byte("x"), maxKeyFile+1)},
	}
	tests := []struct {
		id   KeyID
		file string
		err  string
	}{
		{0x0b26f36ae0f4106d, "/etc/opkg/keys/b26f36ae0f4106d", ""},
		// The padded name wins over the unpadded one, as current usign looks it up.
		{0x0555555555555555, "/etc/opkg/keys/0555555555555555", ""},
		{0x1111111111111111, "", "signature made by key 1111111111111111, but /etc/opkg/keys/1111111111111111 is key 2222222222222222"},
		{0x3333333333333333, "", `/etc/opkg/keys/3333333333333333:1: malformed public key file: first line must start with "untrusted comment: "`},
		{0x4444444444444444, "", "read key /etc/opkg/keys/4444444444444444: is a directory"},
		{0x6666666666666666, "", "read key /etc/opkg/keys/6666666666666666: larger than 4096 bytes, not a key file"},
		{0x0123456789abcdef, "", "no public key 0123456789abcdef in /etc/opkg/keys (looked for 0123456789abcdef and 123456789abcdef)"},
		{0xfedcba9876543210, "", "no public key fedcba9876543210 in /etc/opkg/keys (looked for fedcba9876543210)"},
	}
	for _, tt := range tests {
		k, err := FindKey(dir, "/etc/opkg/keys", tt.id)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err {
				t.Errorf("FindKey(%s) = %v\nwant error %s", tt.id, err, tt.err)
			}
			continue
		}
		if err != nil || k.ID != tt.id || k.File != tt.file {
			t.Errorf("FindKey(%s) = %+v, %v; want key from %s", tt.id, k, err, tt.file)
		}
	}
	var nf *KeyNotFoundError
	if _, err := FindKey(dir, "d", 1); !errors.As(err, &nf) || nf.ID != 1 {
		t.Errorf("not found: %v", err)
	}
}

func TestReadKeyID(t *testing.T) {
	t.Parallel()
	priv := ed25519.NewKeyFromSeed(testSeed)
	for _, tt := range []struct {
		data []byte
		kind string
	}{
		{file("x", pubRecord(testID, priv.Public().(ed25519.PublicKey))), KindPublicKey},
		{file("x", sigRecord(testID, make([]byte, 64))), KindSignature},
		{file("x", secRecord(testID, "BK", 0, priv)), KindSecretKey},
		// usign -F reads the fingerprint of any secret key, encrypted or not.
		{file("x", secRecord(testID, "BK", 16, priv)), KindSecretKey},
	} {
		id, kind, err := ReadKeyID("f", tt.data)
		if err != nil || id != testID || kind != tt.kind {
			t.Errorf("ReadKeyID = %s, %q, %v; want %s %q", id, kind, err, testID, tt.kind)
		}
	}
	_, _, err := ReadKeyID("f", file("x", make([]byte, 50)))
	if want := "f:2: malformed key or signature file: base64 decodes to 50 bytes: not a public key (42), signature (74) or secret key (104)"; err == nil || err.Error() != want {
		t.Errorf("got %v\nwant %s", err, want)
	}
	_, _, err = ReadKeyID("f", []byte("junk"))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Line != 1 {
		t.Errorf("junk: %v", err)
	}
}
