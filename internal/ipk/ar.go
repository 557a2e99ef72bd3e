package ipk

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// The ar format (as written by GNU ar and dpkg-deb): the magic, then for each
// member a 60-byte header and the content, padded to an even length with
// "\n". Names end with "/" in GNU ar; "//" holds the long names that "/N"
// headers point into; "/" alone is a symbol table; BSD ar writes "#1/N" and
// puts the name before the content.
const (
	arMagic      = "!<arch>\n"
	arHeaderSize = 60
	maxArLongTab = 64 << 10
)

// arReader reads members one after the other; it never seeks.
type arReader struct {
	r         io.Reader
	remaining int64 // of the current member's content
	pad       bool  // the current member is followed by one padding byte
	longNames []byte
	maxZeros  int64
}

// errArHeader reports a malformed header.
type errArHeader struct{ detail string }

func (e *errArHeader) Error() string { return "bad ar header: " + e.detail }

// next skips what is left of the current member and reads the next header.
// It returns io.EOF at the clean end of the archive.
func (a *arReader) next(maxSize int64) (name string, size int64, err error) {
	for {
		if err := a.skip(); err != nil {
			return "", 0, err
		}
		var h [arHeaderSize]byte
		n, err := io.ReadFull(a.r, h[:])
		if err == io.EOF {
			return "", 0, io.EOF
		}
		if isZero(h[:n]) {
			// Zero padding after the last member (tape blocks): tolerated.
			if _, err := drainZeros(a.r, a.maxZeros-int64(n)); err != nil {
				return "", 0, err
			}
			return "", 0, io.EOF
		}
		if err == io.ErrUnexpectedEOF {
			return "", 0, err
		}
		if err != nil {
			return "", 0, err
		}
		if h[58] != '`' || h[59] != '\n' {
			return "", 0, &errArHeader{"missing terminator"}
		}
		sizeField := strings.TrimRight(string(h[48:58]), " ")
		size, perr := strconv.ParseInt(sizeField, 10, 64)
		if perr != nil || size < 0 {
			return "", 0, &errArHeader{fmt.Sprintf("size %q", sizeField)}
		}
		if size > maxSize {
			return "", 0, &errArHeader{fmt.Sprintf("member size %d over the limit of %d", size, maxSize)}
		}
		a.remaining, a.pad = size, size%2 == 1
		raw := strings.TrimRight(string(h[0:16]), " ")
		switch {
		case raw == "/" || raw == "/SYM64/" || raw == "__.SYMDEF" || raw == "__.SYMDEF SORTED":
			continue // symbol table
		case raw == "//":
			if size > maxArLongTab {
				return "", 0, &errArHeader{"long name table too large"}
			}
			a.longNames = make([]byte, size)
			if _, err := io.ReadFull(a.r, a.longNames); err != nil {
				return "", 0, noEOF(err)
			}
			a.remaining = 0
			continue
		case strings.HasPrefix(raw, "#1/"):
			n, perr := strconv.Atoi(raw[3:])
			if perr != nil || n <= 0 || n > maxPathLen || int64(n) > size {
				return "", 0, &errArHeader{fmt.Sprintf("BSD name %q", raw)}
			}
			buf := make([]byte, n)
			if _, err := io.ReadFull(a.r, buf); err != nil {
				return "", 0, noEOF(err)
			}
			a.remaining -= int64(n)
			return string(bytes.TrimRight(buf, "\x00")), a.remaining, nil
		case len(raw) > 1 && raw[0] == '/' && raw[1] >= '0' && raw[1] <= '9':
			off, perr := strconv.Atoi(raw[1:])
			if perr != nil || off < 0 || off >= len(a.longNames) {
				return "", 0, &errArHeader{fmt.Sprintf("long name reference %q", raw)}
			}
			end := bytes.Index(a.longNames[off:], []byte("/\n"))
			if end < 0 {
				return "", 0, &errArHeader{fmt.Sprintf("long name reference %q", raw)}
			}
			return string(a.longNames[off : off+end]), size, nil
		case raw == "":
			return "", 0, &errArHeader{"empty name"}
		}
		return strings.TrimSuffix(raw, "/"), size, nil
	}
}

func (a *arReader) Read(p []byte) (int, error) {
	if a.remaining <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > a.remaining {
		p = p[:a.remaining]
	}
	n, err := a.r.Read(p)
	a.remaining -= int64(n)
	if err == io.EOF && a.remaining > 0 {
		err = io.ErrUnexpectedEOF
	}
	return n, err
}

func (a *arReader) skip() error {
	if a.remaining > 0 {
		if _, err := io.CopyN(io.Discard, a.r, a.remaining); err != nil {
			return noEOF(err)
		}
		a.remaining = 0
	}
	if a.pad {
		a.pad = false
		var b [1]byte
		if _, err := io.ReadFull(a.r, b[:]); err != nil {
			// Some writers omit the final padding byte; the end is clean.
			if err != io.EOF {
				return err
			}
		}
	}
	return nil
}

func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

func isZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// arWriter writes members the way `ar -crD` (binutils, deterministic mode)
// does: GNU names with a "/" terminator, mtime, uid and gid 0, mode 644.
type arWriter struct {
	w      io.Writer
	header bool
}

func (a *arWriter) writeHeader(name string, size int64) error {
	if !a.header {
		if _, err := io.WriteString(a.w, arMagic); err != nil {
			return err
		}
		a.header = true
	}
	if len(name) > 15 {
		return fmt.Errorf("ar member name %q too long", name)
	}
	h := fmt.Sprintf("%-16s%-12d%-6d%-6d%-8o%-10d`\n", name+"/", 0, 0, 0, 0o644, size)
	_, err := io.WriteString(a.w, h)
	return err
}

func (a *arWriter) writePadding(size int64) error {
	if size%2 == 1 {
		_, err := a.w.Write([]byte{'\n'})
		return err
	}
	return nil
}
