package engine

import "context"

// Key generates, signs with and verifies usign keys (pakt's "key"
// sub-command). Owned by the key work, which replaces this stub.
func (e *Engine) Key(ctx context.Context, args []string) error {
	return notImplemented("key")
}
