package container

import "golang.org/x/sys/unix"

// The architecture the seccomp filter is built for, and the numbers of
// the system calls it names (those this architecture has).
const (
	seccompAuditArch = unix.AUDIT_ARCH_X86_64
	seccompX32       = true // calls with the x32 bit (0x40000000) answer ENOSYS
)

// archNumbers are the numbers of the calls only this architecture has.
var archNumbers = []sysnum{
	{"iopl", unix.SYS_IOPL},
	{"ioperm", unix.SYS_IOPERM},
	{"_sysctl", unix.SYS__SYSCTL},
	{"get_kernel_syms", unix.SYS_GET_KERNEL_SYMS},
	{"query_module", unix.SYS_QUERY_MODULE},
	{"create_module", unix.SYS_CREATE_MODULE},
	{"uselib", unix.SYS_USELIB},
	{"ustat", unix.SYS_USTAT},
	{"sysfs", unix.SYS_SYSFS},
	{"afs_syscall", unix.SYS_AFS_SYSCALL},
	{"getpmsg", unix.SYS_GETPMSG},
	{"putpmsg", unix.SYS_PUTPMSG},
	{"security", unix.SYS_SECURITY},
	{"tuxcall", unix.SYS_TUXCALL},
	{"vserver", unix.SYS_VSERVER},
}
