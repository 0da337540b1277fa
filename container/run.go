package container

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	securejoin "github.com/cyphar/filepath-securejoin"
	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/openat2"
	"github.com/sysdojo/sysdojo/internal/sysinfo"
)

// Config is one container to run.
type Config struct {
	Rootfs   string   // the root filesystem (never modified)
	Image    string   // the image Rootfs is unpacked from, if any (for ps)
	Name     string   // optional; unique among running containers
	Hostname string   // default: Name, else "sysdojo"
	Args     []string // the command and its arguments
	Env      []string // K=V added to (or replacing) the default environment
	Dir      string   // working directory inside; default "/"
	Net      string   // "none" (default: a new network namespace with lo) or "host"
	User     string   // UID[:GID] or a name from the rootfs's /etc/passwd; default root
	Limits   Limits
	Keep     bool // keep the overlay's upper layer (the container's writes)
	// ReadOnly mounts the container's root read-only (docker run
	// --read-only): writes fail with EROFS except in volumes, /dev and
	// /dev/shm.
	ReadOnly bool
	// Remove, for a detached run, removes its state when the command
	// ends (docker run -d --rm) instead of keeping it for ps -a, logs and
	// rm. A foreground run's state goes anyway unless Keep.
	Remove bool
	// Init puts a small reaper in front of the command, as docker run
	// --init does: PID 1 is then sysdojo-init (this program, executed
	// afresh), which reaps orphans, passes signals on and exits with the
	// command's status; the command is PID 2. By default the command is
	// PID 1 itself, as with docker run and runc: then nothing reaps
	// orphans, and the kernel drops every signal PID 1 has no handler for.
	Init bool
	// Dropped, without Init, is told of a Ctrl-C (SIGINT) passed on to the
	// command that it has no handler for: the kernel drops it, since the
	// command is PID 1. A second one kills it.
	Dropped func(syscall.Signal)
	// CapAdd and CapDrop change the default capability set (DefaultCaps),
	// as docker run's --cap-add and --cap-drop: names with or without
	// "CAP_", any case, or "ALL".
	CapAdd, CapDrop []string
	// SeccompUnconfined turns the default system call filter off (docker
	// run --security-opt seccomp=unconfined), to show why it is there.
	SeccompUnconfined bool
	// Warn is told, once each, what a rootless run cannot do here (only
	// the caller's own id mapped; limits not enforced). nil: not told.
	Warn func(i18n.Text)
	// CopyRoot copies the rootfs for the run instead of mounting an
	// overlay on it: what a rootless run does on a kernel before 5.11,
	// which refuses an overlay inside a user namespace.
	CopyRoot bool
	// NoSubIDs makes a rootless run map the caller's id only, even where
	// newuidmap and a subordinate range exist (a test seam).
	NoSubIDs bool

	Stdin          io.Reader
	Stdout, Stderr io.Writer

	StateRoot string // default DefaultStateRoot
	// CgroupLayout, when set, is used instead of the machine's (read from
	// mountinfo); with a "v2" layout the container always gets a cgroup.
	CgroupLayout *sysinfo.Cgroup
	// Exe is the program executed as the --init reaper; default
	// /proc/self/exe (this program, whose main calls Init first thing).
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

// initConfig is the container's first process as planned: what spawn
// writes down as its system calls.
type initConfig struct {
	Rootfs, Upper, Work string
	Scratch             string // where the child mounts its tmpfs (for the overlay, and upper and work when not kept)
	Args                []string
	Path                string // the command, resolved inside the rootfs
	Env                 []string
	Dir                 string
	Hostname            string
	NewNet              bool
	UID, GID            uint32
	Tty                 bool
	Caps                []int
	Mounts              []Volume // volumes, bound in before pivot_root (volume.go)
	Init                bool     // a reaper in front of the command (docker run --init)
	Seccomp             bool     // the default system call filter
	Limits              Limits   // with the defaults filled in
	Rootless            bool     // in a user namespace of its own (rootless.go)
	CopyRoot            bool     // a copy of the rootfs (CopyDir) instead of an overlay
	CopyDir             string
	ReadOnly            bool // the root mount read-only (docker run --read-only)
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
	ic := &initConfig{Rootfs: real, Args: cfg.Args, Dir: "/", Hostname: "sysdojo", NewNet: true, Init: cfg.Init, CopyRoot: cfg.CopyRoot,
		Seccomp: !cfg.SeccompUnconfined, Limits: cfg.Limits.withDefaults(), ReadOnly: cfg.ReadOnly}
	if cfg.Remove && cfg.Keep {
		return nil, i18n.Invalid(i18n.T("--rm and --keep contradict each other: --keep keeps the container's writes, --rm removes everything when it ends",
			"--rm과 --keep은 함께 쓸 수 없습니다: --keep은 컨테이너가 쓴 내용을 남기고, --rm은 끝나면 모두 지웁니다"))
	}
	caps, err := capSet(cfg.CapAdd, cfg.CapDrop)
	if err != nil {
		return nil, err
	}
	ic.Caps = caps
	if cfg.Init {
		exe := cfg.Exe
		if exe == "" {
			exe = "/proc/self/exe"
		}
		if static, err := staticExe(exe); err != nil {
			return nil, i18n.Failed(i18n.T("cannot read %s for --init", "--init에 쓸 %s를 읽을 수 없습니다").F(exe), err)
		} else if !static {
			return nil, errDynamicInit
		}
	}
	if cfg.Dir != "" {
		if !filepath.IsAbs(cfg.Dir) {
			return nil, i18n.Invalid(i18n.T("the working directory must be absolute: %q", "작업 디렉터리는 절대 경로여야 합니다: %q").F(cfg.Dir))
		}
		if ic.Dir, err = inRoot(real, cfg.Dir); err != nil {
			return nil, invalidErr(i18n.T("bad working directory %q", "잘못된 작업 디렉터리입니다: %q").F(cfg.Dir), err)
		}
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
		uid, gid, err := parseUser(cfg.User, real)
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

// inRoot resolves p, a path inside the container, as the container will
// see it when it starts: the rootfs's symbolic links followed inside the
// rootfs, never out of it (as runc does, with the same library).
func inRoot(rootfs, p string) (string, error) {
	host, err := securejoin.SecureJoin(rootfs, p)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(rootfs, host)
	if err != nil || strings.HasPrefix(rel, "..") {
		return "", fmt.Errorf("%s resolves outside the rootfs", p)
	}
	return filepath.Join("/", rel), nil
}

// parseUser reads UID[:GID] or NAME[:GROUP-ID] (a name from the rootfs's
// passwd file).
func parseUser(s, root string) (uint32, uint32, error) {
	bad := i18n.Invalid(i18n.T("bad user %q (use UID[:GID] or a user of the rootfs)", "잘못된 사용자입니다: %q (UID[:GID]나 rootfs에 있는 사용자)").F(s))
	u, g, hasG := strings.Cut(s, ":")
	var uid, gid uint64
	var err error
	if uid, err = strconv.ParseUint(u, 10, 32); err != nil {
		b := readInRoot(root, "etc/passwd", 4<<20)
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
		fd, err := openat2.Open(rfd, strings.TrimPrefix(c, "/"), &unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: unix.RESOLVE_IN_ROOT})
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
// ended is in the Result. It goes through four stages, each a method of
// run: prepare (everything checked and planned, nothing made yet), spawn
// (the host side made, the container's first process started), wait (the
// command runs; signals are passed on) and cleanUp.
func Run(cfg Config) (*Result, error) {
	trace("run", "start")
	defer trace("run", "end")
	r, err := prepareRun(&cfg)
	if err != nil {
		return nil, err
	}
	defer r.cleanUp()
	// Pdeathsig (the container dies with this runtime, even by SIGKILL)
	// fires when the thread that started the child exits; on cgroup v1
	// this thread also joins the container's cgroups for the clone. Keep
	// this goroutine on one thread until the child is waited for.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	if err := r.spawn(); err != nil {
		return nil, err
	}
	return r.wait()
}

// run is one container's run, stage by stage.
type run struct {
	cfg       *Config
	ic        *initConfig
	life      *lifecycle
	stateRoot string
	id, name  string
	dir       string // the state directory
	st        *State
	filter    []unix.SockFilter
	ids       *idMap // rootless: the user namespace's maps
	child     *spawned
	sigs      chan os.Signal
	sigsReady chan struct{}
	gcDone    chan struct{}
	made      bool // dir exists: collect it at the end unless kept
	kept      bool
	// interrupts counts the SIGINTs passed on to a command that is PID 1
	// and has no handler for them.
	interrupts int
}

// prepareRun checks cfg and plans the run: nothing is made on the host
// yet, except sysdojo's own state directories.
func prepareRun(cfg *Config) (*run, error) {
	ic, err := cfg.prepare()
	if err != nil {
		return nil, err
	}
	r := &run{cfg: cfg, ic: ic, life: newLifecycle(cfg.Hooks), stateRoot: cfg.StateRoot}
	if err := r.life.prepare(cfg, ic); err != nil {
		return nil, err
	}
	if r.stateRoot == "" {
		r.stateRoot = defaultStateRoot()
	}
	if ic.Rootless = Rootless(); ic.Rootless {
		if err := r.prepareRootless(); err != nil {
			r.life.finish()
			return nil, err
		}
	}
	if ic.Seccomp {
		if r.filter, err = seccompFilter(ic.Caps); err != nil {
			r.life.finish()
			return nil, i18n.Failed(i18n.T("cannot build the seccomp filter", "seccomp 필터를 만들 수 없습니다"), err)
		}
	}
	trace("run", "prepared")
	// What killed runs left behind is collected beside this start (it
	// never touches a live run's files), and before Run returns.
	r.gcDone = make(chan struct{})
	go func() {
		GC(r.stateRoot)
		close(r.gcDone)
	}()
	fail := func(err error) (*run, error) {
		r.life.finish()
		<-r.gcDone
		return nil, err
	}
	if cfg.Name != "" {
		states, _ := List(r.stateRoot)
		for _, s := range states {
			if s.Name == cfg.Name && (s.alive() || s.Keep || s.Detached) {
				return fail(i18n.Invalid(i18n.T("a container named %q already exists", "%q라는 이름의 컨테이너가 이미 있습니다").F(cfg.Name)))
			}
		}
	}
	r.id = r.life.id()
	r.name = cfg.Name
	if r.name == "" {
		r.name = r.id
	}
	if ic.Rootless && cfg.StateRoot == "" {
		if err := makeUserBase(filepath.Dir(r.stateRoot)); err != nil {
			return fail(err)
		}
	}
	if err := os.MkdirAll(r.stateRoot, 0o700); err != nil {
		return fail(i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(r.stateRoot), err))
	}
	// The overlay and everything under it are mounted on a tmpfs over
	// one shared directory, in the container's own mount namespace only:
	// no per-container mount point on the host, nothing to unmount or
	// remove there afterwards. The writes live in that tmpfs too, and go
	// with it, unless they are to be kept (then on disk, in dir).
	ic.Scratch = filepath.Join(filepath.Dir(r.stateRoot), "mnt")
	if err := os.MkdirAll(ic.Scratch, 0o700); err != nil {
		return fail(i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(ic.Scratch), err))
	}
	if f, ok := cfg.Stdin.(*os.File); ok && isTTY(f.Fd()) {
		ic.Tty = true
	}
	r.dir = filepath.Join(r.stateRoot, r.id)
	r.st = &State{ID: r.id, Name: r.name, Rootfs: ic.Rootfs, Image: cfg.Image, Command: cfg.Args, Env: cfg.Env, RuntimePID: os.Getpid(),
		Created: time.Now().UTC(), Keep: cfg.Keep, Status: "running", Detached: r.life.detached()}
	cg, lim, notEnforced, err := planRunCgroup(cfg.CgroupLayout, r.id, ic.Limits, cfg.Limits, ic.Rootless)
	if err != nil {
		return fail(err)
	}
	ic.Limits = lim
	if !notEnforced.IsZero() {
		r.warn(notEnforced)
	}
	r.st.Cgroup = cg
	trace("run", "cgroup planned")
	return r, nil
}

// spawn makes the host side (state, cgroup with its limits and device
// rules) and starts the container's first process in it; the lifecycle's
// pieces (network, ports) are attached before the command starts.
func (r *run) spawn() error {
	ic, cfg := r.ic, r.cfg
	if cfg.Keep || r.life.detached() && !ic.Rootless && !ic.CopyRoot && !onOverlay(r.stateRoot) {
		// A detached container's writes stay on disk until rm, as
		// Docker's do, so that diff can read them after it ends too.
		ic.Upper, ic.Work = filepath.Join(r.dir, "upper"), filepath.Join(r.dir, "work")
	}
	if ic.CopyRoot {
		ic.CopyDir = filepath.Join(r.dir, "rootfs")
	}
	// The host side is made beside the preparation of the child's work
	// (which needs its paths, not the files): the state goes down before
	// anything that could be left behind on the host (the cgroup; the
	// mounts are in the container's own namespace, and its processes die
	// with this runtime), then the cgroup the child starts in.
	hostReady := make(chan error, 1)
	go func() { hostReady <- r.makeHostSide() }()
	r.sigs, r.sigsReady = startSignals()
	// Only a bridged network must be in place before the command starts.
	// Rootless, the child waits for its uid and gid maps first when
	// newuidmap writes them; it writes the single-id mapping itself.
	var selfMap *[2]int
	if ic.Rootless && !r.ids.full() {
		selfMap = &[2]int{r.ids.uid, r.ids.gid}
	}
	goAhead := r.life.needsGoAhead() || ic.Rootless && selfMap == nil
	var hostErr error
	hostWaited := false
	waitHost := func() error {
		if !hostWaited {
			hostErr, hostWaited = <-hostReady, true
		}
		return hostErr
	}
	c, err := spawn(cfg, ic, func() (*Cgroup, error) {
		if err := waitHost(); err != nil {
			return nil, err
		}
		return r.st.Cgroup, nil
	}, goAhead, r.filter, selfMap)
	if err != nil {
		waitHost() // (before cleanUp looks at what it made)
		return err
	}
	r.child = c
	if ic.Rootless && selfMap == nil {
		if err := r.ids.apply(c.pid); err != nil {
			c.abort()
			return err
		}
		c.goAhead() // (no bridge rootless: nothing else to wait for)
	}
	trace("run", "child started")
	r.st.InitPID = c.pid
	if !r.life.active() { // (else lifecycle.json, written now, has init's PID)
		if err := writeState(r.dir, r.st); err != nil {
			c.abort()
			return i18n.Failed(i18n.T("cannot write the container's state", "컨테이너 상태를 기록할 수 없습니다"), err)
		}
	}
	if err := r.life.attach(r.dir, r.st, c.pid, ic.Limits); err != nil {
		c.abort()
		return err
	}
	c.goAhead()
	trace("run", "attached")
	return nil
}

// makeHostSide makes the run's state directory (with the upper layer or
// the rootfs's copy in it), writes its state and creates its cgroup.
func (r *run) makeHostSide() error {
	ic := r.ic
	if err := os.Mkdir(r.dir, 0o700); err != nil {
		return i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(r.dir), err)
	}
	r.made = true
	trace("run", "state dir made")
	if ic.Upper != "" {
		for _, d := range []string{ic.Upper, ic.Work} {
			if err := os.Mkdir(d, 0o755); err != nil {
				return i18n.Failed(i18n.T("cannot make %s", "%s를 만들 수 없습니다").F(d), err)
			}
		}
		var statfs unix.Statfs_t
		if err := unix.Statfs(r.dir, &statfs); err == nil && statfs.Type == unix.OVERLAYFS_SUPER_MAGIC {
			return i18n.Failed(i18n.T("%s is on overlayfs, which cannot hold an overlay's upper layer", "%s는 overlayfs 위에 있어 overlay의 upper 층을 둘 수 없습니다").F(r.stateRoot), nil)
		}
	}
	if ic.CopyRoot {
		if _, err := copyTree(ic.Rootfs, ic.CopyDir); err != nil {
			return i18n.Failed(i18n.T("cannot copy the rootfs %s", "rootfs %s를 복사할 수 없습니다").F(ic.Rootfs), err)
		}
		trace("run", "rootfs copied")
	}
	r.st.RuntimeStart, _ = procStart(os.Getpid())
	trace("run", "runtime start read")
	if err := writeState(r.dir, r.st); err != nil {
		return i18n.Failed(i18n.T("cannot write the container's state", "컨테이너 상태를 기록할 수 없습니다"), err)
	}
	trace("run", "state written")
	if r.st.Cgroup != nil {
		if err := r.st.Cgroup.Create(ic.Limits); err != nil {
			return err
		}
	}
	trace("run", "cgroup created")
	return nil
}

// wait passes signals on to the container until its command ends, and
// reads and removes its cgroup.
func (r *run) wait() (*Result, error) {
	c, ic := r.child, r.ic
	stop := r.forwardSignals()
	var started sync.WaitGroup
	onStart := r.life.startFunc()
	kind, a, b, step := c.readStatus(func(inner int) {
		if onStart != nil {
			started.Add(1)
			go func() {
				defer started.Done()
				onStart(inner)
			}()
		}
	})
	werr := c.wait()
	stop()
	started.Wait()
	c.copies.Wait()
	trace("run", "reaped")
	if ic.Tty {
		takeTerminalBack()
	}
	if !r.cfg.Keep && r.life.extraDisposable() {
		// Nothing in lifecycle.json is needed to clean up after this run
		// (no network, no log).
		unix.Unlink(filepath.Join(r.dir, extraFile))
	}
	res := &Result{ID: r.id, Name: r.name, Limits: r.ic.Limits}
	if cgroupResult(r.st.Cgroup, res) {
		r.st.Cgroup = nil // nothing left for collect to remove
	}
	// Its ports and network go before its end is written down: whoever
	// waits for that (stop) finds them released.
	r.life.finish()
	switch {
	case kind == recSetupErr:
		return nil, c.describe(a, b, step, ic)
	case kind == recExit:
		res.ExitCode, res.Signal = int(a), int(b)
	case werr != nil:
		return nil, i18n.Failed(i18n.T("the container failed", "컨테이너가 실패했습니다"), werr)
	case c.ws.Signaled():
		res.Signal = int(c.ws.Signal())
		res.ExitCode = 128 + res.Signal
	case c.ws.Exited():
		res.ExitCode = c.ws.ExitStatus()
	}
	if r.cfg.Keep {
		os.RemoveAll(ic.Work)
		r.st.Status, r.st.ExitCode, r.st.Cgroup = "exited", res.ExitCode, nil
		if err := writeState(r.dir, r.st); err == nil {
			r.kept = true
			res.Kept = ic.Upper
			if ic.CopyRoot {
				res.Kept = ic.CopyDir
			}
		}
	}
	if r.life.detached() && !r.kept && !r.cfg.Remove {
		if ic.Work != "" {
			os.RemoveAll(ic.Work)
		}
		r.st.Status, r.st.ExitCode, r.st.Cgroup = "exited", res.ExitCode, nil
		r.kept = writeState(r.dir, r.st) == nil
	}
	return res, nil
}

// cleanUp removes what the run made on the host and was not kept.
func (r *run) cleanUp() {
	if r.child != nil && !r.child.waited {
		r.child.abort()
	}
	if r.sigs != nil {
		stopSignals(r.sigs, r.sigsReady)
	}
	r.life.finish()
	if r.made && !r.kept {
		trace("run", "collecting")
		collect(r.dir, r.st)
		trace("run", "collected")
	} else if !r.made && r.st != nil && r.st.Cgroup != nil {
		r.st.Cgroup.Remove()
	}
	<-r.gcDone
}

// forwardSignals passes the signals the runtime receives on to the
// container's PID 1, until the returned function is called.
func (r *run) forwardSignals() (stop func()) {
	done := make(chan struct{})
	go func() {
		for {
			select {
			case s := <-r.sigs:
				unix.Kill(r.child.pid, r.forward(s.(syscall.Signal)))
			case <-done:
				return
			}
		}
	}()
	return func() { close(done) }
}

// forward returns the signal to pass on to PID 1 for s. When PID 1 is the
// command (no --init), the kernel drops the signals it has no handler
// for: a second Ctrl-C (SIGINT) kills it.
func (r *run) forward(s syscall.Signal) syscall.Signal {
	if !r.ic.Init && s == syscall.SIGINT && !catches(r.child.pid, s) {
		if r.interrupts++; r.interrupts >= 2 {
			return syscall.SIGKILL
		}
		if r.cfg.Dropped != nil {
			r.cfg.Dropped(s)
		}
	}
	return s
}

// startSignals makes the runtime receive the signals it forwards. The
// first signal.Notify starts goroutines and threads: that happens beside
// the container's start, not before it.
func startSignals() (chan os.Signal, chan struct{}) {
	sigs, ready := make(chan os.Signal, 8), make(chan struct{})
	go func() {
		signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT,
			syscall.SIGUSR1, syscall.SIGUSR2, syscall.SIGWINCH)
		close(ready)
	}()
	return sigs, ready
}

// stopSignals undoes startSignals, in the background: signal.Stop waits
// for the signal goroutine to be idle, which the caller need not.
func stopSignals(sigs chan os.Signal, ready chan struct{}) {
	go func() {
		<-ready
		signal.Stop(sigs)
	}()
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

// cgroupResult reads the container's cgroup counters into res and removes
// the cgroup; it reports whether the removal worked.
func cgroupResult(cg *Cgroup, res *Result) bool {
	if cg == nil { // rootless, without a delegated cgroup
		return true
	}
	res.Stats = cg.Stats()
	res.Cgroup = cg
	res.OOM = res.Stats.OOMKills > 0
	res.PidsHit = res.Stats.PidsRefused > 0
	removed := cg.Remove() == nil
	trace("run", "cgroup removed")
	return removed
}

// readInRoot returns the regular file name inside the directory root, its
// symbolic links resolved as inside the container (an absolute one from
// root, none out of it: openat2 RESOLVE_IN_ROOT), at most limit bytes of
// it; nil when it cannot be read.
func readInRoot(root, name string, limit int64) []byte {
	dir, err := unix.Open(root, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil
	}
	defer unix.Close(dir)
	fd, err := openat2.Open(dir, name, &unix.OpenHow{Flags: unix.O_RDONLY | unix.O_CLOEXEC | unix.O_NOCTTY | unix.O_NONBLOCK,
		Resolve: unix.RESOLVE_IN_ROOT | unix.RESOLVE_NO_MAGICLINKS})
	if err != nil {
		return nil
	}
	f := os.NewFile(uintptr(fd), name)
	defer f.Close()
	if fi, err := f.Stat(); err != nil || !fi.Mode().IsRegular() {
		return nil
	}
	b, _ := io.ReadAll(io.LimitReader(f, limit))
	return b
}
