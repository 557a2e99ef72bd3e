package feed

import (
	"bytes"
	"errors"
	"testing"

	"pakt/internal/control"
)

// FuzzAdd checks the scanner against control on any input: it never
// panics, it accepts exactly what control accepts, every entry's fields
// read as control reads them, and Package decodes what it stored.
func FuzzAdd(f *testing.F) {
	f.Add([]byte(sample))
	f.Add([]byte("Package: a\r\nVersion: 1\r\nDescription: x  \r\n y\r\n\r\n"))
	f.Add([]byte("\n \nPackage: a\n\tcont\nProvides: b, c d\n\t \nPackage: b"))
	f.Add([]byte("Package: a\nbad line\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		var x Index
		err := x.Add("f", bytes.NewReader(data), nil)
		stanzas, cerr := control.Parse("f", data)
		if (err == nil) != (cerr == nil) {
			t.Fatalf("feed: %v; control: %v", err, cerr)
		}
		if err != nil {
			var le *ListError
			var a, b *control.SyntaxError
			if !errors.As(err, &le) || !errors.As(err, &a) || !errors.As(cerr, &b) {
				t.Fatalf("error types: %T %T", err, cerr)
			}
			if a.Line != b.Line || a.Msg != b.Msg || !errors.Is(a.Err, b.Err) && (a.Err != nil || b.Err != nil) {
				t.Fatalf("feed error %v, control error %v", a, b)
			}
			return
		}
		i := 0
		for _, s := range stanzas {
			if s.Get("Package") == "" {
				continue
			}
			if i >= x.Len() {
				t.Fatalf("index has %d entries, control more", x.Len())
			}
			for _, fld := range s.Fields {
				if got, _ := x.Field(i, fld.Name); got != s.Get(fld.Name) {
					t.Fatalf("Field(%q) = %q, control %q", fld.Name, got, s.Get(fld.Name))
				}
			}
			if x.Entry(i).Line != s.Line() {
				t.Fatalf("line %d, control %d", x.Entry(i).Line, s.Line())
			}
			x.Package(i) // may refuse the values; must not panic
			i++
		}
		if i != x.Len() {
			t.Fatalf("index has %d entries, control %d", x.Len(), i)
		}
	})
}
