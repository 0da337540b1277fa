//go:build !amd64 && !arm64

package container

// No seccomp profile for this architecture: NewSeccomp says so.
const (
	seccompAuditArch = 0
	seccompX32       = false
)

var seccompNumbers []sysnum
