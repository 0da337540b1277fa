package container

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/sysinfo"
)

// ExecOptions is one command to run inside a running container.
type ExecOptions struct {
	Args           []string
	Env            []string // K=V added to (or replacing) the container's defaults
	Dir            string   // working directory inside; default "/"
	User           string   // UID[:GID] or a user of the container's /etc/passwd; default root
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	StateRoot      string
	// Detach runs the command in the background (docker exec -d): its
	// input and output are /dev/null, and Exec returns 0 once it runs.
	// It ends with the container.
	Detach bool
	// Timeout, when set, is how long the command may run: then it and
	// every process it started in its process group are killed, and Exec
	// returns ErrExecTimeout. For a program that looks into a container
	// it does not trust (a lesson's check): what runs in there is the
	// container owner's.
	Timeout time.Duration
}

// ErrExecTimeout is returned by Exec for a command killed at its Timeout.
var ErrExecTimeout = errors.New("the command did not end in time and was killed")

// ErrNotRunning is returned by Exec for a container that has ended.
func errNotRunning(in *Info) error {
	t := i18n.T("container %q is not running, so nothing can be run inside it (start a new one with 'container run -d')",
		"컨테이너 %q는 실행 중이 아니어서 안에서 명령을 실행할 수 없습니다 ('container run -d'로 새로 시작하세요)").F(in.Name)
	if in.ExitCode != nil {
		t = i18n.T("container %q exited with status %d, so nothing can be run inside it (start a new one with 'container run -d')",
			"컨테이너 %q는 이미 끝났습니다 (종료 코드 %d). 안에서 명령을 실행할 수 없으니 'container run -d'로 새로 시작하세요").F(in.Name, *in.ExitCode)
	}
	return &i18n.Error{Kind: i18n.KindFailed, Text: t}
}

// Exec runs a command inside the running container name, and returns its
// exit status (128+N when signal N killed it). The command gets all the
// container's namespaces (mount, UTS, IPC, network, PID and cgroup), its
// root, its cgroups, the reduced capabilities and no_new_privs.
//
// How: one OS thread of this process leaves the host for good. It stops
// sharing its file system attributes with the other threads
// (unshare(CLONE_FS): setns into a mount namespace fails otherwise), joins
// the container's cgroups, enters each namespace with setns, switches to
// the container's root, drops capabilities, and forks the command; the
// thread is thrown away afterwards (its goroutine ends still locked).
func Exec(name string, o ExecOptions) (int, error) {
	if len(o.Args) == 0 || o.Args[0] == "" {
		return 0, i18n.Invalid(i18n.T("no command given: say what to run, e.g. 'container exec NAME sh'",
			"실행할 명령이 없습니다: 예를 들어 'container exec NAME sh'처럼 쓰세요"))
	}
	dir := "/"
	if o.Dir != "" {
		if !filepath.IsAbs(o.Dir) {
			return 0, i18n.Invalid(i18n.T("the working directory must be absolute: %q", "작업 디렉터리는 절대 경로여야 합니다: %q").F(o.Dir))
		}
		dir = filepath.Clean(o.Dir)
	}
	for _, kv := range o.Env {
		if k, _, ok := strings.Cut(kv, "="); !ok || k == "" || strings.ContainsAny(k, " \x00") {
			return 0, i18n.Invalid(i18n.T("bad environment variable %q (use -e KEY=VALUE)", "잘못된 환경 변수입니다: %q (-e KEY=VALUE 형식)").F(kv))
		}
	}
	in, err := Find(o.StateRoot, name)
	if err != nil {
		return 0, err
	}
	if !in.Running() {
		return 0, errNotRunning(in)
	}
	pid := 0
	if x := in.extra; x != nil && x.CmdPID > 0 {
		if st, err := procStart(x.CmdPID); err == nil && st == x.CmdStart {
			pid = x.CmdPID
		}
	}
	if pid == 0 {
		pid = commandPID(in.state.InitPID, 0)
	}
	if pid == 0 {
		return 0, errNotRunning(in)
	}
	// The container's environment (the image's ENV, run -e) first, then
	// exec's own -e, as docker exec.
	o.Env = append(slices.Clone(in.state.Env), o.Env...)
	if o.Detach {
		null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
		if err != nil {
			return 0, i18n.Failed(i18n.T("cannot open %s", "%s를 열 수 없습니다").F(os.DevNull), err)
		}
		defer null.Close()
		o.Stdin, o.Stdout, o.Stderr = null, null, null
	}
	return execInto(pid, dir, o)
}

// onThrowawayThread runs f on an OS thread of its own that is discarded
// afterwards (its goroutine ends still locked to it), so that whatever f
// does to the thread (namespaces, root, capabilities) dies with it. Not
// the main thread, which Go cannot discard: its namespaces are what
// /proc/self shows for the whole process.
func onThrowawayThread(f func()) {
	done := make(chan struct{})
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			// Hold the main thread while a fresh one does the work.
			onThrowawayThread(f)
			runtime.UnlockOSThread()
			close(done)
			return
		}
		f()
		close(done)
	}()
	<-done
}

// execCommand returns the command of o and its environment, as the
// container whose init is at proc sees them.
func execCommand(proc string, o ExecOptions) (string, map[string]string, []string, error) {
	env := map[string]string{"PATH": defaultPath, "HOME": "/root", "TERM": "xterm"}
	order := []string{"PATH", "HOME", "HOSTNAME", "TERM"}
	if t := os.Getenv("TERM"); t != "" {
		env["TERM"] = t
	}
	if h, err := os.ReadFile(proc + "/root/etc/hostname"); err == nil {
		env["HOSTNAME"] = strings.TrimSpace(string(h))
	}
	for _, kv := range o.Env {
		k, v, _ := strings.Cut(kv, "=")
		if _, seen := env[k]; !seen {
			order = append(order, k)
		}
		env[k] = v
	}
	path, err := lookIn(proc+"/root", o.Args[0], env["PATH"])
	return path, env, order, err
}

// openJoinCgroups opens what it takes for the calling thread to join the
// cgroups of process pid (the container's command) and to come back: v1
// "tasks" files, and the v2 directory for clone3's CLONE_INTO_CGROUP.
// Hierarchies where both are in the same cgroup are left alone.
func openJoinCgroups(pid int) (*cgroupFiles, error) {
	cg := &cgroupFiles{v2: -1}
	layout, err := sysinfo.CgroupLayout()
	if err != nil {
		return cg, err
	}
	read := func(p string) map[string]string {
		f, err := os.Open(p)
		if err != nil {
			return nil
		}
		defer f.Close()
		m := map[string]string{}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			parts := strings.SplitN(sc.Text(), ":", 3)
			if len(parts) == 3 {
				m[parts[1]] = parts[2]
			}
		}
		return m
	}
	theirs, mine := read(fmt.Sprintf("/proc/%d/cgroup", pid)), read("/proc/thread-self/cgroup")
	if theirs == nil {
		return cg, fmt.Errorf("cannot read /proc/%d/cgroup", pid)
	}
	for ctrls, path := range theirs {
		if path == mine[ctrls] {
			continue
		}
		if ctrls == "" {
			if layout.V2 == "" {
				continue
			}
			fd, err := unix.Open(filepath.Join(layout.V2, path), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
			if err != nil {
				cg.close()
				return &cgroupFiles{v2: -1}, err
			}
			cg.v2 = fd
			continue
		}
		mnt := ""
		for _, c := range strings.Split(ctrls, ",") {
			if m, ok := layout.V1[c]; ok {
				mnt = m
				break
			}
		}
		if mnt == "" {
			continue
		}
		t, err := unix.Open(filepath.Join(mnt, path, "tasks"), unix.O_WRONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			cg.close()
			return &cgroupFiles{v2: -1}, err
		}
		cg.tasks = append(cg.tasks, t)
		h, err := unix.Open(filepath.Join(mnt, mine[ctrls], "tasks"), unix.O_WRONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			cg.close()
			return &cgroupFiles{v2: -1}, err
		}
		cg.home = append(cg.home, h)
	}
	return cg, nil
}
