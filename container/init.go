package container

import (
	"debug/elf"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"syscall"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// reaperName is argv[0] of the --init reaper: what ps shows as PID 1.
const reaperName = "sysdojo-init"

// IsInit reports whether this process is a container's --init reaper:
// the runtime executes this program as "sysdojo-init -- CMD ARG...", with
// the status pipe on descriptor 3.
func IsInit() bool {
	return len(os.Args) >= 3 && os.Args[0] == reaperName && os.Args[1] == "--"
}

// Init runs the container's --init reaper when this process is one (see
// IsInit), or the user-namespace helper of a rootless image store (see
// userns.go), and returns its exit status and true; otherwise it returns
// false at once. Call it first thing in main, and exit with the status.
//
// The reaper does tini's job, as docker run --init: it starts the command
// (the container is set up already: root, namespaces, cgroup,
// capabilities, seccomp, user and working directory are inherited), passes
// on every signal it gets, reaps every child (orphans included), and exits
// with the command's status (128+N when signal N killed it).
func Init() (status int, ok bool) {
	if status, ok := userNSHelper(); ok { // userns.go
		return status, true
	}
	if !IsInit() {
		return 0, false
	}
	return reap(os.Args[2:]), true
}

func reap(args []string) int {
	// No ptrace-style access to PID 1 from inside: its /proc/1/exe is
	// the runtime's own binary.
	unix.Prctl(unix.PR_SET_DUMPABLE, 0, 0, 0, 0)
	// Named through /proc/self/comm, the thread group leader's name that
	// ps shows: prctl(PR_SET_NAME) would name only the thread this
	// goroutine happens to run on.
	if os.WriteFile("/proc/self/comm", []byte(reaperName), 0) != nil {
		unix.Prctl(unix.PR_SET_NAME, uintptr(unsafe.Pointer(&[]byte(reaperName + "\x00")[0])), 0, 0, 0)
	}
	unix.CloseOnExec(3)
	status := os.NewFile(3, "status")
	report := func(kind, a, b int32) {
		var rec [8]int32
		rec[0], rec[1], rec[2] = kind, a, b
		status.Write(unsafe.Slice((*byte)(unsafe.Pointer(&rec[0])), recSize))
	}
	fail := func(code int, err error) int {
		os.Stderr.WriteString(reaperName + ": " + err.Error() + "\n")
		report(recExit, int32(code), 0)
		return code
	}
	sigs := make(chan os.Signal, 32)
	signal.Notify(sigs, syscall.SIGCHLD, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
		syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH, syscall.SIGCONT)
	path, err := exec.LookPath(args[0])
	if err != nil {
		code := 127
		if !strings.Contains(err.Error(), "not found") {
			code = 126
		}
		return fail(code, err)
	}
	attr := &syscall.SysProcAttr{}
	if isTTY(0) {
		// The command gets its own process group, in the terminal's
		// foreground: Ctrl-C reaches it (and only it) straight from the tty.
		attr.Setpgid, attr.Foreground, attr.Ctty = true, true, 0
	}
	wd, _ := os.Getwd()
	proc, err := os.StartProcess(path, args, &os.ProcAttr{Dir: wd, Env: os.Environ(),
		Files: []*os.File{os.Stdin, os.Stdout, os.Stderr}, Sys: attr})
	if err != nil {
		return fail(126, err)
	}
	report(recStarted, int32(proc.Pid), 0)
	// PID 1: pass signals on to the command and reap every child,
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
			report(recExit, int32(code), int32(sig))
			return code
		}
	}
	return 1
}

// overlayOptions is the overlay's mount data for these directories. In
// it, a comma ends an option and a colon separates lower directories:
// those in a path (and backslashes) are escaped with a backslash.
func overlayOptions(lower, upper, work string) string {
	esc := strings.NewReplacer(`\`, `\\`, ",", `\,`, ":", `\:`)
	return "lowerdir=" + esc.Replace(lower) + ",upperdir=" + esc.Replace(upper) + ",workdir=" + esc.Replace(work)
}

// maskedPaths are hidden from the container (as runc and Docker do).
var maskedPaths = []string{"proc/acpi", "proc/kcore", "proc/keys", "proc/latency_stats", "proc/timer_list",
	"proc/timer_stats", "proc/sched_debug", "proc/scsi", "sys/firmware", "sys/devices/virtual/powercap"}

// readonlyPaths can be read but not changed.
var readonlyPaths = []string{"proc/bus", "proc/fs", "proc/irq", "proc/sys", "proc/sysrq-trigger"}

// devNodes are the device nodes made in a container's /dev (as Docker
// makes them); the device rules of its cgroup allow these only.
var devNodes = []struct {
	Name         string
	Major, Minor uint32
}{{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}}

// cgroupFiles are handles on a container's cgroup, for a thread that
// joins it (exec).
type cgroupFiles struct {
	tasks, home []int // v1 "tasks" files
	v2          int   // v2 directory, or -1
}

// join moves the calling thread into the cgroups of fds ("0" is the
// writer itself).
func (cg *cgroupFiles) join(fds []int) error {
	for _, fd := range fds {
		if _, err := unix.Write(fd, []byte("0")); err != nil {
			return err
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

// StaticExe reports whether the program at path is statically linked (no
// ELF interpreter): only such a program can run inside a container's root,
// which has none of the host's C library. A file it cannot read as ELF is
// not.
func StaticExe(path string) bool {
	ok, _ := staticExe(path)
	return ok
}

func staticExe(path string) (bool, error) {
	f, err := elf.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return false, nil
		}
	}
	return true, nil
}

// errDynamicInit is returned for --init when this program is dynamically
// linked.
var errDynamicInit = i18n.Invalid(i18n.T("--init runs this same program as PID 1 inside the container, but this build of sysdojo is dynamically linked and the container has none of the host's C library",
	"--init은 sysdojo 자신을 컨테이너 안의 PID 1로 실행하는데, 지금 sysdojo는 동적 링크로 빌드되어 있고 컨테이너 안에는 호스트의 C 라이브러리가 없습니다")).WithHint(
	i18n.T("build it static, as the README installs it: CGO_ENABLED=0 go install ./cmd/sysdojo (docker-init is static for the same reason)",
		"README대로 정적 빌드하세요: CGO_ENABLED=0 go install ./cmd/sysdojo (docker-init이 정적 바이너리인 것도 같은 이유입니다)"))
