package engine

import "context"

// Arch is one installable architecture and its priority; a higher priority
// wins between equal versions.
type Arch struct {
	Name     string
	Priority string // as configured; lede prints it verbatim
}

// ArchList is the answer of Architectures.
type ArchList struct {
	Arches   []Arch
	Messages []Message // from reading the configuration
}

// Architectures returns the configured architectures in configuration
// order: --add-arch first, then the arch lines of the configuration files,
// or opkg's defaults when there are none. Duplicates are kept, as lede
// prints them all.
func (e *Engine) Architectures(ctx context.Context) (*ArchList, error) {
	cfg, msgs, err := e.loadConfig()
	if err != nil {
		return &ArchList{Messages: msgs}, err
	}
	list := &ArchList{Messages: msgs}
	for _, a := range cfg.Architectures() {
		list.Arches = append(list.Arches, Arch{Name: a.Name, Priority: a.PriorityText})
	}
	return list, nil
}
