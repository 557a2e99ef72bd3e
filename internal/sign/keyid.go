package sign

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
)

// KeyID is a key number: 8 random bytes fixed when a key pair is generated,
// carried by the public key, the secret key and every signature, read as a
// big-endian integer.
type KeyID uint64

// String is the fingerprint as `usign -F` prints it: 16 lowercase hex digits.
func (id KeyID) String() string { return fmt.Sprintf("%016x", uint64(id)) }

// FileName is the key file name usign gave keys before May 2020 and that
// devices still carry: lowercase hex without leading zeros.
func (id KeyID) FileName() string { return strconv.FormatUint(uint64(id), 16) }

// FileNames are the names a key directory may hold the key under, in the
// order FindKey tries them: the padded name current usign and opkg-key use,
// then the unpadded one of older usign when it differs.
func (id KeyID) FileNames() []string {
	if padded, short := id.String(), id.FileName(); padded != short {
		return []string{padded, short}
	}
	return []string{id.String()}
}

// ParseKeyID reads 1 to 16 hex digits, as key file names and `usign -F`
// output spell key ids.
func ParseKeyID(s string) (KeyID, error) {
	if len(s) == 0 || len(s) > 16 {
		return 0, fmt.Errorf("key id %q: want 1 to 16 hex digits", s)
	}
	v, err := strconv.ParseUint(s, 16, 64)
	if err != nil {
		return 0, fmt.Errorf("key id %q: want 1 to 16 hex digits", s)
	}
	return KeyID(v), nil
}

func keyIDFrom(b []byte) KeyID { return KeyID(binary.BigEndian.Uint64(b)) }

// Kinds of file, as ReadKeyID reports them.
const (
	KindPublicKey = "public key"
	KindSecretKey = "secret key"
	KindSignature = "signature"
)

// ReadKeyID returns the key id inside a public key, secret key or signature
// file and which of them it is, as `usign -F` prints it. Nothing but the
// format is checked: the id of a passphrase-protected or corrupted secret
// key is still read.
func ReadKeyID(name string, data []byte) (KeyID, string, error) {
	var firstErr error
	for _, f := range []struct {
		kind   string
		length int
		at     int // offset of the key number in the record
	}{{KindPublicKey, publicKeyLen, 2}, {KindSignature, signatureLen, 2}, {KindSecretKey, secretKeyLen, 32}} {
		_, rec, err := decodeFile(name, "key or signature", data, f.length)
		if err == nil {
			return keyIDFrom(rec[f.at : f.at+8]), f.kind, nil
		}
		var le *LengthError
		if !errors.As(err, &le) {
			return 0, "", err
		}
		if firstErr == nil {
			firstErr = &SyntaxError{File: name, Line: 2, Kind: "key or signature", Err: &LengthError{Got: le.Got}}
		}
	}
	return 0, "", firstErr
}
