package engine

import "fmt"

// NotImplementedError is returned by use cases that are not built yet.
type NotImplementedError struct {
	Command string // the sub-command, e.g. "install"
}

func (e *NotImplementedError) Error() string {
	return fmt.Sprintf("%s: not implemented yet", e.Command)
}

func notImplemented(command string) error { return &NotImplementedError{Command: command} }
