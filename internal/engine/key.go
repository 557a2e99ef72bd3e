package engine

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"pakt/internal/sign"
)

// The key use cases are pakt's usign: generate a key pair (usign -G), sign a
// file (usign -S), verify a file (usign -V, with one key or a key directory
// such as /etc/opkg/keys) and print a key id (usign -F). Files are named as
// the user gave them, relative to System.Dir; reading goes through
// System.Files. Writing uses the operating system directly, since System has
// no writer yet: key files are created exclusively (a key is never
// overwritten, as signify refuses to), signatures replace the old one
// atomically (temporary file, fsync, rename, fsync of the directory).

// maxKeyFileSize bounds what is read of a key or signature file named on the
// command line; real ones are about 100 bytes.
const maxKeyFileSize = 64 << 10

// Stdin is the file name that means standard input, as in usign.
const Stdin = "-"

// KeyGenerateRequest asks for a new key pair.
type KeyGenerateRequest struct {
	SecretKey string // file to create, mode 0600
	PublicKey string // file to create
	Comment   string // "" for usign's "public key <id>" / "private key <id>"
}

// KeyGenerated is the key pair KeyGenerate wrote.
type KeyGenerated struct {
	ID                   sign.KeyID
	SecretKey, PublicKey string
}

// KeySignRequest asks for a signature of a file.
type KeySignRequest struct {
	SecretKey string
	Message   string    // file to sign, or Stdin
	Input     io.Reader // read when Message is Stdin
	Signature string    // "" means Message + ".sig"
	Comment   string    // "" for usign's "signed by key <id>"
}

// KeySigned is the signature KeySign wrote.
type KeySigned struct {
	ID        sign.KeyID
	Signature string
}

// KeyVerifyRequest asks whether a file carries a good signature. Exactly
// one of PublicKey and KeyDir is set.
type KeyVerifyRequest struct {
	PublicKey string // key file
	KeyDir    string // directory of keys named by key id (/etc/opkg/keys)
	Message   string // file, or Stdin
	Input     io.Reader
	Signature string // "" means Message + ".sig"
}

// KeyVerified is a good signature.
type KeyVerified struct {
	ID        sign.KeyID
	Key       string // the key file that verified it
	Signature string
}

// KeyIdentified is what KeyID read.
type KeyIdentified struct {
	ID   sign.KeyID
	Kind string // sign.KindPublicKey, sign.KindSecretKey or sign.KindSignature
}

// KeyRequestError is a key request that cannot be carried out as asked
// (a missing or contradictory file name); the command line reports it as a
// usage error.
type KeyRequestError struct{ Problem string }

func (e *KeyRequestError) Error() string { return e.Problem }

// FileError is a file the key use cases could not read or write.
type FileError struct {
	Op   string // "read" or "write"
	Path string // as the user gave it
	Err  error
}

func (e *FileError) Error() string {
	if e.Op == "write" && errors.Is(e.Err, fs.ErrExist) {
		return fmt.Sprintf("cannot write %s: file exists (a key is never overwritten)", e.Path)
	}
	return fmt.Sprintf("cannot %s %s: %v", e.Op, e.Path, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// KeyGenerate makes a key pair and writes both files. Neither file may
// exist; when the second cannot be written, the first is removed again, so
// there is never half a pair.
func (e *Engine) KeyGenerate(ctx context.Context, req KeyGenerateRequest) (*KeyGenerated, error) {
	if req.SecretKey == "" || req.PublicKey == "" {
		return nil, &KeyRequestError{Problem: "generate needs a secret key file and a public key file"}
	}
	if e.osPath(req.SecretKey) == e.osPath(req.PublicKey) {
		return nil, &KeyRequestError{Problem: "the secret and the public key file are the same file: " + req.SecretKey}
	}
	for _, p := range []string{req.SecretKey, req.PublicKey} {
		if _, err := os.Lstat(e.osPath(p)); err == nil {
			return nil, &FileError{Op: "write", Path: p, Err: fs.ErrExist}
		}
	}
	pub, sec, err := sign.GenerateKey(nil, req.Comment)
	if err != nil {
		return nil, err
	}
	secData, err := sec.Marshal()
	if err != nil {
		return nil, err
	}
	pubData, err := pub.Marshal()
	if err != nil {
		return nil, err
	}
	if err := writeFile(e.osPath(req.SecretKey), secData, 0o600, true); err != nil {
		return nil, &FileError{Op: "write", Path: req.SecretKey, Err: err}
	}
	if err := writeFile(e.osPath(req.PublicKey), pubData, 0o644, true); err != nil {
		os.Remove(e.osPath(req.SecretKey))
		return nil, &FileError{Op: "write", Path: req.PublicKey, Err: err}
	}
	return &KeyGenerated{ID: pub.ID, SecretKey: req.SecretKey, PublicKey: req.PublicKey}, nil
}

// KeySign signs a file with a secret key and writes the signature.
func (e *Engine) KeySign(ctx context.Context, req KeySignRequest) (*KeySigned, error) {
	sigPath, err := signatureFor(req.Message, req.Signature)
	if err != nil {
		return nil, err
	}
	if req.SecretKey == "" {
		return nil, &KeyRequestError{Problem: "sign needs a secret key file"}
	}
	data, err := e.readSmall(req.SecretKey)
	if err != nil {
		return nil, err
	}
	sec, err := sign.ParseSecretKey(req.SecretKey, data)
	if err != nil {
		return nil, err
	}
	msg, err := e.readMessage(req.Message, req.Input)
	if err != nil {
		return nil, err
	}
	sig, err := sec.Sign(msg, req.Comment)
	if err != nil {
		return nil, err
	}
	out, err := sig.Marshal()
	if err != nil {
		return nil, err
	}
	if err := writeFile(e.osPath(sigPath), out, 0o644, false); err != nil {
		return nil, &FileError{Op: "write", Path: sigPath, Err: err}
	}
	return &KeySigned{ID: sig.ID, Signature: sigPath}, nil
}

// KeyVerify checks a file's signature with one key or with the key the
// signature names in a key directory (as opkg-key verify does with usign -P).
func (e *Engine) KeyVerify(ctx context.Context, req KeyVerifyRequest) (*KeyVerified, error) {
	sigPath, err := signatureFor(req.Message, req.Signature)
	if err != nil {
		return nil, err
	}
	if (req.PublicKey == "") == (req.KeyDir == "") {
		return nil, &KeyRequestError{Problem: "verify needs either a public key file or a key directory"}
	}
	data, err := e.readSmall(sigPath)
	if err != nil {
		return nil, err
	}
	sig, err := sign.ParseSignature(sigPath, data)
	if err != nil {
		return nil, err
	}
	msg, err := e.readMessage(req.Message, req.Input)
	if err != nil {
		return nil, err
	}
	var key *sign.PublicKey
	if req.KeyDir != "" {
		dir, err := fs.Sub(e.sys.Files, e.fsPath(req.KeyDir))
		if err != nil {
			return nil, &FileError{Op: "read", Path: req.KeyDir, Err: err}
		}
		key, err = sign.VerifyDir(dir, strings.TrimSuffix(req.KeyDir, "/"), msg, sig)
		if err != nil {
			return nil, err
		}
	} else {
		data, err := e.readSmall(req.PublicKey)
		if err != nil {
			return nil, err
		}
		if key, err = sign.ParsePublicKey(req.PublicKey, data); err != nil {
			return nil, err
		}
		if err := key.Verify(msg, sig); err != nil {
			return nil, err
		}
	}
	return &KeyVerified{ID: key.ID, Key: key.File, Signature: sigPath}, nil
}

// KeyID reads the key id from a public key, secret key or signature file.
func (e *Engine) KeyID(ctx context.Context, file string) (*KeyIdentified, error) {
	data, err := e.readSmall(file)
	if err != nil {
		return nil, err
	}
	id, kind, err := sign.ReadKeyID(file, data)
	if err != nil {
		return nil, err
	}
	return &KeyIdentified{ID: id, Kind: kind}, nil
}

// signatureFor is the signature file of a message: the one given, or
// <message>.sig as usign and signify default to.
func signatureFor(message, signature string) (string, error) {
	switch {
	case message == "":
		return "", &KeyRequestError{Problem: "no file to sign or verify given"}
	case signature != "":
		return signature, nil
	case message == Stdin:
		// usign: "Need signature file when reading message from stdin".
		return "", &KeyRequestError{Problem: "a signature file (-x) is needed when the message is read from standard input"}
	}
	return message + ".sig", nil
}

// osPath is the absolute operating-system path of a command-line name.
func (e *Engine) osPath(name string) string {
	if filepath.IsAbs(name) {
		return filepath.Clean(name)
	}
	return filepath.Join(e.sys.Dir, name)
}

// fsPath is the name of a command-line path inside System.Files.
func (e *Engine) fsPath(name string) string {
	p := strings.TrimPrefix(filepath.ToSlash(e.osPath(name)), "/")
	if p == "" {
		return "."
	}
	return p
}

// readSmall reads a key or signature file, refusing anything too large to
// be one before reading it all.
func (e *Engine) readSmall(name string) ([]byte, error) {
	f, err := e.sys.Files.Open(e.fsPath(name))
	if err != nil {
		return nil, &FileError{Op: "read", Path: name, Err: pathCause(err)}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFileSize+1))
	if err != nil {
		return nil, &FileError{Op: "read", Path: name, Err: pathCause(err)}
	}
	if len(data) > maxKeyFileSize {
		return nil, &FileError{Op: "read", Path: name, Err: fmt.Errorf("larger than %d bytes, not a key or signature file", maxKeyFileSize)}
	}
	return data, nil
}

// readMessage reads the whole file to sign or verify: Ed25519 needs all of
// it before the check can start (see package sign).
func (e *Engine) readMessage(name string, stdin io.Reader) ([]byte, error) {
	if name == Stdin {
		if stdin == nil {
			stdin = strings.NewReader("")
		}
		data, err := io.ReadAll(stdin)
		if err != nil {
			return nil, &FileError{Op: "read", Path: "standard input", Err: err}
		}
		return data, nil
	}
	data, err := fs.ReadFile(e.sys.Files, e.fsPath(name))
	if err != nil {
		return nil, &FileError{Op: "read", Path: name, Err: pathCause(err)}
	}
	return data, nil
}

// pathCause drops the *fs.PathError around an error: its path is the
// internal fs name, and FileError already says which file.
func pathCause(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// writeFile writes data to path through a temporary file in the same
// directory, so the file appears whole or not at all. With exclusive, an
// existing file is an error (fs.ErrExist) and is left alone.
func writeFile(path string, data []byte, perm os.FileMode, exclusive bool) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".pakt-*")
	if err != nil {
		return pathCause(err)
	}
	name := tmp.Name()
	defer os.Remove(name)
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return pathCause(err)
	}
	if err := tmp.Chmod(perm); err != nil {
		tmp.Close()
		return pathCause(err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return pathCause(err)
	}
	if err := tmp.Close(); err != nil {
		return pathCause(err)
	}
	if exclusive {
		// link(2) fails if path exists: an atomic create-if-absent.
		if err := os.Link(name, path); err != nil {
			var le *os.LinkError
			if errors.As(err, &le) {
				err = le.Err
			}
			if errors.Is(err, fs.ErrExist) {
				return fs.ErrExist
			}
			return err
		}
	} else if err := os.Rename(name, path); err != nil {
		var le *os.LinkError
		if errors.As(err, &le) {
			return le.Err
		}
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename or link in dir durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return pathCause(err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, os.ErrInvalid) {
		return pathCause(err)
	}
	return nil
}
