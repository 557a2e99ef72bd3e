package sign

import (
	"errors"
	"fmt"
	"strings"
)

// Causes inside a *SyntaxError, for errors.Is.
var (
	ErrCommentLine  = errors.New(`first line must start with "untrusted comment: "`)
	ErrMissingData  = errors.New("missing base64 line after the comment line")
	ErrTrailingData = errors.New("unexpected data after the base64 line")
)

// SyntaxError is a key or signature file that cannot be read.
type SyntaxError struct {
	File string // name given to the parser
	Line int    // 1: comment line, 2: base64 line, more: after it
	Kind string // "public key", "secret key" or "signature"
	Err  error  // one of the Err* values, *LengthError, *AlgorithmError, *ChecksumError, or a base64 error
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%s:%d: malformed %s file: %v", e.File, e.Line, e.Kind, e.Err)
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// Base64Error is a base64 line that does not decode.
type Base64Error struct{ Err error }

func (e *Base64Error) Error() string { return "invalid base64: " + e.Err.Error() }
func (e *Base64Error) Unwrap() error { return e.Err }

// LengthError is a base64 line that decodes to the wrong number of bytes.
type LengthError struct {
	Got, Want int // Want is 0 when any of the three records would do
}

func (e *LengthError) Error() string {
	if e.Want == 0 {
		return fmt.Sprintf("base64 decodes to %d bytes: not a public key (42), signature (74) or secret key (104)", e.Got)
	}
	return fmt.Sprintf("base64 decodes to %d bytes, want %d", e.Got, e.Want)
}

// AlgorithmError is an algorithm tag other than the one usign and signify
// know ("Ed" for the signature scheme, "BK" for the secret key's KDF).
type AlgorithmError struct {
	Field string // "signature algorithm" or "KDF algorithm"
	Got   string
	Want  string
}

func (e *AlgorithmError) Error() string {
	return fmt.Sprintf("unsupported %s %q (want %q)", e.Field, e.Got, e.Want)
}

// ChecksumError is a secret key whose bytes do not match its checksum, or
// whose public half does not belong to its seed: the file is corrupted.
type ChecksumError struct {
	ID     KeyID
	Reason string
}

func (e *ChecksumError) Error() string {
	return fmt.Sprintf("secret key %s is corrupted: %s", e.ID, e.Reason)
}

// EncryptedKeyError is a passphrase-protected secret key (see the package
// documentation for why they are refused).
type EncryptedKeyError struct {
	File   string
	ID     KeyID
	Rounds uint32
}

func (e *EncryptedKeyError) Error() string {
	return fmt.Sprintf("%s: secret key %s is protected by a passphrase (bcrypt_pbkdf, %d rounds): "+
		"encrypted secret keys are not supported; generate the key without a passphrase "+
		"(signify -n, usign -G, pakt key generate)", e.File, e.ID, e.Rounds)
}

// CommentError is a comment that cannot be written into a file: it must be
// one line, without NUL, and short enough for signify (at most 1023 bytes).
type CommentError struct {
	Comment string
	Reason  string
}

func (e *CommentError) Error() string {
	c := e.Comment
	if len(c) > 40 {
		c = c[:40] + "..."
	}
	return fmt.Sprintf("comment %q %s", c, e.Reason)
}

// InvalidKeyError is a key value built in code with the wrong size.
type InvalidKeyError struct {
	Kind string
	Got  int
	Want int
}

func (e *InvalidKeyError) Error() string {
	return fmt.Sprintf("invalid %s: %d bytes, want %d", e.Kind, e.Got, e.Want)
}

// KeyMismatchError is a signature checked against a key other than the one
// that made it, or a key directory entry that holds another key than its name
// says.
type KeyMismatchError struct {
	Signature string // file the signature came from ("" if not parsed)
	Key       string // file the key came from ("" if not parsed)
	SigID     KeyID  // key that made the signature
	KeyID     KeyID  // key offered for checking it
}

func (e *KeyMismatchError) Error() string {
	key := "the key"
	if e.Key != "" {
		key = e.Key
	}
	return fmt.Sprintf("%ssignature made by key %s, but %s is key %s",
		prefix(e.Signature), e.SigID, key, e.KeyID)
}

// VerificationError is a signature that does not match the message under the
// right key: the message (or the signature) was changed after signing, or
// the signature was made over other bytes (e.g. Packages.gz instead of
// Packages).
type VerificationError struct {
	Signature string
	Key       string
	ID        KeyID
}

func (e *VerificationError) Error() string {
	key := ""
	if e.Key != "" {
		key = " (" + e.Key + ")"
	}
	return fmt.Sprintf("%ssignature verification failed: the data does not match the signature by key %s%s",
		prefix(e.Signature), e.ID, key)
}

// KeyNotFoundError is a key directory without the key a signature names.
type KeyNotFoundError struct {
	Dir   string
	ID    KeyID
	Tried []string // file names looked for, in order
}

func (e *KeyNotFoundError) Error() string {
	return fmt.Sprintf("no public key %s in %s (looked for %s)", e.ID, e.Dir, strings.Join(e.Tried, " and "))
}

// KeyReadError is a key directory entry that exists but cannot be read.
type KeyReadError struct {
	File string
	Err  error
}

func (e *KeyReadError) Error() string { return fmt.Sprintf("read key %s: %v", e.File, e.Err) }
func (e *KeyReadError) Unwrap() error { return e.Err }

func prefix(file string) string {
	if file == "" {
		return ""
	}
	return file + ": "
}
