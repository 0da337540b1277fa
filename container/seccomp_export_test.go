package container

// What the tests use of a seccomp profile: install it on a test process,
// and hand it as bytes to a re-executed one. (The runtime itself installs
// the filter from its raw child: spawn.go.)

import (
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Install sets no_new_privs (when it is not set yet: the kernel requires
// it of a process without CAP_SYS_ADMIN) and installs p on every thread
// of the calling process (SECCOMP_FILTER_FLAG_TSYNC). The filter stays
// for the process and everything it starts; it cannot be removed.
//
// Install it after the last namespace, mount, host-name and cgroup
// operation, right before the command: from then on clone3 answers
// ENOSYS, and Go's os.StartProcess uses clone3 whenever
// SysProcAttr.UseCgroupFD is set (it does not fall back to clone). So an
// init that starts the command with CgroupFD cannot install it on itself
// first; the command's own process must: a raw child (Fprog), as
// spawn.go installs it, last before execve.
func (p *SeccompProfile) Install() error {
	if len(p.filter) == 0 {
		return errors.New("installing the seccomp filter: empty program")
	}
	// no_new_privs is a thread's; TSYNC copies it to the other threads
	// along with the filter.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	nnp, err := unix.PrctlRetInt(unix.PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0)
	if err != nil {
		return fmt.Errorf("prctl(PR_GET_NO_NEW_PRIVS): %w", err)
	}
	if nnp != 1 {
		if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
			return fmt.Errorf("prctl(PR_SET_NO_NEW_PRIVS): %w", err)
		}
	}
	r, _, errno := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC,
		uintptr(unsafe.Pointer(&p.fprog)))
	runtime.KeepAlive(p)
	if errno != 0 {
		return fmt.Errorf("installing the seccomp filter: %w", errno)
	}
	if r != 0 {
		return fmt.Errorf("installing the seccomp filter: thread %d cannot take it", r)
	}
	return nil
}

// MarshalBinary is p's program as the kernel reads it (struct
// sock_filter, 8 bytes each, in the machine's byte order), to hand to a
// re-executed init on a pipe.
func (p *SeccompProfile) MarshalBinary() ([]byte, error) {
	b := make([]byte, 0, 8*len(p.filter))
	for _, f := range p.filter {
		b = binary.NativeEndian.AppendUint16(b, f.Code)
		b = append(b, f.Jt, f.Jf)
		b = binary.NativeEndian.AppendUint32(b, f.K)
	}
	return b, nil
}

// UnmarshalSeccomp reads back a program written by MarshalBinary. The
// kernel checks the program itself when it is installed.
func UnmarshalSeccomp(b []byte) (*SeccompProfile, error) {
	if len(b) == 0 || len(b)%8 != 0 || len(b)/8 > unix.BPF_MAXINSNS {
		return nil, fmt.Errorf("reading a seccomp program: %d bytes is not a program of 1 to %d instructions", len(b), unix.BPF_MAXINSNS)
	}
	p := &SeccompProfile{filter: make([]unix.SockFilter, len(b)/8)}
	for i := range p.filter {
		c := b[8*i:]
		p.filter[i] = unix.SockFilter{Code: binary.NativeEndian.Uint16(c), Jt: c[2], Jf: c[3], K: binary.NativeEndian.Uint32(c[4:])}
	}
	p.fprog = unix.SockFprog{Len: uint16(len(p.filter)), Filter: &p.filter[0]}
	return p, nil
}
