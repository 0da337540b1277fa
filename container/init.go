package container

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"
)

// initEnv marks the re-executed binary as a container's init.
const initEnv = "SYSDOJO_CONTAINER_INIT"

// IsInit reports whether this process was started by Run as a container's
// init (argv "sysdojo container init" and the marker in its environment).
// Run re-executes the binary as init only when the run needs this Go init
// (volumes, or SYSDOJO_INIT=exec); otherwise it forks one (forkinit.go).
func IsInit() bool {
	return len(os.Args) == 3 && os.Args[1] == "container" && os.Args[2] == "init" && os.Getenv(initEnv) == "1"
}

// Init runs the container's init when this process is one (see IsInit)
// and returns its exit status and true; otherwise it returns false at once.
// Call it first thing in main, before any other goroutine or flag parsing,
// and exit with the status: the init owns the process.
func Init() (status int, ok bool) {
	if !IsInit() {
		return 0, false
	}
	// Capabilities, no_new_privs and the cgroup namespace belong to a
	// thread: do everything on this one, and never let it go.
	runtime.LockOSThread()
	return initMain(), true
}

func initMain() int {
	trace("init", "start")
	unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(&[]byte("sysdojo-init\x00")[0])), 0, 0, 0)
	cfgF := os.NewFile(3, "config")
	statF := os.NewFile(4, "status")
	unix.CloseOnExec(3)
	unix.CloseOnExec(4)
	report := func(s initStatus) { json.NewEncoder(statF).Encode(s) }
	var cfg initConfig
	if err := json.NewDecoder(cfgF).Decode(&cfg); err != nil {
		report(initStatus{Error: "reading the container config: " + err.Error()})
		return 1
	}
	cfgF.Close()
	trace("init", "config read")
	// The cgroup files are opened while the host's tree is still reachable.
	cg, err := openCgroupFiles(&cfg)
	if err != nil {
		report(initStatus{Error: err.Error()})
		return 1
	}
	if err := setupRoot(&cfg); err != nil {
		report(initStatus{Error: err.Error()})
		return 1
	}
	trace("init", "root set up")
	// v1: this thread (only: "tasks", not "cgroup.procs") joins the
	// container's cgroup, so that the command it forks starts there.
	if err := cg.join(cg.tasks); err != nil {
		report(initStatus{Error: err.Error()})
		return 1
	}
	// From here on nothing may reach back to the host: no ptrace-style
	// access to this process (its /proc/1/exe is the sysdojo binary).
	if err := unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0); err != nil {
		report(initStatus{Error: "prctl(PR_SET_DUMPABLE): " + err.Error()})
		return 1
	}
	if err := limitCaps(cfg.Caps); err != nil {
		report(initStatus{Error: err.Error()})
		return 1
	}
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		report(initStatus{Error: "prctl(PR_SET_NO_NEW_PRIVS): " + err.Error()})
		return 1
	}
	trace("init", "caps limited")
	if cfg.NoInit {
		return execCommand(&cfg, cg, report)
	}
	sigs := make(chan os.Signal, 32)
	signal.Notify(sigs, syscall.SIGCHLD, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
		syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGCONT)
	attr := &syscall.SysProcAttr{
		// A new cgroup namespace whose root is the cgroup the command
		// starts in: the container's (with CLONE_INTO_CGROUP on v2 too).
		Cloneflags: syscall.CLONE_NEWCGROUP,
	}
	if cfg.UID != 0 || cfg.GID != 0 {
		attr.Credential = &syscall.Credential{Uid: cfg.UID, Gid: cfg.GID, Groups: []uint32{}}
	}
	if cfg.Tty {
		// The command gets its own process group, in the terminal's
		// foreground: Ctrl-C reaches it (and only it) straight from the tty.
		attr.Setpgid, attr.Foreground, attr.Ctty = true, true, 0
	}
	if cg.v2 >= 0 {
		// v2: clone3 puts the command straight into the container's cgroup.
		attr.UseCgroupFD, attr.CgroupFD = true, cg.v2
	}
	trace("init", "starting command")
	proc, err := os.StartProcess(cfg.Path, cfg.Args, &os.ProcAttr{
		Dir: cfg.Dir, Env: cfg.Env, Files: []*os.File{os.Stdin, os.Stdout, os.Stderr}, Sys: attr})
	if jerr := cg.join(cg.home); jerr != nil && err == nil {
		proc.Kill()
		err = jerr
	}
	trace("init", "command exec'd")
	cg.close()
	// init itself needs no privilege any more.
	if err == nil {
		if cerr := dropCaps(nil); cerr != nil {
			proc.Kill()
			err = cerr
		}
	}
	if err != nil {
		code := 126
		if errors.Is(err, os.ErrNotExist) {
			code = 127
		}
		report(initStatus{Error: fmt.Sprintf("starting %s: %v", cfg.Args[0], err), Code: code})
		return code
	}
	trace("init", "command started")
	report(initStatus{Started: proc.Pid})
	// PID 1: forward signals to the command and reap every child,
	// orphans included, until the command itself exits.
	for s := range sigs {
		if s != syscall.SIGCHLD {
			proc.Signal(s)
			continue
		}
		for {
			var ws unix.WaitStatus
			pid, err := unix.Wait4(-1, &ws, unix.WNOHANG, nil)
			if err != nil || pid <= 0 {
				break
			}
			if pid != proc.Pid {
				continue
			}
			code, sig := ws.ExitStatus(), 0
			if ws.Signaled() {
				sig = int(ws.Signal())
				code = 128 + sig
			}
			trace("init", "command reaped")
			report(initStatus{Exit: &code, Signal: sig})
			return code
		}
	}
	return 1
}

// execCommand makes init the command itself (--no-init): it joins the
// container's cgroup (v1 did already), enters a new cgroup namespace
// rooted there, and execs. It returns only when that failed.
func execCommand(cfg *initConfig, cg *cgroupFiles, report func(initStatus)) int {
	fail := func(code int, err error) int {
		report(initStatus{Error: fmt.Sprintf("starting %s: %v", cfg.Args[0], err), Code: code})
		return code
	}
	if cg.v2 >= 0 {
		fd, err := unix.Openat(cg.v2, "cgroup.procs", unix.O_WRONLY|unix.O_CLOEXEC, 0)
		if err == nil {
			_, err = unix.Write(fd, []byte("0"))
			unix.Close(fd)
		}
		if err != nil {
			return fail(1, fmt.Errorf("moving into a cgroup: %w", err))
		}
	}
	cg.close()
	if err := unix.Unshare(unix.CLONE_NEWCGROUP); err != nil {
		return fail(1, fmt.Errorf("unshare(CLONE_NEWCGROUP): %w", err))
	}
	if cfg.UID != 0 || cfg.GID != 0 {
		if err := syscall.Setgroups(nil); err != nil {
			return fail(1, fmt.Errorf("setgroups: %w", err))
		}
		if err := syscall.Setgid(int(cfg.GID)); err != nil {
			return fail(1, fmt.Errorf("setgid: %w", err))
		}
		if err := syscall.Setuid(int(cfg.UID)); err != nil {
			return fail(1, fmt.Errorf("setuid: %w", err))
		}
	}
	if err := os.Chdir(cfg.Dir); err != nil {
		return fail(1, err)
	}
	trace("init", "exec")
	report(initStatus{Started: 1})
	err := syscall.Exec(cfg.Path, cfg.Args, cfg.Env)
	if errors.Is(err, os.ErrNotExist) {
		return fail(127, err)
	}
	return fail(126, err)
}

// overlayOptions is the overlay's mount data for these directories. In
// it, a comma ends an option and a colon separates lower directories:
// those in a path (and backslashes) are escaped with a backslash.
func overlayOptions(lower, upper, work string) string {
	esc := strings.NewReplacer(`\`, `\\`, ",", `\,`, ":", `\:`)
	return "lowerdir=" + esc.Replace(lower) + ",upperdir=" + esc.Replace(upper) + ",workdir=" + esc.Replace(work)
}

// setupRoot builds the container's file system view: everything private,
// the overlay, /proc, /dev, /sys, masked paths, pivot_root; then the host
// name and the loopback interface.
func setupRoot(c *initConfig) error {
	step := func(what string, err error) error {
		if err != nil {
			return fmt.Errorf("%s: %w", what, err)
		}
		return nil
	}
	// 1. Nothing we mount may propagate back to the host.
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		return step("making / private", err)
	}
	// 2. Copy-on-write: reads from the rootfs, writes into upper.
	if err := unix.Mount("tmpfs", c.Scratch, "tmpfs", unix.MS_NOSUID|unix.MS_NODEV, "mode=700"); err != nil {
		return step("mounting the scratch tmpfs", err)
	}
	c.Merged = filepath.Join(c.Scratch, "merged")
	dirs := []string{c.Merged}
	if c.Upper == "" {
		c.Upper, c.Work = filepath.Join(c.Scratch, "upper"), filepath.Join(c.Scratch, "work")
		dirs = append(dirs, c.Upper, c.Work)
	}
	for _, d := range dirs {
		if err := os.Mkdir(d, 0o755); err != nil {
			return step("making "+d, err)
		}
	}
	m := c.Merged
	opts := overlayOptions(c.Rootfs, c.Upper, c.Work)
	if err := unix.Mount("overlay", m, "overlay", 0, opts); err != nil {
		return step("mounting the overlay", err)
	}
	mk := func(p string, mode os.FileMode) error {
		if err := os.MkdirAll(filepath.Join(m, p), mode); err != nil {
			return step("making "+p, err)
		}
		return nil
	}
	for _, d := range []string{"proc", "dev", "sys"} {
		if err := mk(d, 0o755); err != nil {
			return err
		}
	}
	// 3. /proc of the new PID namespace.
	if err := unix.Mount("proc", filepath.Join(m, "proc"), "proc", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return step("mounting /proc", err)
	}
	// 4. A minimal /dev.
	dev := filepath.Join(m, "dev")
	if err := unix.Mount("tmpfs", dev, "tmpfs", unix.MS_NOSUID|unix.MS_STRICTATIME, "mode=755,size=65536k"); err != nil {
		return step("mounting /dev", err)
	}
	for _, d := range []struct {
		name         string
		major, minor uint32
	}{{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}} {
		p := filepath.Join(dev, d.name)
		if err := unix.Mknod(p, unix.S_IFCHR|0o666, int(unix.Mkdev(d.major, d.minor))); err != nil {
			return step("mknod /dev/"+d.name, err)
		}
		if err := unix.Chmod(p, 0o666); err != nil {
			return step("chmod /dev/"+d.name, err)
		}
	}
	for _, d := range []string{"pts", "shm"} {
		if err := os.Mkdir(filepath.Join(dev, d), 0o755); err != nil {
			return step("making /dev/"+d, err)
		}
	}
	if err := unix.Mount("devpts", filepath.Join(dev, "pts"), "devpts", unix.MS_NOSUID|unix.MS_NOEXEC, "newinstance,ptmxmode=0666,mode=0620"); err != nil {
		return step("mounting /dev/pts", err)
	}
	if err := unix.Mount("shm", filepath.Join(dev, "shm"), "tmpfs", unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, "mode=1777,size=65536k"); err != nil {
		return step("mounting /dev/shm", err)
	}
	for link, target := range map[string]string{"ptmx": "pts/ptmx", "fd": "/proc/self/fd", "stdin": "/proc/self/fd/0",
		"stdout": "/proc/self/fd/1", "stderr": "/proc/self/fd/2"} {
		if err := os.Symlink(target, filepath.Join(dev, link)); err != nil {
			return step("linking /dev/"+link, err)
		}
	}
	// 5. /sys, read-only.
	if err := unix.Mount("sysfs", filepath.Join(m, "sys"), "sysfs", unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
		return step("mounting /sys", err)
	}
	// 6. Masked and read-only paths: what a container must not read or
	// change about the host's kernel.
	null := filepath.Join(dev, "null")
	for _, p := range maskedPaths {
		t := filepath.Join(m, p)
		fi, err := os.Stat(t)
		if err != nil {
			continue
		}
		if fi.IsDir() {
			err = unix.Mount("tmpfs", t, "tmpfs", unix.MS_RDONLY, "size=0")
		} else {
			err = unix.Mount(null, t, "", unix.MS_BIND, "")
		}
		if err != nil {
			return step("masking "+p, err)
		}
	}
	for _, p := range readonlyPaths {
		t := filepath.Join(m, p)
		if _, err := os.Stat(t); err != nil {
			continue
		}
		if err := unix.Mount(t, t, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
			return step("binding "+p, err)
		}
		if err := unix.Mount(t, t, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY|unix.MS_NOSUID|unix.MS_NODEV|unix.MS_NOEXEC, ""); err != nil {
			return step("making "+p+" read-only", err)
		}
	}
	if err := bindVolumes(m, c.Mounts); err != nil {
		return err
	}
	if err := mk(c.Dir, 0o755); err != nil {
		return err
	}
	// 7. Switch the root: the overlay becomes /, the host's root is stacked
	// under it and detached. (chroot alone could be escaped.)
	if err := unix.Chdir(m); err != nil {
		return step("entering the new root", err)
	}
	if err := unix.PivotRoot(".", "."); err != nil {
		return step("pivot_root", err)
	}
	if err := unix.Unmount(".", unix.MNT_DETACH); err != nil {
		return step("detaching the old root", err)
	}
	if err := unix.Chdir("/"); err != nil {
		return step("chdir /", err)
	}
	// 8. Host name and network.
	if err := unix.Sethostname([]byte(c.Hostname)); err != nil {
		return step("sethostname", err)
	}
	if c.NewNet {
		if err := loUp(); err != nil {
			return step("bringing lo up", err)
		}
	}
	return nil
}

// maskedPaths are hidden from the container (as runc and Docker do).
var maskedPaths = []string{"proc/acpi", "proc/kcore", "proc/keys", "proc/latency_stats", "proc/timer_list",
	"proc/timer_stats", "proc/sched_debug", "proc/scsi", "sys/firmware", "sys/devices/virtual/powercap"}

// readonlyPaths can be read but not changed.
var readonlyPaths = []string{"proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger"}

func loUp() error {
	fd, err := unix.Socket(unix.AF_INET, unix.SOCK_DGRAM|unix.SOCK_CLOEXEC, 0)
	if err != nil {
		return err
	}
	defer unix.Close(fd)
	ifr, err := unix.NewIfreq("lo")
	if err != nil {
		return err
	}
	if err := unix.IoctlIfreq(fd, unix.SIOCGIFFLAGS, ifr); err != nil {
		return err
	}
	ifr.SetUint16(ifr.Uint16() | unix.IFF_UP)
	return unix.IoctlIfreq(fd, unix.SIOCSIFFLAGS, ifr)
}

// cgroupFiles are init's handles on the container's cgroup.
type cgroupFiles struct {
	tasks, home []int // v1 "tasks" files
	v2          int   // v2 directory, or -1
}

func openCgroupFiles(c *initConfig) (*cgroupFiles, error) {
	cg := &cgroupFiles{v2: -1}
	open := func(p string, flags int) (int, error) {
		fd, err := unix.Open(p, flags|unix.O_CLOEXEC, 0)
		if err != nil {
			cg.close()
			return -1, fmt.Errorf("opening %s: %w", p, err)
		}
		return fd, nil
	}
	for i, p := range c.CgroupTasks {
		fd, err := open(p, unix.O_WRONLY)
		if err != nil {
			return nil, err
		}
		cg.tasks = append(cg.tasks, fd)
		if fd, err = open(c.HomeTasks[i], unix.O_WRONLY); err != nil {
			return nil, err
		}
		cg.home = append(cg.home, fd)
	}
	if c.CgroupV2 != "" {
		fd, err := open(c.CgroupV2, unix.O_PATH|unix.O_DIRECTORY)
		if err != nil {
			return nil, err
		}
		cg.v2 = fd
	}
	return cg, nil
}

// join moves the calling thread into the cgroups of fds ("0" is the
// writer itself).
func (cg *cgroupFiles) join(fds []int) error {
	for _, fd := range fds {
		if _, err := unix.Write(fd, []byte("0")); err != nil {
			return fmt.Errorf("moving into a cgroup: %w", err)
		}
	}
	return nil
}

func (cg *cgroupFiles) close() {
	for _, fd := range append(append([]int{}, cg.tasks...), cg.home...) {
		unix.Close(fd)
	}
	if cg.v2 >= 0 {
		unix.Close(cg.v2)
	}
}
