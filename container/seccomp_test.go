package container_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/elastic/go-seccomp-bpf/arch"
	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/testenv"
)

// seccompVM runs p's program (through its binary form, as a re-executed
// init would receive it) in x/net/bpf's interpreter.
func seccompVM(t *testing.T, p *container.SeccompProfile) *bpf.VM {
	t.Helper()
	b, err := p.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	q, err := container.UnmarshalSeccomp(b)
	if err != nil {
		t.Fatal(err)
	}
	if q.Len() != p.Len() {
		t.Fatalf("round trip: %d instructions, want %d", q.Len(), p.Len())
	}
	var insns []bpf.Instruction
	for i := 0; i < len(b); i += 8 {
		raw := bpf.RawInstruction{Op: binary.NativeEndian.Uint16(b[i:]), Jt: b[i+2], Jf: b[i+3], K: binary.NativeEndian.Uint32(b[i+4:])}
		insns = append(insns, raw.Disassemble())
	}
	vm, err := bpf.NewVM(insns)
	if err != nil {
		t.Fatalf("the program is not valid classic BPF: %v", err)
	}
	return vm
}

// seccompData is struct seccomp_data laid out so that the interpreter,
// which loads words big-endian, reads the values the kernel reads
// natively: each 64-bit argument's low word at +0, high word at +4
// (little-endian machines: amd64, arm64).
func seccompData(auditArch, nr uint32, args ...uint64) []byte {
	d := make([]byte, 64)
	binary.BigEndian.PutUint32(d[0:], nr)
	binary.BigEndian.PutUint32(d[4:], auditArch)
	for i, a := range args {
		binary.BigEndian.PutUint32(d[16+8*i:], uint32(a))
		binary.BigEndian.PutUint32(d[16+8*i+4:], uint32(a>>32))
	}
	return d
}

func nativeArch(t *testing.T) (native, foreign uint32) {
	switch runtime.GOARCH {
	case "amd64":
		return unix.AUDIT_ARCH_X86_64, unix.AUDIT_ARCH_I386
	case "arm64":
		return unix.AUDIT_ARCH_AARCH64, unix.AUDIT_ARCH_ARM
	}
	t.Skipf("no seccomp profile for %s", runtime.GOARCH)
	return 0, 0
}

const (
	retAllow = unix.SECCOMP_RET_ALLOW
	retEPERM = unix.SECCOMP_RET_ERRNO | uint32(unix.EPERM)
	retNOSYS = unix.SECCOMP_RET_ERRNO | uint32(unix.ENOSYS)
	retKill  = unix.SECCOMP_RET_KILL_PROCESS
)

// TestSeccompDecisions runs the compiled default program on system calls
// and checks what it answers.
func TestSeccompDecisions(t *testing.T) {
	native, foreign := nativeArch(t)
	p, err := container.DefaultSeccomp()
	if err != nil {
		t.Fatal(err)
	}
	vm := seccompVM(t, p)
	run := func(a, nr uint32, args ...uint64) uint32 {
		r, err := vm.Run(seccompData(a, nr, args...))
		if err != nil {
			t.Fatal(err)
		}
		return uint32(r)
	}
	const hi = uint64(1) << 32
	cases := []struct {
		name string
		nr   uintptr
		args []uint64
		want uint32
	}{
		{"getpid", unix.SYS_GETPID, nil, retAllow},
		{"read", unix.SYS_READ, []uint64{0, 0, 10}, retAllow},
		{"execve", unix.SYS_EXECVE, nil, retAllow},
		{"ptrace (allowed, as Docker on kernels >= 4.8)", unix.SYS_PTRACE, nil, retAllow},
		{"chroot (CAP_SYS_CHROOT is a default capability)", unix.SYS_CHROOT, nil, retAllow},
		{"name_to_handle_at", unix.SYS_NAME_TO_HANDLE_AT, nil, retAllow},
		{"mount", unix.SYS_MOUNT, nil, retEPERM},
		{"umount2", unix.SYS_UMOUNT2, nil, retEPERM},
		{"pivot_root", unix.SYS_PIVOT_ROOT, nil, retEPERM},
		{"fsopen", unix.SYS_FSOPEN, nil, retEPERM},
		{"mount_setattr", unix.SYS_MOUNT_SETATTR, nil, retEPERM},
		{"unshare", unix.SYS_UNSHARE, []uint64{unix.CLONE_NEWUSER | unix.CLONE_NEWNS}, retEPERM},
		{"unshare of files only (still refused, as Docker)", unix.SYS_UNSHARE, []uint64{unix.CLONE_FILES}, retEPERM},
		{"setns", unix.SYS_SETNS, nil, retEPERM},
		{"clone: fork", unix.SYS_CLONE, []uint64{uint64(unix.SIGCHLD)}, retAllow},
		{"clone: thread", unix.SYS_CLONE, []uint64{unix.CLONE_VM | unix.CLONE_FS | unix.CLONE_FILES | unix.CLONE_SIGHAND | unix.CLONE_THREAD | unix.CLONE_SYSVSEM}, retAllow},
		{"clone: CLONE_NEWUSER", unix.SYS_CLONE, []uint64{unix.CLONE_NEWUSER | uint64(unix.SIGCHLD)}, retEPERM},
		{"clone: CLONE_NEWNET", unix.SYS_CLONE, []uint64{unix.CLONE_NEWNET}, retEPERM},
		{"clone: CLONE_NEWCGROUP", unix.SYS_CLONE, []uint64{unix.CLONE_NEWCGROUP}, retEPERM},
		{"clone: CLONE_NEWNS with high bits", unix.SYS_CLONE, []uint64{hi | unix.CLONE_NEWNS}, retEPERM},
		{"clone: high bits only (the kernel ignores them)", unix.SYS_CLONE, []uint64{hi | uint64(unix.SIGCHLD)}, retAllow},
		{"clone3", unix.SYS_CLONE3, nil, retNOSYS},
		{"keyctl", unix.SYS_KEYCTL, nil, retEPERM},
		{"add_key", unix.SYS_ADD_KEY, nil, retEPERM},
		{"request_key", unix.SYS_REQUEST_KEY, nil, retEPERM},
		{"kexec_load", unix.SYS_KEXEC_LOAD, nil, retEPERM},
		{"kexec_file_load", unix.SYS_KEXEC_FILE_LOAD, nil, retEPERM},
		{"bpf", unix.SYS_BPF, nil, retEPERM},
		{"perf_event_open", unix.SYS_PERF_EVENT_OPEN, nil, retEPERM},
		{"open_by_handle_at", unix.SYS_OPEN_BY_HANDLE_AT, nil, retEPERM},
		{"init_module", unix.SYS_INIT_MODULE, nil, retEPERM},
		{"finit_module", unix.SYS_FINIT_MODULE, nil, retEPERM},
		{"delete_module", unix.SYS_DELETE_MODULE, nil, retEPERM},
		{"reboot", unix.SYS_REBOOT, nil, retEPERM},
		{"swapon", unix.SYS_SWAPON, nil, retEPERM},
		{"acct", unix.SYS_ACCT, nil, retEPERM},
		{"settimeofday", unix.SYS_SETTIMEOFDAY, nil, retEPERM},
		{"clock_settime", unix.SYS_CLOCK_SETTIME, nil, retEPERM},
		{"adjtimex (allowed, as Docker)", unix.SYS_ADJTIMEX, nil, retAllow},
		{"userfaultfd", unix.SYS_USERFAULTFD, nil, retEPERM},
		{"io_uring_setup", unix.SYS_IO_URING_SETUP, nil, retEPERM},
		{"kcmp", unix.SYS_KCMP, nil, retEPERM},
		{"personality(0)", unix.SYS_PERSONALITY, []uint64{0}, retAllow},
		{"personality query", unix.SYS_PERSONALITY, []uint64{0xffffffff}, retAllow},
		{"personality(PER_LINUX32)", unix.SYS_PERSONALITY, []uint64{0x8}, retAllow},
		{"personality(ADDR_NO_RANDOMIZE)", unix.SYS_PERSONALITY, []uint64{addrNoRandomize}, retEPERM},
		{"personality(0) with high bits", unix.SYS_PERSONALITY, []uint64{hi}, retEPERM},
		{"socket(AF_INET)", unix.SYS_SOCKET, []uint64{unix.AF_INET}, retAllow},
		{"socket(AF_NETLINK)", unix.SYS_SOCKET, []uint64{unix.AF_NETLINK}, retAllow},
		{"socket(39)", unix.SYS_SOCKET, []uint64{39}, retAllow},
		{"socket(AF_ALG)", unix.SYS_SOCKET, []uint64{unix.AF_ALG}, retEPERM},
		{"socket(AF_VSOCK)", unix.SYS_SOCKET, []uint64{unix.AF_VSOCK}, retEPERM},
		{"socket(AF_ALG) with high bits", unix.SYS_SOCKET, []uint64{hi | unix.AF_ALG}, retEPERM},
		{"socket(AF_ALG|AF_INET bits)", unix.SYS_SOCKET, []uint64{unix.AF_ALG | 1}, retAllow},
	}
	for _, c := range cases {
		if got := run(native, uint32(c.nr), c.args...); got != c.want {
			t.Errorf("%s: filter answers %#x, want %#x", c.name, got, c.want)
		}
	}
	// Another ABI (i386's int 0x80, 32-bit ARM) is killed whatever it calls.
	for _, nr := range []uint32{0, 20, 21, 310} {
		if got := run(foreign, nr); got != retKill {
			t.Errorf("foreign ABI call %d: %#x, want kill %#x", nr, got, retKill)
		}
	}
	if runtime.GOARCH == "amd64" {
		if got := run(native, unix.SYS_GETPID|0x40000000); got != retNOSYS {
			t.Errorf("x32 getpid: %#x, want ENOSYS", got)
		}
		if got := run(native, 165|0x40000000); got != retNOSYS { // x32 mount
			t.Errorf("x32 mount: %#x, want ENOSYS", got)
		}
	}
	// Every call a group names answers that group's errno (for groups
	// refused whatever the arguments), its number taken from
	// go-seccomp-bpf's tables: a check of the numbers the filter uses.
	info, err := arch.GetInfo(runtime.GOARCH)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range p.Groups() {
		if !g.Cond.IsZero() {
			continue
		}
		want := uint32(retEPERM)
		if g.Errno == "ENOSYS" {
			want = retNOSYS
		}
		for _, n := range g.Syscalls {
			nr, ok := info.SyscallNames[n]
			if !ok {
				t.Errorf("%s (group %s): go-seccomp-bpf does not know it on %s", n, g.ID, runtime.GOARCH)
				continue
			}
			if got := run(native, uint32(nr)); got != want {
				t.Errorf("%s (group %s): %#x, want %#x", n, g.ID, got, want)
			}
		}
		if g.Why.En == "" || g.Why.Ko == "" {
			t.Errorf("group %s: explanation missing in a language", g.ID)
		}
	}
	// And every other call of the architecture is allowed, whatever its
	// arguments: the jumps land where they should.
	listed := map[string]bool{}
	for _, g := range p.Groups() {
		for _, n := range g.Syscalls {
			listed[n] = true
		}
	}
	for nr, n := range info.SyscallNumbers {
		if listed[n] {
			continue
		}
		for _, arg := range []uint64{0, 0xffffffff, 1<<32 | unix.CLONE_NEWUSER, unix.AF_ALG} {
			if got := run(native, uint32(nr), arg, arg, arg); got != retAllow {
				t.Errorf("%s(%#x): %#x, want allow", n, arg, got)
			}
		}
	}
}

// TestSeccompCapabilities: a group Docker allows with a capability is
// allowed when the container keeps it, as Docker does.
func TestSeccompCapabilities(t *testing.T) {
	native, _ := nativeArch(t)
	withAdmin, err := container.NewSeccomp(append([]int{unix.CAP_SYS_ADMIN}, container.DefaultCaps...))
	if err != nil {
		t.Fatal(err)
	}
	none, err := container.NewSeccomp(nil)
	if err != nil {
		t.Fatal(err)
	}
	a, n := seccompVM(t, withAdmin), seccompVM(t, none)
	for _, c := range []struct {
		vm       *bpf.VM
		name     string
		nr       uintptr
		args     []uint64
		want     uint32
		wantName string
	}{
		{a, "mount with CAP_SYS_ADMIN", unix.SYS_MOUNT, nil, retAllow, "allow"},
		{a, "clone(CLONE_NEWNET) with CAP_SYS_ADMIN", unix.SYS_CLONE, []uint64{unix.CLONE_NEWNET}, retAllow, "allow"},
		{a, "clone3 with CAP_SYS_ADMIN", unix.SYS_CLONE3, nil, retAllow, "allow"},
		{a, "keyctl with CAP_SYS_ADMIN (never allowed)", unix.SYS_KEYCTL, nil, retEPERM, "EPERM"},
		{n, "chroot without CAP_SYS_CHROOT", unix.SYS_CHROOT, nil, retEPERM, "EPERM"},
	} {
		r, err := c.vm.Run(seccompData(native, uint32(c.nr), c.args...))
		if err != nil {
			t.Fatal(err)
		}
		if uint32(r) != c.want {
			t.Errorf("%s: %#x, want %s", c.name, r, c.wantName)
		}
	}
	if _, err := container.UnmarshalSeccomp([]byte{1, 2, 3}); err == nil {
		t.Error("UnmarshalSeccomp accepted 3 bytes")
	}
}

// The helper process: the test binary run again with
// SYSDOJO_SECCOMP_HELPER=filter|none probes the kernel from a process
// with (or, as a control, without) the default filter installed.
const seccompHelperEnv = "SYSDOJO_SECCOMP_HELPER"

// addrNoRandomize is the personality flag that turns off ASLR.
const addrNoRandomize = 0x0040000

func TestSeccompHelperProcess(t *testing.T) {
	mode := os.Getenv(seccompHelperEnv)
	if mode == "" {
		return // not a helper: nothing to do
	}
	os.Exit(seccompProbes(mode))
}

func errnoOf(err error) string {
	if err == nil {
		return "ok"
	}
	var e syscall.Errno
	if errors.As(err, &e) {
		return unix.ErrnoName(e)
	}
	var x *exec.ExitError
	if errors.As(err, &x) {
		return fmt.Sprintf("exit%d", x.ExitCode())
	}
	return "error:" + err.Error()
}

func seccompProbes(mode string) int {
	// Everything on one thread, in a private mount namespace, so that the
	// control run's mount leaves nothing on the host.
	runtime.LockOSThread()
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		fmt.Println("setup=" + err.Error())
		return 1
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		fmt.Println("setup=" + err.Error())
		return 1
	}
	dir, err := os.MkdirTemp("", "sysdojo-seccomp-")
	if err != nil {
		fmt.Println("setup=" + err.Error())
		return 1
	}
	defer os.Remove(dir)
	if mode == "filter" {
		// The way a re-executed init gets it: built in the parent, passed
		// as bytes, read back and installed.
		p, err := container.DefaultSeccomp()
		var b []byte
		if err == nil {
			b, err = p.MarshalBinary()
		}
		if err == nil {
			p, err = container.UnmarshalSeccomp(b)
		}
		if err == nil {
			err = p.Install()
		}
		if err != nil {
			fmt.Println("setup=" + err.Error())
			return 1
		}
	}
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	probe := func(name string, err error) { fmt.Fprintf(out, "%s=%s\n", name, errnoOf(err)) }
	sys := func(nr uintptr, a ...uintptr) error {
		a = append(a, 0, 0, 0)
		_, _, e := unix.Syscall(nr, a[0], a[1], a[2])
		if e != 0 {
			return e
		}
		return nil
	}

	// Ordinary work goes on.
	probe("getpid", func() error {
		if os.Getpid() <= 0 {
			return errors.New("no pid")
		}
		return nil
	}())
	_, err = os.ReadFile("/proc/self/status")
	probe("read", err)
	probe("true", exec.Command("/bin/true").Run())
	probe("shell", exec.Command("sh", "-c", "echo a | cat >/dev/null && (true &) && wait && sleep 0").Run())
	probe("fork-thread", func() error { // a new OS thread: clone with thread flags
		done := make(chan error)
		go func() { runtime.LockOSThread(); done <- sys(unix.SYS_GETTID) }()
		return <-done
	}())
	// The calls the filter refuses.
	err = unix.Mount("none", dir, "tmpfs", 0, "")
	if err == nil {
		unix.Unmount(dir, unix.MNT_DETACH)
	}
	probe("mount", err)
	probe("unshare-user-mnt", unix.Unshare(unix.CLONE_NEWUSER|unix.CLONE_NEWNS))
	probe("unshare-mnt", unix.Unshare(unix.CLONE_NEWNS))
	cmd := exec.Command("/bin/true")
	cmd.SysProcAttr = &syscall.SysProcAttr{Cloneflags: unix.CLONE_NEWNET}
	probe("clone-newnet", cmd.Run())
	probe("clone3", sys(unix.SYS_CLONE3, 0, 0)) // without the filter: EINVAL (no arguments)
	_, err = unix.KeyctlInt(unix.KEYCTL_GET_KEYRING_ID, unix.KEY_SPEC_SESSION_KEYRING, 0, 0, 0)
	probe("keyctl", err)
	cur, _, _ := unix.Syscall(unix.SYS_PERSONALITY, 0xffffffff, 0, 0)
	err = sys(unix.SYS_PERSONALITY, cur|addrNoRandomize)
	sys(unix.SYS_PERSONALITY, cur)
	probe("personality", err)
	fd, _, e := unix.Syscall(unix.SYS_SOCKET, 1<<32|unix.AF_ALG, unix.SOCK_SEQPACKET, 0)
	if e == 0 {
		unix.Close(int(fd))
		probe("socket-alg-high", nil)
	} else {
		probe("socket-alg-high", e)
	}
	// The attack from a program the container runs: unshare(1) makes a
	// user namespace (all capabilities inside) and mounts in it.
	var stderr bytes.Buffer
	cmd = exec.Command("unshare", "-Urm", "sh", "-c", "mount -t tmpfs none "+dir+" && echo MOUNTED")
	cmd.Stderr = &stderr
	o, err := cmd.Output()
	probe("unshare-Urm", err)
	fmt.Fprintf(out, "unshare-Urm-out=%s\n", strings.Join(strings.Fields(string(o)+" "+stderr.String()), " "))
	return 0
}

// TestSeccompFilter installs the default filter in a child process and
// performs the attacks there; the same child without the filter shows
// each of them working (so the test can fail).
func TestSeccompFilter(t *testing.T) {
	testenv.NeedRoot(t)
	testenv.NeedTool(t, "unshare")
	run := func(mode string) map[string]string {
		cmd := exec.Command("/proc/self/exe", "-test.run=^TestSeccompHelperProcess$")
		cmd.Env = append(os.Environ(), seccompHelperEnv+"="+mode)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("helper (%s): %v\n%s", mode, err, out)
		}
		m := map[string]string{}
		for _, l := range lines(string(out)) {
			if k, v, ok := strings.Cut(l, "="); ok {
				m[k] = v
			}
		}
		if m["setup"] != "" {
			t.Fatalf("helper (%s) setup: %s", mode, m["setup"])
		}
		t.Logf("%s: %v", mode, m)
		return m
	}
	filtered, control := run("filter"), run("none")
	for _, c := range []struct{ probe, filtered, control string }{
		{"getpid", "ok", "ok"},
		{"read", "ok", "ok"},
		{"true", "ok", "ok"},
		{"shell", "ok", "ok"},
		{"fork-thread", "ok", "ok"},
		{"mount", "EPERM", "ok"},
		{"unshare-user-mnt", "EPERM", "EINVAL"}, // a threaded process cannot unshare CLONE_NEWUSER
		{"unshare-mnt", "EPERM", "ok"},
		{"clone-newnet", "EPERM", "ok"},
		{"clone3", "ENOSYS", "EINVAL"},
		{"keyctl", "EPERM", "ok"},
		{"personality", "EPERM", "ok"},
		{"unshare-Urm", "exit1", "ok"},
	} {
		if got := filtered[c.probe]; got != c.filtered {
			t.Errorf("with the filter, %s: %q, want %q", c.probe, got, c.filtered)
		}
		if got := control[c.probe]; got != c.control {
			t.Errorf("without the filter, %s: %q, want %q", c.probe, got, c.control)
		}
	}
	// The kernel reads socket's family as an int: high bits do not get
	// AF_ALG past the filter. (AF_ALG may be missing from the kernel:
	// without the filter it answers ok or EAFNOSUPPORT, never EPERM.)
	if got := filtered["socket-alg-high"]; got != "EPERM" {
		t.Errorf("with the filter, socket(AF_ALG | 1<<32): %q, want EPERM", got)
	}
	if got := control["socket-alg-high"]; got == "EPERM" {
		t.Errorf("without the filter, socket(AF_ALG | 1<<32): %q", got)
	}
	if !strings.Contains(filtered["unshare-Urm-out"], "Operation not permitted") || strings.Contains(filtered["unshare-Urm-out"], "MOUNTED") {
		t.Errorf("with the filter, unshare -Urm said %q", filtered["unshare-Urm-out"])
	}
	if control["unshare-Urm-out"] != "MOUNTED" {
		t.Errorf("without the filter, unshare -Urm said %q, want MOUNTED", control["unshare-Urm-out"])
	}
}

// BenchmarkDefaultSeccomp builds the default program and turns it into
// the bytes a re-executed init would read.
func BenchmarkDefaultSeccomp(b *testing.B) {
	for b.Loop() {
		p, err := container.DefaultSeccomp()
		if err != nil {
			b.Fatal(err)
		}
		if _, err := p.MarshalBinary(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkUnmarshalSeccomp is the init's side: bytes back to a program.
func BenchmarkUnmarshalSeccomp(b *testing.B) {
	p, err := container.DefaultSeccomp()
	if err != nil {
		b.Fatal(err)
	}
	raw, _ := p.MarshalBinary()
	for b.Loop() {
		if _, err := container.UnmarshalSeccomp(raw); err != nil {
			b.Fatal(err)
		}
	}
}
