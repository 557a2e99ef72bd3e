package opkgconf

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Level is the opkg message level a Warning is reported at.
type Level uint8

const (
	// LevelError messages are collected by opkg-lede and printed at exit on
	// stderr as " * <Func>: <Msg>" under "Collected errors:".
	LevelError Level = iota
	// LevelNotice messages go to stdout, unprefixed.
	LevelNotice
)

func (l Level) String() string {
	if l == LevelNotice {
		return "notice"
	}
	return "error"
}

// Warning is a problem in a configuration file that does not stop loading:
// opkg-lede reports it and carries on with the next line.
type Warning struct {
	File  string // file the line is in; "" for a command-line setting
	Line  int    // 1-based line number; 0 when File is ""
	Level Level
	// Func is the opkg-lede C function that prints the message; it prefixes
	// LevelError messages in opkg's output ("opkg_conf_parse_file").
	Func string
	// Msg is opkg-lede's text, without the function prefix and the newline.
	// Some texts carry "<file>:<line>: " themselves, as lede prints them.
	Msg string
}

// String returns the message exactly as opkg-lede words it.
func (w Warning) String() string { return w.Msg }

// The opkg-lede functions that report configuration problems.
const (
	funcParseFile   = "opkg_conf_parse_file"
	funcSetOption   = "opkg_conf_set_option"
	funcLoad        = "opkg_conf_load"
	funcGlob        = "glob_errfunc"
	funcResolveDest = "resolve_pkg_dest_list"
)

// ErrTooLarge is the cause of a FileError for a file above MaxFileSize.
var ErrTooLarge = errors.New("file too large for a configuration file")

// FileError is a configuration file that could not be read; it stops
// loading, as it stops opkg-lede.
type FileError struct {
	Op   string // "stat", "open" or "read"
	Path string // as opkg-lede names it (the -f argument, or the glob match)
	Err  error
}

// Func is the opkg-lede function that reports this error.
func (e *FileError) Func() string {
	if e.Op == "stat" {
		return funcLoad
	}
	return funcParseFile
}

// Error returns opkg-lede's text: "Couldn't stat <path>: <strerror>." or
// "Failed to open <path>: <strerror>.".
func (e *FileError) Error() string {
	switch e.Op {
	case "stat":
		return fmt.Sprintf("Couldn't stat %s: %s.", e.Path, strerror(e.Err))
	case "read":
		return fmt.Sprintf("Failed to read %s: %s.", e.Path, strerror(e.Err))
	default:
		return fmt.Sprintf("Failed to open %s: %s.", e.Path, strerror(e.Err))
	}
}

func (e *FileError) Unwrap() error { return e.Err }

// UnknownDestError is a -d/--dest name that no dest line declares.
type UnknownDestError struct {
	Name string
}

// Func is the opkg-lede function that reports this error.
func (e *UnknownDestError) Func() string { return funcResolveDest }

func (e *UnknownDestError) Error() string {
	return fmt.Sprintf("Unknown dest name: `%s'.", e.Name)
}

// SpecError is a malformed command-line value given to a Selection method.
type SpecError struct {
	Option string // "--add-arch", "--add-dest" or the option name
	Value  string
	Reason string
}

func (e *SpecError) Error() string {
	return fmt.Sprintf("%s %q: %s", e.Option, e.Value, e.Reason)
}

// strerror renders an fs error the way glibc's strerror words its errno:
// Go's errno texts are glibc's with a lower-case first letter.
func strerror(err error) string {
	if err == nil {
		return "Success"
	}
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "No such file or directory"
	case errors.Is(err, fs.ErrPermission):
		return "Permission denied"
	}
	s := err.Error()
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 || !unicode.IsLower(r) {
		return s
	}
	return strings.ToUpper(s[:n]) + s[n:]
}
