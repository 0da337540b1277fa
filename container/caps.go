package container

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// CapNames are the kernel's capability names by number.
var CapNames = []string{"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid",
	"setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw",
	"ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin",
	"sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write",
	"audit_control", "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm", "block_suspend",
	"audit_read", "perfmon", "bpf", "checkpoint_restore"}

// DefaultCaps is the small set a container's command keeps: Docker's
// default without CAP_MKNOD (which --cap-add MKNOD gives back). Enough to
// chown, kill, bind low ports and switch users, but not to make device
// nodes, mount, load modules, set the clock, reboot, change the network
// or trace other processes.
var DefaultCaps = []int{unix.CAP_CHOWN, unix.CAP_DAC_OVERRIDE, unix.CAP_FOWNER, unix.CAP_FSETID,
	unix.CAP_KILL, unix.CAP_SETGID, unix.CAP_SETUID, unix.CAP_SETPCAP, unix.CAP_NET_BIND_SERVICE,
	unix.CAP_NET_RAW, unix.CAP_SYS_CHROOT, unix.CAP_AUDIT_WRITE, unix.CAP_SETFCAP}

// CapName returns the name of capability c ("cap_sys_admin").
func CapName(c int) string {
	if c >= 0 && c < len(CapNames) {
		return "cap_" + CapNames[c]
	}
	return "cap_" + strconv.Itoa(c)
}

// DecodeCaps turns a capability mask (as in /proc/PID/status, hex) into names.
func DecodeCaps(hex string) ([]string, error) {
	v, err := strconv.ParseUint(strings.TrimSpace(hex), 16, 64)
	if err != nil {
		return nil, fmt.Errorf("capability mask %q: %w", hex, err)
	}
	names := []string{}
	for c := 0; c < 64; c++ {
		if v&(1<<c) != 0 {
			names = append(names, CapName(c))
		}
	}
	return names, nil
}

// lastCap is the kernel's highest capability number, read once.
var lastCap = sync.OnceValue(func() int {
	b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if err != nil {
		return 40
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 40
	}
	return n
})

// capSet is DefaultCaps with add added and drop dropped, as docker run's
// --cap-add and --cap-drop: names with or without "CAP_", in any case, or
// "ALL".
func capSet(add, drop []string) ([]int, error) {
	set := map[int]bool{}
	for _, c := range DefaultCaps {
		set[c] = true
	}
	parse := func(name string) ([]int, error) {
		n := strings.ToLower(strings.TrimPrefix(strings.ToLower(strings.TrimSpace(name)), "cap_"))
		if n == "all" {
			all := make([]int, 0, lastCap()+1)
			for c := 0; c <= lastCap(); c++ {
				all = append(all, c)
			}
			return all, nil
		}
		for c, cn := range CapNames {
			if cn == n && c <= lastCap() {
				return []int{c}, nil
			}
		}
		return nil, i18n.Invalid(i18n.T("unknown capability %q (see 'man 7 capabilities': e.g. NET_ADMIN, SYS_PTRACE, MKNOD)",
			"모르는 capability입니다: %q ('man 7 capabilities' 참고: 예를 들어 NET_ADMIN, SYS_PTRACE, MKNOD)").F(name))
	}
	// As Docker: drops first, then adds, so --cap-drop ALL --cap-add X
	// leaves X only.
	for _, name := range drop {
		cs, err := parse(name)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			delete(set, c)
		}
	}
	for _, name := range add {
		cs, err := parse(name)
		if err != nil {
			return nil, err
		}
		for _, c := range cs {
			set[c] = true
		}
	}
	out := make([]int, 0, len(set))
	for c := 0; c <= 63; c++ {
		if set[c] {
			out = append(out, c)
		}
	}
	return out, nil
}
