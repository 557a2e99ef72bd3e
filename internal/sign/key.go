package sign

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha512"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"io"
)

const (
	publicKeyLen = 2 + 8 + ed25519.PublicKeySize                                  // 42
	secretKeyLen = 2 + 2 + 4 + saltLen + checksumLen + 8 + ed25519.PrivateKeySize // 104
	saltLen      = 16
	checksumLen  = 8
)

// PublicKey is a usign/signify public key.
type PublicKey struct {
	ID      KeyID
	Key     ed25519.PublicKey // 32 bytes
	Comment string            // text after "untrusted comment: "
	File    string            // name it was parsed from; "" when made in memory
}

// SecretKey is an unencrypted usign/signify secret key.
type SecretKey struct {
	ID      KeyID
	Key     ed25519.PrivateKey // 64 bytes: seed, then public key
	Salt    [saltLen]byte      // KDF salt; unused without a passphrase, kept so files round-trip
	Comment string
	File    string
}

// ParsePublicKey reads a public key file; name says where it came from in
// errors.
func ParsePublicKey(name string, data []byte) (*PublicKey, error) {
	comment, rec, err := decodeFile(name, KindPublicKey, data, publicKeyLen)
	if err != nil {
		return nil, err
	}
	return &PublicKey{
		ID:      keyIDFrom(rec[2:10]),
		Key:     ed25519.PublicKey(bytes.Clone(rec[10:])),
		Comment: comment,
		File:    name,
	}, nil
}

// ParseSecretKey reads a secret key file. A passphrase-protected key is
// refused with *EncryptedKeyError; a key whose checksum or public half does
// not match is refused as corrupted.
func ParseSecretKey(name string, data []byte) (*SecretKey, error) {
	const kind = KindSecretKey
	comment, rec, err := decodeFile(name, kind, data, secretKeyLen)
	if err != nil {
		return nil, err
	}
	fail := func(err error) (*SecretKey, error) {
		return nil, &SyntaxError{File: name, Line: 2, Kind: kind, Err: err}
	}
	if kdf := string(rec[2:4]); kdf != algBcrypt {
		return fail(&AlgorithmError{Field: "KDF algorithm", Got: kdf, Want: algBcrypt})
	}
	rounds := binary.BigEndian.Uint32(rec[4:8])
	var salt [saltLen]byte
	copy(salt[:], rec[8:24])
	checksum := rec[24:32]
	id := keyIDFrom(rec[32:40])
	key := rec[40:]
	if rounds != 0 {
		return nil, &EncryptedKeyError{File: name, ID: id, Rounds: rounds}
	}
	sum := sha512.Sum512(key)
	if subtle.ConstantTimeCompare(sum[:checksumLen], checksum) != 1 {
		return fail(&ChecksumError{ID: id, Reason: "checksum does not match the key bytes"})
	}
	// ed25519.Sign trusts the public half stored after the seed; a wrong one
	// would produce signatures nobody can verify.
	derived := ed25519.NewKeyFromSeed(key[:ed25519.SeedSize])
	if !bytes.Equal(derived[ed25519.SeedSize:], key[ed25519.SeedSize:]) {
		return fail(&ChecksumError{ID: id, Reason: "public half does not belong to the seed"})
	}
	return &SecretKey{ID: id, Key: derived, Salt: salt, Comment: comment, File: name}, nil
}

// GenerateKey makes a key pair from random (crypto/rand when nil), reading the
// key number, the seed and the salt from it in that order, as usign does. An
// empty comment gives usign's defaults ("public key <id>", "private key
// <id>"); otherwise both files carry comment, as with `usign -G -c`.
func GenerateKey(random io.Reader, comment string) (*PublicKey, *SecretKey, error) {
	if comment != "" {
		if err := checkComment(comment); err != nil {
			return nil, nil, err
		}
	}
	if random == nil {
		random = cryptoRand{}
	}
	var buf [8 + ed25519.SeedSize + saltLen]byte
	if _, err := io.ReadFull(random, buf[:]); err != nil {
		return nil, nil, fmt.Errorf("generate key: read random bytes: %w", err)
	}
	sk := &SecretKey{
		ID:      keyIDFrom(buf[:8]),
		Key:     ed25519.NewKeyFromSeed(buf[8 : 8+ed25519.SeedSize]),
		Comment: comment,
	}
	copy(sk.Salt[:], buf[8+ed25519.SeedSize:])
	pk := sk.Public()
	if comment == "" {
		sk.Comment = "private key " + sk.ID.String()
	} else {
		pk.Comment = comment
	}
	return pk, sk, nil
}

// cryptoRand defers to crypto/rand at call time.
type cryptoRand struct{}

func (cryptoRand) Read(p []byte) (int, error) { return rand.Read(p) }

// Public is the public key that belongs to k.
func (k *SecretKey) Public() *PublicKey {
	pub := make(ed25519.PublicKey, ed25519.PublicKeySize)
	if len(k.Key) == ed25519.PrivateKeySize {
		copy(pub, k.Key[ed25519.SeedSize:])
	}
	return &PublicKey{ID: k.ID, Key: pub, Comment: fmt.Sprintf("public key %s", k.ID)}
}

// Sign signs msg. An empty comment gives usign's "signed by key <id>",
// the comment every OpenWrt Packages.sig carries.
func (k *SecretKey) Sign(msg []byte, comment string) (*Signature, error) {
	if len(k.Key) != ed25519.PrivateKeySize {
		return nil, &InvalidKeyError{Kind: "secret key", Got: len(k.Key), Want: ed25519.PrivateKeySize}
	}
	if comment == "" {
		comment = "signed by key " + k.ID.String()
	} else if err := checkComment(comment); err != nil {
		return nil, err
	}
	s := &Signature{ID: k.ID, Comment: comment}
	copy(s.Sig[:], ed25519.Sign(k.Key, msg))
	return s, nil
}

// Marshal is the public key file. An empty Comment gives usign's default.
func (k *PublicKey) Marshal() ([]byte, error) {
	if len(k.Key) != ed25519.PublicKeySize {
		return nil, &InvalidKeyError{Kind: "public key", Got: len(k.Key), Want: ed25519.PublicKeySize}
	}
	comment, err := commentOr(k.Comment, "public key "+k.ID.String())
	if err != nil {
		return nil, err
	}
	rec := make([]byte, 0, publicKeyLen)
	rec = append(rec, algEd...)
	rec = binary.BigEndian.AppendUint64(rec, uint64(k.ID))
	rec = append(rec, k.Key...)
	return encodeFile(comment, rec), nil
}

// Marshal is the secret key file, unencrypted (kdf rounds 0), which both
// usign and `signify -S` read without asking for a passphrase. An empty
// Comment gives usign's default.
func (k *SecretKey) Marshal() ([]byte, error) {
	if len(k.Key) != ed25519.PrivateKeySize {
		return nil, &InvalidKeyError{Kind: "secret key", Got: len(k.Key), Want: ed25519.PrivateKeySize}
	}
	comment, err := commentOr(k.Comment, "private key "+k.ID.String())
	if err != nil {
		return nil, err
	}
	sum := sha512.Sum512(k.Key)
	rec := make([]byte, 0, secretKeyLen)
	rec = append(rec, algEd...)
	rec = append(rec, algBcrypt...)
	rec = binary.BigEndian.AppendUint32(rec, 0)
	rec = append(rec, k.Salt[:]...)
	rec = append(rec, sum[:checksumLen]...)
	rec = binary.BigEndian.AppendUint64(rec, uint64(k.ID))
	rec = append(rec, k.Key...)
	return encodeFile(comment, rec), nil
}

func commentOr(comment, def string) (string, error) {
	if comment == "" {
		return def, nil
	}
	return comment, checkComment(comment)
}
