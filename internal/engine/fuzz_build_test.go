package engine

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"pakt/internal/control"
)

// FuzzCheckControl feeds pakt build's control-file check arbitrary bytes.
// It must never panic, and whatever it accepts must name a package file
// safely and survive what Build does next: Installed-Size set, the stanza
// written back and read again to the same fields.
func FuzzCheckControl(f *testing.F) {
	seeds, _ := filepath.Glob(filepath.Join("testdata", "control", "*.control"))
	for _, s := range seeds {
		data, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(helloControl))
	f.Add([]byte("Package: p\nVersion: 1:1\nArchitecture: all\nMaintainer: m\nDescription: d\nFilename: x\n"))
	f.Add([]byte("Package: P_Q\nVersion:\n\nPackage: second\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, problems := CheckControl("control", data)
		for _, p := range problems {
			if p.Path != "control" || p.Error() == "" {
				t.Fatalf("problem without its file: %#v", p)
			}
		}
		if len(problems) > 0 {
			return
		}
		name := s.Get("Package") + "_" + stripEpoch(s.Get("Version")) + "_" + s.Get("Architecture") + ".ipk"
		if strings.ContainsAny(name, "/\x00") || strings.HasPrefix(name, ".") {
			t.Fatalf("accepted a control file that names %q", name)
		}
		setInstalledSize(s, 10240)
		text, err := s.AppendText(nil)
		if err != nil {
			t.Fatalf("accepted, then cannot be written back: %v", err)
		}
		again, err := control.Parse("again", text)
		if err != nil || len(again) != 1 || len(again[0].Fields) != len(s.Fields) {
			t.Fatalf("written back as %q: %v", text, err)
		}
		for i, fl := range again[0].Fields {
			if fl.Name != s.Fields[i].Name || fl.Value != s.Fields[i].Value {
				t.Fatalf("field %d: %q=%q, was %q=%q", i, fl.Name, fl.Value, s.Fields[i].Name, s.Fields[i].Value)
			}
		}
	})
}
