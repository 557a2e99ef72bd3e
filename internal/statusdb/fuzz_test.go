package statusdb

import (
	"errors"
	"testing"
)

// FuzzParse: never a panic, and every failure is an *Error naming the
// status file.
func FuzzParse(f *testing.F) {
	f.Add([]byte("Package: a\nVersion: 1\nStatus: install ok installed\nArchitecture: all\n\n"))
	f.Add([]byte("Package: a\nVersion: 1\nStatus: install user installed\nConffiles:\n /etc/a d41d8cd98f00b204e9800998ecf8427e\n\nPackage: b\nVers"))
	f.Add([]byte("Version: 1\nStatus: deinstall hold not-installed\n\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := &Dest{Name: "root", StatusFile: "/s"}
		pkgs, err := Parse(d, data)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.File != "/s" {
				t.Fatalf("error %T %v", err, err)
			}
		}
		for _, p := range pkgs {
			if p.Name == "" || p.Dest != d {
				t.Fatalf("package %+v", p)
			}
		}
	})
}
