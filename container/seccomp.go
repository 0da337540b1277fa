package container

// The default seccomp filter: a classic BPF program the kernel runs on
// every system call of the container's command, refusing the calls that
// Docker's default profile refuses (moby/profiles/seccomp/default.json).
//
// Docker's profile is an allow-list (default action ERRNO(EPERM)); this
// one is the same set written as a deny-list (default action ALLOW):
// every system call of the architecture (go-seccomp-bpf's tables, up to
// open_tree_attr, 467) that Docker does not allow by default is listed
// below. Where that differs:
//   - A system call newer than open_tree_attr is allowed here, and
//     refused by Docker until its list names it.
//   - A process of another ABI is killed (SECCOMP_RET_KILL_PROCESS):
//     i386 calls (int $0x80) on amd64, 32-bit ARM on arm64. Docker
//     allows them with the same list by name; a deny-list by number
//     cannot cover a second numbering, and a container of sysdojo runs
//     64-bit programs. x32 calls (nr | 0x40000000) answer ENOSYS.
//   - Capabilities: Docker allows some groups when the container has a
//     capability (mount with CAP_SYS_ADMIN, ...); NewSeccomp(caps) does
//     the same, per group (SeccompGroup.AllowedWith).
//   - Arguments are compared on their low 32 bits where the kernel reads
//     an int or drops the high half (clone's flags, socket's family), so
//     that high bits cannot slip a call past the filter (libseccomp
//     compares 64 bits: Docker's socket rule can be passed that way).
//
// The program is assembled here, with golang.org/x/net/bpf, rather than
// by github.com/elastic/go-seccomp-bpf: that library builds its system
// call tables for five architectures at package init, 0.6 ms on every
// start of sysdojo (and of a re-executed init), and sends a call of
// another ABI to the default action, ALLOW in a deny-list. The numbers
// come from golang.org/x/sys/unix (seccomp_amd64.go, seccomp_arm64.go);
// the tests check them against go-seccomp-bpf's tables.

import (
	"fmt"
	"runtime"

	"golang.org/x/net/bpf"
	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// SeccompGroup is one group of system calls the filter refuses, and why.
type SeccompGroup struct {
	ID       string    `json:"id"`
	Syscalls []string  `json:"syscalls"` // the names this architecture has
	Errno    string    `json:"errno"`    // what the call returns: "EPERM" or "ENOSYS"
	Cond     i18n.Text `json:"cond"`     // which calls are refused when not all are
	Why      i18n.Text `json:"why"`
	// AllowedWith are the capabilities with any of which Docker (and
	// NewSeccomp) allows the group; empty: always refused.
	AllowedWith []string `json:"allowed_with,omitempty"`
}

// SeccompProfile is a compiled filter, ready to install. Build it in the
// parent, before the container starts: the child then only makes the
// seccomp system call (Install, or Fprog from a raw child).
type SeccompProfile struct {
	filter []unix.SockFilter
	fprog  unix.SockFprog
	groups []SeccompGroup
}

// sysnum names a system call's number on this architecture.
type sysnum struct {
	name string
	nr   uint32
}

// argCheck refuses a system call by one argument's value.
type argCheck struct {
	name string
	arg  uint32
	kind int
	vals []uint32
}

const (
	lowBitsAny = iota // the low 32 bits share a bit with vals[0]
	lowIn             // the low 32 bits are one of vals
	notIn             // the high 32 bits are not 0, or the low ones none of vals
)

type seccompRule struct {
	id     string
	names  []string // refused whatever their arguments
	args   []argCheck
	errno  unix.Errno
	unless []int // Docker allows the group with any of these capabilities
	cond   i18n.Text
	why    i18n.Text
}

// cloneNamespaces are the flags of clone that make new namespaces: the
// mask Docker's profile tests (2114060288). CLONE_NEWTIME cannot be given
// to clone (its bit is the exit signal's), only to unshare and clone3.
const cloneNamespaces = unix.CLONE_NEWNS | unix.CLONE_NEWUTS | unix.CLONE_NEWIPC | unix.CLONE_NEWUSER |
	unix.CLONE_NEWPID | unix.CLONE_NEWNET | unix.CLONE_NEWCGROUP

// seccompRules is the default profile, group by group.
var seccompRules = []seccompRule{
	{id: "mount", errno: unix.EPERM, unless: []int{unix.CAP_SYS_ADMIN},
		// Docker refuses pivot_root and open_tree_attr even with
		// CAP_SYS_ADMIN; with it a container can mount anyway.
		names: []string{"mount", "umount2", "pivot_root", "fsopen", "fsconfig", "fsmount", "fspick",
			"move_mount", "open_tree", "open_tree_attr", "mount_setattr"},
		why: i18n.T("a container that can mount can lay a host file system or a fresh /proc over its own view and undo the paths sysdojo masks",
			"마운트할 수 있으면 호스트 파일 시스템이나 새 /proc을 컨테이너 위에 덮어 붙이고, sysdojo가 가려 둔 경로를 다시 드러낼 수 있습니다")},
	{id: "namespaces", errno: unix.EPERM, unless: []int{unix.CAP_SYS_ADMIN},
		names: []string{"unshare", "setns"},
		args:  []argCheck{{name: "clone", arg: 0, kind: lowBitsAny, vals: []uint32{cloneNamespaces}}},
		cond:  i18n.T("clone only with a namespace flag (CLONE_NEWNS, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWCGROUP); fork and threads still work", "clone은 네임스페이스 플래그(CLONE_NEWNS, NEWUTS, NEWIPC, NEWUSER, NEWPID, NEWNET, NEWCGROUP)를 붙였을 때만 막습니다. fork와 스레드는 그대로 됩니다"),
		why: i18n.T("in a new user namespace every capability comes back, so most container escapes start here (unshare -Urm, then mount)",
			"새 사용자 네임스페이스 안에서는 모든 capability가 되살아나므로, 대부분의 컨테이너 탈출이 여기서 시작됩니다 (unshare -Urm 다음에 mount)")},
	{id: "clone3", errno: unix.ENOSYS, unless: []int{unix.CAP_SYS_ADMIN},
		names: []string{"clone3"},
		why: i18n.T("clone3 passes its flags in memory the filter cannot read, so it is refused whole; ENOSYS (as in Docker) makes the C library fall back to clone, whose flags the filter checks",
			"clone3는 플래그를 필터가 읽을 수 없는 메모리로 넘기므로 통째로 막습니다. ENOSYS로 답하면(Docker와 같음) C 라이브러리가 플래그를 검사할 수 있는 clone으로 다시 시도합니다")},
	{id: "keys", errno: unix.EPERM,
		names: []string{"keyctl", "add_key", "request_key"},
		why: i18n.T("kernel keyrings are not namespaced: a container could reach or exhaust keys of the host and of other containers",
			"커널 키링은 네임스페이스로 나뉘지 않아서, 호스트와 다른 컨테이너의 키에 손대거나 키 할당량을 다 써 버릴 수 있습니다")},
	{id: "modules", errno: unix.EPERM, unless: []int{unix.CAP_SYS_MODULE},
		names: []string{"init_module", "finit_module", "delete_module"},
		why: i18n.T("loading or removing a kernel module changes the one kernel every container shares",
			"커널 모듈을 올리거나 내리면 모든 컨테이너가 함께 쓰는 하나뿐인 커널이 바뀝니다")},
	{id: "kexec", errno: unix.EPERM,
		names: []string{"kexec_load", "kexec_file_load"},
		why:   i18n.T("kexec replaces the host's kernel with another one", "kexec는 호스트의 커널을 다른 커널로 갈아 끼웁니다")},
	{id: "reboot", errno: unix.EPERM, unless: []int{unix.CAP_SYS_BOOT},
		names: []string{"reboot"},
		why:   i18n.T("rebooting and powering off belong to the host", "재부팅과 전원 끄기는 호스트가 할 일입니다")},
	{id: "bpf", errno: unix.EPERM, unless: []int{unix.CAP_SYS_ADMIN, unix.CAP_BPF},
		names: []string{"bpf"},
		why: i18n.T("eBPF programs run inside the kernel and can read what other processes do; the verifier has a long record of exploits",
			"eBPF 프로그램은 커널 안에서 돌며 다른 프로세스가 하는 일을 읽을 수 있고, 검증기(verifier)는 취약점이 많이 나온 곳입니다")},
	{id: "perf", errno: unix.EPERM, unless: []int{unix.CAP_SYS_ADMIN, unix.CAP_PERFMON},
		names: []string{"perf_event_open"},
		why: i18n.T("performance counters observe the whole machine and leak kernel addresses",
			"성능 카운터는 머신 전체를 관찰하고 커널 주소를 드러냅니다")},
	{id: "admin", errno: unix.EPERM, unless: []int{unix.CAP_SYS_ADMIN},
		names: []string{"quotactl", "quotactl_fd", "lookup_dcookie", "fanotify_init", "lsm_get_self_attr",
			"lsm_set_self_attr", "lsm_list_modules", "sethostname", "setdomainname"},
		why: i18n.T("administration that needs CAP_SYS_ADMIN: disk quotas, watching whole file systems, security-module attributes, the host name (sysdojo sets it before your command starts)",
			"CAP_SYS_ADMIN이 있어야 하는 관리 작업입니다: 디스크 쿼터, 파일 시스템 전체 감시, 보안 모듈 속성, 호스트 이름 (호스트 이름은 명령이 시작되기 전에 sysdojo가 정해 둡니다)")},
	// Docker allows ptrace, process_vm_readv and process_vm_writev on
	// kernels from 4.8 (minKernel), where seccomp checks a traced
	// process's system calls again after the tracer changed them: so do
	// we (a PID namespace and the default capabilities keep them inside).
	{id: "ptrace", errno: unix.EPERM, unless: []int{unix.CAP_SYS_PTRACE},
		names: []string{"kcmp", "pidfd_getfd", "process_madvise"},
		why: i18n.T("comparing or taking another process's open files and memory needs CAP_SYS_PTRACE (ptrace itself is allowed, as Docker allows it on kernels from 4.8)",
			"다른 프로세스의 열린 파일이나 메모리를 비교하고 가져오려면 CAP_SYS_PTRACE가 필요합니다 (ptrace 자체는 Docker처럼 커널 4.8부터 허용합니다)")},
	// name_to_handle_at stays allowed, as in Docker: a handle is harmless
	// without open_by_handle_at.
	{id: "handles", errno: unix.EPERM, unless: []int{unix.CAP_DAC_READ_SEARCH},
		names: []string{"open_by_handle_at"},
		why: i18n.T("open_by_handle_at opens a file by its inode number, with no path: the 'shocker' escape read the host's /etc/shadow this way",
			"open_by_handle_at은 경로 없이 inode 번호로 파일을 엽니다. 'shocker' 탈출이 이렇게 호스트의 /etc/shadow를 읽었습니다")},
	{id: "swap", errno: unix.EPERM,
		names: []string{"swapon", "swapoff"},
		why:   i18n.T("swap areas are the host's", "스왑 영역은 호스트의 것입니다")},
	{id: "acct", errno: unix.EPERM, unless: []int{unix.CAP_SYS_PACCT},
		names: []string{"acct"},
		why:   i18n.T("process accounting is switched on for the whole host", "프로세스 어카운팅은 호스트 전체에 걸리는 설정입니다")},
	// adjtimex and clock_adjtime stay allowed, as in Docker: reading the
	// clock's state with them is common, and changing it needs
	// CAP_SYS_TIME, which the container does not have.
	{id: "time", errno: unix.EPERM, unless: []int{unix.CAP_SYS_TIME},
		names: []string{"settimeofday", "clock_settime"},
		why: i18n.T("the system clock is not namespaced: setting it changes the host's time",
			"시스템 시계는 네임스페이스로 나뉘지 않아서, 바꾸면 호스트의 시간이 바뀝니다")},
	{id: "userfaultfd", errno: unix.EPERM,
		names: []string{"userfaultfd"},
		why: i18n.T("userfaultfd can pause the kernel in the middle of a copy, a classic tool for winning kernel races",
			"userfaultfd는 커널이 메모리를 복사하는 도중에 멈춰 세울 수 있어서, 커널 경쟁 조건 공격의 단골 도구입니다")},
	{id: "personality", errno: unix.EPERM,
		// A value with high bits set is refused, though the kernel reads an
		// unsigned int: stricter, never looser.
		args: []argCheck{{name: "personality", arg: 0, kind: notIn, vals: []uint32{0, 0x8, 0x20000, 0x20008, 0xffffffff}}},
		cond: i18n.T("values other than Linux's usual ones and a query (0, 0x8, 0x20000, 0x20008, 0xffffffff)",
			"평소 값과 조회용 값(0, 0x8, 0x20000, 0x20008, 0xffffffff) 말고는 막습니다"),
		why: i18n.T("other personalities can switch off address-space randomisation and other defences",
			"다른 personality 값으로는 주소 공간 무작위화 같은 방어를 끌 수 있습니다")},
	{id: "rawio", errno: unix.EPERM, unless: []int{unix.CAP_SYS_RAWIO},
		names: []string{"iopl", "ioperm"},
		why:   i18n.T("I/O ports are the host's hardware", "I/O 포트는 호스트의 하드웨어입니다")},
	{id: "syslog", errno: unix.EPERM, unless: []int{unix.CAP_SYS_ADMIN, unix.CAP_SYSLOG},
		names: []string{"syslog"},
		why: i18n.T("the kernel log is the host's: it shows other containers' events and kernel addresses",
			"커널 로그는 호스트의 것이어서 다른 컨테이너의 일과 커널 주소가 보입니다")},
	{id: "vhangup", errno: unix.EPERM, unless: []int{unix.CAP_SYS_TTY_CONFIG},
		names: []string{"vhangup"},
		why:   i18n.T("vhangup hangs up a terminal for everyone using it", "vhangup은 터미널을 쓰는 모두의 연결을 끊습니다")},
	{id: "mempolicy", errno: unix.EPERM, unless: []int{unix.CAP_SYS_NICE},
		names: []string{"get_mempolicy", "set_mempolicy", "set_mempolicy_home_node", "mbind"},
		why: i18n.T("NUMA memory placement is tuned for the whole machine (Docker allows it with CAP_SYS_NICE)",
			"NUMA 메모리 배치는 머신 전체를 위한 설정입니다 (Docker는 CAP_SYS_NICE가 있을 때만 허용합니다)")},
	{id: "pages", errno: unix.EPERM,
		names: []string{"migrate_pages", "move_pages"},
		why:   i18n.T("moving other processes' memory between NUMA nodes", "다른 프로세스의 메모리를 NUMA 노드 사이로 옮기는 일입니다")},
	{id: "io_uring", errno: unix.EPERM,
		names: []string{"io_uring_setup", "io_uring_enter", "io_uring_register"},
		why: i18n.T("io_uring is a large, young kernel interface with a long list of privilege escalations; Docker refuses it too",
			"io_uring은 크고 새로운 커널 인터페이스로, 권한 상승 취약점이 많이 나왔습니다. Docker도 막습니다")},
	{id: "sockets", errno: unix.EPERM,
		args: []argCheck{{name: "socket", arg: 0, kind: lowIn, vals: []uint32{unix.AF_ALG, unix.AF_VSOCK}}},
		cond: i18n.T("socket for AF_ALG (38) and AF_VSOCK (40) only", "socket은 AF_ALG(38), AF_VSOCK(40) 두 가지만 막습니다"),
		why: i18n.T("the kernel's crypto sockets and virtual-machine sockets are kernel code a container does not need",
			"커널 암호 소켓과 가상 머신 소켓은 컨테이너에 필요 없는 커널 코드입니다")},
	{id: "chroot", errno: unix.EPERM, unless: []int{unix.CAP_SYS_CHROOT},
		names: []string{"chroot"},
		why: i18n.T("chroot needs CAP_SYS_CHROOT; the container keeps it by default, so chroot works unless it is dropped",
			"chroot에는 CAP_SYS_CHROOT가 필요합니다. 컨테이너는 기본으로 이 권한을 가지므로, 빼지 않는 한 chroot는 됩니다")},
	{id: "obsolete", errno: unix.EPERM,
		// vm86 and vm86old exist on i386 only, whose calls are refused whole.
		names: []string{"_sysctl", "nfsservctl", "get_kernel_syms", "query_module", "create_module", "uselib",
			"ustat", "sysfs", "afs_syscall", "getpmsg", "putpmsg", "security", "tuxcall", "vserver"},
		why: i18n.T("old or never-implemented calls that nothing needs any more",
			"이제는 아무도 쓰지 않거나 구현된 적도 없는 오래된 호출입니다")},
}

// SeccompABINote says what happens to calls of another ABI.
var SeccompABINote = i18n.T("calls of another ABI end the process (i386 'int 0x80' on x86-64, 32-bit ARM on arm64); x32 calls answer ENOSYS",
	"다른 ABI로 부른 시스템 호출은 프로세스를 끝냅니다 (x86-64에서 i386 'int 0x80', arm64에서 32비트 ARM). x32 호출에는 ENOSYS로 답합니다")

// DefaultSeccomp is the filter for a container with the default
// capabilities (DefaultCaps).
func DefaultSeccomp() (*SeccompProfile, error) { return NewSeccomp(DefaultCaps) }

func seccompNumber(name string) (uint32, bool) {
	for _, s := range seccompNumbers {
		if s.name == name {
			return s.nr, true
		}
	}
	return 0, false
}

// Offsets in struct seccomp_data. An argument is 64 bits; amd64 and
// arm64 are little-endian: its low half first.
const (
	dataNr   = 0
	dataArch = 4
)

func argLow(i uint32) uint32  { return 16 + 8*i }
func argHigh(i uint32) uint32 { return 16 + 8*i + 4 }

// body is the check of c, for A loaded with nothing in particular: it
// ends in ret when the call is refused and otherwise runs off its end.
// Every jump in it is short (a few instructions).
func (c argCheck) body(ret bpf.Instruction) []bpf.Instruction {
	n := uint8(len(c.vals))
	switch c.kind {
	case lowBitsAny:
		return []bpf.Instruction{
			bpf.LoadAbsolute{Off: argLow(c.arg), Size: 4},
			bpf.JumpIf{Cond: bpf.JumpBitsSet, Val: c.vals[0], SkipFalse: 1},
			ret,
		}
	case lowIn:
		b := []bpf.Instruction{bpf.LoadAbsolute{Off: argLow(c.arg), Size: 4}}
		for i, v := range c.vals {
			if uint8(i) < n-1 {
				b = append(b, bpf.JumpIf{Cond: bpf.JumpEqual, Val: v, SkipTrue: n - 1 - uint8(i)})
			} else {
				b = append(b, bpf.JumpIf{Cond: bpf.JumpEqual, Val: v, SkipFalse: 1})
			}
		}
		return append(b, ret)
	default: // notIn
		b := []bpf.Instruction{
			bpf.LoadAbsolute{Off: argHigh(c.arg), Size: 4},
			bpf.JumpIf{Cond: bpf.JumpEqual, Val: 0, SkipTrue: 1},
			ret,
			bpf.LoadAbsolute{Off: argLow(c.arg), Size: 4},
		}
		for i, v := range c.vals {
			b = append(b, bpf.JumpIf{Cond: bpf.JumpEqual, Val: v, SkipTrue: n - uint8(i)})
		}
		return append(b, ret)
	}
}

// NewSeccomp builds the filter for a container whose command keeps caps:
// a group Docker allows with one of them is left out, as Docker does.
func NewSeccomp(caps []int) (*SeccompProfile, error) {
	if seccompAuditArch == 0 {
		return nil, i18n.Failed(i18n.T("no seccomp profile for the %s architecture (only amd64 and arm64)",
			"%s 아키텍처에는 seccomp 프로필이 없습니다 (amd64와 arm64만 됩니다)").F(runtime.GOARCH), nil)
	}
	has := map[int]bool{}
	for _, c := range caps {
		has[c] = true
	}
	loadNr := bpf.LoadAbsolute{Off: dataNr, Size: 4}
	prog := []bpf.Instruction{
		// Another ABI: killed (its numbers are not these).
		bpf.LoadAbsolute{Off: dataArch, Size: 4},
		bpf.JumpIf{Cond: bpf.JumpEqual, Val: seccompAuditArch, SkipTrue: 1},
		bpf.RetConstant{Val: unix.SECCOMP_RET_KILL_PROCESS},
		loadNr,
	}
	if seccompX32 {
		prog = append(prog,
			bpf.JumpIf{Cond: bpf.JumpGreaterOrEqual, Val: 0x40000000, SkipFalse: 1},
			bpf.RetConstant{Val: unix.SECCOMP_RET_ERRNO | uint32(unix.ENOSYS)})
	}
	p := &SeccompProfile{}
rules:
	for _, r := range seccompRules {
		for _, c := range r.unless {
			if has[c] {
				continue rules
			}
		}
		g := SeccompGroup{ID: r.id, Errno: unix.ErrnoName(r.errno), Cond: r.cond, Why: r.why}
		for _, c := range r.unless {
			g.AllowedWith = append(g.AllowedWith, CapName(c))
		}
		ret := bpf.RetConstant{Val: unix.SECCOMP_RET_ERRNO | uint32(r.errno)}
		for _, n := range r.names {
			if nr, ok := seccompNumber(n); ok {
				prog = append(prog, bpf.JumpIf{Cond: bpf.JumpEqual, Val: nr, SkipFalse: 1}, ret)
				g.Syscalls = append(g.Syscalls, n)
			}
		}
		for _, c := range r.args {
			nr, ok := seccompNumber(c.name)
			if !ok {
				continue
			}
			body := c.body(ret)
			prog = append(prog, bpf.JumpIf{Cond: bpf.JumpEqual, Val: nr, SkipFalse: uint8(len(body))})
			prog = append(prog, body...)
			prog = append(prog, loadNr) // the body loaded an argument
			g.Syscalls = append(g.Syscalls, c.name)
		}
		if len(g.Syscalls) > 0 { // none exists here: iopl on arm64
			p.groups = append(p.groups, g)
		}
	}
	prog = append(prog, bpf.RetConstant{Val: unix.SECCOMP_RET_ALLOW})
	raw, err := bpf.Assemble(prog)
	if err != nil {
		return nil, fmt.Errorf("building the seccomp filter: %w", err)
	}
	p.filter = make([]unix.SockFilter, len(raw))
	for i, in := range raw {
		p.filter[i] = unix.SockFilter{Code: in.Op, Jt: in.Jt, Jf: in.Jf, K: in.K}
	}
	p.fprog = unix.SockFprog{Len: uint16(len(p.filter)), Filter: &p.filter[0]}
	return p, nil
}

// Groups lists what p refuses, group by group, for explain (nil for a
// profile read back with UnmarshalSeccomp).
func (p *SeccompProfile) Groups() []SeccompGroup { return p.groups }

// Len is the number of BPF instructions of p.
func (p *SeccompProfile) Len() int { return len(p.filter) }

// Fprog is the program as the seccomp system call takes it. It points
// into p: keep p alive until the call. A child that may run only raw
// system calls installs it with
//
//	seccomp(SECCOMP_SET_MODE_FILTER, 0, fprog)
//
// after prctl(PR_SET_NO_NEW_PRIVS, 1) (no TSYNC: it has one thread).
func (p *SeccompProfile) Fprog() *unix.SockFprog { return &p.fprog }

// Filter is p's program, for a raw child to install (spawn.go).
func (p *SeccompProfile) Filter() []unix.SockFilter { return p.filter }
