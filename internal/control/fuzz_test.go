package control

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
)

// addSeeds adds the real-data snippets in testdata/seed (copied from
// ../shared/data so that fuzzing works in a bare checkout) and a few
// synthetic edge cases.
func addSeeds(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "seed", "*"))
	if err != nil || len(files) == 0 {
		f.Fatalf("no seeds in testdata/seed: %v", err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"", "\n", " \n", "\t\n", "A:\n", "A: b\r\n\r\nC: d", "A: x \n \n\t y\n", ":\n", "A\n",
		"Description:  a  \n b \nA: 1\nA: 2\n\n\n", " x\n", "A: 1\n \nB:2",
	} {
		f.Add([]byte(s))
	}
}

// FuzzReader: the reader never panics; the streaming Reader and Parse agree;
// what is read can be written, reads back as the same fields, and writing it
// again gives the same bytes.
func FuzzReader(f *testing.F) {
	addSeeds(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		parsed, perr := Parse("fuzz", data)
		var streamed []Stanza
		r := NewReader("fuzz", iotest.HalfReader(bytes.NewReader(data)))
		var serr error
		for {
			s, err := r.Next()
			if err != nil {
				if err != io.EOF {
					serr = err
				}
				break
			}
			streamed = append(streamed, *s)
		}
		if (perr == nil) != (serr == nil) || (perr != nil && perr.Error() != serr.Error()) {
			t.Fatalf("Parse error %v, Reader error %v", perr, serr)
		}
		if perr != nil {
			var se *SyntaxError
			if !errors.As(perr, &se) {
				t.Fatalf("error %v is not a *SyntaxError", perr)
			}
			return
		}
		if !sameFields(parsed, streamed) {
			t.Fatal("Parse and Reader disagree")
		}
		out := writeStanzas(t, parsed)
		back, err := Parse("out", out)
		if err != nil {
			t.Fatalf("written output does not parse: %v\n%q", err, out)
		}
		if !sameFields(parsed, back) {
			t.Fatalf("round trip changed fields\n in: %q\nout: %q", data, out)
		}
		if again := writeStanzas(t, back); !bytes.Equal(again, out) {
			t.Fatalf("second write differs\n%q\n%q", out, again)
		}
	})
}

// FuzzSetValue: a field set in code is either refused or reads back as set.
func FuzzSetValue(f *testing.F) {
	f.Add("Description", "a\n b\n \n c")
	f.Add("Conffiles", "\n /etc/a 01")
	f.Add("Provides", "")
	f.Add("A", " x")
	f.Fuzz(func(t *testing.T, name, value string) {
		var s Stanza
		s.Set("Package", "p")
		s.Set(name, value)
		out, err := s.AppendText(nil)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is not a *SyntaxError", err)
			}
			return
		}
		back, err := Parse("out", out)
		if err != nil {
			t.Fatalf("written %q does not parse: %v", out, err)
		}
		if len(back) != 1 || !sameFields(back, []Stanza{s}) {
			t.Fatalf("Set(%q, %q) wrote %q, read back %v", name, value, out, fieldsOf(back))
		}
	})
}

func writeStanzas(t *testing.T, stanzas []Stanza) []byte {
	var out bytes.Buffer
	w := NewWriter(&out)
	for i := range stanzas {
		if err := w.Write(&stanzas[i]); err != nil {
			t.Fatalf("cannot write a stanza that was read: %v", err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func sameFields(a, b []Stanza) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i].Fields) != len(b[i].Fields) {
			return false
		}
		for j, f := range a[i].Fields {
			g := b[i].Fields[j]
			if f.Name != g.Name || f.Value != g.Value {
				return false
			}
		}
	}
	return true
}
