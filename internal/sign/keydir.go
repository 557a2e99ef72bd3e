package sign

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
)

// maxKeyFile bounds what is read of one key directory entry: a key file is
// about 100 bytes, at most ~1.2 KB with the longest comment signify allows.
const maxKeyFile = 4096

// FindKey returns the public key with id from a key directory such as
// /etc/opkg/keys, read through keys; dir only names the directory in errors
// and in the key's File. The key file is looked up by name as usign -P does
// (see KeyID.FileNames for both spellings), and the key inside must carry id.
func FindKey(keys fs.FS, dir string, id KeyID) (*PublicKey, error) {
	names := id.FileNames()
	for _, name := range names {
		data, err := readKeyFile(keys, name)
		file := path.Join(dir, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, &KeyReadError{File: file, Err: err}
		}
		k, err := ParsePublicKey(file, data)
		if err != nil {
			return nil, err
		}
		if k.ID != id {
			return nil, &KeyMismatchError{Key: file, SigID: id, KeyID: k.ID}
		}
		return k, nil
	}
	return nil, &KeyNotFoundError{Dir: dir, ID: id, Tried: names}
}

// VerifyDir checks sig over msg with the key it names from a key directory,
// as `usign -V -P dir` does, and returns that key.
func VerifyDir(keys fs.FS, dir string, msg []byte, sig *Signature) (*PublicKey, error) {
	k, err := FindKey(keys, dir, sig.ID)
	if err != nil {
		var mismatch *KeyMismatchError
		if errors.As(err, &mismatch) {
			mismatch.Signature = sig.File
		}
		return nil, err
	}
	return k, k.Verify(msg, sig)
}

func readKeyFile(keys fs.FS, name string) ([]byte, error) {
	f, err := keys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st, err := f.Stat(); err == nil && st.IsDir() {
		return nil, errors.New("is a directory")
	}
	data, err := io.ReadAll(io.LimitReader(f, maxKeyFile+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxKeyFile {
		return nil, fmt.Errorf("larger than %d bytes, not a key file", maxKeyFile)
	}
	return data, nil
}
