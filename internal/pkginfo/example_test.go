package pkginfo_test

import (
	"fmt"
	"os"

	"pakt/internal/control"
	"pakt/internal/pkginfo"
)

func Example() {
	status := "Package: libopenssl3\nABIVersion: 3\nVersion: 3.0.16-r1\nDepends: libc\nProvides: libopenssl\n" +
		"Status: install ok installed\nArchitecture: aarch64_generic\nInstalled-Time: 1744717122\n\n"
	stanzas, err := control.Parse("status", []byte(status))
	if err != nil {
		fmt.Println(err)
		return
	}
	p, err := pkginfo.Decode(&stanzas[0])
	if err != nil {
		fmt.Println(err)
		return
	}
	p.Status.Flags = pkginfo.FlagHold // "opkg flag hold libopenssl3" replaces the flag set
	w := control.NewWriter(os.Stdout)
	w.Write(p.StatusStanza())
	w.Flush()
	// Output:
	// Package: libopenssl3
	// ABIVersion: 3
	// Version: 3.0.16-r1
	// Depends: libc
	// Provides: libopenssl
	// Status: install hold installed
	// Architecture: aarch64_generic
	// Installed-Time: 1744717122
}

func ExampleDecode_error() {
	stanzas, _ := control.Parse("Packages", []byte("Package: foo\nVersion: 1.0\nDepends: bar (1.0)\n"))
	_, err := pkginfo.Decode(&stanzas[0])
	fmt.Println(err)
	// Output:
	// Packages:3: package foo: Depends: column 6: '(' without a version operator (<< <= = >= >>) (in "bar (1.0)")
}
