package ipk_test

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"testing/fstest"
	"time"

	"pakt/internal/ipk"
)

// Build a package from a tree, then read it back the way an installer does:
// the control stanza first, then the entries.
func Example() {
	tree := fstest.MapFS{
		"usr/bin/hello": {Data: []byte("#!/bin/sh\necho hello\n"), Mode: 0o755},
		"usr/bin/hi":    {Data: []byte("hello"), Mode: fs.ModeSymlink | 0o777},
	}
	pkg := ipk.Package{Data: tree}
	size, _ := ipk.DataSize(pkg, ipk.WriteOptions{})
	stanza := fmt.Sprintf("Package: hello\nVersion: 1.0-1\nArchitecture: all\nInstalled-Size: %d\n", size)
	pkg.Control = []ipk.ControlFile{{Name: "control", Mode: 0o644, Data: []byte(stanza)}}

	var file bytes.Buffer
	if err := ipk.Write(&file, pkg, ipk.WriteOptions{ModTime: time.Unix(1700000000, 0)}); err != nil {
		fmt.Println(err)
		return
	}

	// Pass 1: the control member only (it follows data in this layout).
	ctl, err := ipk.ReadControl(bytes.NewReader(file.Bytes()), "hello_1.0-1_all.ipk", ipk.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	c, _ := ctl.File("control")
	fmt.Print(string(c))

	// Pass 2: every entry, checked, streamed.
	_, err = ipk.Walk(bytes.NewReader(file.Bytes()), "hello_1.0-1_all.ipk", ipk.Options{}, ipk.Handler{
		Entry: func(e *ipk.Entry, content io.Reader) error {
			n, err := io.Copy(io.Discard, content)
			if e.Type == ipk.TypeSymlink {
				fmt.Println(e.Type, e.Name, "->", e.Linkname)
			} else {
				fmt.Println(e.Type, e.Name, e.Mode.Perm(), n)
			}
			return err
		},
	})
	fmt.Println(err)
	// Output:
	// Package: hello
	// Version: 1.0-1
	// Architecture: all
	// Installed-Size: 10240
	// directory usr -r-xr-xr-x 0
	// directory usr/bin -r-xr-xr-x 0
	// file usr/bin/hello -rwxr-xr-x 21
	// symlink usr/bin/hi -> hello
	// <nil>
}
