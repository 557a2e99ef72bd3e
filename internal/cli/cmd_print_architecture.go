package cli

import (
	"context"
	"fmt"
)

// runPrintArchitecture prints "arch <name> <priority>" per configured
// architecture, in configuration order (lede's
// opkg_print_architecture_cmd), after what reading the configuration had
// to say.
func runPrintArchitecture(ctx context.Context, inv *invocation, args []string) error {
	list, err := inv.engine.Architectures(ctx)
	if list != nil {
		inv.say(list.Messages)
	}
	if err != nil {
		return err
	}
	if inv.options.json {
		out := architecturesJSON{MessageType: "architectures", Architectures: []archJSON{}}
		for _, a := range list.Arches {
			out.Architectures = append(out.Architectures, archJSON{Name: a.Name, Priority: a.Priority})
		}
		return inv.writeJSON(out)
	}
	for _, a := range list.Arches {
		fmt.Fprintf(inv.stdout, "arch %s %s\n", a.Name, a.Priority)
	}
	return nil
}
