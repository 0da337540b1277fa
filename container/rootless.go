package container

// Rootless mode: what changes when the caller is not root.
//
// The container's first process is cloned into a new user namespace as
// well (CLONE_NEWUSER), where the caller is root: it owns the container's
// other namespaces, so it may mount, pivot_root and set the host name in
// them, and nothing more on the host. Its first op waits for the
// runtime's go-ahead, sent once the runtime has written its uid and gid
// maps: with newuidmap and newgidmap and the caller's /etc/subuid and
// /etc/subgid ranges, 0 is the caller and 1.. are the caller's
// subordinate ids (so that apt-get's _apt user and chown work inside);
// without them, 0 is the caller and no other id exists.
//
// What the kernel refuses in a user namespace is done another way, as
// runc does rootless: device nodes are the host's, bound onto empty files
// (mknod is refused); with --net host the host's /sys is bound read-only
// (sysfs can be mounted only by the owner of the network namespace); a
// bind remount keeps the flags the host mount had (nosuid, nodev, noexec,
// ro and the atime ones are locked). Limits need a cgroup v2 subtree the
// caller may write (systemd's user@UID.service delegates one); without it
// the container runs with no cgroup and the caller is told which limits
// are not enforced. The state lives in the caller's runtime directory.

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/sysinfo"
)

// Rootless reports whether containers started by this process run
// rootless (the caller is not root).
func Rootless() bool { return os.Geteuid() != 0 }

// defaultStateRoot is DefaultStateRoot for root, else the caller's own
// (UserStateBase/containers).
func defaultStateRoot() string { return defaultStateRootFor(Rootless()) }

// UserStateBase is where a user who is not root keeps sysdojo's container
// state: $XDG_RUNTIME_DIR/sysdojo, else /run/user/UID/sysdojo when that
// directory is the caller's, else a directory of the caller's own under
// the temporary directory (sysdojo-UID, mode 0700).
func UserStateBase() string {
	uid := os.Geteuid()
	for _, d := range []string{os.Getenv("XDG_RUNTIME_DIR"), "/run/user/" + strconv.Itoa(uid)} {
		if d != "" && ownDir(d, uid) {
			return filepath.Join(d, "sysdojo")
		}
	}
	return filepath.Join(os.TempDir(), "sysdojo-"+strconv.Itoa(uid))
}

// ownDir reports whether d is a directory (not a symbolic link) of uid's.
func ownDir(d string, uid int) bool {
	var st unix.Stat_t
	return unix.Lstat(d, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR && int(st.Uid) == uid
}

// makeUserBase makes the rootless state base (0700), and refuses one that
// another user made first (a shared temporary directory).
func makeUserBase(base string) error {
	uid := os.Geteuid()
	if err := os.Mkdir(base, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(base), err)
	}
	var st unix.Stat_t
	if err := unix.Lstat(base, &st); err != nil || st.Mode&unix.S_IFMT != unix.S_IFDIR || int(st.Uid) != uid || st.Mode&0o077 != 0 {
		return i18n.Failed(i18n.T("%s is not a private directory of yours (another user may have made it): remove it or set XDG_RUNTIME_DIR",
			"%s는 내 전용 디렉터리가 아닙니다 (다른 사용자가 만들었을 수 있습니다): 지우거나 XDG_RUNTIME_DIR를 설정하세요").F(base), nil)
	}
	return nil
}

// idMap is how a rootless container's ids map to the caller's.
type idMap struct {
	uid, gid          int
	subUID, subGID    [2]uint64 // start, count (count 0: none)
	newuidmap, newgid string    // the helpers' paths, "" when missing
}

// full reports whether the subordinate ids are mapped too.
func (m *idMap) full() bool {
	return m.newuidmap != "" && m.newgid != "" && m.subUID[1] > 0 && m.subGID[1] > 0
}

// IDMapHelpers are newuidmap and newgidmap (Debian package uidmap).
var IDMapHelpers = [2]string{"/usr/bin/newuidmap", "/usr/bin/newgidmap"}

// planIDMap finds the caller's subordinate ranges and the helpers; with
// single (a test seam) it plans the single-id mapping only.
func planIDMap(single bool) *idMap {
	m := &idMap{uid: os.Geteuid(), gid: os.Getegid()}
	if single {
		return m
	}
	if isExec(IDMapHelpers[0]) && isExec(IDMapHelpers[1]) {
		m.newuidmap, m.newgid = IDMapHelpers[0], IDMapHelpers[1]
	}
	name := ""
	if u, err := user.LookupId(strconv.Itoa(m.uid)); err == nil {
		name = u.Username
	}
	m.subUID = SubIDRange("/etc/subuid", name, m.uid)
	m.subGID = SubIDRange("/etc/subgid", name, m.uid)
	return m
}

func isExec(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular() && fi.Mode()&0o111 != 0
}

// SubIDRange returns the first range (start, count) of user name or uid
// in an /etc/subuid-style file, count 0 when there is none.
func SubIDRange(file, name string, uid int) [2]uint64 {
	f, err := os.Open(file)
	if err != nil {
		return [2]uint64{}
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		p := strings.Split(strings.TrimSpace(sc.Text()), ":")
		if len(p) != 3 || (p[0] != name && p[0] != strconv.Itoa(uid)) || p[0] == "" {
			continue
		}
		start, err1 := strconv.ParseUint(p[1], 10, 32)
		count, err2 := strconv.ParseUint(p[2], 10, 32)
		if err1 == nil && err2 == nil && count > 0 {
			return [2]uint64{start, count}
		}
	}
	return [2]uint64{}
}

// singleMapWarning is said once per run without the subordinate ids.
var singleMapWarning = i18n.T(
	"rootless: only your own user id is mapped (0 inside is you; no newuidmap/newgidmap or no /etc/subuid and /etc/subgid range for you): chown to another user fails inside, and apt-get cannot switch to its sandbox user _apt (use -o APT::Sandbox::User=root)",
	"rootless: 내 사용자 ID 하나만 매핑됩니다 (안의 0번이 나입니다. newuidmap/newgidmap이 없거나 /etc/subuid, /etc/subgid에 내 범위가 없습니다): 안에서 다른 사용자로 chown할 수 없고, apt-get은 샌드박스 사용자 _apt로 바꾸지 못합니다 (-o APT::Sandbox::User=root를 쓰세요)")

// apply writes the maps of the user namespace of process pid through
// newuidmap and newgidmap (full maps only: the child writes the single-id
// mapping itself, see spawnOptions.selfMap).
func (m *idMap) apply(pid int) error {
	p := strconv.Itoa(pid)
	for _, x := range []struct {
		tool string
		id   int
		sub  [2]uint64
	}{{m.newuidmap, m.uid, m.subUID}, {m.newgid, m.gid, m.subGID}} {
		args := []string{p, "0", strconv.Itoa(x.id), "1", "1", strconv.FormatUint(x.sub[0], 10), strconv.FormatUint(x.sub[1], 10)}
		out, err := exec.Command(x.tool, args...).CombinedOutput()
		if err != nil {
			return i18n.Failed(i18n.T("cannot map the user ids of the container's user namespace", "컨테이너의 사용자 네임스페이스에 사용자 ID를 매핑할 수 없습니다"),
				fmt.Errorf("%s %s: %w: %s", filepath.Base(x.tool), strings.Join(args, " "), err, bytes.TrimSpace(out)))
		}
	}
	return nil
}

// prepareRootless checks and plans what is particular to a rootless run.
func (r *run) prepareRootless() error {
	cfg, ic := r.cfg, r.ic
	if h := cfg.Hooks; h != nil && (h.Bridge != nil || len(h.Ports) > 0) {
		return i18n.Invalid(i18n.T("--net bridge and -p need root (a veth pair and the host's network are root's to change): without root, use --net none or --net host",
			"--net bridge와 -p는 root 권한이 필요합니다 (veth 쌍과 호스트 네트워크는 root만 바꿀 수 있습니다): root가 아니면 --net none이나 --net host를 쓰세요"))
	}
	r.ids = planIDMap(cfg.NoSubIDs)
	if !r.ids.full() && (ic.UID != 0 || ic.GID != 0) {
		return i18n.Invalid(i18n.T("--user %s needs subordinate ids (newuidmap and an /etc/subuid range): rootless, only root (0) exists inside here",
			"--user %s에는 하위 ID가 필요합니다 (newuidmap과 /etc/subuid의 범위): 여기서는 rootless라 안에 root(0)만 있습니다").F(cfg.User))
	}
	if ic.UID != 0 && uint64(ic.UID) > r.ids.subUID[1] || ic.GID != 0 && uint64(ic.GID) > r.ids.subGID[1] {
		return i18n.Invalid(i18n.T("--user %s is outside your subordinate id range (ids 1 to %d inside)",
			"--user %s는 내 하위 ID 범위를 벗어납니다 (안에서 1부터 %d까지)").F(cfg.User, min(r.ids.subUID[1], r.ids.subGID[1])))
	}
	if !r.ids.full() {
		r.warn(singleMapWarning)
	}
	if rel := sysinfo.KernelRelease(); !sysinfo.KernelAtLeast(rel, 5, 11) && !ic.CopyRoot {
		ic.CopyRoot = true
		r.warn(i18n.T("rootless: Linux %s cannot mount an overlay inside a user namespace (that came in 5.11): the rootfs is copied for this run, which takes longer to start",
			"rootless: 리눅스 %s는 사용자 네임스페이스 안에서 overlay를 마운트하지 못합니다 (5.11부터 됩니다): 이번 실행에는 rootfs를 복사해서 쓰므로 시작이 더 느립니다").F(rel))
	}
	return nil
}

// rootlessWarnings are what a rootless run of cfg would say (Detach
// says them before its monitor runs the container).
func rootlessWarnings(cfg *Config, ic *initConfig) []i18n.Text {
	var out []i18n.Text
	if !planIDMap(cfg.NoSubIDs).full() {
		out = append(out, singleMapWarning)
	}
	if cg, _, notEnforced, _ := planRunCgroup(cfg.CgroupLayout, "plan", ic.Limits, cfg.Limits, true); cg == nil && !notEnforced.IsZero() {
		out = append(out, notEnforced)
	}
	return out
}

func (r *run) warn(t i18n.Text) {
	if r.cfg.Warn != nil {
		r.cfg.Warn(t)
	}
}

// lockedFlags returns the mount flags of the mount p is on that a user
// namespace may not change on a bind of it (mount_namespaces(7): "locked"
// flags), as flags for mount(2).
func lockedFlags(p string) uintptr {
	var st unix.Statfs_t
	if unix.Statfs(p, &st) != nil {
		return 0
	}
	var f uintptr
	for _, x := range [][2]uintptr{{unix.ST_RDONLY, unix.MS_RDONLY}, {unix.ST_NOSUID, unix.MS_NOSUID}, {unix.ST_NODEV, unix.MS_NODEV},
		{unix.ST_NOEXEC, unix.MS_NOEXEC}, {unix.ST_NOATIME, unix.MS_NOATIME}, {unix.ST_NODIRATIME, unix.MS_NODIRATIME}, {unix.ST_RELATIME, unix.MS_RELATIME}} {
		if uintptr(st.Flags)&x[0] != 0 {
			f |= x[1]
		}
	}
	if f&(unix.MS_NOATIME|unix.MS_RELATIME) == 0 {
		f |= unix.MS_STRICTATIME
	}
	return f
}

// limitsNotEnforced says which asked-for limits a rootless run without a
// delegated cgroup does not enforce.
func limitsNotEnforced(asked Limits) i18n.Text {
	var flags []string
	for _, c := range controllersFor(asked) {
		flags = append(flags, map[string]string{"memory": "--memory", "pids": "--pids", "cpu": "--cpus"}[c])
	}
	l := strings.Join(flags, ", ")
	verb := "are"
	if len(flags) == 1 {
		verb = "is"
	}
	return i18n.T(
		fmt.Sprintf("rootless: no cgroup v2 subtree is delegated to you on this machine, so %s %s not enforced (the container runs without limits; 'sysdojo doctor' says why)", l, verb),
		fmt.Sprintf("rootless: 이 머신에는 나에게 위임된 cgroup v2 하위 트리가 없어서 %s 제한이 적용되지 않습니다 (컨테이너는 제한 없이 실행됩니다. 이유는 'sysdojo doctor'에 나옵니다)", l))
}

// DelegatedCgroup returns the cgroup v2 directory delegated to the
// caller (the highest directory above its own cgroup that it owns and may
// write, as systemd's user@UID.service), "" when there is none: cgroup v1
// or hybrid, or nothing of the caller's. need are the controllers that must
// be available there; missing lists those that are not.
func DelegatedCgroup(layout sysinfo.Cgroup, self map[string]string, need []string) (dir string, missing []string) {
	if layout.Layout != "v2" || layout.V2 == "" {
		return "", nil
	}
	own, ok := self[""]
	if !ok {
		return "", nil
	}
	uid := os.Geteuid()
	for d := filepath.Join(layout.V2, own); d != layout.V2 && strings.HasPrefix(d, layout.V2+"/"); d = filepath.Dir(d) {
		if !ownDir(d, uid) || unix.Access(filepath.Join(d, "cgroup.procs"), unix.W_OK) != nil ||
			unix.Access(filepath.Join(d, "cgroup.subtree_control"), unix.W_OK) != nil {
			break
		}
		dir = d
	}
	if dir == "" {
		return "", nil
	}
	avail := v2Controllers(dir)
	for _, n := range need {
		if !avail[n] {
			missing = append(missing, n)
		}
	}
	return dir, missing
}

// rootlessSetupError explains the setup steps a kernel may refuse in a
// user namespace; nil for the others.
func rootlessSetupError(p *spawnProg, step int, errno unix.Errno, err error) *i18n.Error {
	switch {
	case step == p.overlayStep && (errno == unix.EPERM || errno == unix.EINVAL):
		var u unix.Utsname
		unix.Uname(&u)
		rel := unix.ByteSliceToString(u.Release[:])
		return i18n.Failed(i18n.T("rootless: this kernel (%s) refuses an overlay mount inside a user namespace: that needs Linux 5.11 or later (or run as root)",
			"rootless: 이 커널(%s)은 사용자 네임스페이스 안의 overlay 마운트를 거부합니다: Linux 5.11 이상이 필요합니다 (아니면 root로 실행하세요)").F(rel), err)
	case step == p.procStep && errno == unix.EPERM:
		return i18n.Failed(i18n.T("rootless: the kernel refuses a new /proc here, because parts of this machine's /proc are hidden under other mounts (are you inside another container?); run as root",
			"rootless: 커널이 새 /proc 마운트를 거부합니다. 이 머신의 /proc 일부가 다른 마운트로 가려져 있기 때문입니다 (다른 컨테이너 안에서 실행 중인가요?). root로 실행하세요"), err)
	}
	return nil
}

// RootlessInfo is what a user who is not root can do with containers on
// this machine, and why (sysdojo doctor).
type RootlessInfo struct {
	UserNS        bool      `json:"user_namespaces"`       // a user namespace can be made without root
	IDMapHelpers  bool      `json:"newuidmap"`             // newuidmap and newgidmap are installed
	SubUID        [2]uint64 `json:"subuid"`                // the caller's first range: start, count (0: none)
	SubGID        [2]uint64 `json:"subgid"`                //
	FullMapping   bool      `json:"subordinate_ids"`       // both of the above: chown and apt-get's _apt work inside
	Kernel        string    `json:"kernel"`                //
	OverlayUserNS bool      `json:"overlay_in_userns"`     // kernel 5.11 or later
	Delegated     string    `json:"delegated_cgroup"`      // the delegated cgroup v2 subtree, "" when none
	Controllers   []string  `json:"delegated_controllers"` // of memory, pids and cpu, those available there
	NotEnforced   []string  `json:"not_enforced"`          // the limit flags that do not hold rootless here
	// CgroupWhyNot says why there is no delegated cgroup: "not-v2" (v1
	// or hybrid), "not-yours" (no cgroup of the caller's is writable: no
	// systemd user session with Delegate=yes) or "controllers" (some of
	// memory, pids and cpu are not delegated); "" when there is one.
	CgroupWhyNot   string   `json:"cgroup_why_not,omitempty"`
	NetworkModes   []string `json:"network_modes"` // that work rootless
	StateDirectory string   `json:"state_dir"`
}

// CheckRootless finds what a rootless container can do here for the
// caller; userNS says whether the machine lets a user make a user
// namespace (sysinfo.Namespaces).
func CheckRootless(layout sysinfo.Cgroup, userNS bool) RootlessInfo {
	m := planIDMap(false)
	info := RootlessInfo{UserNS: userNS, IDMapHelpers: m.newuidmap != "" && m.newgid != "", SubUID: m.subUID, SubGID: m.subGID,
		FullMapping: m.full(), Kernel: sysinfo.KernelRelease(), NetworkModes: []string{"none", "host"},
		StateDirectory: filepath.Dir(defaultStateRoot()), Controllers: []string{}, NotEnforced: []string{}}
	info.OverlayUserNS = sysinfo.KernelAtLeast(info.Kernel, 5, 11)
	var self map[string]string
	if f, err := os.Open("/proc/self/cgroup"); err == nil {
		self = SelfCgroups(f)
		f.Close()
	}
	all := []string{"memory", "pids", "cpu"}
	dir, missing := DelegatedCgroup(layout, self, all)
	info.Delegated = dir
	flag := map[string]string{"memory": "--memory", "pids": "--pids", "cpu": "--cpus"}
	for _, c := range all {
		if dir != "" && !slices.Contains(missing, c) {
			info.Controllers = append(info.Controllers, c)
		} else {
			info.NotEnforced = append(info.NotEnforced, flag[c])
		}
	}
	switch {
	case layout.Layout != "v2":
		info.CgroupWhyNot = "not-v2"
	case dir == "":
		info.CgroupWhyNot = "not-yours"
	case len(missing) > 0:
		info.CgroupWhyNot = "controllers"
	}
	return info
}

// defaultStateRootFor is defaultStateRoot for a rootless (or not) caller.
func defaultStateRootFor(rootless bool) string {
	if !rootless {
		return DefaultStateRoot
	}
	return filepath.Join(UserStateBase(), "containers")
}
