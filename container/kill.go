package container

import (
	"syscall"
	"time"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Kill sends sig to the PID 1 of the running container name (docker
// kill; SIGKILL when sig is 0). For SIGKILL it waits until the runtime
// has written the exit down, so that ps shows it exited. A signal PID 1
// has no handler for is dropped by the kernel (unless the container runs
// with Init, whose PID 1 passes it on).
func Kill(root, name string, sig syscall.Signal) error {
	if sig == 0 {
		sig = syscall.SIGKILL
	}
	in, err := Find(root, name)
	if err != nil {
		return err
	}
	// (running checks the PID's start time: a reused PID is not killed.)
	if !in.Running() || !running(in.state, in.extra) {
		return i18n.Failed(i18n.T("container %q is not running", "컨테이너 %q는 실행 중이 아닙니다").F(in.Name), nil)
	}
	if err := syscall.Kill(in.state.InitPID, sig); err != nil {
		return i18n.Failed(i18n.T("cannot signal container %q", "컨테이너 %q에 시그널을 보낼 수 없습니다").F(in.Name), err)
	}
	if sig == syscall.SIGKILL {
		for i := 0; i < 500 && runtimeAlive(in.state); i++ {
			if s, err := ReadState(in.dir); err != nil || s.Status == "exited" {
				break
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return nil
}
