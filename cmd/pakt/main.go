// Command pakt is an opkg-compatible, transactional package manager for
// embedded Linux. Installed as (or linked to) opkg, it behaves as opkg.
package main

import (
	"os"

	"pakt/internal/cli"
)

func main() {
	os.Exit(cli.Main(os.Args, os.Stdin, os.Stdout, os.Stderr))
}
