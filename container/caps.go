package container

import (
	"fmt"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// CapNames are the kernel's capability names by number.
var CapNames = []string{"chown", "dac_override", "dac_read_search", "fowner", "fsetid", "kill", "setgid",
	"setuid", "setpcap", "linux_immutable", "net_bind_service", "net_broadcast", "net_admin", "net_raw",
	"ipc_lock", "ipc_owner", "sys_module", "sys_rawio", "sys_chroot", "sys_ptrace", "sys_pacct", "sys_admin",
	"sys_boot", "sys_nice", "sys_resource", "sys_time", "sys_tty_config", "mknod", "lease", "audit_write",
	"audit_control", "setfcap", "mac_override", "mac_admin", "syslog", "wake_alarm", "block_suspend",
	"audit_read", "perfmon", "bpf", "checkpoint_restore"}

// DefaultCaps is the small set a container's command keeps (the same as
// Docker's default): enough to chown, kill, bind low ports and switch
// users, but not to mount, load modules, set the clock, reboot, change
// the network or trace other processes.
var DefaultCaps = []int{unix.CAP_CHOWN, unix.CAP_DAC_OVERRIDE, unix.CAP_FOWNER, unix.CAP_FSETID,
	unix.CAP_KILL, unix.CAP_SETGID, unix.CAP_SETUID, unix.CAP_SETPCAP, unix.CAP_NET_BIND_SERVICE,
	unix.CAP_NET_RAW, unix.CAP_SYS_CHROOT, unix.CAP_MKNOD, unix.CAP_AUDIT_WRITE, unix.CAP_SETFCAP}

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

func lastCap() int {
	b, err := os.ReadFile("/proc/sys/kernel/cap_last_cap")
	if err != nil {
		return 40
	}
	n, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return 40
	}
	return n
}

// bound limits the calling thread's bounding set to keep and clears its
// ambient set; it returns keep as a bit mask.
func bound(keep []int) (uint64, error) {
	want := map[int]bool{}
	var mask uint64
	for _, c := range keep {
		want[c] = true
		mask |= 1 << c
	}
	last := lastCap()
	for c := 0; c <= last; c++ {
		if !want[c] {
			if err := unix.Prctl(unix.PR_CAPBSET_DROP, uintptr(c), 0, 0, 0); err != nil {
				return 0, fmt.Errorf("dropping %s from the bounding set: %w", CapName(c), err)
			}
		}
	}
	if err := unix.Prctl(unix.PR_CAP_AMBIENT, unix.PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0); err != nil {
		return 0, fmt.Errorf("clearing ambient capabilities: %w", err)
	}
	return mask, nil
}

// dropCaps limits the calling thread (and what it starts) to keep: the
// bounding set, then the effective, permitted and inheritable sets, and
// the ambient set cleared. The caller must hold its OS thread locked.
func dropCaps(keep []int) error {
	mask, err := bound(keep)
	if err != nil {
		return err
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	for i := range data {
		w := uint32(mask >> (32 * i))
		data[i] = unix.CapUserData{Effective: w, Permitted: w, Inheritable: w}
	}
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capset: %w", err)
	}
	return nil
}

// limitCaps prepares the calling thread to start a command with only keep:
// the bounding and inheritable sets become keep and the ambient set is
// cleared, while the thread's own effective and permitted sets stay as
// they are (so it can still clone with CLONE_NEWCGROUP). A root command
// it execs gets inheritable | bounding = keep, and nothing more.
func limitCaps(keep []int) error {
	mask, err := bound(keep)
	if err != nil {
		return err
	}
	hdr := unix.CapUserHeader{Version: unix.LINUX_CAPABILITY_VERSION_3}
	var data [2]unix.CapUserData
	if err := unix.Capget(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capget: %w", err)
	}
	for i := range data {
		data[i].Inheritable = uint32(mask >> (32 * i))
	}
	if err := unix.Capset(&hdr, &data[0]); err != nil {
		return fmt.Errorf("capset: %w", err)
	}
	return nil
}
