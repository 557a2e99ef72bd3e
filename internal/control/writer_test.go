package control

import (
	"bytes"
	"errors"
	"strings"
	"testing"
)

func TestWriterBuildsStanzas(t *testing.T) {
	t.Parallel()
	var s Stanza
	s.Append("Package", "busybox")
	s.Append("Version", "1.36.1-1")
	s.Append("Provides", "")
	s.Append("Conffiles", "\n /etc/a 01\n /etc/b 02")
	s.Append("Description", "first\n second\n .\n third")
	s.Set("Version", "1.36.1-2") // replaces in place
	var out bytes.Buffer
	w := NewWriter(&out)
	if err := w.Write(&s); err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&Stanza{Fields: []Field{{Name: "Package", Value: "b"}}}); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Error("Writer wrote before Flush")
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "Package: busybox\nVersion: 1.36.1-2\nProvides:\nConffiles:\n /etc/a 01\n /etc/b 02\n" +
		"Description: first\n second\n .\n third\n\nPackage: b\n\n"
	if out.String() != want {
		t.Errorf("got\n%s\nwant\n%s", out.String(), want)
	}
	// What was written reads back as the same fields.
	back, err := Parse("out", out.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	for i, f := range back[0].Fields {
		if f.Name != s.Fields[i].Name || f.Value != s.Fields[i].Value {
			t.Errorf("field %d read back as %q: %q, wrote %q: %q", i, f.Name, f.Value, s.Fields[i].Name, s.Fields[i].Value)
		}
	}
}

func TestWriteKeepsRawUnlessChanged(t *testing.T) {
	t.Parallel()
	in := "Package: a\nDescription:  two spaces \n trailing \nProvides: \nDepends:libc\n"
	ss, err := Parse("f", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	s := &ss[0]
	out, err := s.AppendText(nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(out) != in {
		t.Errorf("unchanged stanza written as\n%q\nwant\n%q", out, in)
	}
	s.Fields[1].Value = "edited directly" // not through Set: the stale raw text must not win
	s.Set("depends", "libc, zlib")        // takes the new spelling
	out, err = s.AppendText(nil)
	if err != nil {
		t.Fatal(err)
	}
	want := "Package: a\nDescription: edited directly\nProvides: \ndepends: libc, zlib\n"
	if string(out) != want {
		t.Errorf("edited stanza written as\n%q\nwant\n%q", out, want)
	}
}

func TestSetDelete(t *testing.T) {
	t.Parallel()
	ss, err := Parse("f", []byte("A: 1\nB: 2\nA: 3\nC: 4\nA: 5\n"))
	if err != nil {
		t.Fatal(err)
	}
	s := &ss[0]
	s.Set("a", "x")
	if got := names(s); got != "a=x B=2 C=4" {
		t.Errorf("after Set: %s", got)
	}
	if s.Fields[0].Line != 1 {
		t.Errorf("Set lost the line number: %d", s.Fields[0].Line)
	}
	if !s.Delete("b") || s.Delete("b") {
		t.Error("Delete reports wrongly")
	}
	s.Set("D", "new")
	if got := names(s); got != "a=x C=4 D=new" {
		t.Errorf("after Delete and Set: %s", got)
	}
}

func names(s *Stanza) string {
	var parts []string
	for _, f := range s.Fields {
		parts = append(parts, f.Name+"="+f.Value)
	}
	return strings.Join(parts, " ")
}

func TestAppendTextRefuses(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, value, want string
	}{
		{"", "x", "empty field name"},
		{"A B", "x", `A B: field name "A B" contains a colon, space or control character`},
		{"A:B", "x", `A:B: field name "A:B" contains a colon, space or control character`},
		{"A", " x", "A: value begins or ends with white space"},
		{"A", "x\t", "A: value begins or ends with white space"},
		{"A", "x\nno indent", "A: value line 2 does not begin with a space or tab"},
		{"A", "x\n", "A: value line 2 does not begin with a space or tab"},
		{"A", "x\n\n y", "A: value line 2 does not begin with a space or tab"},
		{"A", "x\n\t ", "A: value line 2 is white space after a tab (a stanza separator)"},
		{"A", "x\n y\r", "A: value line 2 ends with a carriage return"},
	} {
		s := Stanza{Fields: []Field{{Name: "Package", Value: "p"}, {Name: tc.name, Value: tc.value}}}
		_, err := s.AppendText(nil)
		var se *SyntaxError
		if !errors.As(err, &se) || err.Error() != tc.want {
			t.Errorf("%q: %q: got %v, want %s", tc.name, tc.value, err, tc.want)
		}
		// The Writer refuses it whole and stays usable.
		var out bytes.Buffer
		w := NewWriter(&out)
		if err := w.Write(&s); err == nil {
			t.Errorf("%q: %q: Writer accepted it", tc.name, tc.value)
		}
		if err := w.Write(&Stanza{Fields: []Field{{Name: "Package", Value: "ok"}}}); err != nil {
			t.Fatal(err)
		}
		if err := w.Flush(); err != nil || out.String() != "Package: ok\n\n" {
			t.Errorf("after a refused stanza the Writer wrote %q, %v", out.String(), err)
		}
	}
	if _, err := (&Stanza{}).AppendText(nil); err == nil || err.Error() != "stanza has no fields" {
		t.Errorf("empty stanza: %v", err)
	}
}

type failingWriter struct{ n int }

func (f *failingWriter) Write(p []byte) (int, error) {
	return min(f.n, len(p)), nil
}

func TestWriterShortWriteSticky(t *testing.T) {
	t.Parallel()
	w := NewWriter(&failingWriter{n: 3})
	s := &Stanza{Fields: []Field{{Name: "Package", Value: "a"}}}
	if err := w.Write(s); err != nil {
		t.Fatal(err)
	}
	err := w.Flush()
	if err == nil {
		t.Fatal("short write not reported")
	}
	if w.Write(s) != err || w.Flush() != err {
		t.Error("write error is not sticky")
	}
}

func TestClone(t *testing.T) {
	t.Parallel()
	ss, err := Parse("f", []byte("Package: a\nDescription:  x \n y\n"))
	if err != nil {
		t.Fatal(err)
	}
	c := ss[0].Clone()
	c.Set("Package", "b")
	if ss[0].Get("Package") != "a" || c.Get("Package") != "b" {
		t.Error("Clone shares fields with the original")
	}
	a, _ := ss[0].AppendText(nil)
	c.Set("Package", "a")
	b, _ := c.AppendText(nil)
	if !bytes.Equal(a, b) || c.File != "f" || c.Fields[1].Line != 2 {
		t.Errorf("Clone lost raw text, file or lines: %q vs %q", a, b)
	}
}

// TestNormalisation pins every way a round trip may change the bytes (the
// list in doc.go); anything else must come back unchanged.
func TestNormalisation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, in, want string }{
		{"canonical", "A: 1\nB:  2 \n \n x\n\nC:\n\n", "A: 1\nB:  2 \n \n x\n\nC:\n\n"},
		{"leading blank lines", "\n \n\nA: 1\n\n", "A: 1\n\n"},
		{"extra separators", "A: 1\n\n\n\t\nB: 2\n\n\n", "A: 1\n\nB: 2\n\n"},
		{"tab-only separator", "A: 1\n\t\nB: 2\n\n", "A: 1\n\nB: 2\n\n"},
		{"no final blank line", "A: 1\n", "A: 1\n\n"},
		{"no final newline", "A: 1", "A: 1\n\n"},
		{"CRLF", "A: 1\r\nB: x \r\n y\r\n\r\n", "A: 1\nB: x \n y\n\n"},
		{"only blank lines", "\n\n", ""},
	} {
		stanzas, err := Parse("in", []byte(tc.in))
		if err != nil {
			t.Fatal(err)
		}
		if got := string(writeStanzas(t, stanzas)); got != tc.want {
			t.Errorf("%s: %q written as %q, want %q", tc.name, tc.in, got, tc.want)
		}
	}
}
