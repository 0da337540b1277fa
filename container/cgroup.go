package container

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
	"unicode"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/sysinfo"
)

// Limits are the resource limits of a container; zero means no limit.
type Limits struct {
	Memory int64   `json:"memory,omitempty"` // bytes
	Pids   int64   `json:"pids,omitempty"`   // tasks of the command and its descendants
	CPUs   float64 `json:"cpus,omitempty"`   // CPUs' worth of time per period
}

// IsZero reports whether no limit is set.
func (l Limits) IsZero() bool { return l.Memory == 0 && l.Pids == 0 && l.CPUs == 0 }

// DefaultPids is the pids limit of a container run without one (podman's
// default): a fork bomb inside stops there instead of taking the host.
const DefaultPids = 2048

// withDefaults is l with the default pids limit when it has none.
func (l Limits) withDefaults() Limits {
	if l.Pids == 0 {
		l.Pids = DefaultPids
	}
	return l
}

// ParseSize parses a memory size: a number of bytes with an optional binary
// suffix k, m, g or t (also kb, kib, ...; any case): "64m" is 64 MiB.
func ParseSize(s string) (int64, error) {
	bad := func() (int64, error) {
		return 0, i18n.Invalid(i18n.T("malformed size %q (use a number with k, m or g, e.g. 64m)",
			"잘못된 크기입니다: %q (64m처럼 숫자에 k, m, g를 붙여 쓰세요)").F(s))
	}
	t := strings.ToLower(strings.TrimSpace(s))
	i := strings.IndexFunc(t, func(r rune) bool { return !unicode.IsDigit(r) && r != '.' })
	num, unit := t, ""
	if i >= 0 {
		num, unit = t[:i], t[i:]
	}
	if num == "" {
		return bad()
	}
	mult := map[string]float64{"": 1, "b": 1, "k": 1 << 10, "kb": 1 << 10, "kib": 1 << 10,
		"m": 1 << 20, "mb": 1 << 20, "mib": 1 << 20, "g": 1 << 30, "gb": 1 << 30, "gib": 1 << 30,
		"t": 1 << 40, "tb": 1 << 40, "tib": 1 << 40}[unit]
	if mult == 0 {
		return bad()
	}
	f, err := strconv.ParseFloat(num, 64)
	if err != nil || f <= 0 || f*mult > math.MaxInt64/2 {
		return bad()
	}
	if int64(f*mult) < 1 {
		return bad()
	}
	return int64(f * mult), nil
}

// Cgroup is the set of cgroup directories one container uses: one per v1
// controller, or a single cgroup v2 directory.
type Cgroup struct {
	Version int               `json:"version"`           // 1 or 2
	V1      map[string]string `json:"v1,omitempty"`      // controller -> directory
	V2      string            `json:"v2,omitempty"`      // directory
	Parents []string          `json:"parents,omitempty"` // sysdojo's own parent directories
	// Home is where the runtime itself is, per v1 directory in Dirs:
	// the container's init stays there, so that the limits count the
	// command's processes only.
	Home map[string]string `json:"home,omitempty"`
	// Rootless: a subtree delegated to the caller (rootless.go), where no
	// device program can be attached (that needs CAP_SYS_ADMIN); no device
	// node can be made in a user namespace either.
	Rootless bool `json:"rootless,omitempty"`
}

// Dirs lists every directory of c.
func (c *Cgroup) Dirs() []string {
	if c.Version == 2 {
		return []string{c.V2}
	}
	var d []string
	for _, k := range v1Controllers {
		if p, ok := c.V1[k]; ok {
			d = append(d, p)
		}
	}
	return d
}

// v1Controllers are the cgroup v1 controllers a container may use, in
// the order they are set up.
var v1Controllers = []string{"memory", "pids", "cpu", "devices"}

// controllersFor lists the controllers that lim needs.
func controllersFor(lim Limits) []string {
	var c []string
	if lim.Memory > 0 {
		c = append(c, "memory")
	}
	if lim.Pids > 0 {
		c = append(c, "pids")
	}
	if lim.CPUs > 0 {
		c = append(c, "cpu")
	}
	return c
}

// PlanCgroup decides where the cgroup of container id goes, from the
// machine's layout (from mountinfo) and this process's own cgroups
// (/proc/self/cgroup). On cgroup v2, or on a hybrid machine whose v2 mount
// has the controllers needed, it is <v2 mount>/sysdojo/<id>; otherwise one
// directory per v1 controller, <controller mount><own path>/sysdojo/<id>.
func PlanCgroup(layout sysinfo.Cgroup, self map[string]string, id string, lim Limits) (*Cgroup, error) {
	need := controllersFor(lim)
	if layout.V2 != "" {
		avail := v2Controllers(layout.V2)
		ok := true
		for _, n := range need {
			ok = ok && avail[n]
		}
		if ok && (layout.Layout == "v2" || len(need) > 0) {
			parent := filepath.Join(layout.V2, "sysdojo")
			d := filepath.Join(parent, id)
			return &Cgroup{Version: 2, V2: d, Parents: []string{parent},
				Home: map[string]string{d: filepath.Join(layout.V2, self[""])}}, nil
		}
	}
	c := &Cgroup{Version: 1, V1: map[string]string{}, Home: map[string]string{}}
	// On v1 the devices controller holds the device rules (on v2 a BPF
	// program attached to the cgroup does).
	for _, n := range append(need, "devices") {
		mnt, ok := layout.V1[n]
		if !ok && n == "devices" {
			continue // (nodev mounts and no CAP_MKNOD still hold)
		}
		if !ok {
			return nil, i18n.Failed(i18n.T("no %s cgroup controller is mounted on this machine", "이 머신에는 %s cgroup 컨트롤러가 마운트되어 있지 않습니다").F(n), nil)
		}
		parent := filepath.Join(mnt, self[n], "sysdojo")
		c.V1[n] = filepath.Join(parent, id)
		c.Parents = append(c.Parents, parent)
		c.Home[c.V1[n]] = filepath.Join(mnt, self[n])
	}
	return c, nil
}

// planRunCgroup is the one place a run's cgroup is planned, from the
// machine's layout (read from mountinfo unless given) and this process's
// own cgroups. lim are the limits with the defaults filled in, asked those
// the user asked for. As root the container's cgroup goes beside this
// process's (PlanCgroup); the default pids limit is dropped where the
// machine has no pids controller, a limit asked for must hold. Rootless,
// it goes in the caller's delegated cgroup v2 subtree; without one there
// is no cgroup (nil), and notEnforced says which asked-for limits do not
// hold. It returns the limits that do.
func planRunCgroup(given *sysinfo.Cgroup, id string, lim, asked Limits, rootless bool) (cg *Cgroup, held Limits, notEnforced i18n.Text, err error) {
	var layout sysinfo.Cgroup
	if given != nil {
		layout = *given
	} else if layout, err = sysinfo.CgroupLayout(); err != nil && !rootless {
		return nil, lim, notEnforced, i18n.Failed(i18n.T("cannot read the cgroup layout", "cgroup 구성을 읽을 수 없습니다"), err)
	}
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		return nil, lim, notEnforced, i18n.Failed(i18n.T("cannot read this process's cgroups", "이 프로세스의 cgroup을 읽을 수 없습니다"), err)
	}
	self := SelfCgroups(f)
	f.Close()
	if rootless {
		dir, missing := DelegatedCgroup(layout, self, controllersFor(lim))
		if dir != "" && len(missing) == 0 {
			parent := filepath.Join(dir, "sysdojo")
			d := filepath.Join(parent, id)
			return &Cgroup{Version: 2, V2: d, Parents: []string{parent}, Rootless: true,
				Home: map[string]string{d: filepath.Join(layout.V2, self[""])}}, lim, notEnforced, nil
		}
		if !asked.IsZero() {
			notEnforced = limitsNotEnforced(asked)
		}
		return nil, Limits{}, notEnforced, nil
	}
	cg, err = PlanCgroup(layout, self, id, lim)
	if err != nil && asked.Pids == 0 {
		noDefault := lim
		noDefault.Pids = 0
		if c, err2 := PlanCgroup(layout, self, id, noDefault); err2 == nil {
			return c, noDefault, notEnforced, nil
		}
	}
	return cg, lim, notEnforced, err
}

func v2Controllers(mnt string) map[string]bool {
	b, _ := os.ReadFile(filepath.Join(mnt, "cgroup.controllers"))
	m := map[string]bool{}
	for _, f := range strings.Fields(string(b)) {
		m[f] = true
	}
	return m
}

// SelfCgroups parses /proc/self/cgroup into controller -> path ("" for v2).
func SelfCgroups(r io.Reader) map[string]string {
	m := map[string]string{}
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		parts := strings.SplitN(sc.Text(), ":", 3)
		if len(parts) != 3 {
			continue
		}
		if parts[1] == "" {
			m[""] = parts[2]
			continue
		}
		for _, c := range strings.Split(parts[1], ",") {
			m[c] = parts[2]
		}
	}
	return m
}

// Create makes the directories of c and writes lim into them. Another
// run that ends meanwhile may remove sysdojo's (then empty) parent
// directory under it: then it tries again.
func (c *Cgroup) Create(lim Limits) error {
	var err error
	for try := 0; try < 3; try++ {
		if err = c.create(lim); err == nil || !errors.Is(err, os.ErrNotExist) {
			break
		}
	}
	return err
}

func (c *Cgroup) create(lim Limits) error {
	fail := func(what string, err error) error {
		return i18n.Failed(i18n.T("cannot set up the cgroup (%s)", "cgroup을 준비할 수 없습니다 (%s)").F(what), err)
	}
	if c.Version == 2 {
		mnt := filepath.Dir(c.Parents[0])
		want := ""
		for _, n := range controllersFor(lim) {
			want += " +" + n
		}
		want = strings.TrimSpace(want)
		if want != "" {
			if err := writeFile(filepath.Join(mnt, "cgroup.subtree_control"), want); err != nil {
				return fail("subtree_control", err)
			}
		}
		if err := os.Mkdir(c.Parents[0], 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			return fail(c.Parents[0], err)
		}
		if want != "" {
			if err := writeFile(filepath.Join(c.Parents[0], "cgroup.subtree_control"), want); err != nil {
				return fail("subtree_control", err)
			}
		}
		if err := os.Mkdir(c.V2, 0o755); err != nil && !errors.Is(err, os.ErrExist) {
			return fail(c.V2, err)
		}
		w := map[string]string{}
		if lim.Memory > 0 {
			w["memory.max"] = strconv.FormatInt(lim.Memory, 10)
			w["memory.swap.max"] = "0"
		}
		if lim.Pids > 0 {
			w["pids.max"] = strconv.FormatInt(lim.Pids, 10)
		}
		if lim.CPUs > 0 {
			w["cpu.max"] = fmt.Sprintf("%d 100000", int64(lim.CPUs*100000))
		}
		for _, k := range []string{"memory.max", "memory.swap.max", "pids.max", "cpu.max"} {
			if v, ok := w[k]; ok {
				err := writeFile(filepath.Join(c.V2, k), v)
				if err != nil && !(k == "memory.swap.max" && errors.Is(err, os.ErrNotExist)) {
					return fail(k, err)
				}
			}
		}
		if c.Rootless {
			return nil
		}
		if err := deviceRulesV2(c.V2); err != nil {
			return fail("devices", err)
		}
		return nil
	}
	for _, n := range v1Controllers {
		d, ok := c.V1[n]
		if !ok {
			continue
		}
		if err := os.MkdirAll(d, 0o755); err != nil {
			return fail(d, err)
		}
		var files [][2]string
		switch n {
		case "memory":
			m := strconv.FormatInt(lim.Memory, 10)
			files = [][2]string{{"memory.limit_in_bytes", m}, {"memory.memsw.limit_in_bytes", m}, {"memory.swappiness", "0"}}
		case "pids":
			files = [][2]string{{"pids.max", strconv.FormatInt(lim.Pids, 10)}}
		case "cpu":
			files = [][2]string{{"cpu.cfs_period_us", "100000"}, {"cpu.cfs_quota_us", strconv.FormatInt(int64(lim.CPUs*100000), 10)}}
		case "devices":
			if err := writeDeviceRulesV1(d); err != nil {
				return fail("devices", err)
			}
		}
		for _, f := range files {
			err := writeFile(filepath.Join(d, f[0]), f[1])
			if err != nil && !(f[0] != "memory.limit_in_bytes" && f[0] != "pids.max" && f[0] != "cpu.cfs_quota_us") {
				return fail(f[0], err)
			}
		}
	}
	return nil
}

// CgroupStats is what the kernel counted in a container's cgroup.
type CgroupStats struct {
	OOMKills     int64 `json:"oom_kills"`    // processes killed at the memory limit
	MemoryPeak   int64 `json:"memory_peak"`  // bytes, when the kernel reports it
	PidsRefused  int64 `json:"pids_refused"` // forks refused at the pids limit
	PidsPeak     int64 `json:"pids_peak"`    // when the kernel reports it
	NrThrottled  int64 `json:"nr_throttled"` // periods the CPU quota ran out
	ThrottledUs  int64 `json:"throttled_us"` // time held back by the CPU quota
	CPUUsageUsec int64 `json:"cpu_usage_us"` // v2 only
}

// Stats reads the counters of c.
func (c *Cgroup) Stats() CgroupStats {
	var s CgroupStats
	if c.Version == 2 {
		s.OOMKills = keyed(filepath.Join(c.V2, "memory.events"), "oom_kill")
		s.MemoryPeak = single(filepath.Join(c.V2, "memory.peak"))
		s.PidsRefused = keyed(filepath.Join(c.V2, "pids.events"), "max")
		s.PidsPeak = single(filepath.Join(c.V2, "pids.peak"))
		s.NrThrottled = keyed(filepath.Join(c.V2, "cpu.stat"), "nr_throttled")
		s.ThrottledUs = keyed(filepath.Join(c.V2, "cpu.stat"), "throttled_usec")
		s.CPUUsageUsec = keyed(filepath.Join(c.V2, "cpu.stat"), "usage_usec")
		return s
	}
	if d, ok := c.V1["memory"]; ok {
		s.OOMKills = keyed(filepath.Join(d, "memory.oom_control"), "oom_kill")
		s.MemoryPeak = single(filepath.Join(d, "memory.max_usage_in_bytes"))
	}
	if d, ok := c.V1["pids"]; ok {
		s.PidsRefused = keyed(filepath.Join(d, "pids.events"), "max")
		s.PidsPeak = single(filepath.Join(d, "pids.peak"))
	}
	if d, ok := c.V1["cpu"]; ok {
		s.NrThrottled = keyed(filepath.Join(d, "cpu.stat"), "nr_throttled")
		s.ThrottledUs = keyed(filepath.Join(d, "cpu.stat"), "throttled_time") / 1000
	}
	return s
}

// Remove kills whatever is left in c and removes its directories (and
// sysdojo's parent directories when they are empty).
func (c *Cgroup) Remove() error {
	var first error
	for _, d := range c.Dirs() {
		if err := removeCgroupDir(d); err != nil && first == nil {
			first = err
		}
	}
	for _, p := range c.Parents {
		unix.Rmdir(p) // fails while other containers use it: fine
	}
	return first
}

func removeCgroupDir(d string) error {
	var err error
	for i := 0; i < 200; i++ {
		err = unix.Rmdir(d)
		if err == nil || errors.Is(err, os.ErrNotExist) {
			return nil
		}
		if !errors.Is(err, syscall.EBUSY) {
			break
		}
		if b, rerr := os.ReadFile(filepath.Join(d, "cgroup.procs")); rerr == nil {
			for _, f := range strings.Fields(string(b)) {
				if pid, _ := strconv.Atoi(f); pid > 0 {
					syscall.Kill(pid, syscall.SIGKILL)
				}
			}
		}
		time.Sleep(time.Millisecond * time.Duration(1+i/20))
	}
	return fmt.Errorf("removing cgroup %s: %w", d, err)
}

func writeFile(p, v string) error {
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	_, err = f.WriteString(v)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("writing %q to %s: %w", v, p, err)
	}
	return nil
}

func single(p string) int64 {
	b, err := os.ReadFile(p)
	if err != nil {
		return 0
	}
	n, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return n
}

func keyed(p, key string) int64 {
	b, err := os.ReadFile(p)
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		f := strings.Fields(l)
		if len(f) == 2 && f[0] == key {
			n, _ := strconv.ParseInt(f[1], 10, 64)
			return n
		}
	}
	return 0
}
