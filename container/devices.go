package container

// Device access of a container: the kernel refuses to open any device
// node but the standard set, whoever made the node and wherever it is.
//
// Making a node (mknod, the "m" access) stays allowed for every device,
// as in runc's and Docker's defaults ("c *:* m", "b *:* m"): a node is
// only a name, and the attack (mknod b 7 0 /tmp/d, then read the host's
// disk) needs the open, which the rules below refuse for anything but
// the standard set. Whether root in the container may call mknod at all
// is up to CAP_MKNOD. (A node made on a volume can still be opened from
// the host side: the volume mount's nodev protects the container side
// only, and dropping CAP_MKNOD is what closes that.)
//
// Compared with Docker's default list (moby daemon/pkg/oci/defaults.go
// plus runc's), /dev/net/tun (c 10:200) and /dev/fuse (c 10:229) are left
// out: a container of sysdojo has no network device to make and no FUSE.

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"unsafe"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// DeviceRule allows one kind of access to devices of one type.
type DeviceRule struct {
	Type   string `json:"type"`   // "c" (character) or "b" (block)
	Major  int64  `json:"major"`  // -1: any
	Minor  int64  `json:"minor"`  // -1: any
	Access string `json:"access"` // of "rwm": read, write, mknod
	Path   string `json:"path,omitempty"`
}

// String is the rule as cgroup v1's devices.allow reads it: "c 1:3 rwm".
func (r DeviceRule) String() string {
	num := func(n int64) string {
		if n < 0 {
			return "*"
		}
		return strconv.FormatInt(n, 10)
	}
	return r.Type + " " + num(r.Major) + ":" + num(r.Minor) + " " + r.Access
}

// DefaultDevices are the devices a container may use: runc's default
// list. Everything else is refused.
var DefaultDevices = []DeviceRule{
	{Type: "c", Major: -1, Minor: -1, Access: "m"},
	{Type: "b", Major: -1, Minor: -1, Access: "m"},
	{Type: "c", Major: 1, Minor: 3, Access: "rwm", Path: "/dev/null"},
	{Type: "c", Major: 1, Minor: 5, Access: "rwm", Path: "/dev/zero"},
	{Type: "c", Major: 1, Minor: 7, Access: "rwm", Path: "/dev/full"},
	{Type: "c", Major: 1, Minor: 8, Access: "rwm", Path: "/dev/random"},
	{Type: "c", Major: 1, Minor: 9, Access: "rwm", Path: "/dev/urandom"},
	{Type: "c", Major: 5, Minor: 0, Access: "rwm", Path: "/dev/tty"},
	{Type: "c", Major: 5, Minor: 1, Access: "rwm", Path: "/dev/console"},
	{Type: "c", Major: 5, Minor: 2, Access: "rwm", Path: "/dev/ptmx"},
	{Type: "c", Major: 136, Minor: -1, Access: "rwm", Path: "/dev/pts/*"},
}

// DevicesWhy explains the device rules, for explain.
var DevicesWhy = i18n.T("root in a container may make a device node (mknod) for any device, but the kernel lets it open only these: a node for the host's disk made inside the container cannot be read (EPERM). cgroup v1 does this with the devices controller, cgroup v2 with a BPF program attached to the container's cgroup",
	"컨테이너 안의 root도 장치 노드는 만들 수 있지만(mknod), 커널은 이 장치들만 열어 줍니다. 컨테이너 안에서 호스트 디스크의 노드를 만들어도 읽을 수 없습니다(EPERM). cgroup v1에서는 devices 컨트롤러가, cgroup v2에서는 컨테이너 cgroup에 붙인 BPF 프로그램이 이 일을 합니다")

// writeDeviceRulesV1 limits the devices cgroup (v1) directory dir to
// DefaultDevices: everything denied, then each rule allowed (one write
// each: the kernel reads one rule per write).
func writeDeviceRulesV1(dir string) error {
	if err := writeFile(filepath.Join(dir, "devices.deny"), "a"); err != nil {
		return fmt.Errorf("limiting devices: %w", err)
	}
	p := filepath.Join(dir, "devices.allow")
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("limiting devices: %w", err)
	}
	for _, r := range DefaultDevices {
		if _, err := f.WriteString(r.String()); err != nil {
			f.Close()
			return fmt.Errorf("limiting devices: writing %q to %s: %w", r.String(), p, err)
		}
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("limiting devices: %w", err)
	}
	return nil
}

// The context of a BPF_PROG_TYPE_CGROUP_DEVICE program
// (struct bpf_cgroup_dev_ctx) and its values.
const (
	devCtxAccessType = 0 // u32: device type in the low 16 bits, access in the high 16
	devCtxMajor      = 4
	devCtxMinor      = 8

	devTypeBlock = 1 // BPF_DEVCG_DEV_BLOCK
	devTypeChar  = 2 // BPF_DEVCG_DEV_CHAR
	devAccMknod  = 1 // BPF_DEVCG_ACC_MKNOD
	devAccRead   = 2 // BPF_DEVCG_ACC_READ
	devAccWrite  = 4 // BPF_DEVCG_ACC_WRITE
)

// deviceFilter is the cgroup v2 program for rules, in the shape runc
// generates: it answers 1 (allow) when some rule matches the device's
// type, major and minor and grants every access asked for, else 0. Each
// rule is a block whose failed tests jump to the next block.
func deviceFilter(rules []DeviceRule) (bpfProg, error) {
	p := bpfProg{
		bpfLoadWord(bpfR2, bpfR1, devCtxAccessType),
		bpfALU32Imm(bpfAnd, bpfR2, 0xffff), // R2: type
		bpfLoadWord(bpfR3, bpfR1, devCtxAccessType),
		bpfALU32Imm(bpfRsh, bpfR3, 16), // R3: access asked for
		bpfLoadWord(bpfR4, bpfR1, devCtxMajor),
		bpfLoadWord(bpfR5, bpfR1, devCtxMinor),
	}
	for _, r := range rules {
		var typ int32
		switch r.Type {
		case "c":
			typ = devTypeChar
		case "b":
			typ = devTypeBlock
		default:
			return nil, fmt.Errorf("device rule %q: type must be c or b", r)
		}
		var acc int32
		for _, c := range r.Access {
			switch c {
			case 'r':
				acc |= devAccRead
			case 'w':
				acc |= devAccWrite
			case 'm':
				acc |= devAccMknod
			default:
				return nil, fmt.Errorf("device rule %q: access must be of r, w, m", r)
			}
		}
		// The tests of the block; each jumps past the block when it fails.
		tests := bpfProg{bpfJneImm(bpfR2, typ)}
		if acc != devAccRead|devAccWrite|devAccMknod {
			// Every access asked for must be granted: (asked & acc) == asked.
			tests = append(tests,
				bpfMov32Reg(bpfR1, bpfR3),
				bpfALU32Imm(bpfAnd, bpfR1, acc),
				bpfJneReg(bpfR1, bpfR3))
		}
		if r.Major >= 0 {
			tests = append(tests, bpfJneImm(bpfR4, int32(r.Major)))
		}
		if r.Minor >= 0 {
			tests = append(tests, bpfJneImm(bpfR5, int32(r.Minor)))
		}
		for i := range tests {
			if tests[i].code == bpfJmpNe|bpfK || tests[i].code == bpfJmpNe|bpfX {
				// Past the rest of the tests and the allow (mov, exit).
				tests[i].off = int16(len(tests) - 1 - i + 2)
			}
		}
		p = append(p, tests...)
		p = append(p, bpfMov32Imm(bpfR0, 1), bpfExit())
	}
	return append(p, bpfMov32Imm(bpfR0, 0), bpfExit()), nil
}

// attachDeviceFilterV2 attaches the program for DefaultDevices to the
// cgroup v2 directory open as dirFD. It is attached with BPF_PROG_ATTACH
// and BPF_F_ALLOW_MULTI, as runc does: the cgroup itself then holds the
// program until it is removed, and nothing needs to stay open (a
// bpf_link would be detached when its last descriptor closed).
//
// The program is assembled (bpf.go) and loaded with two bpf(2) calls of
// our own, not with cilium/ebpf: its loader probes the kernel's features
// first (three more bpf calls, about 1 ms on a process's first load), and
// even its asm package links in Go's parser, debug/elf and encoding/xml,
// whose package initialisation every start of sysdojo would pay. The
// tests check the encoding against cilium/ebpf's assembler.
func attachDeviceFilterV2(dirFD int) error {
	insns, err := deviceFilter(DefaultDevices)
	if err != nil {
		return err
	}
	prog, err := loadDeviceProgram(insns.bytes())
	if err != nil {
		return err
	}
	defer unix.Close(prog)
	attr := progAttachAttr{targetFD: uint32(dirFD), attachBPFFD: uint32(prog),
		attachType: unix.BPF_CGROUP_DEVICE, attachFlags: unix.BPF_F_ALLOW_MULTI}
	if _, errno := bpfCall(unix.BPF_PROG_ATTACH, unsafe.Pointer(&attr), unsafe.Sizeof(attr)); errno != 0 {
		return fmt.Errorf("attaching the device filter to the cgroup: %w", errno)
	}
	return nil
}

// progLoadAttr is the BPF_PROG_LOAD part of union bpf_attr, up to
// expected_attach_type (the kernel takes a shorter attr as zero-filled).
type progLoadAttr struct {
	progType           uint32
	insnCnt            uint32
	insns              uint64
	license            uint64
	logLevel           uint32
	logSize            uint32
	logBuf             uint64
	kernVersion        uint32
	progFlags          uint32
	progName           [unix.BPF_OBJ_NAME_LEN]byte
	progIfindex        uint32
	expectedAttachType uint32
}

// progAttachAttr is the BPF_PROG_ATTACH part of union bpf_attr.
type progAttachAttr struct {
	targetFD     uint32
	attachBPFFD  uint32
	attachType   uint32
	attachFlags  uint32
	replaceBPFFD uint32
}

// bpfCall makes the bpf(2) call cmd. A signal interrupts the verifier
// with EAGAIN (the Go runtime's preemption signal does, often): a load
// is tried again then, as cilium/ebpf does.
func bpfCall(cmd int, attr unsafe.Pointer, size uintptr) (uintptr, unix.Errno) {
	for try := 0; ; try++ {
		r, _, errno := unix.Syscall(unix.SYS_BPF, uintptr(cmd), uintptr(attr), size)
		if errno == unix.EAGAIN && cmd == unix.BPF_PROG_LOAD && try < 100 {
			continue
		}
		return r, errno
	}
}

// loadDeviceProgram loads code as a BPF_PROG_TYPE_CGROUP_DEVICE program
// and returns its descriptor. When the kernel refuses it, it loads it
// again with the verifier's log, for the error.
func loadDeviceProgram(code []byte) (int, error) {
	license := []byte("Apache\x00") // the program calls no GPL-only helper
	attr := progLoadAttr{
		progType: unix.BPF_PROG_TYPE_CGROUP_DEVICE,
		insnCnt:  uint32(len(code) / bpfInsnSize),
		insns:    uint64(uintptr(unsafe.Pointer(&code[0]))),
		license:  uint64(uintptr(unsafe.Pointer(&license[0]))),
	}
	copy(attr.progName[:], "sysdojo_devices")
	fd, errno := bpfCall(unix.BPF_PROG_LOAD, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
	if errno == 0 {
		runtime.KeepAlive(code)
		runtime.KeepAlive(license)
		return int(fd), nil
	}
	if errno == unix.EPERM || errno == unix.ENOSYS {
		return -1, fmt.Errorf("loading the device filter (cgroup BPF needs root and a kernel with CONFIG_CGROUP_BPF): %w", errno)
	}
	log := make([]byte, 64<<10)
	attr.logLevel, attr.logSize, attr.logBuf = 1, uint32(len(log)), uint64(uintptr(unsafe.Pointer(&log[0])))
	if fd, e := bpfCall(unix.BPF_PROG_LOAD, unsafe.Pointer(&attr), unsafe.Sizeof(attr)); e == 0 {
		unix.Close(int(fd)) // refused once, accepted now: use neither
	}
	runtime.KeepAlive(code)
	runtime.KeepAlive(license)
	// The reason is the log's last line before its statistics.
	reason := ""
	for _, l := range strings.Split(string(bytes.TrimRight(log, "\x00")), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "processed ") && !strings.HasPrefix(l, "verification time") {
			reason = l
		}
	}
	return -1, fmt.Errorf("the kernel's verifier refused the device filter (%s): %w", reason, errno)
}
