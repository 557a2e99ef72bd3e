package version_test

import (
	"errors"
	"fmt"

	"pakt/internal/version"
)

// What "opkg compare-versions v1 op v2" does: exit 0 when the relation
// holds, 1 when not or when the operator is unknown (opkg-compat.md §1.5).
func Example_compareVersions() {
	for _, args := range [][3]string{
		{"1.0", "<<", "1.0"},
		{"1.0", "<", "1.0"},
		{"2:1.0", ">>", "1:9.9"},
		{"1.0", "!=", "2.0"},
	} {
		op, err := version.ParseOp(args[1])
		var unknown *version.OpError
		if errors.As(err, &unknown) {
			fmt.Printf(" * pkg_version_satisfied: Unknown operator: %s.\n", unknown.Op)
			continue
		}
		fmt.Println(args[0], op, args[2], version.Satisfies(args[0], op, args[2]))
	}
	// Output:
	// 1.0 << 1.0 false
	// 1.0 <= 1.0 true
	// 2:1.0 >> 1:9.9 true
	//  * pkg_version_satisfied: Unknown operator: !=.
}
