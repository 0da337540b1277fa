package container

import (
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Hooks are what the lifecycle commands (run -d, -v, -p, --net bridge)
// add to a run: options only, never changed by Run. A nil *Hooks adds
// nothing.
type Hooks struct {
	ID       string   // the container's ID (default: a new one)
	Detached bool     // keep the state after the command exits, for ps -a and logs
	Volumes  []Volume // host directories bound inside
	Bridge   *Bridge  // --net bridge: a veth pair between host and container
	Ports    []Port   // host 127.0.0.1 ports forwarded into the container
	Log      string   // where the command's output goes (detached)
	// OnStart is called once the command runs, with what ps would show.
	OnStart func(*Info)
}

// lifecycle is one run's share of the lifecycle: its Hooks, and what it
// holds on the host for them (listeners, forwarders, the veth). Run calls
// it at a few fixed points: after checking the config (prepare), once the
// container's first process is started and the state is written
// (attach), when the command runs (startFunc) and when Run returns
// (finish). Its methods do nothing when it has no Hooks.
type lifecycle struct {
	h       *Hooks
	mu      sync.Mutex
	lis     []net.Listener
	fwd     *forwarder
	veth    string
	extra   *Extra
	dir     string
	state   *State
	stopped bool
	cid     string // the ID, once chosen
	resolv  string // the container's resolv.conf on the host (bridge)
	hosts   string // its /etc/hosts on the host (bridge)
	host    string // its host name
}

func newLifecycle(h *Hooks) *lifecycle { return &lifecycle{h: h} }

// active reports whether there are hooks at all.
func (l *lifecycle) active() bool { return l.h != nil }

// needsGoAhead reports whether host-side work (a bridged network) must be
// done between the container's start and its command's.
func (l *lifecycle) needsGoAhead() bool { return l.h != nil && l.h.Bridge != nil }

// Extra is what the lifecycle keeps beside a container's state.json (in
// lifecycle.json): the start times that tell its processes from a reused
// PID, and its limits, volumes, network and ports.
type Extra struct {
	InitPID   int         `json:"init_pid,omitempty"` // init's PID on the host (state.json's, when 0)
	InitStart uint64      `json:"init_start,omitempty"`
	CmdPID    int         `json:"cmd_pid,omitempty"` // the command's PID on the host
	CmdStart  uint64      `json:"cmd_start,omitempty"`
	Limits    Limits      `json:"limits"`
	Log       string      `json:"log,omitempty"`
	Volumes   []Volume    `json:"volumes,omitempty"`
	Ports     []Port      `json:"ports,omitempty"`
	Net       *BridgeInfo `json:"net,omitempty"`
}

const extraFile = "lifecycle.json"

// LogDir is where detached containers' output is kept (beside the state root).
func LogDir(stateRoot string) string {
	if stateRoot == "" {
		stateRoot = defaultStateRoot()
	}
	return filepath.Join(filepath.Dir(stateRoot), "logs")
}

func (l *lifecycle) detached() bool { return l.h != nil && l.h.Detached }

// extraDisposable reports whether GC needs nothing of lifecycle.json to
// clean up after the run: no detached log, no network.
func (l *lifecycle) extraDisposable() bool {
	h := l.h
	return h != nil && !h.Detached && h.Log == "" && h.Bridge == nil
}

func (l *lifecycle) id() string {
	if l.cid == "" {
		l.cid = newID()
		if l.h != nil && l.h.ID != "" {
			l.cid = l.h.ID
		}
	}
	return l.cid
}

// prepare checks the volumes and takes the host ports, before anything
// else is made: a port in use or a missing directory leaves nothing behind.
func (l *lifecycle) prepare(cfg *Config, ic *initConfig) error {
	h := l.h
	if h == nil {
		return nil
	}
	for _, v := range h.Volumes {
		if err := v.check(); err != nil {
			return err
		}
		if ic.Rootfs != "" {
			target, err := inRoot(ic.Rootfs, v.Container)
			if err != nil {
				return invalidErr(i18n.T("volume %s: bad container path", "볼륨 %s: 잘못된 컨테이너 경로").F(v.String()), err)
			}
			for _, k := range []string{"/proc", "/sys", "/dev"} {
				if target == k || strings.HasPrefix(target, k+"/") {
					return i18n.Invalid(i18n.T("volume %s: the container path leads to %s, which belongs to the kernel's view of the container",
						"볼륨 %s: 컨테이너 경로가 %s로 이어지는데, 그곳은 커널이 컨테이너에 보여 주는 영역입니다").F(v.String(), k))
				}
			}
			v.Container = target
		}
		ic.Mounts = append(ic.Mounts, v)
	}
	if h.Bridge != nil && !ic.NewNet {
		return i18n.Invalid(i18n.T("--net bridge and --net host cannot go together", "--net bridge와 --net host는 함께 쓸 수 없습니다"))
	}
	if len(h.Ports) > 0 && !ic.NewNet {
		return i18n.Invalid(i18n.T("-p needs the container's own network (--net none or bridge); with --net host its ports are the host's already",
			"-p는 컨테이너 자신의 네트워크(--net none이나 bridge)에서만 씁니다. --net host에서는 포트가 이미 호스트의 것입니다"))
	}
	if h.Bridge != nil && ic.Rootfs != "" && !Rootless() { // (rootless, a bridge is refused later)
		// The container's resolvers, bound over its /etc/resolv.conf
		// (where that leads, inside the rootfs).
		target, err := inRoot(ic.Rootfs, "/etc/resolv.conf")
		if err != nil {
			return invalidErr(i18n.T("the rootfs's /etc/resolv.conf leads nowhere usable", "rootfs의 /etc/resolv.conf가 쓸 수 없는 곳을 가리킵니다"), err)
		}
		p, err := writeResolvConf(l.id(), h.Bridge.DNS)
		if err != nil {
			return i18n.Failed(i18n.T("cannot write the container's resolv.conf", "컨테이너의 resolv.conf를 쓸 수 없습니다"), err)
		}
		l.resolv = p
		ic.Mounts = append(ic.Mounts, Volume{Host: p, Container: target})
		// Its /etc/hosts: localhost and, once the address is known
		// (attach), its own name.
		if target, err = inRoot(ic.Rootfs, "/etc/hosts"); err != nil {
			return invalidErr(i18n.T("the rootfs's /etc/hosts leads nowhere usable", "rootfs의 /etc/hosts가 쓸 수 없는 곳을 가리킵니다"), err)
		}
		l.host = ic.Hostname
		if p, err = writeHosts(l.id(), l.host, ""); err != nil {
			return i18n.Failed(i18n.T("cannot write the container's /etc/hosts", "컨테이너의 /etc/hosts를 쓸 수 없습니다"), err)
		}
		l.hosts = p
		ic.Mounts = append(ic.Mounts, Volume{Host: p, Container: target})
	}
	for _, p := range h.Ports {
		lis, err := listenPort(p.Host)
		if err != nil {
			l.finish()
			return err
		}
		l.lis = append(l.lis, lis)
	}
	return nil
}

// attach runs once init (host PID pid) exists in its namespaces and the
// state is written: the network and the port forwarders.
func (l *lifecycle) attach(dir string, st *State, pid int, lim Limits) error {
	h := l.h
	if h == nil {
		return nil
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.dir, l.state = dir, st
	x := &Extra{Limits: lim, Log: h.Log, Volumes: h.Volumes, Ports: h.Ports}
	x.InitPID = pid
	x.InitStart, _ = procStart(pid)
	l.extra = x
	if err := writeExtra(dir, x); err != nil {
		return i18n.Failed(i18n.T("cannot write the container's state", "컨테이너 상태를 기록할 수 없습니다"), err)
	}
	target := "127.0.0.1"
	if h.Bridge != nil {
		info, err := h.Bridge.setup(st.ID, st.Name, l.host, pid)
		if info != nil {
			l.veth = info.HostIf
		}
		if err != nil {
			return err
		}
		x.Net = info
		target = info.ContainerIP
		// (Its /etc/hosts, and the other containers', were rewritten in
		// place by setup: each sees its file through its bind mount.)
		if err := writeExtra(dir, x); err != nil {
			return i18n.Failed(i18n.T("cannot write the container's state", "컨테이너 상태를 기록할 수 없습니다"), err)
		}
	}
	if len(l.lis) > 0 {
		f, err := newForwarder(pid, target, l.lis, h.Ports)
		if err != nil {
			return err
		}
		l.fwd = f
	}
	return nil
}

// startFunc returns what Run calls when the command runs (its PID inside).
func (l *lifecycle) startFunc() func(int) {
	h := l.h
	if h == nil {
		return nil
	}
	return func(inner int) {
		l.mu.Lock()
		x, st, dir := l.extra, l.state, l.dir
		if x != nil && st != nil {
			if p := commandPID(st.InitPID, inner); p > 0 {
				x.CmdPID = p
				x.CmdStart, _ = procStart(p)
			}
			writeExtra(dir, x)
		}
		l.mu.Unlock()
		if h.OnStart != nil && st != nil {
			h.OnStart(&Info{ID: st.ID, Name: st.Name, PID: st.InitPID, Status: "running", Command: st.Command,
				Created: st.Created, Detached: h.Detached})
		}
	}
}

// finish stops the forwarders and removes the host end of the network.
func (l *lifecycle) finish() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.stopped {
		return
	}
	l.stopped = true
	if l.fwd != nil {
		l.fwd.close()
	}
	for _, lis := range l.lis {
		lis.Close()
	}
	if l.veth != "" {
		deleteLink(l.veth)
	}
	if l.h != nil && l.h.Bridge != nil && l.state != nil {
		natRemove(l.state.ID)
	}
	if l.resolv != "" {
		os.Remove(l.resolv)
	}
	if l.hosts != "" {
		os.Remove(l.hosts)
	}
}

func writeExtra(dir string, x *Extra) error {
	b, err := json.MarshalIndent(x, "", "  ")
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, ".lifecycle.json.tmp")
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, extraFile))
}

func readExtra(dir string) *Extra {
	b, err := os.ReadFile(filepath.Join(dir, extraFile))
	if err != nil {
		return nil
	}
	var x Extra
	if json.Unmarshal(b, &x) != nil {
		return nil
	}
	return &x
}

// commandPID finds the host PID of the command, whose PID inside the
// container is inner: init's child, or init itself when inner is 1
// (no --init); with inner 0, init's first child.
func commandPID(initPID, inner int) int {
	if inner == 1 { // the first process is the command
		return initPID
	}
	// (Any thread of init may have started it: children are per thread.)
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", initPID))
	var kids []string
	for _, t := range tasks {
		if b, err := os.ReadFile(t); err == nil {
			kids = append(kids, strings.Fields(string(b))...)
		}
	}
	for _, f := range kids {
		pid, _ := strconv.Atoi(f)
		if inner <= 0 {
			return pid
		}
		s, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(s), "\n") {
			if rest, ok := strings.CutPrefix(l, "NSpid:"); ok {
				ids := strings.Fields(rest)
				if len(ids) > 0 && ids[len(ids)-1] == strconv.Itoa(inner) {
					return pid
				}
			}
		}
	}
	return 0
}

// Info is one container as ps shows it.
type Info struct {
	ID       string      `json:"id"`
	Name     string      `json:"name"`
	PID      int         `json:"pid"` // its init (PID 1 inside) on the host; 0 once exited
	Status   string      `json:"status"`
	ExitCode *int        `json:"exit_code"` // null while running, or when nobody saw it end
	Command  []string    `json:"command"`
	Rootfs   string      `json:"rootfs"`
	Image    string      `json:"image,omitempty"` // the pulled image it runs, if any
	Created  time.Time   `json:"created"`
	Detached bool        `json:"detached"`
	Limits   Limits      `json:"limits"`
	Ports    []Port      `json:"ports,omitempty"`
	Volumes  []Volume    `json:"volumes,omitempty"`
	Net      *BridgeInfo `json:"net,omitempty"`
	Log      string      `json:"log,omitempty"`

	dir   string
	state *State
	extra *Extra
}

// Running reports whether the container still runs.
func (i *Info) Running() bool { return i.Status == "running" }

// running reports whether the container's processes still run: its init
// (by PID and start time, so a reused PID is not mistaken for it), or,
// without that record, the runtime that owns it.
func running(s *State, x *Extra) bool {
	if s.Status == "exited" {
		return false
	}
	if x != nil && x.InitStart != 0 && s.InitPID > 0 {
		st, err := procStart(s.InitPID)
		return err == nil && st == x.InitStart
	}
	return runtimeAlive(s)
}

// runtimeAlive reports whether the runtime that owns s still runs: its
// PID with the recorded start time, and not a zombie (a detached
// container's monitor is reaped by whoever adopted it, maybe late).
func runtimeAlive(s *State) bool {
	if !s.alive() {
		return false
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(s.RuntimePID) + "/stat")
	if err != nil {
		return false
	}
	if i := strings.LastIndexByte(string(b), ')'); i >= 0 && i+2 < len(b) {
		return b[i+2] != 'Z' && b[i+2] != 'X'
	}
	return true
}

func info(dir string, s *State) *Info {
	x := readExtra(dir)
	if x != nil && s.InitPID == 0 {
		s.InitPID = x.InitPID
	}
	in := &Info{ID: s.ID, Name: s.Name, Command: s.Command, Rootfs: s.Rootfs, Image: s.Image, Created: s.Created, Detached: s.Detached,
		dir: dir, state: s, extra: x}
	if x != nil {
		in.Limits, in.Ports, in.Volumes, in.Net, in.Log = x.Limits, x.Ports, x.Volumes, x.Net, x.Log
	}
	switch {
	case running(s, x):
		in.Status, in.PID = "running", s.InitPID
	case s.Status == "exited":
		code := s.ExitCode
		in.Status, in.ExitCode = "exited", &code
	default:
		// It died and nobody recorded how: its runtime was killed.
		in.Status = "exited"
	}
	return in
}

// Containers lists the containers under root (DefaultStateRoot when ""),
// oldest first; with all false only the running ones.
func Containers(root string, all bool) ([]*Info, error) {
	dirs, err := stateDirs(root)
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot list the containers", "컨테이너 목록을 읽을 수 없습니다"), err)
	}
	out := []*Info{}
	for _, dir := range dirs {
		s, err := ReadState(dir)
		if err != nil {
			continue
		}
		in := info(dir, s)
		if all || in.Running() {
			out = append(out, in)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.Before(out[j].Created) })
	return out, nil
}

// Find returns the container called name (or with that ID).
func Find(root, name string) (*Info, error) {
	if name == "" {
		return nil, i18n.Invalid(i18n.T("no container name given", "컨테이너 이름이 없습니다"))
	}
	all, err := Containers(root, true)
	if err != nil {
		return nil, err
	}
	for _, in := range all {
		if in.Name == name {
			return in, nil
		}
	}
	for _, in := range all {
		if in.ID == name {
			return in, nil
		}
	}
	return nil, i18n.Invalid(i18n.T("no container named %q (see 'sysdojo container ps -a')",
		"%q라는 컨테이너가 없습니다 ('sysdojo container ps -a'로 확인하세요)").F(name))
}

// nameTaken reports whether a container (running, or detached and not yet
// removed) already has name.
func nameTaken(root, name string) bool {
	all, _ := Containers(root, true)
	for _, in := range all {
		if in.Name == name && (in.Running() || in.Detached || in.state.Keep) {
			return true
		}
	}
	return false
}

var nameLeft = []string{"brave", "calm", "eager", "fuzzy", "gentle", "happy", "jolly", "keen", "lucky",
	"merry", "nimble", "proud", "quiet", "rapid", "shiny", "sunny", "tidy", "witty", "young", "zesty"}
var nameRight = []string{"badger", "crane", "dolphin", "falcon", "gecko", "heron", "ibis", "koala", "lynx",
	"magpie", "newt", "otter", "panda", "quokka", "raven", "seal", "tiger", "walrus", "yak", "zebra"}

// NewName makes a name no container under root has, like "brave-otter".
func NewName(root string) string {
	for i := 0; i < 50; i++ {
		b := []byte(newID())
		n := nameLeft[int(b[0]+b[1])%len(nameLeft)] + "-" + nameRight[int(b[2]+b[3])%len(nameRight)]
		if i >= 20 {
			n += "-" + string(b[4:8])
		}
		if !nameTaken(root, n) {
			return n
		}
	}
	return newID()
}

// Stop ends a running container: SIGTERM to its PID 1 (which passes it
// on to the command), SIGKILL to it once grace has passed (which ends every
// process in the container). It waits until the runtime has recorded the
// end. It reports whether the container was running.
func Stop(root, name string, grace time.Duration) (bool, error) {
	in, err := Find(root, name)
	if err != nil {
		return false, err
	}
	if !in.Running() {
		return false, nil
	}
	stop(in, grace)
	return true, nil
}

func stop(in *Info, grace time.Duration) {
	pid := in.state.InitPID
	if grace > 0 {
		syscall.Kill(pid, syscall.SIGTERM)
		deadline := time.Now().Add(grace)
		for time.Now().Before(deadline) && running(in.state, in.extra) {
			time.Sleep(10 * time.Millisecond)
		}
	}
	if running(in.state, in.extra) {
		syscall.Kill(pid, syscall.SIGKILL)
	}
	// The runtime notices, removes the cgroup and writes down the exit.
	for i := 0; i < 500 && runtimeAlive(in.state); i++ {
		if s, err := ReadState(in.dir); err != nil || s.Status == "exited" {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Remove deletes a container that is not running (with force, it stops it
// first, at once): its state, log, cgroups and network pieces.
func Remove(root, name string, force bool) ([]Collected, error) {
	in, err := Find(root, name)
	if err != nil {
		return nil, err
	}
	if in.Running() {
		if !force {
			return nil, i18n.Failed(i18n.T("container %q is running: stop it first ('sysdojo container stop %s') or use rm -f",
				"컨테이너 %q가 실행 중입니다: 먼저 멈추거나('sysdojo container stop %s') rm -f를 쓰세요").F(in.Name, in.Name), nil)
		}
		stop(in, 0)
	}
	// Let the runtime finish its own cleanup first.
	for i := 0; i < 500 && runtimeAlive(in.state); i++ {
		time.Sleep(10 * time.Millisecond)
	}
	if runtimeAlive(in.state) {
		syscall.Kill(in.state.RuntimePID, syscall.SIGKILL)
		time.Sleep(20 * time.Millisecond)
	}
	return removeAll(in.dir, in.state, in.extra)
}

func removeAll(dir string, s *State, x *Extra) ([]Collected, error) {
	var out []Collected
	if x != nil && x.Net != nil && linkExists(x.Net.HostIf) {
		if err := deleteLink(x.Net.HostIf); err == nil {
			out = append(out, Collected{ID: s.ID, What: "veth", Path: x.Net.HostIf})
		}
	}
	if x != nil && x.Net != nil {
		if n, err := natRemove(s.ID); err == nil && n > 0 {
			out = append(out, Collected{ID: s.ID, What: "nat", Path: NATTable})
		}
	}
	for what, p := range netFiles(s.ID) {
		if os.Remove(p) == nil {
			out = append(out, Collected{ID: s.ID, What: what, Path: p})
		}
	}
	if x != nil && x.Log != "" {
		if err := os.Remove(x.Log); err == nil {
			out = append(out, Collected{ID: s.ID, What: "log", Path: x.Log})
		}
	}
	got, err := collect(dir, s)
	out = append(out, got...)
	return out, err
}

// GCAll is GC plus what the lifecycle adds: the veths and logs of
// containers whose runtime died, and logs whose container is gone. (A veth
// pair also goes by itself when its container's network namespace ends.)
func GCAll(root string) ([]Collected, error) {
	if root == "" {
		root = defaultStateRoot()
	}
	// Containers whose runtime died: their network pieces and logs go too.
	var out []Collected
	var first error
	dirs, _ := stateDirs(root)
	for _, dir := range dirs {
		s, err := ReadState(dir)
		if err != nil || runtimeAlive(s) || (s.Status == "exited" && (s.Keep || s.Detached)) {
			continue
		}
		got, err := removeAll(dir, s, readExtra(dir))
		out = append(out, got...)
		if err != nil && first == nil {
			first = err
		}
	}
	got, err := GC(root)
	out = append(out, got...)
	if err != nil && first == nil {
		first = err
	}
	// NAT rules whose container's veth is gone (whatever state root it
	// had), and forwarding sysdojo switched on for nobody.
	got, err = gcNAT()
	out = append(out, got...)
	if err != nil && first == nil {
		first = err
	}
	live := map[string]bool{}
	if ents, err := os.ReadDir(root); err == nil {
		for _, e := range ents {
			live[e.Name()] = true
		}
	}
	if ents, err := os.ReadDir(LogDir(root)); err == nil {
		for _, e := range ents {
			id := strings.TrimSuffix(e.Name(), ".log")
			if live[id] {
				continue
			}
			p := filepath.Join(LogDir(root), e.Name())
			if fi, err := e.Info(); err == nil && time.Since(fi.ModTime()) < 30*time.Second {
				continue // a container that is starting
			}
			if err := os.Remove(p); err == nil {
				out = append(out, Collected{ID: id, What: "log", Path: p})
			}
		}
	}
	return out, first
}
