package engine

import "context"

// Download downloads packages into the working directory.
func (e *Engine) Download(ctx context.Context, args []string) error {
	return notImplemented("download")
}
