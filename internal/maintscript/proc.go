package maintscript

import (
	"os/exec"
	"syscall"
)

// ownGroup starts cmd in a process group of its own and makes a cancelled
// context kill that whole group: `sh -c` may fork, and a script's children
// must not outlive a cancelled transaction.
func ownGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error {
		return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
}

// executable is access(file, X_OK) == 0, lede's test for a deferred
// command.
func executable(file string) bool {
	const xOK = 1
	return syscall.Access(file, xOK) == nil
}
