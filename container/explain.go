package container

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"sysdojo/internal/i18n"
)

// Aspect is one thing compared between the host and a fresh container.
type Aspect struct {
	Namespace string    `json:"namespace"` // "uts", "pid", "mnt", "net", "ipc", "cgroup", "caps", "root"
	What      i18n.Text `json:"what"`
	Host      []string  `json:"host"`
	Container []string  `json:"container"`
	// HostTotal and ContainerTotal are how many lines there were when
	// only the first ones are shown.
	HostTotal      int       `json:"host_total,omitempty"`
	ContainerTotal int       `json:"container_total,omitempty"`
	HostNote       i18n.Text `json:"host_note,omitzero"` // a last line for the host's side
	Why            i18n.Text `json:"why"`
}

// Explanation is the host and a container side by side.
type Explanation struct {
	Rootfs  string   `json:"rootfs"`
	ID      string   `json:"id"`
	Aspects []Aspect `json:"aspects"`
}

// probe runs inside the container with nothing but sh and cat.
const probe = `echo @uts; cat /proc/sys/kernel/hostname
echo @pid; for p in /proc/[0-9]*; do echo "${p#/proc/} $(cat $p/comm 2>/dev/null)"; done
echo @mnt; cat /proc/self/mounts
echo @net; cat /proc/net/dev
echo @ipc; cat /proc/sysvipc/shm /proc/sysvipc/msg /proc/sysvipc/sem
echo @cgroup; cat /proc/self/cgroup
echo @caps; cat /proc/self/status
echo @root; for f in /*; do echo "$f"; done
`

// ExplainLimits are the limits the explained container gets, so that its
// cgroup has something to show.
var ExplainLimits = Limits{Memory: 64 << 20, Pids: 64}

// Explain runs probes in a fresh container on rootfs (which needs sh and
// cat) and the same probes on the host, and returns them side by side.
func Explain(rootfs string) (*Explanation, error) {
	var out, errb bytes.Buffer
	// The probe is PID 1 itself (NoInit): the namespace's first process,
	// as the kernel numbers it.
	res, err := Run(Config{Rootfs: rootfs, Args: []string{"/bin/sh", "-c", probe}, Hostname: "sysdojo-explain",
		Limits: ExplainLimits, Stdout: &out, Stderr: &errb})
	if err != nil {
		return nil, err
	}
	if res.ExitCode != 0 {
		return nil, i18n.Failed(i18n.T("the probes failed inside the container (exit status %d)", "컨테이너 안에서 탐색이 실패했습니다 (종료 코드 %d)").F(res.ExitCode),
			fmt.Errorf("%s", strings.TrimSpace(errb.String())))
	}
	in := sections(out.String())
	host := hostProbes()
	cgHost := []string{}
	if res.Cgroup != nil {
		cgHost = append(cgHost, res.Cgroup.Dirs()...)
	}
	ex := &Explanation{Rootfs: rootfs, ID: res.ID}
	// n lines at most in a column (0: all of them).
	add := func(ns string, what, why i18n.Text, h []string, hn int, c []string, cn int) *Aspect {
		a := Aspect{Namespace: ns, What: what, Host: h, Container: c, Why: why}
		if hn > 0 && len(h) > hn {
			a.Host, a.HostTotal = h[:hn-1], len(h)
		}
		if cn > 0 && len(c) > cn {
			a.Container, a.ContainerTotal = c[:cn-1], len(c)
		}
		ex.Aspects = append(ex.Aspects, a)
		return &ex.Aspects[len(ex.Aspects)-1]
	}
	add("uts", i18n.T("host name", "호스트 이름"),
		i18n.T("a new UTS namespace: the container has its own host name; setting it changed nothing on the host",
			"새 UTS 네임스페이스: 컨테이너는 자기만의 호스트 이름을 가집니다. 이름을 바꿔도 호스트는 그대로입니다"),
		host["uts"], 0, in["uts"], 0)
	add("pid", i18n.T("processes (PID and name)", "프로세스 (PID와 이름)"),
		i18n.T("a new PID namespace: numbering starts again at 1, and host processes are invisible. Here PID 1 is the container's command itself (the probe's sh, run with --no-init, as runc does); the kernel drops every signal PID 1 has no handler for, so Ctrl-C does not stop sleep there. By default 'container run' puts sysdojo's init at PID 1, which reaps orphans and passes signals on to your command (PID 2), as docker run --init does",
			"새 PID 네임스페이스: 번호가 1부터 다시 시작하고, 호스트의 프로세스는 보이지 않습니다. 여기서 1번은 컨테이너의 명령 자신입니다 (탐색용 sh를 runc처럼 --no-init으로 실행했습니다). 커널은 1번 프로세스에 핸들러가 없는 시그널을 모두 버리므로, 그 자리의 sleep은 Ctrl-C로 멈추지 않습니다. 'container run'은 기본으로 sysdojo의 init을 1번에 두는데, docker run --init처럼 고아 프로세스를 거두고 시그널을 명령(2번)에 전달합니다"),
		host["pid"], 6, in["pid"], 0)
	add("mnt", i18n.T("mount table", "마운트 테이블"),
		i18n.T("a new mount namespace and pivot_root: / is an overlay of the rootfs (writes go to a throw-away layer), with its own /proc, /dev and a read-only /sys",
			"새 마운트 네임스페이스와 pivot_root: /는 rootfs 위의 overlay이고 (쓰기는 버려지는 층으로 갑니다), /proc, /dev, 읽기 전용 /sys를 따로 가집니다"),
		mountPoints(host["mnt"]), 6, mountPoints(in["mnt"]), 8)
	add("net", i18n.T("network interfaces", "네트워크 인터페이스"),
		i18n.T("a new network namespace: only the loopback interface lo, and it is up; no route out",
			"새 네트워크 네임스페이스: 루프백 lo 하나뿐이고 켜져 있습니다. 밖으로 나가는 경로는 없습니다"),
		ifaces(host["net"]), 0, ifaces(in["net"]), 0)
	add("ipc", i18n.T("System V IPC objects (shm, msg, sem)", "System V IPC 객체 (shm, msg, sem)"),
		i18n.T("a new IPC namespace: shared memory, queues and semaphores of the host are not there",
			"새 IPC 네임스페이스: 호스트의 공유 메모리, 메시지 큐, 세마포어가 보이지 않습니다"),
		ipcCount(host["ipc"]), 0, ipcCount(in["ipc"]), 0)
	cgIn := in["cgroup"]
	add("cgroup", i18n.T("cgroup (and limits)", "cgroup (과 제한)"),
		i18n.T("a new cgroup namespace: the container's own cgroup looks like the root /; on the host it is a directory where the memory and pids limits are written",
			"새 cgroup 네임스페이스: 컨테이너에게는 자기 cgroup이 루트 /로 보입니다. 호스트에서는 메모리와 프로세스 수 제한이 적힌 디렉터리입니다"),
		cgHost, 0, cgIn, 4).HostNote = i18n.T("limits: memory %d MiB, pids %d", "제한: 메모리 %d MiB, 프로세스 %d개").F(ExplainLimits.Memory>>20, ExplainLimits.Pids)
	hc, _ := DecodeCaps(statusField(host["caps"], "CapEff"))
	cc, _ := DecodeCaps(statusField(in["caps"], "CapEff"))
	add("caps", i18n.T("capabilities of root, and no_new_privs", "root의 capability와 no_new_privs"),
		i18n.T("root inside keeps a small set: no cap_sys_admin (no mount, no sethostname), no cap_net_admin, no cap_sys_module; no_new_privs=1 stops setuid programs from gaining more",
			"안의 root는 작은 집합만 가집니다: cap_sys_admin(마운트, 호스트 이름 변경), cap_net_admin, cap_sys_module이 없습니다. no_new_privs=1이라 setuid 프로그램도 권한을 더 얻지 못합니다"),
		[]string{"no_new_privs=" + statusField(host["caps"], "NoNewPrivs")}, 0,
		append(chunk(fmt.Sprintf("%d:", len(cc)), trimCaps(cc), 36), "no_new_privs="+statusField(in["caps"], "NoNewPrivs")), 0).HostNote = i18n.T("%d capabilities", "capability %d개").F(len(hc))
	add("root", i18n.T("root directory /", "루트 디렉터리 /"),
		i18n.T("pivot_root made the rootfs the new /; the host's / was detached, so no path leads back (a chroot could be climbed out of)",
			"pivot_root로 rootfs가 새 /가 되었고 호스트의 /는 떼어 냈으므로 되돌아갈 경로가 없습니다 (chroot라면 빠져나갈 수 있습니다)"),
		hostRoot(), 10, in["root"], 10)
	return ex, nil
}

func sections(s string) map[string][]string {
	m := map[string][]string{}
	cur := ""
	sc := bufio.NewScanner(strings.NewReader(s))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if strings.HasPrefix(l, "@") && !strings.Contains(l, " ") {
			cur = l[1:]
			m[cur] = []string{}
			continue
		}
		if cur != "" {
			m[cur] = append(m[cur], l)
		}
	}
	return m
}

func hostProbes() map[string][]string {
	m := map[string][]string{}
	h, _ := os.Hostname()
	m["uts"] = []string{h}
	ents, _ := os.ReadDir("/proc")
	var pids []int
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			pids = append(pids, n)
		}
	}
	sort.Ints(pids)
	for _, p := range pids {
		b, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", p))
		m["pid"] = append(m["pid"], fmt.Sprintf("%d %s", p, strings.TrimSpace(string(b))))
	}
	for k, f := range map[string][]string{"mnt": {"/proc/self/mounts"}, "net": {"/proc/net/dev"},
		"ipc": {"/proc/sysvipc/shm", "/proc/sysvipc/msg", "/proc/sysvipc/sem"}, "caps": {"/proc/self/status"}} {
		for _, p := range f {
			b, _ := os.ReadFile(p)
			m[k] = append(m[k], strings.Split(strings.TrimSpace(string(b)), "\n")...)
		}
	}
	return m
}

func mountPoints(l []string) []string {
	var out []string
	for _, m := range l {
		f := strings.Fields(m)
		if len(f) >= 3 {
			out = append(out, unescapeMount(f[1])+" ("+f[2]+")")
		}
	}
	return out
}

func ifaces(l []string) []string {
	var out []string
	for _, x := range l {
		if name, _, ok := strings.Cut(x, ":"); ok && !strings.Contains(name, "|") {
			out = append(out, strings.TrimSpace(name))
		}
	}
	return out
}

func ipcCount(l []string) []string {
	n := 0
	for _, x := range l {
		x = strings.TrimSpace(x)
		if x != "" && !strings.HasPrefix(x, "key") {
			n++
		}
	}
	return []string{fmt.Sprintf("%d objects", n)}
}

func statusField(l []string, k string) string {
	for _, x := range l {
		if v, ok := strings.CutPrefix(x, k+":"); ok {
			return strings.TrimSpace(v)
		}
	}
	return "?"
}

func trimCaps(c []string) []string {
	out := make([]string, len(c))
	for i, x := range c {
		out[i] = strings.TrimPrefix(x, "cap_")
	}
	return out
}

func hostRoot() []string {
	ents, _ := os.ReadDir("/")
	var out []string
	for _, e := range ents {
		out = append(out, filepath.Join("/", e.Name()))
	}
	return out
}

// chunk joins words into lines of at most width characters, the first
// starting with head.
func chunk(head string, words []string, width int) []string {
	var out []string
	line := head
	for _, w := range words {
		if len(line)+1+len(w) > width {
			out = append(out, line)
			line = " "
		}
		line += " " + w
	}
	return append(out, line)
}
