package engine

import "context"

// Arch is one installable architecture and its priority; a higher priority
// wins between equal versions.
type Arch struct {
	Name     string
	Priority string // as configured; lede prints it verbatim
}

// Architectures returns the configured architectures in configuration
// order: --add-arch first, then the arch lines of the configuration files,
// or opkg's defaults when there are none.
func (e *Engine) Architectures(ctx context.Context) ([]Arch, error) {
	return nil, notImplemented("print-architecture")
}
