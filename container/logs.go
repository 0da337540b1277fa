package container

import (
	"io"
	"os"
	"time"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Logs copies what a detached container wrote to w; with follow, it keeps
// copying until the container ends (or stop is closed).
func Logs(root, name string, follow bool, w io.Writer, stop <-chan struct{}) error {
	in, err := Find(root, name)
	if err != nil {
		return err
	}
	if in.Log == "" {
		return i18n.Failed(i18n.T("container %q keeps no log: only 'run -d' captures the output",
			"컨테이너 %q에는 로그가 없습니다: 출력은 'run -d'로 실행한 것만 모아 둡니다").F(in.Name), nil)
	}
	f, err := os.Open(in.Log)
	if err != nil {
		return i18n.Failed(i18n.T("cannot read the log of %q", "%q의 로그를 읽을 수 없습니다").F(in.Name), err)
	}
	defer f.Close()
	for {
		if _, err := io.Copy(w, f); err != nil {
			return i18n.Failed(i18n.T("cannot write the log", "로그를 출력할 수 없습니다"), err)
		}
		if !follow {
			return nil
		}
		if !running(in.state, in.extra) {
			io.Copy(w, f) // what it wrote as it ended
			return nil
		}
		select {
		case <-stop:
			return nil
		case <-time.After(100 * time.Millisecond):
		}
	}
}
