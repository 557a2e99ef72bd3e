package txn_test

import (
	"fmt"
	"os"
	"strings"

	"pakt/internal/fsroot"
	"pakt/internal/txn"
)

// A command takes the lock, recovers whatever an earlier run left, then
// applies its changes in one transaction.
func Example() {
	dir, _ := os.MkdirTemp("", "pakt-example")
	defer os.RemoveAll(dir)
	root, _ := fsroot.Open(dir)
	defer root.Close()

	fsys := root.Resolved() // txn resolves each name once
	if rep, err := txn.Recover(fsys, nil); err != nil || rep.Action != txn.Nothing {
		fmt.Println(rep.Action, err)
	}
	status := "Package: hello\nVersion: 1.0\nStatus: install user installed\n\n"
	tx, err := txn.New(fsys, []txn.Op{
		txn.File("usr/bin/hello", 0o755, -1, -1, 6, strings.NewReader("hello\n")).For("hello"),
		txn.Symlink("usr/bin/hi", "hello", -1, -1).For("hello"),
		txn.Database("usr/lib/opkg/info/hello.list", []byte("/usr/bin/hello\n/usr/bin/hi\n")),
		txn.Database("usr/lib/opkg/status", []byte(status)),
	}, txn.Options{})
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := tx.Run(); err != nil {
		fmt.Println(err)
		return
	}
	data, _ := os.ReadFile(dir + "/usr/bin/hello")
	target, _ := os.Readlink(dir + "/usr/bin/hi")
	_, err = os.Stat(dir + "/" + txn.JournalPath)
	fmt.Printf("%q %s journal gone: %v\n", data, target, os.IsNotExist(err))
	// Output: "hello\n" hello journal gone: true
}
