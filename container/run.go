package container

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"

	"golang.org/x/sys/unix"

	"sysdojo/internal/i18n"
	"sysdojo/internal/sysinfo"
)

// Config is one container to run.
type Config struct {
	Rootfs   string   // the root filesystem (never modified)
	Name     string   // optional; unique among running containers
	Hostname string   // default: Name, else "sysdojo"
	Args     []string // the command and its arguments
	Env      []string // K=V added to (or replacing) the default environment
	Dir      string   // working directory inside; default "/"
	Net      string   // "none" (default: a new network namespace with lo) or "host"
	User     string   // UID[:GID] or a name from the rootfs's /etc/passwd; default root
	Limits   Limits
	Keep     bool // keep the overlay's upper layer (the container's writes)
	// NoInit makes the command PID 1 itself, as runc does (and docker
	// without --init): then nothing reaps orphans or forwards signals, and
	// the kernel drops every signal PID 1 has no handler for. By default
	// PID 1 is sysdojo's init, which does both; the command is PID 2.
	NoInit bool
	// Dropped, with NoInit, is told of a Ctrl-C (SIGINT) passed on to the
	// command that it has no handler for: the kernel drops it, since the
	// command is PID 1. A second one kills it.
	Dropped func(syscall.Signal)

	Stdin          io.Reader
	Stdout, Stderr io.Writer

	StateRoot string // default DefaultStateRoot
	// CgroupLayout, when set, is used instead of the machine's (read from
	// mountinfo); with a "v2" layout the container always gets a cgroup.
	CgroupLayout *sysinfo.Cgroup
	// Exe is the program re-executed as the container's init; default
	// /proc/self/exe (this program, whose main calls Init).
	Exe string
	// Hooks add the lifecycle's pieces (detached state, volumes, network,
	// ports); see lifecycle.go. nil for none.
	Hooks *Hooks
}

// Result is how a container's run ended.
type Result struct {
	ID       string      `json:"id"`
	Name     string      `json:"name"`
	ExitCode int         `json:"exit_code"`        // the command's, 128+N when killed by signal N
	Signal   int         `json:"signal,omitempty"` // the signal that killed the command
	OOM      bool        `json:"oom_killed"`       // killed at the memory limit
	PidsHit  bool        `json:"pids_limit_hit"`   // a fork was refused at the pids limit
	Stats    CgroupStats `json:"stats"`
	Limits   Limits      `json:"limits"`
	Cgroup   *Cgroup     `json:"cgroup,omitempty"`
	Kept     string      `json:"kept,omitempty"` // the upper layer, with --keep
}

// initConfig is what the parent tells the container's init, as JSON on fd 3.
type initConfig struct {
	Rootfs, Upper, Work, Merged string
	Scratch                     string // where init mounts its tmpfs (for Merged, and Upper and Work when not kept)
	Args                        []string
	Path                        string // the command, resolved inside the rootfs
	Env                         []string
	Dir                         string
	Hostname                    string
	NewNet                      bool
	UID, GID                    uint32
	Tty                         bool
	Caps                        []int
	// The container's cgroup: v1 "tasks" files of the container's and of
	// the runtime's own cgroups (init's forking thread goes in, forks the
	// command, comes back), or the v2 directory (clone3 CLONE_INTO_CGROUP).
	// Either way init itself is not counted by the limits.
	CgroupTasks, HomeTasks []string
	CgroupV2               string
	Mounts                 []Volume // bound in before pivot_root (volume.go)
	NoInit                 bool     // init execs the command: it is PID 1
}

// initStatus is what init tells the parent, as JSON lines on fd 4.
type initStatus struct {
	Started int    `json:"started,omitempty"` // the command runs (its PID inside)
	Exit    *int   `json:"exit,omitempty"`
	Signal  int    `json:"signal,omitempty"`
	Error   string `json:"error,omitempty"`
	Code    int    `json:"code,omitempty"` // exit status to use with Error
}

// ErrNotRoot is returned by Run when it does not run as root.
var ErrNotRoot = &i18n.Error{Kind: i18n.KindFailed,
	Text: i18n.T("running a container needs root: creating namespaces, mounting and pivot_root are privileged",
		"컨테이너 실행에는 root 권한이 필요합니다: 네임스페이스 생성, 마운트, pivot_root는 특권 작업입니다"),
	Hint: i18n.T("run it with sudo, e.g. 'sudo sysdojo container run -- /bin/sh'",
		"sudo를 붙여 실행하세요. 예: 'sudo sysdojo container run -- /bin/sh'")}

const defaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

// prepare checks cfg and resolves everything that can be checked before
// anything is created on the host.
func (cfg *Config) prepare() (*initConfig, error) {
	if cfg.Rootfs == "" {
		return nil, i18n.Invalid(i18n.T("no rootfs given", "rootfs가 주어지지 않았습니다"))
	}
	abs, err := filepath.Abs(cfg.Rootfs)
	if err != nil {
		return nil, invalidErr(i18n.T("bad rootfs %s", "잘못된 rootfs: %s").F(cfg.Rootfs), err)
	}
	real, err := filepath.EvalSymlinks(abs)
	if err != nil {
		return nil, i18n.Invalid(i18n.T("rootfs %s does not exist", "rootfs %s가 없습니다").F(cfg.Rootfs)).WithHint(
			i18n.T("make one with 'sysdojo container rootfs build DIR', or leave out --rootfs", "'sysdojo container rootfs build DIR'로 만들거나 --rootfs를 빼세요"))
	}
	if fi, err := os.Stat(real); err != nil || !fi.IsDir() {
		return nil, i18n.Invalid(i18n.T("rootfs %s is not a directory", "rootfs %s는 디렉터리가 아닙니다").F(cfg.Rootfs))
	}
	if real == "/" {
		return nil, i18n.Invalid(i18n.T("the rootfs cannot be / (the host's own root): a container needs its own root filesystem",
			"rootfs로 /(호스트의 루트)를 쓸 수 없습니다: 컨테이너에는 자기만의 루트 파일시스템이 필요합니다"))
	}
	if strings.Contains(real, "\n") {
		return nil, i18n.Invalid(i18n.T("the rootfs path %q has a line break in it", "rootfs 경로 %q에 줄바꿈 문자가 있습니다").F(real))
	}
	if len(cfg.Args) == 0 || cfg.Args[0] == "" {
		return nil, i18n.Invalid(i18n.T("no command given: say what to run, e.g. 'container run -- /bin/sh'",
			"실행할 명령이 없습니다: 예를 들어 'container run -- /bin/sh'처럼 쓰세요"))
	}
	ic := &initConfig{Rootfs: real, Args: cfg.Args, Dir: "/", Hostname: "sysdojo", NewNet: true, Caps: DefaultCaps, NoInit: cfg.NoInit}
	if cfg.Dir != "" {
		if !filepath.IsAbs(cfg.Dir) {
			return nil, i18n.Invalid(i18n.T("the working directory must be absolute: %q", "작업 디렉터리는 절대 경로여야 합니다: %q").F(cfg.Dir))
		}
		ic.Dir = filepath.Clean(cfg.Dir)
	}
	switch {
	case cfg.Hostname != "":
		ic.Hostname = cfg.Hostname
	case cfg.Name != "":
		ic.Hostname = cfg.Name
	}
	if len(ic.Hostname) > 64 || strings.ContainsAny(ic.Hostname, " /\t\n") {
		return nil, i18n.Invalid(i18n.T("bad host name %q (at most 64 characters, no spaces or /)", "잘못된 호스트 이름입니다: %q (64자 이하, 공백과 / 없이)").F(ic.Hostname))
	}
	if cfg.Name != "" && (len(cfg.Name) > 64 || strings.ContainsAny(cfg.Name, " /\t\n")) {
		return nil, i18n.Invalid(i18n.T("bad container name %q", "잘못된 컨테이너 이름입니다: %q").F(cfg.Name))
	}
	switch cfg.Net {
	case "", "none":
	case "host":
		ic.NewNet = false
	default:
		return nil, i18n.Invalid(i18n.T("unknown network mode %q (use none, host or bridge)", "모르는 네트워크 모드입니다: %q (none, host, bridge 중 하나)").F(cfg.Net))
	}
	env := map[string]string{"PATH": defaultPath, "HOME": "/root", "HOSTNAME": ic.Hostname, "TERM": "xterm"}
	order := []string{"PATH", "HOME", "HOSTNAME", "TERM"}
	if t := os.Getenv("TERM"); t != "" {
		env["TERM"] = t
	}
	for _, kv := range cfg.Env {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || k == "" || strings.ContainsAny(k, " \x00") {
			return nil, i18n.Invalid(i18n.T("bad environment variable %q (use -e KEY=VALUE)", "잘못된 환경 변수입니다: %q (-e KEY=VALUE 형식)").F(kv))
		}
		if _, seen := env[k]; !seen {
			order = append(order, k)
		}
		env[k] = v
	}
	for _, k := range order {
		ic.Env = append(ic.Env, k+"="+env[k])
	}
	if cfg.User != "" {
		uid, gid, err := parseUser(cfg.User, filepath.Join(real, "etc/passwd"))
		if err != nil {
			return nil, err
		}
		ic.UID, ic.GID = uid, gid
	}
	if l := cfg.Limits; l.Memory < 0 || l.Pids < 0 || l.CPUs < 0 {
		return nil, i18n.Invalid(i18n.T("limits cannot be negative", "제한 값은 음수일 수 없습니다"))
	}
	if m := cfg.Limits.Memory; m > 0 && m < 6<<20 {
		return nil, i18n.Invalid(i18n.T("--memory %d bytes is too small (at least 6m: the container's init needs a few MiB)",
			"--memory %d 바이트는 너무 작습니다 (최소 6m: 컨테이너의 init에도 몇 MiB가 필요합니다)").F(m))
	}
	if c := cfg.Limits.CPUs; c > 0 && c < 0.01 {
		return nil, i18n.Invalid(i18n.T("--cpus must be at least 0.01", "--cpus는 0.01 이상이어야 합니다"))
	}
	path, err := lookIn(real, cfg.Args[0], env["PATH"])
	if err != nil {
		return nil, err
	}
	ic.Path = path
	return ic, nil
}

// parseUser reads UID[:GID] or NAME[:GROUP-ID] (a name from the rootfs's
// passwd file).
func parseUser(s, passwd string) (uint32, uint32, error) {
	bad := i18n.Invalid(i18n.T("bad user %q (use UID[:GID] or a user of the rootfs)", "잘못된 사용자입니다: %q (UID[:GID]나 rootfs에 있는 사용자)").F(s))
	u, g, hasG := strings.Cut(s, ":")
	var uid, gid uint64
	var err error
	if uid, err = strconv.ParseUint(u, 10, 32); err != nil {
		b, _ := os.ReadFile(passwd)
		found := false
		for _, l := range strings.Split(string(b), "\n") {
			f := strings.Split(l, ":")
			if len(f) >= 4 && f[0] == u {
				uid, _ = strconv.ParseUint(f[2], 10, 32)
				gid, _ = strconv.ParseUint(f[3], 10, 32)
				found = true
			}
		}
		if !found {
			return 0, 0, bad
		}
	} else {
		gid = uid
	}
	if hasG {
		if gid, err = strconv.ParseUint(g, 10, 32); err != nil {
			return 0, 0, bad
		}
	}
	return uint32(uid), uint32(gid), nil
}

// lookIn finds the command inside the rootfs as exec would after the root
// switch (symbolic links resolved inside root), and returns its path.
func lookIn(root, cmd, pathEnv string) (string, error) {
	notFound := &i18n.Error{Kind: 127, Text: i18n.T("%s: command not found in the rootfs %s", "%s: rootfs %s에 그런 명령이 없습니다").F(cmd, root)}
	candidates := []string{cmd}
	if !strings.Contains(cmd, "/") {
		candidates = nil
		for _, d := range filepath.SplitList(pathEnv) {
			if d != "" {
				candidates = append(candidates, filepath.Join(d, cmd))
			}
		}
	} else if !filepath.IsAbs(cmd) {
		candidates = []string{"/" + cmd}
	}
	rfd, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return "", invalidErr(i18n.T("cannot open the rootfs %s", "rootfs %s를 열 수 없습니다").F(root), err)
	}
	defer unix.Close(rfd)
	denied := ""
	for _, c := range candidates {
		fd, err := unix.Openat2(rfd, strings.TrimPrefix(c, "/"), &unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: unix.RESOLVE_IN_ROOT})
		if err != nil {
			continue
		}
		var st unix.Stat_t
		err = unix.Fstat(fd, &st)
		unix.Close(fd)
		if err == nil && st.Mode&unix.S_IFMT == unix.S_IFREG && st.Mode&0o111 != 0 {
			return c, nil
		}
		if err == nil && denied == "" {
			denied = c
		}
	}
	if denied != "" {
		// There, but not an executable file: 126, as a shell says it.
		return "", &i18n.Error{Kind: 126, Text: i18n.T("%s: permission denied: %s in the rootfs is not an executable file",
			"%s: 권한 거부: rootfs의 %s는 실행할 수 있는 파일이 아닙니다").F(cmd, denied)}
	}
	return "", notFound
}

// Run runs cfg's command in a new container and waits for it. The error is
// about the container (bad input, a failed setup); how the command itself
// ended is in the Result.
func Run(cfg Config) (*Result, error) {
	trace("run", "start")
	defer trace("run", "end")
	if os.Geteuid() != 0 {
		return nil, ErrNotRoot
	}
	ic, err := cfg.prepare()
	if err != nil {
		return nil, err
	}
	if err := cfg.Hooks.prepare(&cfg, ic); err != nil {
		return nil, err
	}
	defer cfg.Hooks.finish()
	stateRoot := cfg.StateRoot
	if stateRoot == "" {
		stateRoot = DefaultStateRoot
	}
	trace("run", "prepared")
	// What killed runs left behind is collected beside this start (it
	// never touches a live run's files), and before Run returns.
	gcDone := make(chan struct{})
	go func() {
		GC(stateRoot)
		close(gcDone)
	}()
	defer func() { <-gcDone }()
	if cfg.Name != "" {
		states, _ := List(stateRoot)
		for _, s := range states {
			if s.Name == cfg.Name && (s.alive() || s.Keep || s.Detached) {
				return nil, i18n.Invalid(i18n.T("a container named %q already exists", "%q라는 이름의 컨테이너가 이미 있습니다").F(cfg.Name))
			}
		}
	}
	id := cfg.Hooks.id()
	name := cfg.Name
	if name == "" {
		name = id
	}
	if err := os.MkdirAll(stateRoot, 0o700); err != nil {
		return nil, i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(stateRoot), err)
	}
	// The overlay and everything under it are mounted on a tmpfs over
	// one shared directory, in the container's own mount namespace only:
	// no per-container mount point on the host, nothing to unmount or
	// remove there afterwards. The writes live in that tmpfs too, and go
	// with it, unless they are to be kept (then on disk, in dir).
	ic.Scratch = filepath.Join(filepath.Dir(stateRoot), "mnt")
	if err := os.MkdirAll(ic.Scratch, 0o700); err != nil {
		return nil, i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(ic.Scratch), err)
	}
	if f, ok := cfg.Stdin.(*os.File); ok && isTTY(f.Fd()) {
		ic.Tty = true
	}

	dir := filepath.Join(stateRoot, id)
	mkdirState := func() error {
		if err := os.Mkdir(dir, 0o700); err != nil {
			return i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(dir), err)
		}
		return nil
	}
	// (With --keep the upper layer goes in dir: it must exist before init
	// starts. Otherwise it is made beside init's start, below.)
	if cfg.Keep {
		if err := mkdirState(); err != nil {
			return nil, err
		}
	}
	st := &State{ID: id, Name: name, Rootfs: ic.Rootfs, Command: cfg.Args, RuntimePID: os.Getpid(),
		Created: time.Now().UTC(), Keep: cfg.Keep, Status: "running"}
	st.Detached = cfg.Hooks.detached()
	kept := false
	defer func() {
		if !kept {
			trace("run", "collecting")
			collect(dir, st)
			trace("run", "collected")
		}
	}()
	if cfg.Keep {
		ic.Upper, ic.Work = filepath.Join(dir, "upper"), filepath.Join(dir, "work")
		for _, d := range []string{ic.Upper, ic.Work} {
			if err := os.Mkdir(d, 0o755); err != nil {
				return nil, i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(d), err)
			}
		}
		var statfs unix.Statfs_t
		if err := unix.Statfs(dir, &statfs); err == nil && statfs.Type == unix.OVERLAYFS_SUPER_MAGIC {
			return nil, i18n.Failed(i18n.T("%s is on overlayfs, which cannot hold an overlay's upper layer", "%s는 overlayfs 위에 있어 overlay의 upper 층을 둘 수 없습니다").F(stateRoot), nil)
		}
	}
	if !cfg.Limits.IsZero() || cfg.CgroupLayout != nil {
		cg, err := planCgroup(cfg.CgroupLayout, id, cfg.Limits)
		if err != nil {
			return nil, err
		}
		st.Cgroup = cg
		if cg.Version == 2 {
			ic.CgroupV2 = cg.V2
		}
		for _, d := range cg.Dirs() {
			if cg.Version == 1 {
				ic.CgroupTasks = append(ic.CgroupTasks, filepath.Join(d, "tasks"))
				ic.HomeTasks = append(ic.HomeTasks, filepath.Join(cg.Home[d], "tasks"))
			}
		}
	}
	trace("run", "cgroup planned")

	// The host side is made ready beside init's start: the state goes
	// down before anything that could be left behind on the host (the
	// cgroup; init's mounts are in its own namespace, and it dies with
	// this runtime), then the cgroup. Init's PID is added to the state
	// once known.
	hostReady := make(chan error, 1)
	first := *st
	go func() {
		if !cfg.Keep {
			if err := mkdirState(); err != nil {
				hostReady <- err
				return
			}
		}
		first.RuntimeStart, _ = procStart(os.Getpid())
		if err := writeState(dir, &first); err != nil {
			hostReady <- i18n.Failed(i18n.T("cannot write the container's state", "컨테이너 상태를 기록할 수 없습니다"), err)
			return
		}
		trace("run", "state written")
		if cg := first.Cgroup; cg != nil {
			if err := cg.Create(cfg.Limits); err != nil {
				hostReady <- err
				return
			}
		}
		trace("run", "cgroup created")
		hostReady <- nil
	}()
	hostErr, hostDone := error(nil), false
	waitHost := func() error {
		if !hostDone {
			hostErr, hostDone = <-hostReady, true
		}
		return hostErr
	}
	defer waitHost() // before collect (deferred earlier) looks at the cgroup

	// Pdeathsig (the container dies with this runtime, even by SIGKILL)
	// fires when the thread that started the child exits: keep this
	// goroutine on one thread until the child is waited for.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	// init starts now: it sets up the container's root while the host
	// side is made ready, and waits for the go-ahead (its config, with the
	// Go init) before it joins the cgroup.
	c, err := launch(cfg, ic)
	if err != nil {
		return nil, err
	}
	defer func() {
		trace("run", "closing")
		c.close()
		trace("run", "closed")
	}()
	trace("run", "init launched")
	fail := func(err error) (*Result, error) {
		c.abort()
		return nil, err
	}
	if err := waitHost(); err != nil {
		return fail(err)
	}
	st.RuntimeStart = first.RuntimeStart
	// init may go on as soon as its cgroup exists; only a bridged network
	// must be in place before the command starts. (Either way the
	// command's start is handled after attach.)
	early := cfg.Hooks == nil || cfg.Hooks.Bridge == nil
	if early {
		c.start(ic)
	}
	st.InitPID = c.pid()
	if cfg.Hooks == nil { // (else lifecycle.json, written now, has init's PID)
		if err := writeState(dir, st); err != nil {
			return fail(i18n.Failed(i18n.T("cannot write the container's state", "컨테이너 상태를 기록할 수 없습니다"), err))
		}
	}
	if err := cfg.Hooks.attach(dir, st, c.pid()); err != nil {
		return fail(err)
	}
	trace("run", "attached")
	if !early {
		c.start(ic)
	}
	c.onStart = cfg.Hooks.startFunc()
	c.dropped = cfg.Dropped
	if !cfg.Keep && cfg.Hooks.extraDisposable() {
		// Nothing in lifecycle.json is needed to clean up after this run
		// (no network, no log): it goes as soon as the command ended.
		c.onEnd = func() { unix.Unlink(filepath.Join(dir, extraFile)) }
	}
	res, err := c.run(ic, st.Cgroup)
	trace("run", "run done")
	if c.cgRemoved {
		st.Cgroup = nil // nothing left for collect to remove
	}
	if err != nil {
		return nil, err
	}
	res.ID, res.Name, res.Limits = id, name, cfg.Limits
	if cfg.Keep {
		os.RemoveAll(ic.Work)
		st.Status, st.ExitCode, st.Cgroup = "exited", res.ExitCode, nil
		if err := writeState(dir, st); err == nil {
			kept = true
			res.Kept = ic.Upper
		}
	}
	if cfg.Hooks.detached() && !kept {
		st.Status, st.ExitCode, st.Cgroup = "exited", res.ExitCode, nil
		kept = writeState(dir, st) == nil
	}
	return res, nil
}

// planCgroup plans the cgroup of container id on this machine (with its
// cgroup layout read from mountinfo unless given), beside this process's
// own cgroups.
func planCgroup(given *sysinfo.Cgroup, id string, lim Limits) (*Cgroup, error) {
	var layout sysinfo.Cgroup
	if given != nil {
		layout = *given
	} else {
		var err error
		if layout, err = sysinfo.CgroupLayout(); err != nil {
			return nil, i18n.Failed(i18n.T("cannot read the cgroup layout", "cgroup 구성을 읽을 수 없습니다"), err)
		}
	}
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot read this process's cgroups", "이 프로세스의 cgroup을 읽을 수 없습니다"), err)
	}
	self := SelfCgroups(f)
	f.Close()
	return PlanCgroup(layout, self, id, lim)
}

// child is a started init.
type child struct {
	cmd         *exec.Cmd
	cfgW, statR *os.File
	sigs        chan os.Signal
	tty, waited bool
	waitErr     error
	onStart     func(int) // told the command's PID inside (lifecycle hooks)
	fork        *forked   // the forked init (forkinit.go), instead of cmd
	sigsReady   chan struct{}
	cgRemoved   bool // run removed the cgroup
	interrupts  int  // SIGINTs passed on that PID 1 (NoInit) had no handler for
	dropped     func(syscall.Signal)
	// onEnd, when set, runs beside the cgroup's reading and removal once
	// the command ended.
	onEnd func()
}

// forwardSignals passes the signals the runtime receives on to init with
// send (see forward), until the returned function is called.
func (c *child) forwardSignals(ic *initConfig, send func(syscall.Signal)) (stop func()) {
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-c.sigs:
				send(c.forward(ic, s.(syscall.Signal)))
			case <-done:
				return
			}
		}
	}()
	return func() { close(done) }
}

// finish follows the command's end: init exits and the kernel tears its
// namespaces down, while the cgroup (which init is not in) is read and
// removed, and c.onEnd runs beside. When init did not say how the command
// ended (it died without a word, or with NoInit it was the command), the
// cgroup is read once init is reaped, by wait. The returned channel gives
// wait's result.
func (c *child) finish(said bool, wait func() error, cg *Cgroup) (*Result, <-chan error) {
	trace("run", "status read")
	ended := make(chan struct{})
	go func() {
		defer close(ended)
		if c.onEnd != nil {
			c.onEnd()
		}
	}()
	waited := make(chan error, 1)
	go func() { waited <- wait() }()
	if !said {
		err := <-waited
		waited <- err
	}
	res := &Result{}
	if cg != nil {
		c.cgRemoved = cgroupResult(cg, res)
	}
	<-ended
	return res, waited
}

// pid is init's PID on the host.
func (c *child) pid() int {
	if c.fork != nil {
		return c.fork.pid
	}
	return c.cmd.Process.Pid
}

// launch starts the container's init in its new namespaces. It waits for
// its config on fd 3 and reports on fd 4.
func launch(cfg Config, ic *initConfig) (*child, error) {
	if canFork(ic) {
		sigs, ready := startSignals()
		trace("run", "forking init")
		f, err := startForked(cfg, ic)
		if err != nil {
			stopSignals(sigs, ready)
			return nil, err
		}
		return &child{fork: f, tty: ic.Tty, sigs: sigs, sigsReady: ready}, nil
	}
	fail := func(err error) error {
		return i18n.Failed(i18n.T("cannot start the container", "컨테이너를 시작할 수 없습니다"), err)
	}
	cfgR, cfgW, err := os.Pipe()
	if err != nil {
		return nil, fail(err)
	}
	defer cfgR.Close()
	statR, statW, err := os.Pipe()
	if err != nil {
		cfgW.Close()
		return nil, fail(err)
	}
	defer statW.Close()
	exe := cfg.Exe
	if exe == "" {
		exe = "/proc/self/exe"
	}
	flags := uintptr(unix.CLONE_NEWUTS | unix.CLONE_NEWPID | unix.CLONE_NEWNS | unix.CLONE_NEWIPC)
	if ic.NewNet {
		flags |= unix.CLONE_NEWNET
	}
	c := &child{cfgW: cfgW, statR: statR, tty: ic.Tty, sigs: make(chan os.Signal, 8)}
	c.cmd = &exec.Cmd{
		Path: exe,
		Args: []string{"sysdojo", "container", "init"},
		// init is small and short-lived: one P, no cgroup probing.
		Env:         initEnvList(),
		Stdin:       cfg.Stdin,
		Stdout:      cfg.Stdout,
		Stderr:      cfg.Stderr,
		ExtraFiles:  []*os.File{cfgR, statW},
		SysProcAttr: &syscall.SysProcAttr{Cloneflags: flags, Pdeathsig: syscall.SIGKILL},
	}
	signal.Notify(c.sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
		syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH)
	trace("run", "starting init")
	if err := c.cmd.Start(); err != nil {
		signal.Stop(c.sigs)
		cfgW.Close()
		statR.Close()
		return nil, fail(err)
	}
	return c, nil
}

func (c *child) close() {
	if c.fork != nil {
		stopSignals(c.sigs, c.sigsReady)
		c.fork.statR.Close()
		c.fork.goW.Close()
		return
	}
	signal.Stop(c.sigs)
	c.cfgW.Close()
	c.statR.Close()
}

// abort kills init before it was given its config, and waits for it.
func (c *child) abort() {
	if c.fork != nil {
		c.fork.abort()
		return
	}
	c.cmd.Process.Kill()
	c.wait()
}

func (c *child) wait() error {
	if !c.waited {
		c.waitErr = c.cmd.Wait()
		c.waited = true
	}
	return c.waitErr
}

// run gives init its config, forwards signals to it and waits for the
// command's status; then it reads and removes the cgroup.
// start lets init go on: the go-ahead for the forked init, its config for
// the Go init.
func (c *child) start(ic *initConfig) {
	if c.fork != nil {
		c.fork.goW.Write([]byte{1})
		c.fork.goW.Close()
		trace("run", "go-ahead sent")
		return
	}
	json.NewEncoder(c.cfgW).Encode(ic)
	c.cfgW.Close()
	trace("run", "config sent")
}

func (c *child) run(ic *initConfig, cg *Cgroup) (*Result, error) {
	if c.fork != nil {
		return c.runForked(ic, cg)
	}
	defer c.forwardSignals(ic, func(s syscall.Signal) { c.cmd.Process.Signal(s) })()
	var last initStatus
	sc := bufio.NewScanner(c.statR)
	for sc.Scan() {
		var s initStatus
		if json.Unmarshal(sc.Bytes(), &s) != nil || s.Started != 0 {
			if s.Started != 0 && c.onStart != nil {
				c.onStart(s.Started)
			}
			continue
		}
		last = s
		if s.Exit != nil || s.Error != "" {
			break
		}
	}
	res, waited := c.finish(last.Exit != nil || last.Error != "", c.wait, cg)
	werr := <-waited
	if c.tty {
		takeTerminalBack()
	}
	switch {
	case last.Error != "":
		code := last.Code
		if code == 0 {
			code = 1
		}
		return nil, &i18n.Error{Kind: i18n.Kind(code), Text: i18n.T("the container could not start", "컨테이너를 시작하지 못했습니다"), Err: errors.New(last.Error)}
	case last.Exit != nil:
		res.ExitCode, res.Signal = *last.Exit, last.Signal
		return res, nil
	}
	// init died without a word: killed (by a signal, or the OOM killer).
	var ee *exec.ExitError
	if errors.As(werr, &ee) {
		if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
			res.Signal = int(ws.Signal())
			res.ExitCode = 128 + res.Signal
			return res, nil
		}
		res.ExitCode = ee.ExitCode()
		return res, nil
	}
	if werr != nil {
		return nil, i18n.Failed(i18n.T("the container failed", "컨테이너가 실패했습니다"), werr)
	}
	if ic.NoInit { // init was the command, and it exited with 0
		return res, nil
	}
	return nil, i18n.Failed(i18n.T("the container failed", "컨테이너가 실패했습니다"), fmt.Errorf("its init exited without a status"))
}

// forward returns the signal to pass on to init for s. With --no-init,
// init is the command, and the kernel drops the signals it has no handler
// for: a second Ctrl-C (SIGINT) kills it.
func (c *child) forward(ic *initConfig, s syscall.Signal) syscall.Signal {
	if ic.NoInit && s == syscall.SIGINT && !catches(c.pid(), s) {
		if c.interrupts++; c.interrupts >= 2 {
			return syscall.SIGKILL
		}
		if c.dropped != nil {
			c.dropped(s)
		}
	}
	return s
}

// catches reports whether process pid has a handler for s (or ignores it
// on purpose), from /proc/PID/status.
func catches(pid int, s syscall.Signal) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return true
	}
	status := strings.Split(string(b), "\n")
	for _, k := range []string{"SigCgt", "SigIgn"} {
		if mask, err := strconv.ParseUint(statusField(status, k), 16, 64); err == nil && mask&(1<<(s-1)) != 0 {
			return true
		}
	}
	return false
}

func isTTY(fd uintptr) bool {
	_, err := unix.IoctlGetTermios(int(fd), unix.TCGETS)
	return err == nil
}

// takeTerminalBack makes this process's group the terminal's foreground
// again after the container's command had it.
func takeTerminalBack() {
	signal.Ignore(syscall.SIGTTOU)
	defer signal.Reset(syscall.SIGTTOU)
	unix.IoctlSetPointerInt(0, unix.TIOCSPGRP, unix.Getpgrp())
}

// initEnvList is the environment of the container's init: the marker, one
// P and no garbage collector for this small, short-lived program (and the
// trace switch when tracing).
func initEnvList() []string {
	env := []string{initEnv + "=1", "GOMAXPROCS=1", "GOGC=off"}
	if tracing {
		env = append(env, traceEnv+"=1")
	}
	return env
}

// cgroupResult reads the container's cgroup counters into res and removes
// the cgroup; it reports whether the removal worked.
func cgroupResult(cg *Cgroup, res *Result) bool {
	res.Stats = cg.Stats()
	res.Cgroup = cg
	res.OOM = res.Stats.OOMKills > 0
	res.PidsHit = res.Stats.PidsRefused > 0
	removed := cg.Remove() == nil
	trace("run", "cgroup removed")
	return removed
}
