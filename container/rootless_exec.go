package container

// exec in a running container, as root or rootless. The command is
// started the way a container's first process is (spawn.go): a child
// cloned with fork semantics runs a prepared list of raw system calls.
// (A thread of the runtime cannot do it: setns into a user namespace is
// refused to a process with more than one thread, which every Go program
// is, and the command must get the container's seccomp filter, under
// which Go's own clone3 would not work.) The child is in the container's
// cgroup from its first instruction (as spawn's: clone3 into a v2 cgroup,
// or this thread in the v1 cgroups for the clone). It enters the
// container's user namespace (rootless), then the others, and its root;
// entering a PID namespace counts for a process's children only, so it
// forks once more (CLONE_PARENT: the new process is the runtime's child,
// and this one reports its PID and exits); the new process, in the
// container's PID namespace, goes on with the same privileges and execve
// as the container's first process.

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

func execInto(pid int, dir string, o ExecOptions) (int, error) {
	fail := func(what string, err error) (int, error) {
		return 0, i18n.Failed(i18n.T("cannot enter the container (%s)", "컨테이너에 들어갈 수 없습니다 (%s)").F(what), err)
	}
	proc := fmt.Sprintf("/proc/%d", pid)
	path, env, order, err := execCommand(proc, o)
	if err != nil {
		return 0, err
	}
	{
		// The container's host name, as its command was given it (this
		// runtime cannot ask the container's UTS namespace).
		if b, err := os.ReadFile(proc + "/environ"); err == nil {
			for _, kv := range bytes.Split(b, []byte{0}) {
				if h, ok := bytes.CutPrefix(kv, []byte("HOSTNAME=")); ok {
					env["HOSTNAME"] = string(h)
				}
			}
		}
	}
	var envList []string
	for _, k := range order {
		if v, ok := env[k]; ok {
			envList = append(envList, k+"="+v)
		}
	}
	f := &spawned{}
	defer f.closeChildEnds()
	keep := func(fd int) int {
		f.closers = append(f.closers, os.NewFile(uintptr(fd), ""))
		return fd
	}
	nss := []struct {
		name string
		flag uintptr
	}{{"user", unix.CLONE_NEWUSER}, {"cgroup", unix.CLONE_NEWCGROUP}, {"ipc", unix.CLONE_NEWIPC}, {"uts", unix.CLONE_NEWUTS},
		{"net", unix.CLONE_NEWNET}, {"pid", unix.CLONE_NEWPID}, {"mnt", unix.CLONE_NEWNS}}
	nsFds := make([]int, len(nss))
	for i, ns := range nss {
		fd, err := unix.Open(proc+"/ns/"+ns.name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			return fail("ns/"+ns.name, err)
		}
		nsFds[i] = keep(fd)
	}
	rootFd, err := unix.Open(proc+"/root", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fail("root", err)
	}
	keep(rootFd)
	cgroupFD := -1
	cgs, err := openJoinCgroups(pid)
	if err != nil {
		return fail("cgroup", err)
	}
	defer cgs.close()
	if cgs.v2 >= 0 {
		cgroupFD = cgs.v2
	}
	tty := false
	if in, ok := o.Stdin.(*os.File); ok && isTTY(in.Fd()) {
		tty = true
	}
	filter, err := seccompFilter(DefaultCaps)
	if err != nil {
		return fail("seccomp", err)
	}
	stdio, err := f.stdio(o.Stdin, o.Stdout, o.Stderr)
	if err != nil {
		return fail("stdio", err)
	}
	statR, statW, err := blockingPipe()
	if err != nil {
		return fail("pipe", err)
	}
	defer statR.Close()
	f.statR = statR
	f.closers = append(f.closers, statW)

	ic := &initConfig{Path: path, Args: o.Args, Env: envList, Dir: dir, Caps: DefaultCaps, Rootless: Rootless()}
	if o.User != "" {
		// (the container's passwd, read inside its root)
		if ic.UID, ic.GID, err = parseUser(o.User, proc+"/root"); err != nil {
			return 0, err
		}
	}
	p := &spawnProg{status: statW.Fd(), stdio: stdio, overlayStep: -1, procStep: -1}
	copy(p.path[:], fdPathPrefix)
	p.flags = uintptr(syscall.SIGCHLD)
	if cgroupFD >= 0 {
		p.useClone3 = true
		p.clone3 = cloneArgs{exitSignal: uint64(syscall.SIGCHLD), flags: unix.CLONE_INTO_CGROUP, cgroup: uint64(cgroupFD)}
	}
	b := &progBuilder{p: p, ic: ic}
	for i, ns := range nss {
		if ns.flag == unix.CLONE_NEWUSER && !Rootless() {
			continue // (a root container is in the host's user namespace)
		}
		b.add(op("setns "+ns.name, unix.SYS_SETNS, uintptr(nsFds[i]), ns.flag))
	}
	fork := op("fork into the container's PID namespace", unix.SYS_CLONE, unix.CLONE_PARENT|uintptr(syscall.SIGCHLD), 0, 0, 0, 0).saving(regPid)
	fork.forked = true
	b.add(op("fchdir to the container's root", unix.SYS_FCHDIR, uintptr(rootFd)),
		op("chroot", unix.SYS_CHROOT, p.cstr(".")),
		op("chdir /", unix.SYS_CHDIR, p.cstr("/")),
		fork)
	if !o.Detach {
		b.add(op("dying with the runtime", unix.SYS_PRCTL, unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL)))
	}
	if o.Timeout > 0 && !tty && !o.Detach {
		// Its own process group, killed whole at the timeout.
		b.add(op("setpgid", unix.SYS_SETPGID, 0, 0))
	}
	if tty && !o.Detach {
		// Its own process group, in the terminal's foreground.
		b.add(op("setpgid", unix.SYS_SETPGID, 0, 0),
			op("getpid", unix.SYS_GETPID).saving(regPid),
			op("tcsetpgrp", unix.SYS_IOCTL, 0, unix.TIOCSPGRP, uintptr(unsafe.Pointer(&p.regs[regPid-1]))))
	}
	b.privilegesAndExec(&spawnOptions{status: p.status, goAhead: -1, reaper: -1, seccomp: filter})
	f.prog = p

	// The command's parent is this thread (Pdeathsig): hold it.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer signal.Stop(sigs)
	// v1: this thread joins the container's cgroups for the clone.
	if err := cgs.join(cgs.tasks); err != nil {
		cgs.join(cgs.home)
		return fail("cgroup", err)
	}
	// The first child only enters the namespaces and forks: vfork-style
	// (no copy of the runtime's memory but the one that fork makes).
	if haveCloneVM {
		release, err := p.vfork()
		if err != nil {
			return fail("clone", err)
		}
		defer release()
	}
	first, errno := cloneBlocked(p)
	if err := cgs.join(cgs.home); err != nil && errno == 0 {
		unix.Kill(int(first), unix.SIGKILL)
	}
	f.closeChildEnds()
	if errno != 0 {
		return fail("clone", errno)
	}
	f.pid = int(first)
	// The records: the command's PID from the first child, and a failed
	// setup from either; the pipe closes at the command's execve.
	cmdPID := 0
	var kind, a, bb, step int32
	var rec [recSize]byte
	for {
		if _, err := io.ReadFull(statR, rec[:]); err != nil {
			break
		}
		r := (*[8]int32)(unsafe.Pointer(&rec[0]))
		switch r[0] {
		case recForked:
			cmdPID = int(r[1])
		case recSetupErr:
			kind, a, bb, step = r[0], r[1], r[2], r[3]
		}
	}
	f.wait() // the first child, gone once it forked
	var ws unix.WaitStatus
	if o.Detach && cmdPID > 0 && kind != recSetupErr {
		// It runs (the pipe closed at its execve); the container's PID 1
		// becomes its parent when this process ends.
		return 0, nil
	}
	var timedOut atomic.Bool
	if cmdPID > 0 {
		stop := make(chan struct{})
		var timeout <-chan time.Time
		if o.Timeout > 0 && !tty {
			t := time.NewTimer(o.Timeout)
			defer t.Stop()
			timeout = t.C
		}
		go func() {
			for {
				select {
				case s := <-sigs:
					unix.Kill(cmdPID, s.(syscall.Signal))
				case <-timeout:
					timedOut.Store(true)
					unix.Kill(-cmdPID, unix.SIGKILL) // (its process group)
				case <-stop:
					return
				}
			}
		}()
		for {
			if _, err := unix.Wait4(cmdPID, &ws, 0, nil); !errors.Is(err, unix.EINTR) {
				break
			}
		}
		close(stop)
	}
	if timedOut.Load() {
		// What may still hold the output (a process that left the
		// group) does not hold this process: the copies stop here.
		f.closeReadEnds()
	}
	f.copies.Wait()
	if tty {
		takeTerminalBack()
	}
	if kind == recSetupErr {
		e := f.describe(a, bb, step, ic)
		e.Text = i18n.T("cannot enter the container", "컨테이너에 들어갈 수 없습니다")
		if int(step) == p.execStep {
			e.Text = i18n.T("cannot run %s inside the container", "컨테이너 안에서 %s를 실행할 수 없습니다").F(o.Args[0])
		}
		return 0, e
	}
	if cmdPID == 0 {
		return fail("fork", fmt.Errorf("the first child ended with status %d", f.ws.ExitStatus()))
	}
	if timedOut.Load() {
		return 128 + int(unix.SIGKILL), ErrExecTimeout
	}
	if ws.Signaled() {
		return 128 + int(ws.Signal()), nil
	}
	return ws.ExitStatus(), nil
}
