package container

// The container's init, cloned from the runtime rather than re-executed.
//
// A re-executed Go binary pays for a second program start: mapping and
// faulting in the binary, the Go runtime's start, every package's init,
// then goroutines and threads for signals. That was over half of a
// container's start-up time. A cloned child of a Go program cannot run Go
// code (only the cloning thread exists in it, the runtime's locks may be
// held by threads it does not have), but it can make system calls. So the
// parent writes the whole of init's work down beforehand as a list of
// system calls with their arguments (rawOp), and the child, in forkedInit,
// only walks that list with raw syscalls: the same mounts, pivot_root,
// host name, loopback, capabilities and cgroup moves as the Go init in
// init.go, then it starts the command and, as PID 1, reaps and forwards
// signals with rt_sigtimedwait.
//
// The child shares the runtime's memory (CLONE_VM, like a thread but a
// process of its own, in its own namespaces), on a stack of its own
// (clone_amd64.s): a plain fork would copy the runtime's page tables, make
// both sides take copy-on-write faults, and tear that copy down again at
// init's exit and at the command's execve, which cost about 1 ms per
// start. So the child never writes the runtime's memory except the
// scratch fields of forkProg, never allocates, never grows its stack
// (every function it calls is nosplit) and keeps every signal blocked.
// The command's process is started the way posix_spawn does it
// (CLONE_VM|CLONE_VFORK, on the second stack): init waits until its
// execve.
//
// The Go init (init.go) is still used when a run needs its Go code (volumes
// whose targets are checked inside the rootfs), when SYSDOJO_INIT=exec,
// and on machines other than amd64 (no clone_*.s there).

import (
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"sysdojo/internal/i18n"
)

// rawOp is one system call of the forked init. Its arguments are numbers
// or addresses of memory the parent prepared (kept alive by forkProg.keep).
type rawOp struct {
	trap uintptr
	a    [6]uintptr
	use  [6]int8 // a[i] = regs[use[i]-1] when use[i] > 0
	save int8    // regs[save-1] = the call's result when > 0
	// tolerate is an error that is not a failure: the next skip ops are
	// skipped (EEXIST for mkdir, ENOENT for an optional mount).
	tolerate syscall.Errno
	skip     int
	optional bool   // any error is tolerated (best effort)
	want1    bool   // the call must return 1 (reading the go-ahead byte), else quit quietly
	what     string // what the step does, for the error message (parent only)
}

// Record kinds init writes to the status pipe: 4 int32s (kind, a, b, step).
const (
	recSetupErr = 1 // a: exit code, b: errno, step: index in setup or post
	recExecErr  = 2 // a: exit code (126/127), b: errno, step: index in cmd
	recStarted  = 3 // a: the command's PID inside
	recExit     = 4 // a: exit code, b: signal
	recTrace    = 5 // a: index in forkProg.traces; a timespec at byte 16
	recSize     = 32
)

// Phases of the op lists, in the step of an error record.
const (
	phaseSetup = 0
	phaseCmd   = 1 << 16
	phasePost  = 2 << 16
)

// Fixed descriptors in the forked init: 0-2 stdio, then these.
const (
	fdStatus = 3
	fdGo     = 4
	nFixedFd = 5
)

type cloneArgs struct {
	flags, pidfd, childTID, parentTID, exitSignal, stack, stackSize, tls, setTID, setTIDSize, cgroup uint64
}

// forkProg is everything the forked init does, prepared by the parent.
// The child only reads it, except the scratch fields at the end (its own
// copy-on-write copy).
type forkProg struct {
	cloneFlags uintptr
	fds        [nFixedFd]uintptr // in the parent: what becomes 0..4 in the child
	setup      []rawOp           // init, before it forks the command
	cmd        []rawOp           // the command's process, up to and including execve
	post       []rawOp           // init, after the command started
	tty        bool
	noInit     bool // the command is PID 1: init runs the command's ops itself
	useClone3  bool
	v2Reg      int8 // register holding the v2 cgroup directory's fd, or 0
	clone3     cloneArgs
	cmdFlags   uintptr // clone flags of the command (without clone3)
	waitSet    uint64  // the signals init waits for: all
	keep       [][]byte
	stack      []byte   // the children's stacks (mmap'd: never moved or freed under them)
	traces     []string // the steps traced (SYSDOJO_TRACE)

	// Scratch, written by the child only.
	regs [16]uintptr
	tmp  [nFixedFd]uintptr
	rec  [8]int32
	info [32]uint32 // siginfo
	ws   int32
	pgrp int32
	buf  [8]byte
}

// childStack is the size of each child's stack. The children's code is
// nosplit and small: a few hundred bytes would do.
const childStack = 16 << 10

// stackTop returns the initial stack pointer of a child: init (0) or
// the command (1).
func (p *forkProg) stackTop(which int) uintptr {
	return uintptr(unsafe.Pointer(&p.stack[0])) + uintptr(which+1)*childStack
}

// unmap frees the children's stacks, once they are gone.
func (p *forkProg) unmap() error {
	if p.stack == nil {
		return nil
	}
	err := unix.Munmap(p.stack)
	p.stack = nil
	return err
}

// cstr returns the address of s as a NUL-terminated string kept alive by p.
func (p *forkProg) cstr(s string) uintptr {
	b := append([]byte(s), 0)
	p.keep = append(p.keep, b)
	return uintptr(unsafe.Pointer(&b[0]))
}

// mem returns the address of a copy of b kept alive by p.
func (p *forkProg) mem(b []byte) uintptr {
	c := append([]byte(nil), b...)
	if len(c) == 0 {
		c = []byte{0}
	}
	p.keep = append(p.keep, c)
	return uintptr(unsafe.Pointer(&c[0]))
}

func (p *forkProg) ptrs(ss []string) uintptr {
	arr := make([]uintptr, len(ss)+1)
	for i, s := range ss {
		arr[i] = p.cstr(s)
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&arr[0])), len(arr)*int(unsafe.Sizeof(uintptr(0))))
	p.keep = append(p.keep, b)
	return uintptr(unsafe.Pointer(&arr[0]))
}

// trace returns the ops that send a timestamped trace record for what,
// when tracing (see trace.go), or none.
func (p *forkProg) trace(what string) []rawOp {
	if !tracing {
		return nil
	}
	// Each traced step has its own record, written in the child.
	rec := make([]int32, 8)
	rec[0], rec[1] = recTrace, int32(len(p.traces))
	p.traces = append(p.traces, what)
	b := unsafe.Slice((*byte)(unsafe.Pointer(&rec[0])), recSize)
	p.keep = append(p.keep, b)
	addr := uintptr(unsafe.Pointer(&rec[0]))
	return []rawOp{op("tracing", unix.SYS_CLOCK_GETTIME, unix.CLOCK_MONOTONIC, addr+16),
		op("tracing", unix.SYS_WRITE, fdStatus, addr, recSize)}
}

func op(what string, trap uintptr, a ...uintptr) rawOp {
	o := rawOp{trap: trap, what: what}
	copy(o.a[:], a)
	return o
}

const atFdcwd = ^uintptr(99) // AT_FDCWD (-100)

func (p *forkProg) mount(what, src, target, fstype string, flags uintptr, data string) rawOp {
	var d uintptr
	if data != "" {
		d = p.cstr(data)
	}
	var s, f uintptr
	if src != "" {
		s = p.cstr(src)
	}
	if fstype != "" {
		f = p.cstr(fstype)
	}
	if src == "" {
		s = p.cstr("")
	}
	return op(what, unix.SYS_MOUNT, s, p.cstr(target), f, flags, d)
}

func (p *forkProg) mkdir(what, path string, mode uintptr, existOK bool) rawOp {
	o := op(what, unix.SYS_MKDIRAT, atFdcwd, p.cstr(path), mode)
	if existOK {
		o.tolerate = syscall.EEXIST
	}
	return o
}

// mkdirAll makes path's missing components under root (which exists).
func (p *forkProg) mkdirAll(root, rel string, mode uintptr) []rawOp {
	var ops []rawOp
	cur := root
	for _, part := range strings.Split(strings.Trim(filepath.Clean(rel), "/"), "/") {
		if part == "" {
			continue
		}
		cur = filepath.Join(cur, part)
		ops = append(ops, p.mkdir("making "+strings.TrimPrefix(rel, "/"), cur, mode, true))
	}
	return ops
}

// canFork reports whether the forked init can do all ic asks.
func canFork(ic *initConfig) bool {
	return haveClone && len(ic.Mounts) == 0 && os.Getenv("SYSDOJO_INIT") != "exec"
}

// buildForkProg writes init's work down as system calls; it is the same
// work, step for step, as init.go's initMain and setupRoot.
func buildForkProg(ic *initConfig) (*forkProg, error) {
	p := &forkProg{tty: ic.Tty}
	// init shares the runtime's memory (CLONE_VM): no copy of the
	// runtime's page tables to make, to take copy-on-write faults on, or to
	// tear down at its exit or the command's execve. It has its own stack
	// and only reads what the runtime prepared; the command is started
	// the way posix_spawn does it (CLONE_VM|CLONE_VFORK: init waits until
	// its execve).
	p.cloneFlags = unix.CLONE_VM | unix.CLONE_NEWUTS | unix.CLONE_NEWPID | unix.CLONE_NEWNS | unix.CLONE_NEWIPC | uintptr(syscall.SIGCHLD)
	if ic.NewNet {
		p.cloneFlags |= unix.CLONE_NEWNET
	}
	add := func(o ...rawOp) { p.setup = append(p.setup, o...) }
	add(p.trace("forked")...)
	add(op("naming init", unix.SYS_PRCTL, unix.PR_SET_NAME, p.cstr("sysdojo-init")))
	// 1. Nothing we mount may propagate back to the host.
	add(p.mount("making / private", "", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""))
	// 2. Copy-on-write: reads from the rootfs, writes into upper.
	add(p.mount("mounting the scratch tmpfs", "tmpfs", ic.Scratch, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=700"))
	m := filepath.Join(ic.Scratch, "merged")
	upper, work := ic.Upper, ic.Work
	dirs := []string{m}
	if upper == "" {
		upper, work = filepath.Join(ic.Scratch, "upper"), filepath.Join(ic.Scratch, "work")
		dirs = append(dirs, upper, work)
	}
	for _, d := range dirs {
		add(p.mkdir("making "+d, d, 0o755, false))
	}
	add(p.mount("mounting the overlay", "overlay", m, "overlay", 0,
		overlayOptions(ic.Rootfs, upper, work)))
	add(p.trace("overlay mounted")...)
	for _, d := range []string{"proc", "dev", "sys"} {
		add(p.mkdirAll(m, d, 0o755)...)
	}
	// 3. /proc of the new PID namespace.
	add(p.mount("mounting /proc", "proc", filepath.Join(m, "proc"), "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""))
	// 4. A minimal /dev.
	dev := filepath.Join(m, "dev")
	add(p.mount("mounting /dev", "tmpfs", dev, "tmpfs", unix.MS_NOSUID|unix.MS_STRICTATIME, "mode=755,size=65536k"))
	for _, d := range []struct {
		name         string
		major, minor uint32
	}{{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}} {
		path := p.cstr(filepath.Join(dev, d.name))
		add(op("mknod /dev/"+d.name, unix.SYS_MKNODAT, atFdcwd, path, unix.S_IFCHR|0o666, uintptr(unix.Mkdev(d.major, d.minor))),
			op("chmod /dev/"+d.name, unix.SYS_FCHMODAT, atFdcwd, path, 0o666))
	}
	for _, d := range []string{"pts", "shm"} {
		add(p.mkdir("making "+filepath.Join(dev, d), filepath.Join(dev, d), 0o755, false))
	}
	add(p.mount("mounting /dev/pts", "devpts", filepath.Join(dev, "pts"), "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"))
	add(p.mount("mounting /dev/shm", "shm", filepath.Join(dev, "shm"), "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=1777,size=65536k"))
	for _, l := range [][2]string{{"ptmx", "pts/ptmx"}, {"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"},
		{"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}} {
		add(op("linking /dev/"+l[0], unix.SYS_SYMLINKAT, p.cstr(l[1]), atFdcwd, p.cstr(filepath.Join(dev, l[0]))))
	}
	add(p.trace("/proc and /dev ready")...)
	// 5. /sys, read-only.
	add(p.mount("mounting /sys", "sysfs", filepath.Join(m, "sys"), "sysfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""))
	// 6. Masked and read-only paths. Whether each is a directory or a file
	// is the kernel's, the same inside as on the host.
	null := filepath.Join(dev, "null")
	for _, path := range maskedPaths {
		fi, err := os.Stat("/" + path)
		if err != nil {
			continue
		}
		var o rawOp
		if fi.IsDir() {
			o = p.mount("masking "+path, "tmpfs", filepath.Join(m, path), "tmpfs", unix.MS_RDONLY, "size=0")
		} else {
			o = p.mount("masking "+path, null, filepath.Join(m, path), "", unix.MS_BIND, "")
		}
		o.tolerate = syscall.ENOENT
		add(o)
	}
	for _, path := range readonlyPaths {
		t := filepath.Join(m, path)
		b := p.mount("binding "+path, t, t, "", unix.MS_BIND|unix.MS_REC, "")
		b.tolerate, b.skip = syscall.ENOENT, 1
		add(b, p.mount("making "+path+" read-only", t, t, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""))
	}
	// init's own command line, last (the mount table lists it after the
	// ones that matter). With --no-init, PID 1 execs the command: its
	// arguments are its own.
	reg := int8(1)
	if !ic.NoInit {
		p.nameInit(ic, m, reg, add)
	}
	add(p.mkdirAll(m, ic.Dir, 0o755)...)
	// The runtime's go-ahead: the cgroup exists (and the network, when it
	// is bridged). No byte (the runtime gave up): quit quietly.
	add(p.trace("root ready, waiting")...)
	rd := op("waiting for the runtime", unix.SYS_READ, fdGo, uintptr(unsafe.Pointer(&p.buf[0])), 1)
	rd.want1 = true
	add(rd)
	add(p.trace("go-ahead read")...)
	// The cgroup files are opened while the host's tree is still reachable.
	open := func(path string, flags uintptr) int8 {
		reg++
		o := op("opening "+path, unix.SYS_OPENAT, atFdcwd, p.cstr(path), flags|unix.O_CLOEXEC)
		o.save = reg
		add(o)
		return reg
	}
	var tasks, home []int8
	for i, t := range ic.CgroupTasks {
		tasks = append(tasks, open(t, unix.O_WRONLY))
		home = append(home, open(ic.HomeTasks[i], unix.O_WRONLY))
	}
	var procs int8
	switch {
	case ic.CgroupV2 != "" && ic.NoInit:
		procs = open(filepath.Join(ic.CgroupV2, "cgroup.procs"), unix.O_WRONLY)
	case ic.CgroupV2 != "":
		p.v2Reg = open(ic.CgroupV2, unix.O_PATH|unix.O_DIRECTORY)
	}
	// 7. Switch the root.
	add(op("entering the new root", unix.SYS_CHDIR, p.cstr(m)),
		op("pivot_root", unix.SYS_PIVOT_ROOT, p.cstr("."), p.cstr(".")),
		op("detaching the old root", unix.SYS_UMOUNT2, p.cstr("."), unix.MNT_DETACH),
		op("chdir /", unix.SYS_CHDIR, p.cstr("/")))
	add(p.trace("root switched")...)
	// 8. Host name and network.
	add(op("sethostname", unix.SYS_SETHOSTNAME, p.cstr(ic.Hostname), uintptr(len(ic.Hostname))))
	if ic.NewNet {
		reg++
		sock := op("bringing lo up", unix.SYS_SOCKET, unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
		sock.save = reg
		var ifr [40]byte
		copy(ifr[:], "lo")
		*(*uint16)(unsafe.Pointer(&ifr[unix.IFNAMSIZ])) = unix.IFF_UP
		up := op("bringing lo up", unix.SYS_IOCTL, 0, unix.SIOCSIFFLAGS, p.mem(ifr[:]))
		up.use[0] = reg
		cl := op("bringing lo up", unix.SYS_CLOSE)
		cl.use[0] = reg
		add(sock, up, cl)
	}
	// No ptrace-style access to init from inside (/proc/1/exe is the
	// runtime's binary), then the command's capabilities (limitCaps).
	add(op("prctl(PR_SET_DUMPABLE)", unix.SYS_PRCTL, unix.PR_SET_DUMPABLE, 0))
	keep := map[int]bool{}
	var mask uint64
	for _, c := range ic.Caps {
		keep[c] = true
		mask |= 1 << c
	}
	last := lastCap()
	for c := 0; c <= last; c++ {
		if !keep[c] {
			add(op(fmt.Sprintf("dropping %s from the bounding set", CapName(c)), unix.SYS_PRCTL, unix.PR_CAPBSET_DROP, uintptr(c)))
		}
	}
	add(op("clearing ambient capabilities", unix.SYS_PRCTL, unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0))
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return nil, fmt.Errorf("capget: %w", err)
	}
	for i := range data {
		data[i].Inheritable = uint32(mask >> (32 * i))
	}
	hdrB := p.mem(unsafe.Slice((*byte)(unsafe.Pointer(&hdr)), unsafe.Sizeof(hdr)))
	add(op("capset", unix.SYS_CAPSET, hdrB, p.mem(unsafe.Slice((*byte)(unsafe.Pointer(&data[0])), unsafe.Sizeof(data)))))
	add(op("prctl(PR_SET_NO_NEW_PRIVS)", unix.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
	add(p.trace("capabilities limited")...)
	// v1: init (it has one thread) joins the container's cgroups, so that
	// the command it forks starts there, then goes back (post).
	zero := p.cstr("0")
	if procs > 0 {
		tasks = append(tasks, procs)
	}
	for _, r := range tasks {
		w := op("moving into a cgroup", unix.SYS_WRITE, 0, zero, 1)
		w.use[0] = r
		add(w)
	}
	p.noInit = ic.NoInit
	if p.noInit {
		// --no-init: init becomes the command (PID 1), in a new cgroup
		// namespace rooted at the container's cgroup, which it is in now.
		add(op("unshare(CLONE_NEWCGROUP)", unix.SYS_UNSHARE, unix.CLONE_NEWCGROUP))
	}

	// The command: a new cgroup namespace rooted at its cgroup.
	p.cmdFlags = unix.CLONE_VM | unix.CLONE_VFORK | unix.CLONE_NEWCGROUP | uintptr(syscall.SIGCHLD)
	if p.v2Reg > 0 {
		p.useClone3 = true
		p.clone3 = cloneArgs{flags: unix.CLONE_VM | unix.CLONE_VFORK | unix.CLONE_NEWCGROUP | unix.CLONE_INTO_CGROUP, exitSignal: uint64(syscall.SIGCHLD)}
	}
	cmd := func(o ...rawOp) { p.cmd = append(p.cmd, o...) }
	if ic.UID != 0 || ic.GID != 0 {
		cmd(op("setgroups", unix.SYS_SETGROUPS, 0, 0),
			op("setgid", unix.SYS_SETGID, uintptr(ic.GID)),
			op("setuid", unix.SYS_SETUID, uintptr(ic.UID)))
	}
	cmd(op("chdir", unix.SYS_CHDIR, p.cstr(ic.Dir)))
	// The soft limit on open files that the Go runtime raised for itself
	// goes back to what it was (os/exec does the same).
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &rl) == nil {
		if soft := inheritedNofile(); soft < rl.Cur {
			rl.Cur = soft
			cmd(op("setrlimit", unix.SYS_PRLIMIT64, 0, unix.RLIMIT_NOFILE, p.mem(unsafe.Slice((*byte)(unsafe.Pointer(&rl)), unsafe.Sizeof(rl))), 0))
		}
	}
	// Signals: the runtime's handlers back to the default (ignored ones
	// stay ignored, as exec keeps them), then none blocked.
	var dfl [32]byte // struct sigaction: SIG_DFL, no flags, empty mask
	dflP := p.mem(dfl[:])
	var old [32]byte
	for s := 1; s <= 64; s++ {
		if s == int(syscall.SIGKILL) || s == int(syscall.SIGSTOP) {
			continue
		}
		if _, _, e := syscall.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(s), 0, uintptr(unsafe.Pointer(&old[0])), 8, 0, 0); e != 0 {
			continue
		}
		if *(*uintptr)(unsafe.Pointer(&old[0])) == 1 { // SIG_IGN
			continue
		}
		o := op("resetting signals", unix.SYS_RT_SIGACTION, uintptr(s), dflP, 0, 8)
		o.tolerate = syscall.EINVAL
		cmd(o)
	}
	var none [8]byte
	cmd(op("unblocking signals", unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, p.mem(none[:]), 0, 8))
	cmd(p.trace("command forked, exec")...)
	cmd(op("exec", unix.SYS_EXECVE, p.cstr(ic.Path), p.ptrs(ic.Args), p.ptrs(ic.Env)))

	// init after the command started: back to the runtime's cgroups, no
	// stdio (the command has it), no capability left.
	for _, r := range home {
		w := op("moving into a cgroup", unix.SYS_WRITE, 0, zero, 1)
		w.use[0] = r
		p.post = append(p.post, w)
	}
	for _, fd := range []uintptr{0, 1, 2} {
		p.post = append(p.post, op("closing stdio", unix.SYS_CLOSE, fd))
	}
	for _, c := range ic.Caps {
		p.post = append(p.post, op(fmt.Sprintf("dropping %s from the bounding set", CapName(c)), unix.SYS_PRCTL, unix.PR_CAPBSET_DROP, uintptr(c)))
	}
	p.post = append(p.post, p.trace("command running")...)
	var nodata [2]unix.CapUserData
	p.post = append(p.post, op("capset", unix.SYS_CAPSET, p.mem(unsafe.Slice((*byte)(unsafe.Pointer(&hdr)), unsafe.Sizeof(hdr))),
		p.mem(unsafe.Slice((*byte)(unsafe.Pointer(&nodata[0])), unsafe.Sizeof(nodata)))))
	p.waitSet = ^uint64(0)
	stack, err := unix.Mmap(-1, 0, 2*childStack, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_STACK)
	if err != nil {
		return nil, fmt.Errorf("mapping init's stack: %w", err)
	}
	p.stack = stack
	p.clone3.stack, p.clone3.stackSize = uint64(uintptr(unsafe.Pointer(&stack[0]))+childStack), childStack
	return p, nil
}

// nameInit adds the ops that make /proc/1/cmdline inside read as the
// re-executed init's would: init shares the runtime's memory, arguments
// included, and those are the runtime's (with host paths).
func (p *forkProg) nameInit(ic *initConfig, m string, reg int8, add func(...rawOp)) {
	cmdline := filepath.Join(ic.Scratch, "cmdline")
	create := op("naming init", unix.SYS_OPENAT, atFdcwd, p.cstr(cmdline), unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_CLOEXEC, 0o444)
	create.save = reg
	title := "sysdojo\x00container\x00init\x00"
	write := op("naming init", unix.SYS_WRITE, 0, p.cstr(title), uintptr(len(title)))
	write.use[0] = reg
	closeIt := op("naming init", unix.SYS_CLOSE)
	closeIt.use[0] = reg
	procCmdline := filepath.Join(m, "proc/1/cmdline")
	add(create, write, closeIt,
		p.mount("naming init", cmdline, procCmdline, "", unix.MS_BIND, ""),
		p.mount("naming init", cmdline, procCmdline, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""))
}

// runOps carries out ops in the forked child. It returns the index of the
// failed op (and its error, 0 for a quiet stop), or -1.
//
//go:nosplit
//go:norace
//go:nocheckptr
func runOps(p *forkProg, ops []rawOp) (int, syscall.Errno) {
	for i := 0; i < len(ops); i++ {
		o := &ops[i]
		a := o.a
		for j := 0; j < 6; j++ {
			if o.use[j] > 0 {
				a[j] = p.regs[o.use[j]-1]
			}
		}
		r, _, e := syscall.RawSyscall6(o.trap, a[0], a[1], a[2], a[3], a[4], a[5])
		if e != 0 {
			if e == o.tolerate || o.optional {
				i += o.skip
				continue
			}
			return i, e
		}
		if o.want1 && r != 1 {
			return i, 0
		}
		if o.save > 0 {
			p.regs[o.save-1] = r
		}
	}
	return -1, 0
}

//go:nosplit
//go:norace
//go:nocheckptr
func rawReport(p *forkProg, kind, a, b, step int32) {
	p.rec[0], p.rec[1], p.rec[2], p.rec[3] = kind, a, b, step
	syscall.RawSyscall(unix.SYS_WRITE, fdStatus, uintptr(unsafe.Pointer(&p.rec[0])), recSize)
}

//go:nosplit
func rawExit(code int32) {
	for {
		syscall.RawSyscall(unix.SYS_EXIT_GROUP, uintptr(code), 0, 0)
	}
}

// forkInit starts the container's init in its new namespaces and returns
// its PID. The child runs p on a stack of its own (forkedInit) and exits.
// The caller holds its OS thread locked with every signal blocked.
func forkInit(p *forkProg) (int, syscall.Errno) {
	pid, errno := cloneInit(p.cloneFlags, p.stackTop(0), p)
	return int(pid), syscall.Errno(errno)
}

// forkedInit is the container's init.
//
//go:nosplit
//go:norace
//go:nocheckptr
func forkedInit(p *forkProg) {
	var (
		r1     uintptr
		err    syscall.Errno
		i      int
		step   int
		cmdPid uintptr
		code   int32
	)
	// Die with the runtime's thread. (Had it died already, the go-ahead
	// pipe reads end-of-file and the child quits.)
	syscall.RawSyscall(unix.SYS_PRCTL, unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0)
	// Descriptors: exactly 0-4 (stdio, status, go-ahead), nothing else of
	// the runtime's.
	for i = 0; i < nFixedFd; i++ {
		r1, _, err = syscall.RawSyscall(unix.SYS_FCNTL, p.fds[i], unix.F_DUPFD_CLOEXEC, nFixedFd)
		if err != 0 {
			rawExit(1)
		}
		p.tmp[i] = r1
	}
	for i = 0; i < nFixedFd; i++ {
		r1 = 0
		if i >= 3 {
			r1 = unix.O_CLOEXEC
		}
		if _, _, err = syscall.RawSyscall(unix.SYS_DUP3, p.tmp[i], uintptr(i), r1); err != 0 {
			rawExit(1)
		}
	}
	syscall.RawSyscall(unix.SYS_CLOSE_RANGE, nFixedFd, ^uintptr(0), 0)
	if step, err = runOps(p, p.setup); step >= 0 {
		if err != 0 {
			rawReport(p, recSetupErr, 1, int32(err), int32(phaseSetup+step))
		}
		rawExit(1)
	}
	if p.noInit {
		rawReport(p, recStarted, 1, 0, 0)
		cmdMain(p)
	}
	// The command.
	var e uintptr
	if p.useClone3 {
		p.clone3.cgroup = uint64(p.regs[p.v2Reg-1])
		r1, e = clone3Cmd(&p.clone3, unsafe.Sizeof(p.clone3), p)
	} else {
		r1, e = cloneCmd(p.cmdFlags, p.stackTop(1), p)
	}
	if e != 0 {
		rawReport(p, recExecErr, 126, int32(e), int32(phaseCmd+len(p.cmd)-1))
		rawExit(126)
	}
	cmdPid = r1
	if step, err = runOps(p, p.post); step >= 0 {
		syscall.RawSyscall(unix.SYS_KILL, cmdPid, uintptr(syscall.SIGKILL), 0)
		rawReport(p, recSetupErr, 1, int32(err), int32(phasePost+step))
		rawExit(1)
	}
	rawReport(p, recStarted, int32(cmdPid), 0, 0)
	// PID 1: forward signals to the command and reap every child, orphans
	// included, until the command itself exits.
	for {
		r1, _, err = syscall.RawSyscall6(unix.SYS_RT_SIGTIMEDWAIT, uintptr(unsafe.Pointer(&p.waitSet)),
			uintptr(unsafe.Pointer(&p.info[0])), 0, 8, 0, 0)
		if err != 0 {
			continue
		}
		if r1 != uintptr(syscall.SIGCHLD) {
			syscall.RawSyscall(unix.SYS_KILL, cmdPid, r1, 0)
			continue
		}
		for {
			r1, _, err = syscall.RawSyscall6(unix.SYS_WAIT4, ^uintptr(0), uintptr(unsafe.Pointer(&p.ws)), unix.WNOHANG, 0, 0, 0)
			if err != 0 || r1 == 0 {
				break
			}
			if r1 != cmdPid {
				continue
			}
			if p.ws&0x7f == 0 { // exited
				code = (p.ws >> 8) & 0xff
				rawReport(p, recExit, code, 0, 0)
			} else {
				code = 128 + p.ws&0x7f
				rawReport(p, recExit, code, p.ws&0x7f, 0)
			}
			rawExit(code)
		}
	}
}

// cmdMain is the command's process, until its execve.
//
//go:nosplit
//go:norace
//go:nocheckptr
func cmdMain(p *forkProg) {
	if p.tty && !p.noInit {
		// Its own process group, in the terminal's foreground. (Not as PID
		// 1: it stays in the runtime's, so that a Ctrl-C, which it may well
		// ignore, reaches the runtime too, and a second one kills it.)
		syscall.RawSyscall(unix.SYS_SETPGID, 0, 0, 0)
		r1, _, _ := syscall.RawSyscall(unix.SYS_GETPID, 0, 0, 0)
		p.pgrp = int32(r1)
		syscall.RawSyscall(unix.SYS_IOCTL, 0, unix.TIOCSPGRP, uintptr(unsafe.Pointer(&p.pgrp)))
	}
	step, err := runOps(p, p.cmd)
	code := int32(126)
	if err == syscall.ENOENT {
		code = 127
	}
	rawReport(p, recExecErr, code, int32(err), int32(phaseCmd+step))
	rawExit(code)
}

// forked is a container's init made by forkInit.
type forked struct {
	prog       *forkProg
	pid        int
	statR, goW *os.File
	closers    []io.Closer // the parent's copies of the child's descriptors
	copies     sync.WaitGroup
	waited     bool
	ws         unix.WaitStatus
	waitErr    error
}

// startForked forks the container's init for ic, with the standard
// streams of cfg.
func startForked(cfg Config, ic *initConfig) (*forked, error) {
	fail := func(err error) (*forked, error) {
		return nil, i18n.Failed(i18n.T("cannot start the container", "컨테이너를 시작할 수 없습니다"), err)
	}
	p, err := buildForkProg(ic)
	if err != nil {
		return fail(err)
	}
	f := &forked{prog: p}
	ok := false
	defer func() {
		if !ok {
			f.closeChildEnds()
			if f.statR != nil {
				f.statR.Close()
			}
			if f.goW != nil {
				f.goW.Close()
			}
		}
	}()
	// Standard streams as os/exec gives them: a file as it is, nothing as
	// /dev/null, anything else through a pipe and a goroutine.
	var outFd uintptr
	var outW io.Writer
	for i, s := range []any{cfg.Stdin, cfg.Stdout, cfg.Stderr} {
		switch v := s.(type) {
		case *os.File:
			if v != nil {
				p.fds[i] = v.Fd()
				continue
			}
		case nil:
		default:
			if i == 2 && outW != nil && sameWriter(s, outW) {
				p.fds[i] = outFd
				continue
			}
			r, w, err := os.Pipe()
			if err != nil {
				return fail(err)
			}
			if i == 0 {
				f.closers = append(f.closers, r)
				p.fds[i] = r.Fd()
				go func() {
					io.Copy(w, v.(io.Reader))
					w.Close()
				}()
			} else {
				f.closers = append(f.closers, w)
				p.fds[i] = w.Fd()
				if i == 1 {
					outFd, outW = w.Fd(), v.(io.Writer)
				}
				f.copies.Add(1)
				go func() {
					defer f.copies.Done()
					io.Copy(v.(io.Writer), r)
					r.Close()
				}()
			}
			continue
		}
		null, err := os.OpenFile(os.DevNull, os.O_RDWR, 0)
		if err != nil {
			return fail(err)
		}
		f.closers = append(f.closers, null)
		p.fds[i] = null.Fd()
	}
	var statW, goR *os.File
	if f.statR, statW, err = blockingPipe(); err != nil {
		return fail(err)
	}
	f.closers = append(f.closers, statW)
	if goR, f.goW, err = blockingPipe(); err != nil {
		return fail(err)
	}
	f.closers = append(f.closers, goR)
	p.fds[fdStatus], p.fds[fdGo] = statW.Fd(), goR.Fd()

	// Every signal blocked across the fork: the child has the runtime's
	// handlers, which it must never run.
	var all, old [8]byte
	for i := range all {
		all[i] = 0xff
	}
	trace("run", "init prepared")
	syscall.ForkLock.Lock()
	syscall.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&all[0])), uintptr(unsafe.Pointer(&old[0])), 8, 0, 0)
	pid, errno := forkInit(p)
	syscall.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&old[0])), 0, 8, 0, 0)
	syscall.ForkLock.Unlock()
	f.closeChildEnds()
	if errno != 0 {
		return fail(errno)
	}
	f.pid = pid
	ok = true
	return f, nil
}

func (f *forked) closeChildEnds() {
	for _, c := range f.closers {
		c.Close()
	}
	f.closers = nil
}

func (f *forked) wait() error {
	if !f.waited {
		for {
			_, err := unix.Wait4(f.pid, &f.ws, 0, nil)
			if err != unix.EINTR {
				f.waitErr = err
				break
			}
		}
		f.waited = true
		if f.waitErr == nil {
			f.prog.unmap() // init is gone: nothing runs on its stacks any more
		}
	}
	return f.waitErr
}

func (f *forked) abort() {
	unix.Kill(f.pid, unix.SIGKILL)
	f.goW.Close()
	f.wait()
}

// describe turns a failed step of the forked init into the error the Go
// init would have reported.
func (f *forked) describe(kind, code, errno, step int32, args []string, path string) *i18n.Error {
	var ops []rawOp
	switch step &^ 0xffff {
	case phaseCmd:
		ops = f.prog.cmd
	case phasePost:
		ops = f.prog.post
	default:
		ops = f.prog.setup
	}
	what := "setting up"
	if i := int(step & 0xffff); i < len(ops) {
		what = ops[i].what
	}
	var err error
	if kind == recExecErr {
		err = fmt.Errorf("starting %s: %w", args[0], &os.PathError{Op: "fork/exec", Path: path, Err: syscall.Errno(errno)})
	} else {
		err = fmt.Errorf("%s: %w", what, syscall.Errno(errno))
	}
	if code == 0 {
		code = 1
	}
	return &i18n.Error{Kind: i18n.Kind(code), Text: i18n.T("the container could not start", "컨테이너를 시작하지 못했습니다"), Err: err}
}

// runForked gives the forked init its go-ahead, forwards signals to it and
// waits for the command's status; then it reads and removes the cgroup.
func (c *child) runForked(ic *initConfig, cg *Cgroup) (*Result, error) {
	f := c.fork
	defer c.forwardSignals(ic, func(s syscall.Signal) { unix.Kill(f.pid, s) })()
	var rec [recSize]byte
	var kind, a, b, step int32
	var started sync.WaitGroup
	defer started.Wait()
	for {
		if _, err := io.ReadFull(f.statR, rec[:]); err != nil {
			kind = 0
			break
		}
		r := (*[8]int32)(unsafe.Pointer(&rec[0]))
		kind, a, b, step = r[0], r[1], r[2], r[3]
		if kind == recTrace {
			if tracing && int(a) < len(f.prog.traces) {
				ts := (*unix.Timespec)(unsafe.Pointer(&rec[16]))
				traceAt(ts, "init", f.prog.traces[a])
			}
			continue
		}
		if kind == recStarted {
			// The lifecycle's bookkeeping runs beside the command; it is
			// done before Run returns.
			if c.onStart != nil {
				onStart, inner := c.onStart, int(a)
				started.Add(1)
				go func() {
					defer started.Done()
					onStart(inner)
				}()
			}
			continue
		}
		break
	}
	// (Mounts, network, PIDs: nothing of init's is on the host. When it
	// has said how the command ended, nothing here waits for its end: it
	// is reaped in the background.)
	said := kind == recExit || kind == recSetupErr || kind == recExecErr
	res, waited := c.finish(said, f.wait, cg)
	var werr error
	if !said {
		werr = <-waited
	}
	f.copies.Wait()
	trace("run", "streams done")
	if c.tty {
		takeTerminalBack()
	}
	switch kind {
	case recSetupErr, recExecErr:
		return nil, f.describe(kind, a, b, step, ic.Args, ic.Path)
	case recExit:
		res.ExitCode, res.Signal = int(a), int(b)
		return res, nil
	}
	// init died without a word: killed (by a signal, or the OOM killer).
	if werr != nil {
		return nil, i18n.Failed(i18n.T("the container failed", "컨테이너가 실패했습니다"), werr)
	}
	if f.ws.Signaled() {
		res.Signal = int(f.ws.Signal())
		res.ExitCode = 128 + res.Signal
		return res, nil
	}
	if f.ws.Exited() && (f.ws.ExitStatus() != 0 || ic.NoInit) {
		res.ExitCode = f.ws.ExitStatus()
		return res, nil
	}
	return nil, i18n.Failed(i18n.T("the container failed", "컨테이너가 실패했습니다"), errors.New("its init exited without a status"))
}

// startSignals makes the runtime receive the signals it forwards. The
// first signal.Notify starts goroutines and threads: that happens beside
// the container's start, not before it (a signal that comes first does
// what it would have done without a container, and init dies with the
// runtime).
func startSignals() (chan os.Signal, chan struct{}) {
	sigs, ready := make(chan os.Signal, 8), make(chan struct{})
	go func() {
		signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
			syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH)
		close(ready)
	}()
	return sigs, ready
}

// stopSignals undoes startSignals, in the background: signal.Stop waits
// for the signal goroutine to be idle, which the caller need not.
func stopSignals(sigs chan os.Signal, ready chan struct{}) {
	go func() {
		<-ready
		signal.Stop(sigs)
	}()
}

// sameWriter reports whether a and b are the same writer (false when they
// cannot be compared), as os/exec decides to share one pipe.
func sameWriter(a, b any) (eq bool) {
	defer func() {
		if recover() != nil {
			eq = false
		}
	}()
	return a == b
}

// inheritedNofile is the soft RLIMIT_NOFILE this process started with,
// before the Go runtime raised its own (Go keeps the original to itself):
// the one of the process that started it, or 1024, the kernel's default.
func inheritedNofile() uint64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(os.Getppid()) + "/limits")
	if err == nil {
		for _, l := range strings.Split(string(b), "\n") {
			if rest, ok := strings.CutPrefix(l, "Max open files"); ok {
				if f := strings.Fields(rest); len(f) > 0 {
					if n, err := strconv.ParseUint(f[0], 10, 64); err == nil {
						return n
					}
				}
			}
		}
	}
	return 1024
}

// blockingPipe is os.Pipe without the poller: a read waits in the kernel
// on this goroutine's own thread and wakes as soon as init writes, with no
// hand-off through the network poller.
func blockingPipe() (r, w *os.File, err error) {
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_CLOEXEC); err != nil {
		return nil, nil, os.NewSyscallError("pipe2", err)
	}
	return os.NewFile(uintptr(fds[0]), "|0"), os.NewFile(uintptr(fds[1]), "|1"), nil
}
