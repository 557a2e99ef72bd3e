package control_test

import (
	"fmt"
	"io"
	"os"
	"strings"

	"pakt/internal/control"
)

func ExampleReader() {
	index := "Package: a\nVersion: 1.0-1\nDescription:  first line\n second\n \n third\n\nPackage: b\nVersion: 2\n\n"
	r := control.NewReader("Packages", strings.NewReader(index))
	for {
		s, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			fmt.Println(err)
			return
		}
		fmt.Printf("%s %s (line %d) %q\n", s.Get("package"), s.Get("Version"), s.Line(), s.Get("Description"))
	}
	// Output:
	// a 1.0-1 (line 1) "first line\n second\n \n third"
	// b 2 (line 8) ""
}

func ExampleWriter() {
	var s control.Stanza
	s.Append("Package", "busybox")
	s.Append("Version", "1.36.1-1")
	s.Append("Conffiles", "\n /etc/syslog.conf 0123abcd")
	s.Set("Version", "1.36.1-2")
	w := control.NewWriter(os.Stdout)
	if err := w.Write(&s); err != nil {
		fmt.Println(err)
	}
	if err := w.Flush(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// Package: busybox
	// Version: 1.36.1-2
	// Conffiles:
	//  /etc/syslog.conf 0123abcd
}

func ExampleSyntaxError() {
	_, err := control.Parse("Packages", []byte("Package: a\nnot a field\n"))
	fmt.Println(err)
	// Output:
	// Packages:2: line "not a field" is not a field (no colon), a continuation or a blank line
}
