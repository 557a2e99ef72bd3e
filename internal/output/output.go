package output

import (
	"io"
	"strconv"
	"strings"

	"pakt/internal/control"
)

// ListLine is one line of list, list-installed, find and search.
type ListLine struct {
	Name    string
	Version string
	// Size is printed with --size (0 when the package has none, as lede).
	Size        uint64
	Description string // control Value; "" for none
}

// ListOptions are the switches that change a list line.
type ListOptions struct {
	Size     bool // --size
	Terminal bool // stdout is a terminal
	// ShortDescription keeps the first line of descriptions only
	// (upstream opkg's --short-description).
	ShortDescription bool
}

// errWriter keeps the first error of a run of writes.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) str(s string) {
	if e.err == nil {
		_, e.err = io.WriteString(e.w, s)
	}
}

func (e *errWriter) bytes(b []byte) {
	if e.err == nil {
		_, e.err = e.w.Write(b)
	}
}

// description spells a Description the way opkg-lede stored it.
func (e *errWriter) description(d string, terminal bool) {
	if terminal || strings.IndexByte(d, '\n') < 0 {
		e.str(d)
		return
	}
	for {
		i := strings.IndexByte(d, '\n')
		if i < 0 {
			e.str(d)
			return
		}
		e.str(d[:i])
		d = d[i+1:]
	}
}

// List writes lines as opkg-lede's print_pkg does.
func List(w io.Writer, lines []ListLine, opts ListOptions) error {
	e := &errWriter{w: w}
	var num [20]byte
	for i := range lines {
		l := &lines[i]
		e.str(l.Name)
		e.str(" - ")
		e.str(l.Version)
		if opts.Size {
			e.str(" - ")
			e.bytes(strconv.AppendUint(num[:0], l.Size, 10))
		}
		if d := l.Description; d != "" {
			if opts.ShortDescription {
				d = firstLine(d)
			}
			e.str(" - ")
			e.description(d, opts.Terminal)
		}
		e.str("\n")
	}
	return e.err
}

// UpgradableLine is one line of list-upgradable.
type UpgradableLine struct {
	Name, Installed, Candidate string
}

// Upgradable writes "name - installed - candidate" lines.
func Upgradable(w io.Writer, lines []UpgradableLine) error {
	e := &errWriter{w: w}
	for _, l := range lines {
		e.str(l.Name + " - " + l.Installed + " - " + l.Candidate + "\n")
	}
	return e.err
}

// InfoOptions are the switches of info and status.
type InfoOptions struct {
	Terminal bool
	// Fields, when not empty, limits the stanza to these fields (upstream
	// opkg's --fields), matched without regard to case.
	Fields []string
	// ShortDescription keeps the Description's first line only (upstream
	// opkg's --short-description).
	ShortDescription bool
}

// Info writes one stanza as opkg-lede's pkg_formatted_info does, then the
// blank line that ends it.
func Info(w io.Writer, s *control.Stanza, opts InfoOptions) error {
	e := &errWriter{w: w}
	for _, f := range s.Fields {
		if len(opts.Fields) > 0 && !contains(opts.Fields, f.Name) {
			continue
		}
		v := f.Value
		if strings.EqualFold(f.Name, "Description") {
			if opts.ShortDescription {
				v = firstLine(v)
			}
			e.str(f.Name + ": ")
			e.description(v, opts.Terminal)
			e.str("\n")
			continue
		}
		if v == "" || v[0] == '\n' {
			e.str(f.Name + ":" + v + "\n")
			continue
		}
		e.str(f.Name + ": " + v + "\n")
	}
	e.str("\n")
	return e.err
}

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func contains(names []string, name string) bool {
	for _, n := range names {
		if strings.EqualFold(n, name) {
			return true
		}
	}
	return false
}

// FilesHeader writes the line files prints before the paths.
func FilesHeader(w io.Writer, name, version, dest string) error {
	_, err := io.WriteString(w, "Package "+name+" ("+version+") is installed on "+dest+" and has the following files:\n")
	return err
}

// Lines writes each string on its own line (files' paths,
// list-changed-conffiles' names).
func Lines(w io.Writer, lines []string) error {
	e := &errWriter{w: w}
	for _, l := range lines {
		e.str(l)
		e.str("\n")
	}
	return e.err
}
