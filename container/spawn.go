package container

// The container's first process is started the way the standard library's
// forkAndExecInChild1 (syscall/exec_linux.go) starts any process: the
// parent writes the child's whole work down beforehand, in ordinary Go, as
// a list of system calls with their arguments in memory it keeps
// (spawnProg), then clones the child, which runs nothing but that list,
// with raw system calls, in nosplit, norace functions that neither
// allocate, nor grow the stack, nor take a lock, and ends in execve. From
// then on it is a fresh program: no Go code of the runtime runs in it.
//
// Where the runtime has nothing to do between the clone and the execve,
// the child starts as posix_spawn and Go's forkExec start one
// (CLONE_VM|CLONE_VFORK, on a stack of its own, the runtime's thread
// suspended until the execve: no copy of the runtime's page tables). Where
// it has (a bridged network to attach, a rootless run's uid maps to write,
// or on a machine without clone_*.s) the child gets fork semantics, its
// own copy of memory, and waits for the runtime's go-ahead. Either way it
// runs the same list and writes only the scratch fields of spawnProg.
//
// The list: mounts (the overlay, /proc, /dev, /sys, masked and read-only
// paths, volumes), every path inside the rootfs resolved by the kernel
// with openat2(RESOLVE_IN_ROOT), so that no symbolic link in the rootfs
// can aim a mount or a mkdir at the host; pivot_root; host name and
// loopback; a cgroup namespace; capabilities, no_new_privs, the seccomp
// filter; the user and working directory; then execve of the command,
// which is PID 1 (as with docker run), or with --init of this program as
// a small reaper (init.go) that runs the command as PID 2. The child is in
// the container's cgroup from its first instruction (clone3 with
// CLONE_INTO_CGROUP on cgroup v2; on v1 the cloning thread joins the
// container's cgroups for the clone and comes back).

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// rawOp is one system call of the child. Its arguments are numbers or
// addresses of memory the parent prepared (kept alive by spawnProg.keep).
type rawOp struct {
	trap uintptr
	a    [6]uintptr
	use  [6]int8 // a[i] = regs[use[i]-1] when use[i] > 0
	save int8    // regs[save-1] = the call's result when > 0
	// fdPath, when > 0, makes this op no system call: it writes
	// "/proc/self/fd/N" (N = regs[fdPath-1]) into spawnProg.path, the
	// name by which the next op reaches a file resolved inside the rootfs.
	fdPath int8
	// tolerate is an error that is not a failure: the next skip ops are
	// skipped (EEXIST for mkdir, ENOENT for an optional mount).
	tolerate syscall.Errno
	skip     int
	want1    bool // the call must return 1 (reading the go-ahead byte), else quit quietly
	// forked marks a fork (clone without CLONE_VM): the parent side (a
	// result other than 0) reports the new PID (in regPid) and exits;
	// the new process goes on with the next op.
	forked bool
	what   string // what the step does, for the error message (parent only)
}

// Records on the status pipe: 8 int32s (kind, a, b, step, then a
// timespec for traces).
const (
	recSetupErr = 1 // from the child: a: exit code, b: errno, step: index of the op
	recStarted  = 3 // from the --init reaper: a: the command's PID inside
	recExit     = 4 // from the reaper: a: exit code, b: signal
	recTrace    = 5 // a: index in spawnProg.traces; a timespec at byte 16
	recForked   = 6 // from a forking op's parent side: a: the new process's PID
	recSize     = 32
)

// stepForked is runOps's result in the parent side of a forked op.
const stepForked = -2

// Registers of the child: results of its system calls that later ones use.
const (
	regMerged int8 = iota + 1 // the overlay's root, the root every path is resolved in
	regDev                    // the container's /dev (its tmpfs)
	regA                      // a path being resolved, one component at a time
	regB
	regT // the file a mount goes on
	regU // the same, opened again through the new mount
	regSock
	regPid // a forked process's PID (rootless_exec.go)
	nRegs
)

type cloneArgs struct {
	flags, pidfd, childTID, parentTID, exitSignal, stack, stackSize, tls, setTID, setTIDSize, cgroup uint64
}

// spawnProg is everything the child does, prepared by the parent. The
// child writes only the scratch fields at the end, in its own copy.
type spawnProg struct {
	flags     uintptr // clone(2) flags
	useClone3 bool
	clone3    cloneArgs
	stdio     [3]uintptr // the parent's descriptors that become 0, 1 and 2
	status    uintptr    // the status pipe's write end (close-on-exec)
	ops       []rawOp
	execStep  int // index of the execve op (126/127 when it fails)
	goAhead   uintptr
	// The overlay's and /proc's mounts (rootless: what a kernel may
	// refuse in a user namespace, explained in describe).
	overlayStep, procStep int
	// vm: the child is started vfork-style, on a stack of its own whose top
	// is stackTop (see cloneChild).
	vm       bool
	stackTop uintptr
	keep     [][]byte
	filter   []unix.SockFilter // the seccomp filter
	fprog    unix.SockFprog
	traces   []string // the steps traced (SYSDOJO_TRACE)

	// Scratch, written by the child only.
	regs [nRegs]uintptr
	tmp  [3]uintptr
	rec  [8]int32
	path [32]byte
	buf  [8]byte
}

const fdPathPrefix = "/proc/self/fd/"

// childStack is the size of a vfork-style child's stack. Its code is
// nosplit and small: a few hundred bytes would do.
const childStack = 64 << 10

// volumeFd is where the child keeps a volume's host side open while it
// binds it (any number above those the runtime uses will do).
const volumeFd = 999

// progBuilder writes a spawnProg's ops.
type progBuilder struct {
	p  *spawnProg
	ic *initConfig
}

// cstr returns the address of s as a NUL-terminated string kept alive by p.
func (p *spawnProg) cstr(s string) uintptr {
	b := append([]byte(s), 0)
	p.keep = append(p.keep, b)
	return uintptr(unsafe.Pointer(&b[0]))
}

// mem returns the address of a copy of b kept alive by p.
func (p *spawnProg) mem(b []byte) uintptr {
	c := append([]byte(nil), b...)
	if len(c) == 0 {
		c = []byte{0}
	}
	p.keep = append(p.keep, c)
	return uintptr(unsafe.Pointer(&c[0]))
}

// memOf returns the address of a copy of the bytes of *v kept alive by p.
func memOf[T any](p *spawnProg, v *T) uintptr {
	return p.mem(unsafe.Slice((*byte)(unsafe.Pointer(v)), unsafe.Sizeof(*v)))
}

func (p *spawnProg) ptrs(ss []string) uintptr {
	arr := make([]uintptr, len(ss)+1)
	for i, s := range ss {
		arr[i] = p.cstr(s)
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(&arr[0])), len(arr)*int(unsafe.Sizeof(uintptr(0))))
	p.keep = append(p.keep, b)
	return uintptr(unsafe.Pointer(&arr[0]))
}

func op(what string, trap uintptr, a ...uintptr) rawOp {
	o := rawOp{trap: trap, what: what}
	copy(o.a[:], a)
	return o
}

// with returns o taking its i-th argument from register r.
func (o rawOp) with(i int, r int8) rawOp {
	o.use[i] = r
	return o
}

func (o rawOp) saving(r int8) rawOp {
	o.save = r
	return o
}

func (b *progBuilder) add(o ...rawOp) { b.p.ops = append(b.p.ops, o...) }

// trace adds the ops that send a timestamped trace record for what, when
// tracing (see trace.go).
func (b *progBuilder) trace(what string) {
	if !tracing {
		return
	}
	p := b.p
	rec := make([]int32, 8)
	rec[0], rec[1] = recTrace, int32(len(p.traces))
	p.traces = append(p.traces, what)
	p.keep = append(p.keep, unsafe.Slice((*byte)(unsafe.Pointer(&rec[0])), recSize))
	addr := uintptr(unsafe.Pointer(&rec[0]))
	b.add(op("tracing", unix.SYS_CLOCK_GETTIME, unix.CLOCK_MONOTONIC, addr+16),
		op("tracing", unix.SYS_WRITE, p.status, addr, recSize))
}

// mount adds mount(2) on a host path the runtime made itself.
func (b *progBuilder) mount(what, src, target, fstype string, flags uintptr, data string) {
	b.add(b.mountOp(what, src, b.p.cstr(target), fstype, flags, data))
}

func (b *progBuilder) mountOp(what, src string, target uintptr, fstype string, flags uintptr, data string) rawOp {
	p := b.p
	var d, f uintptr
	if data != "" {
		d = p.cstr(data)
	}
	if fstype != "" {
		f = p.cstr(fstype)
	}
	return op(what, unix.SYS_MOUNT, p.cstr(src), target, f, flags, d)
}

// bindSelf, as the source of mountOn, is the target itself.
const bindSelf = "\x00"

// mountOn returns the ops of a mount on the file in register r (reached
// through /proc/self/fd).
func (b *progBuilder) mountOn(what string, r int8, src, fstype string, flags uintptr, data string) []rawOp {
	path := uintptr(unsafe.Pointer(&b.p.path[0]))
	m := b.mountOp(what, src, path, fstype, flags, data)
	if src == bindSelf {
		m.a[0] = path
	}
	return []rawOp{{fdPath: r, what: what}, m}
}

// openHow returns the address of an open_how for openat2.
func (b *progBuilder) openHow(flags uint64, resolve uint64) uintptr {
	how := unix.OpenHow{Flags: flags, Resolve: resolve}
	return memOf(b.p, &how)
}

// resolveOp opens rel (inside the root in register root) as O_PATH into
// register dst; symbolic links are followed inside the root only.
func (b *progBuilder) resolveOp(what string, root int8, rel string, dir bool, dst int8) rawOp {
	flags := uint64(unix.O_PATH | unix.O_CLOEXEC)
	if dir {
		flags |= unix.O_DIRECTORY
	}
	how := b.openHow(flags, unix.RESOLVE_IN_ROOT|unix.RESOLVE_NO_MAGICLINKS)
	return op(what, unix.SYS_OPENAT2, 0, b.p.cstr(rel), how, unsafe.Sizeof(unix.OpenHow{})).with(0, root).saving(dst)
}

// makeIn makes rel (a clean path inside the root in register root, every
// component resolved inside that root) with its missing directories, and
// leaves it opened (O_PATH) in register dst. With file, the last component
// is made as an empty file.
func (b *progBuilder) makeIn(what string, root int8, rel string, file bool, dst int8) {
	parts := strings.Split(strings.Trim(filepath.Clean("/"+rel), "/"), "/")
	if len(parts) == 1 && parts[0] == "" {
		b.add(b.resolveOp(what, root, ".", true, dst))
		return
	}
	prev := root
	for i, part := range parts {
		last := i == len(parts)-1
		if last && file {
			mk := op(what, unix.SYS_OPENAT, 0, b.p.cstr(part), unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o644).with(0, prev).saving(regU)
			mk.tolerate = syscall.EEXIST
			b.add(mk)
		} else {
			mk := op(what, unix.SYS_MKDIRAT, 0, b.p.cstr(part), 0o755).with(0, prev)
			mk.tolerate = syscall.EEXIST
			b.add(mk)
		}
		r := regA
		if prev == regA {
			r = regB
		}
		if last {
			r = dst
		}
		b.add(b.resolveOp(what, root, strings.Join(parts[:i+1], "/"), !(last && file), r))
		prev = r
	}
}

// writeFile adds the ops that write data to the host file path in one
// write(2), as a /proc file wants it.
func (b *progBuilder) writeFile(what, path, data string) {
	p := b.p
	b.add(op(what, unix.SYS_OPENAT, atFdcwd, p.cstr(path), unix.O_WRONLY|unix.O_CLOEXEC).saving(regT),
		op(what, unix.SYS_WRITE, 0, p.mem([]byte(data)), uintptr(len(data))).with(0, regT),
		op(what, unix.SYS_CLOSE, 0).with(0, regT))
}

// goAheadOp adds the read of the runtime's go-ahead byte.
func (b *progBuilder) goAheadOp() {
	rd := op("waiting for the runtime", unix.SYS_READ, uintptr(b.p.goAhead), uintptr(unsafe.Pointer(&b.p.buf[0])), 1)
	rd.want1 = true
	b.add(rd)
}

// buildProg writes the child's work for ic down as system calls.
func buildProg(ic *initConfig, s *spawnOptions) *spawnProg {
	p := &spawnProg{}
	copy(p.path[:], fdPathPrefix)
	b := &progBuilder{p: p, ic: ic}
	p.status = s.status
	p.goAhead = uintptr(s.goAhead)
	p.overlayStep, p.procStep = -1, -1
	p.flags = unix.CLONE_NEWUTS | unix.CLONE_NEWPID | unix.CLONE_NEWNS | unix.CLONE_NEWIPC
	if ic.NewNet {
		p.flags |= unix.CLONE_NEWNET
	}
	if ic.Rootless {
		// The user namespace is made first, and owns the others.
		p.flags |= unix.CLONE_NEWUSER
	}
	p.flags |= uintptr(syscall.SIGCHLD)

	b.trace("cloned")
	// Rootless: nothing before the runtime has written the uid and gid
	// maps (until then this process is nobody, even to itself).
	switch {
	case ic.Rootless && s.selfMap != nil:
		// A process may map its own user and group ids into the user
		// namespace it is root of, once it has denied setgroups
		// (user_namespaces(7)): no runtime to wait for.
		b.writeFile("denying setgroups", "/proc/self/setgroups", "deny\n")
		b.writeFile("mapping the user id", "/proc/self/uid_map", fmt.Sprintf("0 %d 1\n", s.selfMap[0]))
		b.writeFile("mapping the group id", "/proc/self/gid_map", fmt.Sprintf("0 %d 1\n", s.selfMap[1]))
	case ic.Rootless && s.goAhead >= 0:
		b.goAheadOp()
	}
	b.add(op("naming init", unix.SYS_PRCTL, unix.PR_SET_NAME, p.cstr("sysdojo-init")))
	// 1. Nothing mounted here may propagate back to the host.
	b.mount("making / private", "", "/", "", unix.MS_REC|unix.MS_PRIVATE, "")
	// 2. Copy-on-write: reads from the rootfs, writes into upper, on a
	// tmpfs of this mount namespace only (nothing to clean up on the host).
	b.mount("mounting the scratch tmpfs", "tmpfs", ic.Scratch, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=700")
	m := filepath.Join(ic.Scratch, "merged")
	upper, work := ic.Upper, ic.Work
	dirs := []string{m}
	if upper == "" {
		upper, work = filepath.Join(ic.Scratch, "upper"), filepath.Join(ic.Scratch, "work")
		dirs = append(dirs, upper, work)
	}
	for _, d := range dirs {
		b.add(op("making "+d, unix.SYS_MKDIRAT, atFdcwd, p.cstr(d), 0o755))
	}
	// nodev and nosuid on the container's root: a device node or a
	// set-user-ID file in an image does nothing.
	p.overlayStep = len(p.ops)
	if ic.CopyRoot {
		// A copy of the rootfs made for this run, bound in (a kernel
		// before 5.11 refuses an overlay in a user namespace).
		b.mount("binding the rootfs's copy", ic.CopyDir, m, "", unix.MS_BIND|unix.MS_REC, "")
		b.mount("binding the rootfs's copy", "", m, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_NODEV|unix.MS_NOSUID|lockedFlags(ic.CopyDir), "")
	} else {
		b.mount("mounting the overlay", "overlay", m, "overlay", unix.MS_NODEV|unix.MS_NOSUID, overlayOptions(ic.Rootfs, upper, work))
	}
	b.add(op("opening the new root", unix.SYS_OPENAT, atFdcwd, p.cstr(m), unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC).saving(regMerged))
	b.trace("overlay mounted")
	// 3. /proc of the new PID namespace.
	b.makeIn("making /proc", regMerged, "proc", false, regT)
	p.procStep = len(p.ops) + 1
	b.add(b.mountOn("mounting /proc", regT, "proc", "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")...)
	// 4. A minimal /dev: the only mount without nodev.
	b.makeIn("making /dev", regMerged, "dev", false, regT)
	b.add(b.mountOn("mounting /dev", regT, "tmpfs", "tmpfs", unix.MS_NOSUID|unix.MS_STRICTATIME, "mode=755,size=65536k")...)
	b.add(b.resolveOp("opening /dev", regMerged, "dev", true, regDev))
	for _, d := range devNodes {
		name := p.cstr(d.Name)
		if ic.Rootless {
			// mknod is refused in a user namespace: the host's node,
			// bound onto an empty file (as runc does rootless). (No
			// chmod: it would change the host's node.)
			b.add(op("making /dev/"+d.Name, unix.SYS_OPENAT, 0, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o666).with(0, regDev).saving(regU))
			b.add(b.mountOn("binding the host's /dev/"+d.Name, regU, "/dev/"+d.Name, "", unix.MS_BIND, "")...)
			continue
		}
		b.add(op("mknod /dev/"+d.Name, unix.SYS_MKNODAT, 0, name, unix.S_IFCHR|0o666, uintptr(unix.Mkdev(d.Major, d.Minor))).with(0, regDev),
			op("chmod /dev/"+d.Name, unix.SYS_FCHMODAT, 0, name, 0o666).with(0, regDev))
	}
	for _, d := range []struct {
		name, fstype string
		flags        uintptr
		data         string
	}{{"pts", "devpts", unix.MS_NOSUID | unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"},
		{"shm", "tmpfs", unix.MS_NOSUID | unix.MS_NODEV | unix.MS_NOEXEC, "mode=1777,size=65536k"}} {
		name := p.cstr(d.name)
		b.add(op("making /dev/"+d.name, unix.SYS_MKDIRAT, 0, name, 0o755).with(0, regDev),
			op("opening /dev/"+d.name, unix.SYS_OPENAT, 0, name, unix.O_PATH|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC).with(0, regDev).saving(regT))
		b.add(b.mountOn("mounting /dev/"+d.name, regT, d.name, d.fstype, d.flags, d.data)...)
	}
	for _, l := range [][2]string{{"ptmx", "pts/ptmx"}, {"fd", "/proc/self/fd"}, {"stdin", "/proc/self/fd/0"},
		{"stdout", "/proc/self/fd/1"}, {"stderr", "/proc/self/fd/2"}} {
		b.add(op("linking /dev/"+l[0], unix.SYS_SYMLINKAT, p.cstr(l[1]), 0, p.cstr(l[0])).with(1, regDev))
	}
	b.trace("/proc and /dev ready")
	// 5. /sys, read-only.
	b.makeIn("making /sys", regMerged, "sys", false, regT)
	if ic.Rootless && !ic.NewNet {
		// sysfs can be mounted only by the owner of the network
		// namespace: with --net host, the host's /sys, bound read-only
		// (keeping the flags locked on the host's mount).
		b.add(b.mountOn("binding the host's /sys", regT, "/sys", "", unix.MS_BIND|unix.MS_REC, "")...)
		b.add(b.resolveOp("binding the host's /sys", regMerged, "sys", true, regU))
		b.add(b.mountOn("making /sys read-only", regU, "", "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY|lockedFlags("/sys"), "")...)
	} else {
		b.add(b.mountOn("mounting /sys", regT, "sysfs", "sysfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")...)
	}
	// 6. Masked and read-only paths: what a container must not read or
	// change of the host's kernel. Whether each is a directory or a file
	// is the kernel's, the same inside as on the host.
	for _, path := range maskedPaths {
		fi, err := os.Stat("/" + path)
		if err != nil {
			continue
		}
		open := b.resolveOp("masking "+path, regMerged, path, fi.IsDir(), regT)
		var mnt []rawOp
		if fi.IsDir() {
			mnt = b.mountOn("masking "+path, regT, "tmpfs", "tmpfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "size=0")
		} else {
			mnt = b.mountOn("masking "+path, regT, "/dev/null", "", unix.MS_BIND, "")
		}
		open.tolerate, open.skip = syscall.ENOENT, len(mnt)
		b.add(open)
		b.add(mnt...)
	}
	for _, path := range readonlyPaths {
		open := b.resolveOp("binding "+path, regMerged, path, false, regT)
		rest := b.mountOn("binding "+path, regT, bindSelf, "", unix.MS_BIND|unix.MS_REC, "")
		rest = append(rest, b.resolveOp("binding "+path, regMerged, path, false, regU))
		rest = append(rest, b.mountOn("making "+path+" read-only", regU, "", "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "")...)
		open.tolerate, open.skip = syscall.ENOENT, len(rest)
		b.add(open)
		b.add(rest...)
	}
	// 7. Volumes: the host side opened by the runtime, the container side
	// made inside the new root.
	for i, v := range ic.Mounts {
		what := "volume " + v.String()
		// The host side is opened here, in the container's mount namespace
		// (a bind mount's source must be in the caller's), on a number
		// the source's name can be written with beforehand.
		b.add(op(what, unix.SYS_OPENAT, atFdcwd, p.cstr(v.Host), unix.O_PATH|unix.O_CLOEXEC).saving(regA),
			op(what, unix.SYS_DUP3, 0, uintptr(volumeFd), unix.O_CLOEXEC).with(0, regA))
		b.makeIn(what, regMerged, v.Container, !s.volumes[i].dir, regT)
		src := fdPathPrefix + strconv.Itoa(volumeFd)
		b.add(b.mountOn(what+": bind mount", regT, src, "", unix.MS_BIND|unix.MS_REC, "")...)
		b.add(b.resolveOp(what, regMerged, v.Container, s.volumes[i].dir, regU))
		// Mounts under it, now or later, stay on their own side.
		b.add(b.mountOn(what+": making it private", regU, "", "", unix.MS_PRIVATE|unix.MS_REC, "")...)
		// (Rootless, the flags the host's mount has are kept: a user
		// namespace may not clear them.)
		flags := uintptr(unix.MS_BIND|unix.MS_REMOUNT|unix.MS_NOSUID|unix.MS_NODEV) | s.volumes[i].noexec | s.volumes[i].locked
		if v.ReadOnly {
			flags |= unix.MS_RDONLY
		}
		b.add(b.mountOn(what+": nosuid, nodev", regU, "", "", flags, "")...)
	}
	// 8. The working directory, made inside the new root.
	b.makeIn("making the working directory "+ic.Dir, regMerged, ic.Dir, false, regT)
	// The runtime's go-ahead, when it has host-side work to finish before
	// the command starts (a bridged network). No byte: quit quietly.
	if s.goAhead >= 0 && !ic.Rootless {
		b.trace("root ready, waiting")
		b.goAheadOp()
	}
	// 9. Switch the root: the overlay becomes /, the host's root is
	// stacked under it and detached. (chroot alone could be escaped.)
	b.add(op("entering the new root", unix.SYS_FCHDIR, 0).with(0, regMerged),
		op("pivot_root", unix.SYS_PIVOT_ROOT, p.cstr("."), p.cstr(".")),
		op("detaching the old root", unix.SYS_UMOUNT2, p.cstr("."), unix.MNT_DETACH),
		op("chdir /", unix.SYS_CHDIR, p.cstr("/")))
	b.trace("root switched")
	if ic.ReadOnly {
		// docker run --read-only: the root mount itself read-only (its
		// own flags kept); /dev, /proc and the volumes are mounts of
		// their own and stay as they are.
		flags := uintptr(unix.MS_BIND | unix.MS_REMOUNT | unix.MS_RDONLY | unix.MS_NODEV | unix.MS_NOSUID)
		if ic.CopyRoot {
			flags |= lockedFlags(ic.CopyDir)
		}
		b.mount("making / read-only", "", "/", "", flags, "")
	}
	// 10. Host name, network, and a cgroup namespace rooted at the
	// container's cgroup, which this process is in already.
	b.add(op("sethostname", unix.SYS_SETHOSTNAME, p.cstr(ic.Hostname), uintptr(len(ic.Hostname))))
	if ic.NewNet {
		var ifr [40]byte
		copy(ifr[:], "lo")
		*(*uint16)(unsafe.Pointer(&ifr[unix.IFNAMSIZ])) = unix.IFF_UP
		b.add(op("bringing lo up", unix.SYS_SOCKET, unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0).saving(regSock),
			op("bringing lo up", unix.SYS_IOCTL, 0, unix.SIOCSIFFLAGS, p.mem(ifr[:])).with(0, regSock))
	}
	b.add(op("unshare(CLONE_NEWCGROUP)", unix.SYS_UNSHARE, unix.CLONE_NEWCGROUP))
	b.privilegesAndExec(s)
	return p
}

// privilegesAndExec adds the ops from the privileges to the execve, the
// same for a container's first process and for a command run in it
// rootless (rootless_exec.go).
func (b *progBuilder) privilegesAndExec(s *spawnOptions) {
	p, ic := b.p, b.ic
	// 11. Privileges: no ptrace-style access from inside while this
	// process still has the runtime's memory; the capability sets; the
	// user; no_new_privs; the system call filter, last.
	b.add(op("prctl(PR_SET_DUMPABLE)", unix.SYS_PRCTL, unix.PR_SET_DUMPABLE, 0))
	b.caps()
	if ic.UID != 0 || ic.GID != 0 {
		b.add(op("setgroups", unix.SYS_SETGROUPS, 0, 0),
			op("setgid", unix.SYS_SETGID, uintptr(ic.GID)),
			op("setuid", unix.SYS_SETUID, uintptr(ic.UID)))
	}
	b.add(op("chdir "+ic.Dir, unix.SYS_CHDIR, p.cstr(ic.Dir)))
	// The soft limit on open files that the Go runtime raised for itself
	// goes back to what it was (os/exec does the same).
	var rl unix.Rlimit
	if unix.Getrlimit(unix.RLIMIT_NOFILE, &rl) == nil {
		if soft := inheritedNofile(); soft < rl.Cur {
			rl.Cur = soft
			b.add(op("setrlimit", unix.SYS_PRLIMIT64, 0, unix.RLIMIT_NOFILE, memOf(p, &rl), 0))
		}
	}
	b.add(op("prctl(PR_SET_NO_NEW_PRIVS)", unix.SYS_PRCTL, unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0))
	if len(s.seccomp) > 0 {
		p.filter = append([]unix.SockFilter(nil), s.seccomp...)
		p.fprog = unix.SockFprog{Len: uint16(len(p.filter)), Filter: &p.filter[0]}
		b.add(op("installing the seccomp filter", unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, 0, uintptr(unsafe.Pointer(&p.fprog))))
	}
	// 12. Signals: the runtime's handlers back to the default (ignored
	// ones stay ignored, as exec keeps them), then none blocked.
	var dfl [32]byte // struct sigaction: SIG_DFL, no flags, empty mask
	dflP := p.mem(dfl[:])
	var old [32]byte
	for sig := 1; sig <= 64; sig++ {
		if sig == int(syscall.SIGKILL) || sig == int(syscall.SIGSTOP) {
			continue
		}
		if _, _, e := syscall.RawSyscall6(unix.SYS_RT_SIGACTION, uintptr(sig), 0, uintptr(unsafe.Pointer(&old[0])), 8, 0, 0); e != 0 {
			continue
		}
		if *(*uintptr)(unsafe.Pointer(&old[0])) == 1 { // SIG_IGN
			continue
		}
		o := op("resetting signals", unix.SYS_RT_SIGACTION, uintptr(sig), dflP, 0, 8)
		o.tolerate = syscall.EINVAL
		b.add(o)
	}
	var none [8]byte
	b.add(op("unblocking signals", unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, p.mem(none[:]), 0, 8))
	b.trace("exec")
	// 13. The command itself, or the reaper in front of it.
	if ic.Init {
		b.add(op("passing the status pipe on", unix.SYS_DUP3, p.status, 3, 0))
		p.execStep = len(p.ops)
		argv := append([]string{reaperName, "--"}, ic.Args...)
		b.add(op("exec", unix.SYS_EXECVEAT, uintptr(s.reaper), p.cstr(""), p.ptrs(argv), p.ptrs(ic.Env), unix.AT_EMPTY_PATH))
	} else {
		p.execStep = len(p.ops)
		b.add(op("exec", unix.SYS_EXECVE, p.cstr(ic.Path), p.ptrs(ic.Args), p.ptrs(ic.Env)))
	}
}

const atFdcwd = ^uintptr(99) // AT_FDCWD (-100)

// caps adds the ops that leave the command with ic.Caps only: the
// bounding set, the ambient set cleared, and the effective, permitted and
// inheritable sets.
func (b *progBuilder) caps() {
	keep := map[int]bool{}
	var mask uint64
	for _, c := range b.ic.Caps {
		keep[c] = true
		mask |= 1 << c
	}
	for c := 0; c <= lastCap(); c++ {
		if !keep[c] {
			b.add(op(fmt.Sprintf("dropping %s from the bounding set", CapName(c)), unix.SYS_PRCTL, unix.PR_CAPBSET_DROP, uintptr(c)))
		}
	}
	b.add(op("clearing ambient capabilities", unix.SYS_PRCTL, unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0))
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	for i := range data {
		w := uint32(mask >> (32 * i))
		data[i] = unix.CapUserData{Effective: w, Permitted: w} // inheritable empty, as Docker (CVE-2022-24769)
	}
	b.add(op("capset", unix.SYS_CAPSET, memOf(b.p, &hdr), memOf(b.p, &data)))
}

// runOps carries out the child's ops. It returns the index of the failed
// op (and its error, 0 for a quiet stop), or -1.
//
//go:nosplit
//go:norace
//go:nocheckptr
func runOps(p *spawnProg) (int, syscall.Errno) {
	for i := 0; i < len(p.ops); i++ {
		o := &p.ops[i]
		if o.fdPath > 0 {
			fdPathInto(&p.path, p.regs[o.fdPath-1])
			continue
		}
		a := o.a
		for j := 0; j < 6; j++ {
			if o.use[j] > 0 {
				a[j] = p.regs[o.use[j]-1]
			}
		}
		r, _, e := syscall.RawSyscall6(o.trap, a[0], a[1], a[2], a[3], a[4], a[5])
		if e != 0 {
			if e == o.tolerate {
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
		if o.forked && r != 0 {
			return stepForked, 0
		}
	}
	return -1, 0
}

// fdPathInto writes the decimal digits of fd and a NUL after the
// "/proc/self/fd/" in path.
//
//go:nosplit
//go:norace
func fdPathInto(path *[32]byte, fd uintptr) {
	var digits [20]byte
	n := 0
	for {
		digits[n] = byte('0' + fd%10)
		n++
		fd /= 10
		if fd == 0 || n == len(digits) {
			break
		}
	}
	at := len(fdPathPrefix)
	for n > 0 && at < len(path)-1 {
		n--
		path[at] = digits[n]
		at++
	}
	path[at] = 0
}

//go:nosplit
//go:norace
//go:nocheckptr
func rawReport(p *spawnProg, kind, a, b, step int32) {
	p.rec[0], p.rec[1], p.rec[2], p.rec[3] = kind, a, b, step
	syscall.RawSyscall(unix.SYS_WRITE, p.status, uintptr(unsafe.Pointer(&p.rec[0])), recSize)
}

//go:nosplit
func rawExit(code int32) {
	for {
		syscall.RawSyscall(unix.SYS_EXIT_GROUP, uintptr(code), 0, 0)
	}
}

// cloneChild clones the child and, in the child, runs p to its execve.
// In the parent it returns the child's PID. The child has fork semantics
// (its own copy of memory), or with p.vm it is started as posix_spawn
// and the standard library's forkExec start one: CLONE_VM|CLONE_VFORK,
// sharing the runtime's memory on a stack of its own while this thread
// is suspended until its execve, so no copy of the runtime's page tables
// is made and torn down again. Either way it only reads what was
// prepared and writes p's scratch fields. The caller holds its OS thread
// locked, with every signal blocked.
//
//go:nosplit
//go:norace
//go:nocheckptr
func cloneChild(p *spawnProg) (uintptr, syscall.Errno) {
	var r1 uintptr
	var e syscall.Errno
	if p.vm {
		var errno uintptr
		if p.useClone3 {
			r1, errno = clone3VM(&p.clone3, unsafe.Sizeof(p.clone3), p)
		} else {
			r1, errno = cloneVM(p.flags, p.stackTop, p)
		}
		return r1, syscall.Errno(errno)
	}
	if p.useClone3 {
		r1, _, e = syscall.RawSyscall(unix.SYS_CLONE3, uintptr(unsafe.Pointer(&p.clone3)), unsafe.Sizeof(p.clone3), 0)
	} else {
		r1, _, e = syscall.RawSyscall6(unix.SYS_CLONE, p.flags, 0, 0, 0, 0, 0)
	}
	if e != 0 || r1 != 0 {
		return r1, e
	}
	childMain(p)
	return 0, 0
}

// childMain is the child, from its first instruction to its execve.
//
//go:nosplit
//go:norace
//go:nocheckptr
func childMain(p *spawnProg) {
	var (
		r1  uintptr
		err syscall.Errno
		i   int
	)
	// Die with the runtime's thread.
	syscall.RawSyscall(unix.SYS_PRCTL, unix.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0)
	// Standard streams: exactly 0-2; everything else of the runtime's is
	// close-on-exec (Go opens every descriptor so).
	for i = 0; i < 3; i++ {
		r1, _, err = syscall.RawSyscall(unix.SYS_FCNTL, p.stdio[i], unix.F_DUPFD_CLOEXEC, 10)
		if err != 0 {
			rawExit(1)
		}
		p.tmp[i] = r1
	}
	for i = 0; i < 3; i++ {
		if _, _, err = syscall.RawSyscall(unix.SYS_DUP3, p.tmp[i], uintptr(i), 0); err != 0 {
			rawExit(1)
		}
	}
	step, e := runOps(p)
	if step == stepForked {
		rawReport(p, recForked, int32(p.regs[regPid-1]), 0, 0)
		rawExit(0)
	}
	if step < 0 {
		rawExit(0) // (not reached: the last op is execve)
	}
	code := int32(1)
	if step == p.execStep {
		code = 126
		if e == syscall.ENOENT {
			code = 127
		}
	}
	if e != 0 {
		rawReport(p, recSetupErr, code, int32(e), int32(step))
	}
	rawExit(code)
}

// spawnOptions is what the parent prepared for the child besides ic.
type spawnOptions struct {
	status  uintptr // status pipe, write end
	goAhead int     // go-ahead pipe, read end, or -1
	reaper  int     // this program, opened O_PATH (for --init), or -1
	volumes []volFD // per ic.Mounts
	seccomp []unix.SockFilter
	// selfMap: rootless with the single-id mapping, which the child
	// writes itself (as unshare -r does): its own uid and gid outside.
	selfMap *[2]int
}

// volFD is what the runtime found of a volume's host side.
type volFD struct {
	dir    bool
	noexec uintptr
	locked uintptr // rootless: the host mount's flags, kept on the remount
}

// spawned is a started child.
type spawned struct {
	prog       *spawnProg
	pid        int
	statR, goW *os.File
	closers    []io.Closer // the parent's descriptors for the child only
	copies     sync.WaitGroup
	readEnds   []*os.File // of the output pipes the copies read
	waited     bool
	ws         unix.WaitStatus
	waitErr    error
}

// spawn starts the container's first process for ic, with the standard
// streams of cfg, in cg's cgroup (created already) when cg is not nil.
// With goAhead the child waits, before its root switch, for
// (*spawned).goAhead.
// hostReady waits for the host side (state, cgroup) and returns the
// cgroup to start in, nil for none.
func spawn(cfg *Config, ic *initConfig, hostReady func() (*Cgroup, error), goAhead bool, filter []unix.SockFilter, selfMap *[2]int) (*spawned, error) {
	fail := func(err error) (*spawned, error) {
		return nil, i18n.Failed(i18n.T("cannot start the container", "컨테이너를 시작할 수 없습니다"), err)
	}
	f := &spawned{}
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
	s := &spawnOptions{goAhead: -1, reaper: -1, seccomp: filter, selfMap: selfMap}
	keepFd := func(fd int) int {
		f.closers = append(f.closers, os.NewFile(uintptr(fd), ""))
		return fd
	}
	// The host side of the volumes, opened now: what the child binds is
	// what was checked.
	for _, v := range ic.Mounts {
		var st unix.Stat_t
		var sfs unix.Statfs_t
		if err := unix.Stat(v.Host, &st); err != nil {
			return fail(fmt.Errorf("volume %s: %w", v, err))
		}
		vf := volFD{dir: st.Mode&unix.S_IFMT == unix.S_IFDIR}
		if ic.Rootless {
			vf.locked = lockedFlags(v.Host)
		}
		if unix.Statfs(v.Host, &sfs) == nil && sfs.Flags&unix.ST_NOEXEC != 0 {
			vf.noexec = unix.MS_NOEXEC
		}
		s.volumes = append(s.volumes, vf)
	}
	if ic.Init {
		exe := cfg.Exe
		if exe == "" {
			exe = "/proc/self/exe"
		}
		fd, err := unix.Open(exe, unix.O_PATH|unix.O_CLOEXEC, 0)
		if err != nil {
			return fail(fmt.Errorf("opening %s for --init: %w", exe, err))
		}
		s.reaper = keepFd(fd)
	}
	stdio, err := f.stdio(cfg.Stdin, cfg.Stdout, cfg.Stderr)
	if err != nil {
		return fail(err)
	}
	statR, statW, err := blockingPipe()
	if err != nil {
		return fail(err)
	}
	f.statR = statR
	f.closers = append(f.closers, statW)
	s.status = statW.Fd()
	if goAhead {
		goR, goW, err := blockingPipe()
		if err != nil {
			return fail(err)
		}
		f.goW = goW
		f.closers = append(f.closers, goR)
		s.goAhead = int(goR.Fd())
	}
	p := buildProg(ic, s)
	p.stdio = stdio
	f.prog = p

	// The cgroup the child starts in, once the host side is ready.
	cg, err := hostReady()
	if err != nil {
		return nil, err
	}
	var tasks []*os.File // v1: the container's "tasks" files, and this thread's own
	var home []*os.File
	if cg != nil {
		if cg.Version == 2 {
			fd, err := unix.Open(cg.V2, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
			if err != nil {
				return fail(fmt.Errorf("opening the cgroup: %w", err))
			}
			keepFd(fd)
			p.useClone3 = true
			p.clone3 = cloneArgs{flags: uint64(p.flags&^0xff) | unix.CLONE_INTO_CGROUP, exitSignal: uint64(syscall.SIGCHLD), cgroup: uint64(fd)}
		} else {
			for _, d := range cg.Dirs() {
				t, err := os.OpenFile(filepath.Join(d, "tasks"), os.O_WRONLY, 0)
				if err != nil {
					return fail(fmt.Errorf("opening the cgroup: %w", err))
				}
				f.closers = append(f.closers, t)
				h, err := os.OpenFile(filepath.Join(cg.Home[d], "tasks"), os.O_WRONLY, 0)
				if err != nil {
					return fail(fmt.Errorf("opening the cgroup: %w", err))
				}
				f.closers = append(f.closers, h)
				tasks, home = append(tasks, t), append(home, h)
			}
		}
	}

	// v1: this thread joins the container's cgroups, so that the child
	// starts there, and comes back right after the clone.
	for _, t := range tasks {
		if _, err := t.WriteString("0"); err != nil {
			joinAll(home)
			return fail(fmt.Errorf("moving into the container's cgroup: %w", err))
		}
	}
	// With nothing for this runtime to do between the clone and the
	// child's execve, the child is started vfork-style.
	if haveCloneVM && !goAhead {
		release, err := p.vfork()
		if err != nil {
			return fail(err)
		}
		defer release()
	}
	// Every signal blocked across the clone: the child has the runtime's
	// handlers until it resets them, and must never run one.
	trace("run", "cloning")
	pid, errno := cloneBlocked(p)
	if jerr := joinAll(home); jerr != nil && errno == 0 {
		unix.Kill(int(pid), unix.SIGKILL)
		f.pid = int(pid)
		f.wait()
		return fail(fmt.Errorf("leaving the container's cgroup: %w", jerr))
	}
	f.closeChildEnds()
	if errno != 0 {
		return fail(errno)
	}
	f.pid = int(pid)
	ok = true
	return f, nil
}

// stdio returns the descriptors that become the child's 0, 1 and 2: a
// file as it is, nothing as /dev/null, anything else through a pipe and a
// goroutine (as os/exec gives them).
// closeReadEnds stops the output copies: their reads end at once.
func (f *spawned) closeReadEnds() {
	for _, r := range f.readEnds {
		r.Close()
	}
}

func (f *spawned) stdio(in io.Reader, out, errw io.Writer) ([3]uintptr, error) {
	var stdio [3]uintptr
	var outFd uintptr
	var outW io.Writer
	for i, st := range []any{in, out, errw} {
		switch v := st.(type) {
		case *os.File:
			if v != nil {
				stdio[i] = v.Fd()
				continue
			}
		case nil:
		default:
			if i == 2 && outW != nil && sameWriter(st, outW) {
				stdio[i] = outFd
				continue
			}
			r, w, err := os.Pipe()
			if err != nil {
				return stdio, err
			}
			if i == 0 {
				f.closers = append(f.closers, r)
				stdio[i] = r.Fd()
				go func() {
					io.Copy(w, v.(io.Reader))
					w.Close()
				}()
			} else {
				f.closers = append(f.closers, w)
				f.readEnds = append(f.readEnds, r)
				stdio[i] = w.Fd()
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
			return stdio, err
		}
		f.closers = append(f.closers, null)
		stdio[i] = null.Fd()
	}
	return stdio, nil
}

// vfork makes p start its child vfork-style (see cloneChild), on a stack
// of its own; release frees that stack once cloneBlocked has returned
// (the child has then exec'd or exited).
func (p *spawnProg) vfork() (release func(), err error) {
	stack, err := unix.Mmap(-1, 0, childStack, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS|unix.MAP_STACK)
	if err != nil {
		return nil, fmt.Errorf("mapping the child's stack: %w", err)
	}
	p.vm = true
	p.stackTop = uintptr(unsafe.Pointer(&stack[0])) + childStack
	p.flags |= unix.CLONE_VM | unix.CLONE_VFORK
	if p.useClone3 {
		p.clone3.flags |= unix.CLONE_VM | unix.CLONE_VFORK
		p.clone3.stack, p.clone3.stackSize = uint64(uintptr(unsafe.Pointer(&stack[0]))), childStack
	}
	return func() { unix.Munmap(stack) }, nil
}

// cloneBlocked runs cloneChild with every signal blocked.
func cloneBlocked(p *spawnProg) (uintptr, syscall.Errno) {
	var all, old [8]byte
	for i := range all {
		all[i] = 0xff
	}
	syscall.ForkLock.Lock()
	syscall.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&all[0])), uintptr(unsafe.Pointer(&old[0])), 8, 0, 0)
	pid, errno := cloneChild(p)
	syscall.RawSyscall6(unix.SYS_RT_SIGPROCMASK, unix.SIG_SETMASK, uintptr(unsafe.Pointer(&old[0])), 0, 8, 0, 0)
	syscall.ForkLock.Unlock()
	return pid, errno
}

// joinAll moves the calling thread into the cgroups of the "tasks" files.
func joinAll(tasks []*os.File) error {
	var first error
	for _, t := range tasks {
		if _, err := t.WriteString("0"); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (f *spawned) closeChildEnds() {
	for _, c := range f.closers {
		c.Close()
	}
	f.closers = nil
}

// goAhead lets a child started with goAhead go on.
func (f *spawned) goAhead() {
	if f.goW != nil {
		f.goW.Write([]byte{1})
		f.goW.Close()
		f.goW = nil
	}
}

func (f *spawned) wait() error {
	if !f.waited {
		for {
			_, err := unix.Wait4(f.pid, &f.ws, 0, nil)
			if err != unix.EINTR {
				f.waitErr = err
				break
			}
		}
		f.waited = true
	}
	return f.waitErr
}

// abort kills the child and waits for it.
func (f *spawned) abort() {
	unix.Kill(f.pid, unix.SIGKILL)
	if f.goW != nil {
		f.goW.Close()
		f.goW = nil
	}
	f.wait()
}

// describe turns a failed op of the child into an error.
func (f *spawned) describe(code, errno, step int32, ic *initConfig) *i18n.Error {
	what := "setting up"
	if i := int(step); i >= 0 && i < len(f.prog.ops) {
		what = f.prog.ops[i].what
	}
	var err error
	if int(step) == f.prog.execStep {
		path := ic.Path
		if ic.Init {
			path = reaperName
		}
		err = fmt.Errorf("starting %s: %w", ic.Args[0], &os.PathError{Op: "exec", Path: path, Err: syscall.Errno(errno)})
	} else {
		err = fmt.Errorf("%s: %w", what, syscall.Errno(errno))
	}
	if ic.Rootless {
		if e := rootlessSetupError(f.prog, int(step), syscall.Errno(errno), err); e != nil {
			return e
		}
	}
	if code == 0 {
		code = 1
	}
	return &i18n.Error{Kind: i18n.Kind(code), Text: i18n.T("the container could not start", "컨테이너를 시작하지 못했습니다"), Err: err}
}

// readStatus reads the status pipe until it closes: the child's failure,
// or the reaper's reports. started is called once the command runs, with
// its PID inside.
func (f *spawned) readStatus(started func(inner int)) (kind, a, b, step int32) {
	var rec [recSize]byte
	reported := false
	for {
		if _, err := io.ReadFull(f.statR, rec[:]); err != nil {
			break
		}
		r := (*[8]int32)(unsafe.Pointer(&rec[0]))
		switch r[0] {
		case recTrace:
			if tracing && int(r[1]) < len(f.prog.traces) {
				traceAt((*unix.Timespec)(unsafe.Pointer(&rec[16])), "init", f.prog.traces[r[1]])
			}
			continue
		case recStarted:
			reported = true
			started(int(r[1]))
			continue
		}
		kind, a, b, step = r[0], r[1], r[2], r[3]
		if kind == recSetupErr {
			return
		}
	}
	if kind == 0 && !reported {
		// The pipe closed at the execve: the command is PID 1.
		started(1)
	}
	return
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
// on this goroutine's own thread and wakes as soon as the child writes.
func blockingPipe() (r, w *os.File, err error) {
	var fds [2]int
	if err := unix.Pipe2(fds[:], unix.O_CLOEXEC); err != nil {
		return nil, nil, os.NewSyscallError("pipe2", err)
	}
	return os.NewFile(uintptr(fds[0]), "|0"), os.NewFile(uintptr(fds[1]), "|1"), nil
}
