package feedtest

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"pakt/internal/control"
	"pakt/internal/ipk"
	"pakt/internal/sign"
)

// ModTimeUnix is the mtime of every entry of every package built here
// (2024-01-01 00:00:00 UTC).
const ModTimeUnix = 1704067200

// The names of a feed's index files.
const (
	PackagesFile = "Packages"
	GzipFile     = "Packages.gz"
	SigFile      = "Packages.sig"
)

// Feed is a feed held in memory: what a server serves, by file name.
type Feed struct {
	// Files holds every file of the feed by name: the .ipk files,
	// Packages, Packages.gz and Packages.sig. Variants change it.
	Files map[string][]byte
	// Packages lists the packages built, in index order.
	Packages []Package
	// Key signed Packages.sig; Public is its public half. The key is
	// derived from a fixed seed, so KeyID is the same in every run.
	Key    *sign.SecretKey
	Public *sign.PublicKey
}

// Package is one package of a feed.
type Package struct {
	Label        string // its directory in the description
	Name         string
	Version      string
	Architecture string
	Filename     string
	Size         int64
	SHA256sum    string
	Control      []byte // the control file as packaged (Installed-Size filled in)
}

// KeyID is the id of the key that signs the feed: the file name of its
// public key under /etc/opkg/keys.
func (f *Feed) KeyID() sign.KeyID { return f.Public.ID }

// PublicKeyFile is the public key file to install under /etc/opkg/keys.
func (f *Feed) PublicKeyFile() []byte {
	b, err := f.Public.Marshal()
	if err != nil {
		panic(err) // a generated key always marshals
	}
	return b
}

// Package returns the package built from the label, or the first one of
// that name.
func (f *Feed) Package(labelOrName string) (Package, bool) {
	for _, p := range f.Packages {
		if p.Label == labelOrName {
			return p, true
		}
	}
	for _, p := range f.Packages {
		if p.Name == labelOrName {
			return p, true
		}
	}
	return Package{}, false
}

// IPK returns the bytes of a package's .ipk, by label or name.
func (f *Feed) IPK(labelOrName string) []byte {
	p, ok := f.Package(labelOrName)
	if !ok {
		return nil
	}
	return f.Files[p.Filename]
}

// Build builds a feed from a description (see the package documentation).
func Build(desc []byte) (*Feed, error) {
	files, err := parseTxtar(desc)
	if err != nil {
		return nil, err
	}
	return buildFiles(files)
}

func buildFiles(files []txtarFile) (*Feed, error) {
	sources, err := collect(files)
	if err != nil {
		return nil, err
	}
	key, err := testKey("feedtest")
	if err != nil {
		return nil, err
	}
	f := &Feed{Files: map[string][]byte{}, Key: key, Public: key.Public()}
	for _, src := range sources {
		p, data, err := src.build()
		if err != nil {
			return nil, fmt.Errorf("feedtest: package %s: %w", src.label, err)
		}
		if _, dup := f.Files[p.Filename]; dup {
			return nil, fmt.Errorf("feedtest: package %s: %s built twice", src.label, p.Filename)
		}
		f.Files[p.Filename] = data
		f.Packages = append(f.Packages, p)
	}
	slices.SortFunc(f.Packages, func(a, b Package) int { return strings.Compare(a.Filename, b.Filename) })
	index, err := f.index()
	if err != nil {
		return nil, err
	}
	if err := f.setIndex(index, key); err != nil {
		return nil, err
	}
	return f, nil
}

// BuildFS builds a feed from a directory laid out like a description:
// <label>/control, <label>/<member>, <label>/data/<tree>. Permissions and
// symlinks of the tree are taken from fsys (symlinks need an fs.ReadLinkFS
// such as os.DirFS); a testscript writes such a directory from its archive.
func BuildFS(fsys fs.FS) (*Feed, error) {
	var files []txtarFile
	err := fs.WalkDir(fsys, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || name == "." {
			return err
		}
		label, rest, nested := strings.Cut(name, "/")
		if !nested {
			if !d.IsDir() {
				return fmt.Errorf("feedtest: %s: want a directory per package", name)
			}
			return nil
		}
		if rest == "data" {
			return nil
		}
		if !strings.HasPrefix(rest, "data/") {
			if d.IsDir() {
				return fmt.Errorf("feedtest: %s: control members are plain files; the tree goes under data/", name)
			}
			data, err := fs.ReadFile(fsys, name)
			files = append(files, txtarFile{name: label + "/" + rest, data: data})
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		perm := fmt.Sprintf(" mode=%04o", info.Mode().Perm())
		switch {
		case d.IsDir():
			files = append(files, txtarFile{name: name + "/" + perm})
		case d.Type()&fs.ModeSymlink != 0:
			target, err := fs.ReadLink(fsys, name)
			if err != nil {
				return err
			}
			files = append(files, txtarFile{name: name + " -> " + target})
		case d.Type().IsRegular():
			data, err := fs.ReadFile(fsys, name)
			if err != nil {
				return err
			}
			files = append(files, txtarFile{name: name + perm, data: data})
		default:
			return fmt.Errorf("feedtest: %s: not a file, directory or symlink", name)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return buildFiles(files)
}

// MustBuild is Build for tests: a bad description fails the test.
func MustBuild(t testing.TB, desc string) *Feed {
	t.Helper()
	f, err := Build([]byte(desc))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// index writes the Packages text: each control file with Filename, Size
// and SHA256sum before Description (ipkg-make-index.sh's order).
func (f *Feed) index() ([]byte, error) {
	var buf bytes.Buffer
	w := control.NewWriter(&buf)
	for _, p := range f.Packages {
		stanzas, err := control.Parse(p.Filename, p.Control)
		if err != nil {
			return nil, err
		}
		s := &stanzas[0]
		add := []control.Field{
			{Name: "Filename", Value: p.Filename},
			{Name: "Size", Value: strconv.FormatInt(p.Size, 10)},
			{Name: "SHA256sum", Value: p.SHA256sum},
		}
		at := slices.IndexFunc(s.Fields, func(f control.Field) bool { return f.Name == "Description" })
		if at < 0 {
			at = len(s.Fields)
		}
		s.Fields = slices.Insert(s.Fields, at, add...)
		if err := w.Write(s); err != nil {
			return nil, err
		}
	}
	if err := w.Flush(); err != nil {
		return nil, err
	}
	if len(f.Packages) == 0 {
		buf.WriteByte('\n')
	}
	return buf.Bytes(), nil
}

// setIndex stores Packages, its gzip and, with a key, its signature.
func (f *Feed) setIndex(index []byte, key *sign.SecretKey) error {
	f.Files[PackagesFile] = index
	f.Files[GzipFile] = gzipBytes(index)
	delete(f.Files, SigFile)
	if key == nil {
		return nil
	}
	sig, err := key.Sign(index, "")
	if err != nil {
		return err
	}
	b, err := sig.Marshal()
	if err != nil {
		return err
	}
	f.Files[SigFile] = b
	return nil
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf) // zero header: no name, no mtime (gzip -n)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// Clone returns a copy whose Files can be changed without touching f.
func (f *Feed) Clone() *Feed {
	g := *f
	g.Files = maps.Clone(f.Files)
	g.Packages = slices.Clone(f.Packages)
	return &g
}

// WriteDir writes every file of the feed into dir (created if needed),
// for file:// feeds and for comparing with what pakt index writes.
func (f *Feed) WriteDir(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, name := range slices.Sorted(maps.Keys(f.Files)) {
		if err := os.WriteFile(filepath.Join(dir, name), f.Files[name], 0o644); err != nil {
			return err
		}
	}
	return nil
}

// source is one package of a description.
type source struct {
	label   string
	control []byte
	members map[string][]byte // control members but control
	tree    fstest.MapFS
}

func collect(files []txtarFile) ([]*source, error) {
	byLabel := map[string]*source{}
	var order []*source
	for _, tf := range files {
		name, attrs, _ := strings.Cut(tf.name, " ")
		label, rest, ok := strings.Cut(name, "/")
		if !ok || label == "" || rest == "" {
			return nil, fmt.Errorf("feedtest: %q: want <package>/<file>", tf.name)
		}
		src := byLabel[label]
		if src == nil {
			src = &source{label: label, members: map[string][]byte{}, tree: fstest.MapFS{}}
			byLabel[label] = src
			order = append(order, src)
		}
		switch {
		case rest == "control":
			src.control = tf.data
		case strings.HasPrefix(rest, "data/"):
			if err := src.addTree(strings.TrimPrefix(rest, "data/"), strings.TrimSpace(attrs), tf.data); err != nil {
				return nil, fmt.Errorf("feedtest: %q: %w", tf.name, err)
			}
		case !strings.Contains(rest, "/") && attrs == "":
			src.members[rest] = tf.data
		default:
			return nil, fmt.Errorf("feedtest: %q: control members are plain files directly under the package; the tree goes under data/", tf.name)
		}
	}
	for _, src := range order {
		if src.control == nil {
			src.control = []byte{}
		}
	}
	return order, nil
}

// addTree adds one data entry: a file, a symlink ("-> target"), or an
// empty directory (trailing "/"), with parents made 0755.
func (src *source) addTree(name, attrs string, data []byte) error {
	dir := strings.HasSuffix(name, "/")
	name = strings.TrimSuffix(name, "/")
	if !fs.ValidPath(name) || name == "." {
		return fmt.Errorf("bad path %q", name)
	}
	mode := fs.FileMode(0o644)
	if dir {
		mode = fs.ModeDir | 0o755
	}
	file := &fstest.MapFile{Data: data, ModTime: time.Unix(ModTimeUnix, 0)}
	switch {
	case strings.HasPrefix(attrs, "-> "):
		file.Data = []byte(strings.TrimPrefix(attrs, "-> "))
		mode = fs.ModeSymlink | 0o777
	case strings.HasPrefix(attrs, "mode="):
		m, err := strconv.ParseUint(strings.TrimPrefix(attrs, "mode="), 8, 32)
		if err != nil || m > 0o7777 {
			return fmt.Errorf("bad mode %q", attrs)
		}
		mode = mode&fs.ModeType | fs.FileMode(m&0o777)
		if m&0o4000 != 0 {
			mode |= fs.ModeSetuid
		}
		if m&0o2000 != 0 {
			mode |= fs.ModeSetgid
		}
	case attrs != "":
		return fmt.Errorf("unknown attribute %q (want mode=NNNN or -> target)", attrs)
	}
	file.Mode = mode
	src.tree[name] = file
	for p := path.Dir(name); p != "."; p = path.Dir(p) {
		if _, ok := src.tree[p]; !ok {
			src.tree[p] = &fstest.MapFile{Mode: fs.ModeDir | 0o755, ModTime: time.Unix(ModTimeUnix, 0)}
		}
	}
	return nil
}

// build makes the package's .ipk.
func (src *source) build() (Package, []byte, error) {
	stanzas, err := control.Parse(src.label+"/control", src.control)
	if err != nil {
		return Package{}, nil, err
	}
	var s *control.Stanza
	switch len(stanzas) {
	case 0:
		s = &control.Stanza{}
	case 1:
		s = &stanzas[0]
	default:
		return Package{}, nil, fmt.Errorf("control holds %d stanzas", len(stanzas))
	}
	defaults := [][2]string{
		{"Package", src.label}, {"Version", "1.0"}, {"Architecture", "all"},
		{"Maintainer", "feedtest"}, {"Description", src.label + " test package"},
	}
	for _, d := range defaults {
		if !s.Has(d[0]) {
			s.Append(d[0], d[1])
		}
	}
	pkg := ipk.Package{Data: src.tree}
	opts := ipk.WriteOptions{ModTime: time.Unix(ModTimeUnix, 0)}
	size, err := ipk.DataSize(pkg, opts)
	if err != nil {
		return Package{}, nil, err
	}
	if s.Has("Installed-Size") {
		s.Set("Installed-Size", strconv.FormatInt(size, 10))
	} else {
		at := slices.IndexFunc(s.Fields, func(f control.Field) bool { return f.Name == "Description" })
		s.Fields = slices.Insert(s.Fields, at, control.Field{Name: "Installed-Size", Value: strconv.FormatInt(size, 10)})
	}
	text, err := s.AppendText(nil)
	if err != nil {
		return Package{}, nil, err
	}
	pkg.Control = []ipk.ControlFile{{Name: "control", Mode: 0o644, Data: text}}
	for _, name := range slices.Sorted(maps.Keys(src.members)) {
		mode := fs.FileMode(0o755)
		if name == "conffiles" {
			mode = 0o644
		}
		pkg.Control = append(pkg.Control, ipk.ControlFile{Name: name, Mode: mode, Data: src.members[name]})
	}
	var buf bytes.Buffer
	if err := ipk.Write(&buf, pkg, opts); err != nil {
		return Package{}, nil, err
	}
	version := s.Get("Version")
	if len(version) >= 2 && version[1] == ':' {
		version = version[2:] // the build scripts' file name drops a one-character epoch
	}
	p := Package{
		Label:        src.label,
		Name:         s.Get("Package"),
		Version:      s.Get("Version"),
		Architecture: s.Get("Architecture"),
		Size:         int64(buf.Len()),
		Control:      text,
	}
	p.Filename = p.Name + "_" + version + "_" + p.Architecture + ".ipk"
	sum := sha256.Sum256(buf.Bytes())
	p.SHA256sum = hex.EncodeToString(sum[:])
	return p, buf.Bytes(), nil
}

// testKey derives a key pair from a seed: the same key, and key id, in
// every run. Never use it for anything but tests.
func testKey(seed string) (*sign.SecretKey, error) {
	_, sec, err := sign.GenerateKey(&seededReader{seed: seed}, "feedtest "+seed)
	return sec, err
}

// seededReader is SHA-256 in counter mode over a seed.
type seededReader struct {
	seed    string
	counter uint64
	buf     []byte
}

func (r *seededReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if len(r.buf) == 0 {
			var c [8]byte
			binary.BigEndian.PutUint64(c[:], r.counter)
			r.counter++
			sum := sha256.Sum256(append([]byte(r.seed), c[:]...))
			r.buf = sum[:]
		}
		k := copy(p[n:], r.buf)
		r.buf = r.buf[k:]
		n += k
	}
	return n, nil
}
