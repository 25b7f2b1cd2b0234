package backuptest

import (
	"os/exec"
	"syscall"
)

// dieWithParent kills the server if the test binary dies without its
// clean-up (a timeout, a panic).
func dieWithParent(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}
