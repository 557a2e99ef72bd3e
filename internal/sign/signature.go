package sign

import (
	"crypto/ed25519"
	"encoding/binary"
)

const signatureLen = 2 + 8 + ed25519.SignatureSize // 74

// Signature is a usign/signify signature (a .sig file).
type Signature struct {
	ID      KeyID // key number of the key that made it
	Sig     [ed25519.SignatureSize]byte
	Comment string // usign writes "signed by key <id>"
	File    string // name it was parsed from; "" when made in memory
}

// ParseSignature reads a signature file.
func ParseSignature(name string, data []byte) (*Signature, error) {
	comment, rec, err := decodeFile(name, KindSignature, data, signatureLen)
	if err != nil {
		return nil, err
	}
	s := &Signature{ID: keyIDFrom(rec[2:10]), Comment: comment, File: name}
	copy(s.Sig[:], rec[10:])
	return s, nil
}

// Marshal is the signature file. An empty Comment gives usign's default.
func (s *Signature) Marshal() ([]byte, error) {
	comment, err := commentOr(s.Comment, "signed by key "+s.ID.String())
	if err != nil {
		return nil, err
	}
	rec := make([]byte, 0, signatureLen)
	rec = append(rec, algEd...)
	rec = binary.BigEndian.AppendUint64(rec, uint64(s.ID))
	rec = append(rec, s.Sig[:]...)
	return encodeFile(comment, rec), nil
}

// Verify checks that sig was made by k over exactly msg. A signature by
// another key is a *KeyMismatchError, a signature that does not match is a
// *VerificationError.
func (k *PublicKey) Verify(msg []byte, sig *Signature) error {
	if sig.ID != k.ID {
		return &KeyMismatchError{Signature: sig.File, Key: k.File, SigID: sig.ID, KeyID: k.ID}
	}
	if len(k.Key) != ed25519.PublicKeySize {
		return &InvalidKeyError{Kind: "public key", Got: len(k.Key), Want: ed25519.PublicKeySize}
	}
	if !ed25519.Verify(k.Key, msg, sig.Sig[:]) {
		return &VerificationError{Signature: sig.File, Key: k.File, ID: k.ID}
	}
	return nil
}
