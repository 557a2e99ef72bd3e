package engine

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"pakt/internal/control"
	"pakt/internal/ipk"
	"pakt/internal/pkginfo"
	"pakt/internal/version"
)

// pakt build is ipkg-build / opkg-build: a package source directory (the
// tree to install, plus CONTROL/ with the control file, conffiles and
// maintainer scripts) becomes <name>_<version>_<arch>.ipk. The checks are
// opkg-build's (required fields, name characters, executable scripts,
// conffiles that exist, no Filename), all reported at once as it does;
// conffiles naming a directory stand for the files below it and
// Installed-Size is the uncompressed data archive's size, as OpenWrt's
// ipkg-build does. Unlike both scripts, the source directory is never
// modified (they rewrite CONTROL/control and CONTROL/conffiles in place),
// and the package appears whole or not at all: it is written to a
// temporary file beside its final name, synced, then renamed.

// BuildRequest asks for a package built from a directory.
type BuildRequest struct {
	Dir    string // package source directory, holding CONTROL/ (or DEBIAN/)
	OutDir string // where the .ipk goes; "" means the working directory
	// Owner and Group own every entry of the package: a number or "root";
	// "" means 0, what ipkg-build's --numeric-owner gives for a build as root.
	Owner, Group string
	// Ar writes the ar outer form of Yocto's opkg-build (its default)
	// instead of OpenWrt's gzip tar, the only form opkg-lede reads.
	Ar bool
}

// Built is the package Build wrote.
type Built struct {
	Dir           string // the source directory, absolute (ipkg-build prints its realpath)
	File          string // the package file, in the output directory as given
	Package       string
	Version       string
	Architecture  string
	InstalledSize int64
}

// SourceError is one problem with a package source directory: where (file,
// and line and field for the control file) and what.
type SourceError struct {
	Path    string // file or directory, as named on the command line plus the part inside
	Line    int    // 0 when not about one line
	Field   string // control field, "" when not about one
	Problem string
	Err     error // cause, may be nil
}

func (e *SourceError) Error() string {
	var b strings.Builder
	b.WriteString(e.Path)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Problem)
	if e.Err != nil {
		b.WriteString(": " + e.Err.Error())
	}
	return b.String()
}

func (e *SourceError) Unwrap() error { return e.Err }

// InvalidSourceError lists every problem found in a package source
// directory: opkg-build reports them all before giving up, so that one run
// shows everything to fix.
type InvalidSourceError struct {
	Dir      string
	Problems []*SourceError
}

func (e *InvalidSourceError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

func (e *InvalidSourceError) Unwrap() []error {
	errs := make([]error, len(e.Problems))
	for i, p := range e.Problems {
		errs[i] = p
	}
	return errs
}

// OwnerError is an -o/-g value pakt cannot turn into a number.
type OwnerError struct {
	Option string // "owner" or "group"
	Value  string
}

func (e *OwnerError) Error() string {
	return fmt.Sprintf("%s %q: only numeric ids and \"root\" are supported (packages store numeric owners only)", e.Option, e.Value)
}

// EnvError is an environment variable with a value pakt cannot use.
type EnvError struct {
	Name, Value string
	Err         error
}

func (e *EnvError) Error() string {
	return fmt.Sprintf("$%s=%q: %v", e.Name, e.Value, e.Err)
}

func (e *EnvError) Unwrap() error { return e.Err }

// requiredFields are opkg-build's required_field calls, in its order.
var requiredFields = []string{"Package", "Version", "Architecture", "Maintainer", "Description"}

// maintainerScripts must be executable (opkg-build: "package script ... is
// not executable"); opkg runs them directly.
var maintainerScripts = []string{"preinst", "postinst", "prerm", "postrm"}

// maxControlFile bounds a control member read from the source directory,
// the limit the reader puts on the other side.
const maxControlFile = ipk.DefaultMaxControlFileSize

// Build builds a package from a source directory and writes it to the
// output directory. On any error nothing is written.
func (e *Engine) Build(ctx context.Context, req BuildRequest) (*Built, error) {
	if req.Dir == "" {
		return nil, &SourceError{Path: ".", Problem: "no package directory given"}
	}
	wopts := ipk.WriteOptions{Outer: ipk.OuterTarGzip}
	if req.Ar {
		wopts.Outer = ipk.OuterAr
	}
	var err error
	if wopts.Uid, err = numericID("owner", req.Owner); err != nil {
		return nil, err
	}
	if wopts.Gid, err = numericID("group", req.Group); err != nil {
		return nil, err
	}
	if wopts.ModTime, err = e.buildTime(); err != nil {
		return nil, err
	}

	src, err := e.readSource(req.Dir)
	if err != nil {
		return nil, err
	}
	pkg := ipk.Package{Control: src.control, Data: src.tree, Exclude: []string{src.controlDir}}

	outDir := req.OutDir
	if outDir == "" || outDir == "." || outDir == "./" {
		outDir = e.sys.Dir // ipkg-build: $PWD
	}
	fileName := src.name + "_" + stripEpoch(src.version) + "_" + src.arch + ".ipk"
	outAbs := e.osPath(outDir)
	target := filepath.Join(outAbs, fileName)
	// An output directory inside the source must not package its own
	// output (an earlier build, or the temporary file being written).
	if rel, ok := within(src.abs, target); ok {
		pkg.Exclude = append(pkg.Exclude, rel)
	}

	size, err := ipk.DataSize(pkg, wopts)
	if err != nil {
		return nil, e.treeError(req.Dir, err)
	}
	setInstalledSize(src.stanza, size)
	text, err := src.stanza.AppendText(nil)
	if err != nil {
		return nil, &SourceError{Path: path.Join(req.Dir, src.controlDir, "control"), Problem: "cannot write the control file back", Err: err}
	}
	pkg.Control[0].Data = text

	if err := ctx.Err(); err != nil {
		return nil, err
	}
	err = writeAtomically(target, 0o644, func(tmp string) error {
		if rel, ok := within(src.abs, tmp); ok {
			pkg.Exclude = append(pkg.Exclude, rel)
		}
		f, err := os.OpenFile(tmp, os.O_WRONLY, 0)
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(f, 64<<10)
		err = ipk.Write(w, pkg, wopts)
		if err == nil {
			err = w.Flush()
		}
		if err == nil {
			err = f.Sync()
		}
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	})
	if err != nil {
		var unsupported *ipk.UnsupportedFileError
		if errors.As(err, &unsupported) {
			return nil, e.treeError(req.Dir, err)
		}
		return nil, &FileError{Op: "write", Path: filepath.Join(outDir, fileName), Err: pathCause(err)}
	}
	return &Built{
		Dir:           src.abs,
		File:          filepath.Join(outDir, fileName),
		Package:       src.name,
		Version:       src.version,
		Architecture:  src.arch,
		InstalledSize: size,
	}, nil
}

// treeError names the file of the data tree an ipk.UnsupportedFileError is
// about in the user's terms.
func (e *Engine) treeError(dir string, err error) error {
	var unsupported *ipk.UnsupportedFileError
	if errors.As(err, &unsupported) {
		return &SourceError{Path: path.Join(dir, unsupported.Path), Problem: "cannot be packaged", Err: err}
	}
	return &SourceError{Path: dir, Problem: "cannot read the package tree", Err: pathCause(err)}
}

// source is a package source directory, read and checked.
type source struct {
	abs        string
	tree       fs.FS  // the directory
	controlDir string // "CONTROL" or "DEBIAN"
	stanza     *control.Stanza
	control    []ipk.ControlFile // control first
	name       string
	version    string
	arch       string
}

// readSource reads and checks CONTROL/: every problem is collected into
// one *InvalidSourceError.
func (e *Engine) readSource(dir string) (*source, error) {
	src := &source{abs: e.osPath(dir)}
	info, err := fs.Stat(e.sys.Files, e.fsPath(dir))
	if err != nil || !info.IsDir() {
		return nil, &SourceError{Path: dir, Problem: "directory does not exist", Err: pathCauseOrNil(err)}
	}
	src.tree, err = fs.Sub(e.sys.Files, e.fsPath(dir))
	if err != nil {
		return nil, &SourceError{Path: dir, Problem: "cannot read", Err: err}
	}
	// opkg-build: CONTROL takes precedence over DEBIAN.
	for _, name := range []string{"CONTROL", "DEBIAN"} {
		if fi, err := fs.Stat(src.tree, name); err == nil && fi.IsDir() {
			src.controlDir = name
			break
		}
	}
	if src.controlDir == "" {
		return nil, &SourceError{Path: dir, Problem: "has no CONTROL subdirectory"}
	}
	cdir := path.Join(dir, src.controlDir)
	bad := &InvalidSourceError{Dir: dir}
	problem := func(p *SourceError) { bad.Problems = append(bad.Problems, p) }

	entries, err := fs.ReadDir(src.tree, src.controlDir)
	if err != nil {
		return nil, &SourceError{Path: cdir, Problem: "cannot read", Err: pathCause(err)}
	}
	var files []ipk.ControlFile
	for _, d := range entries {
		name := d.Name()
		fi, err := d.Info()
		if err != nil {
			problem(&SourceError{Path: path.Join(cdir, name), Problem: "cannot read", Err: pathCause(err)})
			continue
		}
		if !fi.Mode().IsRegular() {
			problem(&SourceError{Path: path.Join(cdir, name), Problem: "is not a regular file (a control archive holds plain files only)"})
			continue
		}
		if fi.Size() > maxControlFile {
			problem(&SourceError{Path: path.Join(cdir, name), Problem: fmt.Sprintf("is larger than %d bytes", maxControlFile)})
			continue
		}
		data, err := fs.ReadFile(src.tree, path.Join(src.controlDir, name))
		if err != nil {
			problem(&SourceError{Path: path.Join(cdir, name), Problem: "cannot read", Err: pathCause(err)})
			continue
		}
		if slices.Contains(maintainerScripts, name) && fi.Mode().Perm()&0o111 == 0 {
			problem(&SourceError{Path: path.Join(cdir, name), Problem: "package script is not executable"})
		}
		files = append(files, ipk.ControlFile{Name: name, Mode: fi.Mode().Perm(), Data: data})
	}
	ci := slices.IndexFunc(files, func(f ipk.ControlFile) bool { return f.Name == "control" })
	if ci < 0 {
		problem(&SourceError{Path: path.Join(cdir, "control"), Problem: "control file not found"})
		return nil, bad
	}
	// control first: the writer sorts the archive itself, and the caller
	// replaces its data once Installed-Size is known.
	files[0], files[ci] = files[ci], files[0]
	src.control = files

	controlPath := path.Join(cdir, "control")
	s, problems := CheckControl(controlPath, files[0].Data)
	bad.Problems = append(bad.Problems, problems...)
	if s != nil {
		src.stanza = s
		src.name, src.version, src.arch = s.Get("Package"), s.Get("Version"), s.Get("Architecture")
	}

	if i := slices.IndexFunc(files, func(f ipk.ControlFile) bool { return f.Name == "conffiles" }); i >= 0 {
		resolved, problems := resolveConffiles(src.tree, path.Join(cdir, "conffiles"), src.controlDir, files[i].Data)
		bad.Problems = append(bad.Problems, problems...)
		if len(resolved) == 0 {
			// ipkg-build drops a conffiles that resolves to nothing.
			src.control = slices.Delete(src.control, i, i+1)
		} else {
			src.control[i].Data = resolved
		}
	}
	if len(bad.Problems) > 0 {
		return nil, bad
	}
	return src, nil
}

// nameChars are the characters OpenWrt's ipkg-build accepts in a package
// name; the first 62 are the letters and digits a name must start with.
const nameChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-"

// archChars are the characters of every architecture in the real feeds
// (x86_64, mips_24kc, arm_cortex-a9_vfpv3-d16, raspberrypi3_64, all).
const archChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.+-"

// CheckControl parses a package's control file and checks it as opkg-build
// does, plus what pakt needs to name and read the package: exactly one
// stanza; Package, Version, Architecture, Maintainer and Description
// present and not empty; no Filename (an index field); a name of
// [A-Za-z0-9_.+-] only, starting with a letter or digit (OpenWrt's ipkg-build
// checks that set, though its message names [a-z0-9.+-]; real feeds need it:
// GraphicsMagick, asterisk13-app-directed_pickup, Entware's upper-case
// names; Yocto's opkg-build is stricter); a version
// version.Parse accepts and an architecture that can be part of a file
// name; and every field pkginfo decodes (relations, sizes) well formed.
// It returns the stanza when the file parses, with every problem found.
func CheckControl(name string, data []byte) (*control.Stanza, []*SourceError) {
	stanzas, err := control.Parse(name, data)
	if err != nil {
		var se *control.SyntaxError
		if errors.As(err, &se) {
			return nil, []*SourceError{{Path: name, Line: se.Line, Field: se.Field, Problem: se.Msg, Err: se.Err}}
		}
		return nil, []*SourceError{{Path: name, Problem: "cannot parse", Err: err}}
	}
	switch {
	case len(stanzas) == 0:
		return nil, []*SourceError{{Path: name, Problem: "is empty"}}
	case len(stanzas) > 1:
		return nil, []*SourceError{{Path: name, Line: stanzas[1].Line(), Problem: "holds more than one stanza (a blank line ends the control file)"}}
	}
	s := &stanzas[0]
	var problems []*SourceError
	add := func(field string, problem string, err error) {
		line := s.Line()
		if f, ok := s.Lookup(field); ok {
			line = f.Line
		}
		problems = append(problems, &SourceError{Path: name, Line: line, Field: field, Problem: problem, Err: err})
	}
	for _, f := range requiredFields {
		if s.Get(f) == "" {
			add(f, "required field is missing or empty", nil)
		}
	}
	if s.Has("Filename") {
		add("Filename", "field not allowed in a control file (the index adds it)", nil)
	}
	if n := s.Get("Package"); n != "" && strings.TrimLeft(n, nameChars) != "" {
		add("Package", fmt.Sprintf("name %q contains characters other than [A-Za-z0-9_.+-]", n), nil)
	} else if n != "" && strings.IndexByte(nameChars[:62], n[0]) < 0 {
		// Debian policy; opkg-build lets ".x" through and writes a hidden
		// file (found by FuzzCheckControl).
		add("Package", fmt.Sprintf("name %q does not start with a letter or digit", n), nil)
	}
	if v := s.Get("Version"); v != "" {
		if _, err := version.Parse(v); err != nil {
			add("Version", "invalid version", err)
		} else if strings.Contains(v, "/") {
			// "_" is allowed: OpenWrt ships convbin_2.4.3_b24_x86_64.ipk.
			add("Version", fmt.Sprintf("version %q cannot be part of a file name (no /)", v), nil)
		}
	}
	if a := s.Get("Architecture"); a != "" && (strings.TrimLeft(a, archChars) != "" || a[0] == '.') {
		add("Architecture", fmt.Sprintf("architecture %q cannot be part of a file name (want [A-Za-z0-9_.+-])", a), nil)
	}
	if len(problems) == 0 {
		if _, err := pkginfo.Decode(s); err != nil {
			var pe *pkginfo.Error
			if errors.As(err, &pe) {
				problems = append(problems, &SourceError{Path: name, Line: pe.Line, Field: pe.Field, Problem: "invalid value", Err: pe.Err})
			} else {
				problems = append(problems, &SourceError{Path: name, Problem: "invalid", Err: err})
			}
		}
	}
	return s, problems
}

// resolveConffiles checks every line of CONTROL/conffiles against the tree:
// a regular file stays, a directory stands for every regular file below it
// (OpenWrt's ipkg-build: find <entries> -type f), anything else is an error
// (opkg-build: "mentions conffile ... which does not exist"). The result is
// sorted and without duplicates, as ipkg-build writes it.
func resolveConffiles(tree fs.FS, name, controlDir string, data []byte) ([]byte, []*SourceError) {
	var problems []*SourceError
	var paths []string
	for i, line := range strings.Split(string(data), "\n") {
		entry := strings.TrimSpace(line)
		if entry == "" {
			continue
		}
		bad := func(problem string, err error) {
			problems = append(problems, &SourceError{Path: name, Line: i + 1, Problem: fmt.Sprintf("conffile %s %s", entry, problem), Err: err})
		}
		rel := strings.TrimPrefix(entry, "/")
		if strings.ContainsAny(entry, " \t") || !fs.ValidPath(rel) || rel == "." {
			bad("is not a clean path", nil)
			continue
		}
		if rel == controlDir || strings.HasPrefix(rel, controlDir+"/") {
			bad("is inside "+controlDir+", which is not installed", nil)
			continue
		}
		fi, err := fs.Lstat(tree, rel)
		switch {
		case err != nil:
			bad("does not exist", nil)
		case fi.Mode().IsRegular():
			paths = append(paths, "/"+rel)
		case fi.IsDir():
			werr := fs.WalkDir(tree, rel, func(p string, d fs.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if d.Type().IsRegular() {
					paths = append(paths, "/"+p)
				}
				return nil
			})
			if werr != nil {
				bad("cannot be read", pathCause(werr))
			}
		default:
			bad("is not a regular file or a directory", nil)
		}
	}
	slices.Sort(paths)
	paths = slices.Compact(paths)
	var out []byte
	for _, p := range paths {
		out = append(out, p...)
		out = append(out, '\n')
	}
	return out, problems
}

// setInstalledSize writes Installed-Size: in place when the control file has
// it (ipkg-build's sed), else before Description, where OpenWrt's control
// files carry it.
func setInstalledSize(s *control.Stanza, size int64) {
	v := strconv.FormatInt(size, 10)
	if s.Has("Installed-Size") {
		s.Set("Installed-Size", v)
		return
	}
	at := slices.IndexFunc(s.Fields, func(f control.Field) bool { return strings.EqualFold(f.Name, "Description") })
	if at < 0 {
		s.Append("Installed-Size", v)
		return
	}
	s.Fields = slices.Insert(s.Fields, at, control.Field{Name: "Installed-Size", Value: v})
}

// stripEpoch drops a one-character epoch, as both build scripts do for the
// file name (sed 's/^.://'): "2:1.0-1" names the file 1.0-1; a longer epoch
// stays.
func stripEpoch(v string) string {
	if len(v) >= 2 && v[1] == ':' {
		return v[2:]
	}
	return v
}

// numericID reads -o/-g.
func numericID(option, v string) (int, error) {
	switch v {
	case "", "root":
		return 0, nil
	}
	n, err := strconv.ParseUint(v, 10, 31)
	if err != nil {
		return 0, &OwnerError{Option: option, Value: v}
	}
	return int(n), nil
}

// buildTime is every entry's mtime: $PKG_SOURCE_DATE_EPOCH, else
// $SOURCE_DATE_EPOCH (ipkg-build's order), else now, as both scripts do.
func (e *Engine) buildTime() (time.Time, error) {
	for _, name := range []string{"PKG_SOURCE_DATE_EPOCH", "SOURCE_DATE_EPOCH"} {
		v := e.sys.getenv(name)
		if v == "" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil || n < 0 {
			return time.Time{}, &EnvError{Name: name, Value: v, Err: errors.New("not a number of seconds since 1970")}
		}
		return time.Unix(n, 0), nil
	}
	return time.Now().Truncate(time.Second), nil
}

// within reports whether file lies inside dir, and its slash path there.
func within(dir, file string) (string, bool) {
	rel, err := filepath.Rel(dir, file)
	if err != nil || rel == "." || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return "", false
	}
	return filepath.ToSlash(rel), true
}

func pathCauseOrNil(err error) error {
	if err == nil {
		return nil
	}
	return pathCause(err)
}

// writeAtomically creates a temporary file beside target, lets fill write
// it (and sync it), then renames it over target and syncs the directory.
// On error the temporary file is removed and target is untouched.
func writeAtomically(target string, perm os.FileMode, fill func(tmp string) error) error {
	dir := filepath.Dir(target)
	f, err := os.CreateTemp(dir, "."+filepath.Base(target)+".pakt-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	f.Close()
	if err := os.Chmod(tmp, perm); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := fill(tmp); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, target); err != nil {
		os.Remove(tmp)
		return err
	}
	return syncDir(dir)
}
