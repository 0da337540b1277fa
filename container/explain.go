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

	"github.com/sysdojo/sysdojo/internal/i18n"
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
echo @dev; for f in /dev/*; do [ -c "$f" ] || [ -b "$f" ] && echo "$f"; done
`

// initProbe runs under --init: the processes as PID 1's side sees them.
const initProbe = `for p in /proc/[0-9]*; do echo "${p#/proc/} $(cat $p/comm 2>/dev/null)"; done`

// ExplainLimits are the limits the explained container is given, so that
// its cgroup has something to show; the pids limit is the default one.
var ExplainLimits = Limits{Memory: 64 << 20}

// Explain runs probes in a fresh container on rootfs (which needs sh and
// cat) and the same probes on the host, and returns them side by side.
// initExe is the program --init runs as PID 1 ("" for this one); when it
// cannot run in a container (a dynamically linked build), the --init side
// says so.
func Explain(rootfs, initExe string) (*Explanation, error) {
	var out, errb bytes.Buffer
	// The probe is PID 1 itself, as docker run makes it: the namespace's
	// first process, as the kernel numbers it.
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
		i18n.T("a new PID namespace: numbering starts again at 1, and host processes are invisible. PID 1 is the container's command itself (here the probe's sh), as with docker run",
			"새 PID 네임스페이스: 번호가 1부터 다시 시작하고, 호스트의 프로세스는 보이지 않습니다. docker run처럼 1번은 컨테이너의 명령 자신입니다 (여기서는 탐색용 sh)"),
		host["pid"], 6, in["pid"], 0)
	hostInit := []string{}
	if len(host["pid"]) > 0 {
		hostInit = host["pid"][:1]
	}
	withInit := []string{"--init:"}
	var ib bytes.Buffer
	if _, err := Run(Config{Rootfs: rootfs, Args: []string{"/bin/sh", "-c", initProbe}, Init: true, Exe: initExe,
		Hostname: "sysdojo-explain", Stdout: &ib, Stderr: &ib}); err != nil {
		withInit = append(withInit, "("+i18n.Message(err, i18n.EN)+")")
	} else {
		withInit = append(withInit, strings.Split(strings.TrimSpace(ib.String()), "\n")...)
	}
	first := []string{}
	if len(in["pid"]) > 0 {
		first = in["pid"][:1]
	}
	add("init", i18n.T("PID 1, without and with --init", "1번 프로세스, --init 없이와 함께"),
		i18n.T("the kernel treats a namespace's PID 1 like the machine's init: it must reap orphaned processes, and it gets no signal it has no handler for (Ctrl-C does not stop sleep as PID 1). --init, as docker run --init, puts sysdojo-init there: it reaps orphans, passes signals on to your command and exits with its status",
			"커널은 네임스페이스의 1번을 컴퓨터 전체의 init처럼 다룹니다. 1번은 부모를 잃은 프로세스를 거둬야 하고, 핸들러가 없는 시그널은 받지 않습니다 (1번인 sleep은 Ctrl-C로 안 멈춥니다). docker run --init처럼 --init을 주면 sysdojo-init이 1번을 맡아 고아 프로세스를 거두고, 시그널을 명령에 전달하고, 명령의 종료 코드로 끝납니다"),
		hostInit, 0, append(append([]string{"docker run:"}, first...), withInit...), 0)
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
		cgHost, 0, cgIn, 4).HostNote = i18n.T("limits: %d MiB, pids %d (default)", "제한: %d MiB, 프로세스 %d개(기본)").F(ExplainLimits.Memory>>20, res.Limits.Pids)
	hc, _ := DecodeCaps(statusField(host["caps"], "CapEff"))
	cc, _ := DecodeCaps(statusField(in["caps"], "CapEff"))
	add("caps", i18n.T("capabilities of root, and no_new_privs", "root의 capability와 no_new_privs"),
		i18n.T("root inside keeps a small set: no cap_sys_admin (no mount, no sethostname), no cap_net_admin, no cap_sys_module; no_new_privs=1 stops setuid programs from gaining more",
			"안의 root는 작은 집합만 가집니다: cap_sys_admin(마운트, 호스트 이름 변경), cap_net_admin, cap_sys_module이 없습니다. no_new_privs=1이라 setuid 프로그램도 권한을 더 얻지 못합니다"),
		[]string{"no_new_privs=" + statusField(host["caps"], "NoNewPrivs")}, 0,
		append(chunk(fmt.Sprintf("%d:", len(cc)), trimCaps(cc), 36), "no_new_privs="+statusField(in["caps"], "NoNewPrivs")), 0).HostNote = i18n.T("%d capabilities", "capability %d개").F(len(hc))
	var allowed []string
	for _, d := range DefaultDevices {
		if d.Path != "" {
			allowed = append(allowed, strings.TrimPrefix(d.Path, "/dev/"))
		}
	}
	add("dev", i18n.T("device nodes, and which may be opened", "장치 노드와 열 수 있는 장치"),
		DevicesWhy, []string{fmt.Sprintf("%d nodes in /dev", len(hostDevices()))}, 0,
		append(append([]string{fmt.Sprintf("%d nodes in /dev", len(in["dev"]))}, chunk("open:", allowed, 36)...), "mknod: not allowed (no cap_mknod)"), 0).HostNote =
		i18n.T("root opens any", "root는 무엇이든 엶")
	var refused []string
	if prof, err := NewSeccomp(DefaultCaps); err == nil {
		for _, g := range prof.Groups() {
			refused = append(refused, g.ID)
		}
	}
	add("seccomp", i18n.T("system call filter (seccomp)", "시스템 콜 필터 (seccomp)"),
		i18n.T("a filter in the spirit of Docker's default profile answers these groups of system calls with an error before the kernel runs them: no new namespaces (unshare -Urm), no mount, no keyctl, bpf or kexec, ... Nothing else changes for ordinary programs. --security-opt seccomp=unconfined turns it off, to show why it is there",
			"Docker 기본 프로파일과 같은 취지의 필터가 이 시스템 콜 묶음들을 커널이 실행하기 전에 오류로 돌려보냅니다: 새 네임스페이스(unshare -Urm), mount, keyctl, bpf, kexec 등. 평범한 프로그램에는 달라지는 것이 없습니다. --security-opt seccomp=unconfined로 끄면 왜 필요한지 직접 볼 수 있습니다"),
		[]string{"Seccomp: " + statusField(host["caps"], "Seccomp")}, 0,
		append([]string{"Seccomp: " + statusField(in["caps"], "Seccomp")}, chunk(fmt.Sprintf("%d refused:", len(refused)), refused, 36)...), 0).HostNote =
		i18n.T("0: no filter, 2: a filter", "0: 필터 없음, 2: 필터 있음")
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

// hostDevices lists the device nodes in the host's /dev.
func hostDevices() []string {
	ents, _ := os.ReadDir("/dev")
	var out []string
	for _, e := range ents {
		if e.Type()&(os.ModeDevice|os.ModeCharDevice) != 0 {
			out = append(out, "/dev/"+e.Name())
		}
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
