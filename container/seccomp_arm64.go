package container

import "golang.org/x/sys/unix"

// The architecture the seccomp filter is built for, and the numbers of
// the system calls it names (those this architecture has).
const (
	seccompAuditArch = unix.AUDIT_ARCH_AARCH64
	seccompX32       = false // calls with the x32 bit (0x40000000) answer ENOSYS
)

// archNumbers are the numbers of the calls only this architecture has.
var archNumbers = []sysnum{}
