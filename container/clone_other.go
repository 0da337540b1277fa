//go:build !amd64

package container

import "syscall"

// haveClone: the forked init cannot be used here (no clone_*.s for this
// architecture); the Go init is.
const haveClone = false

func cloneInit(flags, stack uintptr, p *forkProg) (pid, errno uintptr) {
	return 0, uintptr(syscall.ENOSYS)
}

func cloneCmd(flags, stack uintptr, p *forkProg) (pid, errno uintptr) {
	return 0, uintptr(syscall.ENOSYS)
}

func clone3Cmd(args *cloneArgs, size uintptr, p *forkProg) (pid, errno uintptr) {
	return 0, uintptr(syscall.ENOSYS)
}
