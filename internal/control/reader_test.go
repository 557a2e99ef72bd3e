package control

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

type fieldWant struct {
	name, value string
	line        int
}

func fieldsOf(stanzas []Stanza) [][]fieldWant {
	var out [][]fieldWant
	for _, s := range stanzas {
		var fs []fieldWant
		for _, f := range s.Fields {
			fs = append(fs, fieldWant{f.Name, f.Value, f.Line})
		}
		out = append(out, fs)
	}
	return out
}

func TestParseGrammar(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		in   string
		want [][]fieldWant
	}{
		{"empty", "", nil},
		{"only blank lines", "\n\n \n\t\n", nil},
		{"one field", "Package: a\n", [][]fieldWant{{{"Package", "a", 1}}}},
		{"no final newline", "Package: a", [][]fieldWant{{{"Package", "a", 1}}}},
		{"two stanzas", "Package: a\nVersion: 1\n\nPackage: b\n\n", [][]fieldWant{
			{{"Package", "a", 1}, {"Version", "1", 2}},
			{{"Package", "b", 4}},
		}},
		{"leading and repeated blank lines skipped", "\n\nPackage: a\n\n\n\nPackage: b\n", [][]fieldWant{
			{{"Package", "a", 3}}, {{"Package", "b", 7}},
		}},
		// opkg-lede pkg_parse.c: a line of only " " is Description text, not a separator.
		{"space line continues", "Description: a\n \n b\nSize: 1\n\n", [][]fieldWant{
			{{"Description", "a\n \n b", 1}, {"Size", "1", 4}},
		}},
		{"first line trimmed, continuation verbatim", "Description:  text  \n more  \n", [][]fieldWant{
			{{"Description", "text\n more  ", 1}},
		}},
		{"conffiles", "Conffiles:\n /etc/a 01\n /etc/b 02\n", [][]fieldWant{
			{{"Conffiles", "\n /etc/a 01\n /etc/b 02", 1}},
		}},
		// A general reader keeps a continuation with any field (opkg-lede
		// only honours it after Description and Conffiles).
		{"continuation after any field", "Depends: a,\n b\n", [][]fieldWant{{{"Depends", "a,\n b", 1}}}},
		{"tab continuation (deb822)", "Description: a\n\tb\n", [][]fieldWant{{{"Description", "a\n\tb", 1}}}},
		{"tab-only line separates", "Package: a\n\t\nPackage: b\n", [][]fieldWant{{{"Package", "a", 1}}, {{"Package", "b", 3}}}},
		{"blank continuation before any field skipped", " \nPackage: a\n", [][]fieldWant{{{"Package", "a", 2}}}},
		{"CRLF", "Package: a\r\nDescription: x \r\n y\r\n\r\nPackage: b\r\n", [][]fieldWant{
			{{"Package", "a", 1}, {"Description", "x\n y", 2}},
			{{"Package", "b", 5}},
		}},
		{"empty values", "Provides:\nEssential: \n", [][]fieldWant{{{"Provides", "", 1}, {"Essential", "", 2}}}},
		{"no space after colon", "Version:1.0\n", [][]fieldWant{{{"Version", "1.0", 1}}}},
		{"colon in value", "Alternatives: 300:/sbin/ip:/usr/libexec/ip-full\n", [][]fieldWant{
			{{"Alternatives", "300:/sbin/ip:/usr/libexec/ip-full", 1}},
		}},
		{"stanza without Package is returned", "Filename: __.ipk\nSize: 1\n", [][]fieldWant{
			{{"Filename", "__.ipk", 1}, {"Size", "1", 2}},
		}},
		{"duplicates kept", "A: 1\nA: 2\n", [][]fieldWant{{{"A", "1", 1}, {"A", "2", 2}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := Parse("f", []byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if g, w := fieldsOf(got), tc.want; !equalFields(g, w) {
				t.Errorf("Parse(%q)\n got %v\nwant %v", tc.in, g, w)
			}
			// The streaming reader, fed one byte at a time, agrees.
			var streamed []Stanza
			r := NewReader("f", iotest.OneByteReader(strings.NewReader(tc.in)))
			for {
				s, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				streamed = append(streamed, *s)
			}
			if !equalFields(fieldsOf(streamed), tc.want) {
				t.Errorf("Reader(%q) got %v", tc.in, fieldsOf(streamed))
			}
		})
	}
}

func equalFields(a, b [][]fieldWant) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in string
		want     string // the whole message
		cause    error
	}{
		{"no colon", "Package: a\ngarbage\n", `Packages:2: line "garbage" is not a field (no colon), a continuation or a blank line`, nil},
		{"empty name", "Package: a\n: x\n", `Packages:2: empty field name in ": x"`, nil},
		{"space in name", "Package: a\nBad Name: x\n", `Packages:2: field name "Bad Name" contains a space or control character`, nil},
		{"continuation first", " text\nPackage: a\n", `Packages:1: continuation line before any field`, nil},
		{"continuation after separator", "Package: a\n\n text\n", `Packages:3: continuation line before any field`, nil},
		{"line too long", "Package: a\nDescription: " + strings.Repeat("x", MaxLineLen) + "\n", "Packages:2: line longer than 1048576 bytes", ErrLineTooLong},
		// 64 lines of 65,538 bytes after two short ones: the 64th, line 66, crosses 4 MiB.
		{"stanza too long", "Package: a\nDescription: x\n" + strings.Repeat(" "+strings.Repeat("y", 1<<16)+"\n", MaxStanzaLen>>16), "Packages:66: Description: stanza longer than 4194304 bytes", ErrStanzaTooLong},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			for _, streamed := range []bool{false, true} {
				var err error
				if streamed {
					r := NewReader("Packages", strings.NewReader(tc.in))
					for err == nil {
						_, err = r.Next()
					}
					// Sticky: asking again gives the same error.
					if _, again := r.Next(); again != err {
						t.Errorf("second Next returned %v, want the same error %v", again, err)
					}
				} else {
					_, err = Parse("Packages", []byte(tc.in))
				}
				var se *SyntaxError
				if !errors.As(err, &se) {
					t.Fatalf("streamed=%v: got %v, want a *SyntaxError", streamed, err)
				}
				if err.Error() != tc.want {
					t.Errorf("streamed=%v:\n got %s\nwant %s", streamed, err, tc.want)
				}
				if tc.cause != nil && !errors.Is(err, tc.cause) {
					t.Errorf("streamed=%v: %v does not wrap %v", streamed, err, tc.cause)
				}
			}
		})
	}
}

func TestReadErrorWrapped(t *testing.T) {
	t.Parallel()
	boom := errors.New("boom")
	r := NewReader("x", io.MultiReader(strings.NewReader("Package: a\nVer"), iotest.ErrReader(boom)))
	_, err := r.Next()
	if !errors.Is(err, boom) {
		t.Fatalf("got %v, want it to wrap %v", err, boom)
	}
	if want := "x:2: read: boom"; err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
}

// Hostile input of a gigabyte, one endless line or one endless stanza, is
// refused after about MaxLineLen or MaxStanzaLen bytes without being held:
// the reader stops reading soon after the limit and its buffers stay within
// their bounds.
func TestHugeInputBoundedMemory(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name             string
		prefix, pattern  string
		cause            error
		maxRead, maxText int
	}{
		{"endless line", "Package: a\nDescription: ", "x", ErrLineTooLong, MaxLineLen + maxBufLen, 0},
		{"endless stanza", "Package: a\nDescription: x\n", " more text\n", ErrStanzaTooLong, MaxStanzaLen + maxBufLen, MaxStanzaLen*3/2 + MaxLineLen}, // append slack,
	} {
		src := &repeatReader{prefix: tc.prefix, pattern: tc.pattern, limit: 1 << 30}
		r := NewReader(tc.name, src)
		_, err := r.Next()
		if !errors.Is(err, tc.cause) {
			t.Fatalf("%s: got %v, want %v", tc.name, err, tc.cause)
		}
		if src.read > tc.maxRead {
			t.Errorf("%s: read %d bytes before refusing, want at most %d", tc.name, src.read, tc.maxRead)
		}
		if len(r.buf) > maxBufLen {
			t.Errorf("%s: input buffer grew to %d bytes, limit %d", tc.name, len(r.buf), maxBufLen)
		}
		if cap(r.text) > tc.maxText && tc.maxText > 0 {
			t.Errorf("%s: stanza buffer grew to %d bytes, limit %d", tc.name, cap(r.text), tc.maxText)
		}
	}
}

// repeatReader yields prefix, then pattern over and over, limit bytes in all.
type repeatReader struct {
	prefix, pattern string
	read, limit     int
}

func (c *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) && c.read < c.limit {
		var b byte
		if c.read < len(c.prefix) {
			b = c.prefix[c.read]
		} else {
			b = c.pattern[(c.read-len(c.prefix))%len(c.pattern)]
		}
		p[n] = b
		n++
		c.read++
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

func TestGetLookup(t *testing.T) {
	t.Parallel()
	ss, err := Parse("f", []byte("Package: a\nMD5Sum: 01\nDepends: x\nDepends: y\nProvides:\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := &ss[0]
	for _, tc := range []struct {
		name, want string
		has        bool
	}{
		{"Package", "a", true},
		{"package", "a", true},
		{"PACKAGE", "a", true},
		{"MD5sum", "01", true}, // opkg-lede accepts both MD5sum and MD5Sum
		// opkg-lede: each later line overwrites the value, so the last wins.
		{"Depends", "y", true},
		{"Provides", "", true},
		{"Version", "", false},
		{"Packag", "", false},
	} {
		if got := s.Get(tc.name); got != tc.want {
			t.Errorf("Get(%q) = %q, want %q", tc.name, got, tc.want)
		}
		f, ok := s.Lookup(tc.name)
		if ok != tc.has || f.Value != tc.want || s.Has(tc.name) != tc.has {
			t.Errorf("Lookup(%q) = %v, %v; want value %q, %v", tc.name, f, ok, tc.want, tc.has)
		}
	}
	if got := s.Line(); got != 1 {
		t.Errorf("Line() = %d, want 1", got)
	}
	if s.File != "f" {
		t.Errorf("File = %q", s.File)
	}
}

// Stanzas handed out by one Reader never share writable memory: appending to
// one must not overwrite the next.
func TestStanzasIndependent(t *testing.T) {
	t.Parallel()
	ss, err := Parse("f", []byte("A: 1\n\nB: 2\n\nC: 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	ss[0].Append("X", "y")
	ss[1].Set("Z", "z")
	if got := ss[1].Fields[0]; got.Name != "B" || got.Value != "2" {
		t.Errorf("stanza 1 field 0 became %v", got)
	}
	if got := ss[2].Fields[0]; got.Name != "C" || got.Value != "3" {
		t.Errorf("stanza 2 field 0 became %v", got)
	}
}

func TestSyntaxErrorFormat(t *testing.T) {
	t.Parallel()
	cause := errors.New("cause")
	for _, tc := range []struct {
		e    SyntaxError
		want string
	}{
		{SyntaxError{File: "status", Line: 3, Field: "Status", Msg: "bad flag", Err: cause}, "status:3: Status: bad flag: cause"},
		{SyntaxError{File: "status", Line: 3, Msg: "m"}, "status:3: m"},
		{SyntaxError{Field: "Version", Msg: "empty"}, "Version: empty"},
		{SyntaxError{Line: 7, Msg: "m"}, "line 7: m"},
		{SyntaxError{File: "f", Err: cause}, "f: cause"},
	} {
		if got := tc.e.Error(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
	e := &SyntaxError{Err: cause}
	if !errors.Is(e, cause) {
		t.Error("Unwrap does not expose the cause")
	}
}

func TestParseDoesNotModifyInput(t *testing.T) {
	t.Parallel()
	in := []byte("Package: a\r\nDescription: x\r\n y\r\n\r\n")
	orig := bytes.Clone(in)
	ss, err := Parse("f", in)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(in, orig) {
		t.Fatal("Parse modified its input")
	}
	in[9] = 'Z' // the stanza shares no memory with the input
	if ss[0].Get("Package") != "a" {
		t.Error("stanza changed when the input did")
	}
}

// opkg-lede pkg_parse.h EXCESSIVE_LINE_LEN (4096<<8): lines up to 1 MiB are
// read, longer ones refused; the limit does not depend on how the input
// arrives.
func TestLineLimitBoundary(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		valueLen int
		ok       bool
	}{
		{MaxLineLen - len("D: "), true},
		{MaxLineLen - len("D: ") + 1, false},
	} {
		for _, ending := range []string{"\n", "\r\n", ""} {
			in := "A: 1\nD: " + strings.Repeat("v", tc.valueLen) + ending
			for _, src := range []io.Reader{strings.NewReader(in), iotest.HalfReader(strings.NewReader(in))} {
				r := NewReader("f", src)
				s, err := r.Next()
				if tc.ok && (err != nil || len(s.Get("D")) != tc.valueLen) {
					t.Errorf("line of %d bytes + %q: %v", tc.valueLen+3, ending, err)
				}
				if !tc.ok && !errors.Is(err, ErrLineTooLong) {
					t.Errorf("line of %d bytes + %q: got %v, want ErrLineTooLong", tc.valueLen+3, ending, err)
				}
			}
		}
	}
}
