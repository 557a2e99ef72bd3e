package feedtest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
)

// Broken twins of a feed. Each returns a changed copy and leaves the
// original alone; what stays is correct (a wrong checksum is signed
// properly, so only the checksum check can catch it).

// WithWrongChecksum lists a SHA256sum for the package (by label or name)
// that is not its file's: an index that verifies, over a package that does
// not match it.
func (f *Feed) WithWrongChecksum(pkg string) (*Feed, error) {
	p, ok := f.Package(pkg)
	if !ok {
		return nil, fmt.Errorf("feedtest: no package %q", pkg)
	}
	wrong := sha256.Sum256([]byte("not " + p.SHA256sum))
	return f.replaceInIndex("SHA256sum: "+p.SHA256sum+"\n", "SHA256sum: "+hex.EncodeToString(wrong[:])+"\n")
}

// WithWrongSize lists a Size one byte larger than the package's file.
func (f *Feed) WithWrongSize(pkg string) (*Feed, error) {
	p, ok := f.Package(pkg)
	if !ok {
		return nil, fmt.Errorf("feedtest: no package %q", pkg)
	}
	// The Filename line precedes Size in every stanza, which makes the
	// pair unique.
	old := "Filename: " + p.Filename + "\nSize: " + strconv.FormatInt(p.Size, 10) + "\n"
	return f.replaceInIndex(old, "Filename: "+p.Filename+"\nSize: "+strconv.FormatInt(p.Size+1, 10)+"\n")
}

// WithTamperedPackage changes a byte of the package's file after the index
// was made: size and index stay, the checksum no longer matches. The byte
// is the first of the outer gzip's CRC-32, so the archive itself is also
// refused by a reader (a byte in the middle could land in a gzip header's
// unchecked mtime and go unnoticed by anything but the checksum).
func (f *Feed) WithTamperedPackage(pkg string) (*Feed, error) {
	p, ok := f.Package(pkg)
	if !ok {
		return nil, fmt.Errorf("feedtest: no package %q", pkg)
	}
	g := f.Clone()
	b := bytes.Clone(g.Files[p.Filename])
	b[len(b)-8] ^= 0xff
	g.Files[p.Filename] = b
	return g, nil
}

// WithMissingFile drops a file from the feed (a package by label or name,
// or any file name such as Packages.gz); the index still lists it.
func (f *Feed) WithMissingFile(name string) (*Feed, error) {
	if p, ok := f.Package(name); ok {
		name = p.Filename
	}
	if _, ok := f.Files[name]; !ok {
		return nil, fmt.Errorf("feedtest: no file %q", name)
	}
	g := f.Clone()
	delete(g.Files, name)
	return g, nil
}

// WithWrongSignature keeps Packages and replaces Packages.sig with a
// signature by the same key over other bytes: the key is found, the
// signature does not verify.
func (f *Feed) WithWrongSignature() (*Feed, error) {
	g := f.Clone()
	other := append(bytes.Clone(f.Files[PackagesFile]), "\n"...)
	sig, err := f.Key.Sign(other, "")
	if err != nil {
		return nil, err
	}
	b, err := sig.Marshal()
	if err != nil {
		return nil, err
	}
	g.Files[SigFile] = b
	return g, nil
}

// WithUnknownKey re-signs Packages with another test key, one the device
// does not have.
func (f *Feed) WithUnknownKey() (*Feed, error) {
	key, err := testKey("feedtest other")
	if err != nil {
		return nil, err
	}
	g := f.Clone()
	if err := g.setIndex(g.Files[PackagesFile], key); err != nil {
		return nil, err
	}
	return g, nil
}

// WithoutSignature drops Packages.sig.
func (f *Feed) WithoutSignature() *Feed {
	g := f.Clone()
	delete(g.Files, SigFile)
	return g
}

// replaceInIndex edits Packages once, then regzips and re-signs it.
func (f *Feed) replaceInIndex(old, new string) (*Feed, error) {
	index := f.Files[PackagesFile]
	if bytes.Count(index, []byte(old)) != 1 {
		return nil, fmt.Errorf("feedtest: %q is not in the index exactly once", old)
	}
	g := f.Clone()
	key := f.Key
	if _, signed := f.Files[SigFile]; !signed {
		key = nil
	}
	if err := g.setIndex(bytes.Replace(index, []byte(old), []byte(new), 1), key); err != nil {
		return nil, err
	}
	return g, nil
}
