package main

import (
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"
	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/term"
)

func newContainerCommand(e *env) *cli.Command {
	cmd := &cli.Command{
		Name:  "container",
		Usage: e.t("a small, real container runtime: namespaces, pivot_root, cgroups", "작지만 진짜인 컨테이너 런타임: 네임스페이스, pivot_root, cgroup"),
		Subcommands: []*cli.Command{
			{
				Name:  "rootfs",
				Usage: e.t("make or import a root filesystem", "루트 파일시스템을 만들거나 가져옴"),
				Subcommands: []*cli.Command{
					{
						Name:      "build",
						Usage:     e.t("build a minimal rootfs from busybox-static or this machine's binaries", "busybox-static이나 이 머신의 바이너리로 최소 rootfs를 만듦"),
						ArgsUsage: "DIR",
						Flags: []cli.Flag{jsonFlag,
							&cli.StringFlag{Name: "from", Value: "auto", Usage: e.t("auto, busybox or host", "auto, busybox, host 중 하나")}},
						Action: e.containerRootfsBuild,
					},
					{
						Name:      "import",
						Usage:     e.t("unpack a rootfs tarball, a docker save tarball or an OCI image layout", "rootfs tar 파일, 'docker save'로 만든 tar 파일, OCI 이미지 레이아웃을 풀어 놓음"),
						ArgsUsage: "TAR DIR",
						Flags:     []cli.Flag{jsonFlag},
						Action:    e.containerRootfsImport,
					},
				},
			},
			{
				Name:      "run",
				Usage:     e.t("run a command in a new container", "새 컨테이너 안에서 명령을 실행"),
				ArgsUsage: "[--] CMD [ARG...]",
				Description: e.t("Docker's flags work where sysdojo has the feature (-it, --rm, -u, -m, --cpus, --network, --read-only, ...); "+
					"one it does not have is refused with the reason.\n"+
					"Without --rm, a container run in the foreground is removed when it ends all the same (its writes too, unless --keep); "+
					"one run with -d stays in 'container ps -a' with its log until 'container rm', or until it ends when -d is given with --rm.\n"+
					"Exit status: the command's (128+N when signal N killed it); 2 bad input; 127 the command is not in the rootfs; 126 it is there but not an executable file.",
					"Docker 옵션은 sysdojo에 같은 기능이 있으면 그대로 씁니다 (-it, --rm, -u, -m, --cpus, --network, --read-only 등). "+
						"없는 기능의 옵션은 이유와 함께 거절합니다.\n"+
						"--rm이 없어도 앞에서 실행한 컨테이너는 끝나면 지워집니다 (--keep이 없으면 쓴 내용도). "+
						"-d로 실행한 컨테이너는 'container rm'을 할 때까지 로그와 함께 'container ps -a'에 남고, -d에 --rm을 더하면 끝날 때 지워집니다.\n"+
						"종료 코드: 명령의 종료 코드 (시그널 N으로 죽으면 128+N), 2 잘못된 입력, 127 rootfs에 명령이 없음, 126 있지만 실행할 수 있는 파일이 아님."),
				UseShortOptionHandling: true, // -it
				Flags: slices.Concat([]cli.Flag{
					e.rootfsFlag(),
					&cli.StringFlag{Name: "name", Usage: e.t("container name", "컨테이너 이름")},
					&cli.StringFlag{Name: "hostname", Usage: e.t("host name inside (default: the name)", "안의 호스트 이름 (기본값: 이름)")},
				}, e.processFlags(), []cli.Flag{
					&cli.StringFlag{Name: "net", Aliases: []string{"network"}, Value: "none", Usage: e.t("none (lo only), host or bridge (the shared bridge sysdojo0, NAT out)", "none (lo만), host, bridge (함께 쓰는 브리지 sysdojo0, NAT로 밖으로)")},
					&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: e.t("UID[:GID] or a user of the rootfs to run as", "실행할 UID[:GID]나 rootfs에 있는 사용자")},
					&cli.BoolFlag{Name: "interactive", Aliases: []string{"i"}, Usage: e.t("connect stdin when it is a pipe or a file (a terminal always is)",
						"표준 입력이 파이프나 파일일 때도 연결 (터미널은 언제나 연결됨)")},
					&cli.BoolFlag{Name: "tty", Aliases: []string{"t"}, Usage: e.t("give the command this terminal (refused when stdin is not one)",
						"명령에 이 터미널을 줌 (표준 입력이 터미널이 아니면 거절)")},
					&cli.BoolFlag{Name: "rm", Usage: e.t("remove the container when it ends (with -d too)", "끝나면 컨테이너를 지움 (-d일 때도)")},
					&cli.BoolFlag{Name: "read-only", Usage: e.t("mount the container's root read-only", "컨테이너의 루트를 읽기 전용으로 마운트")},
					&cli.StringFlag{Name: "entrypoint", Usage: e.t("run CMD, with the arguments after it", "CMD를 실행하고 뒤의 인자를 넘김")},
					&cli.StringSliceFlag{Name: "env-file", Usage: e.t("read K=V lines from FILE", "FILE에서 K=V 줄을 읽음")},
					&cli.BoolFlag{Name: "keep", Usage: e.t("keep the writes (upper layer)", "쓴 내용(upper 층)을 남김")},
					&cli.BoolFlag{Name: "init", Usage: e.t("put a small init in front of the command, as docker run --init: PID 1 reaps orphans and passes signals on",
						"docker run --init처럼 명령 앞에 작은 init을 둠: PID 1이 고아 프로세스를 거두고 시그널을 전달")},
					// (The command is PID 1 by default now, as with docker run;
					// --no-init is still accepted from older handouts.)
					&cli.BoolFlag{Name: "no-init", Hidden: true},
					&cli.StringSliceFlag{Name: "cap-add", Usage: e.t("give the command a capability (e.g. MKNOD, NET_ADMIN)", "명령에 capability를 더 줌 (예: MKNOD, NET_ADMIN)")},
					&cli.StringSliceFlag{Name: "cap-drop", Usage: e.t("take a capability away (ALL for every one)", "capability를 뺌 (ALL이면 전부)")},
					&cli.StringSliceFlag{Name: "security-opt", Usage: e.t("seccomp=unconfined turns the system call filter off", "seccomp=unconfined면 시스템 콜 필터를 끔")},
					&cli.BoolFlag{Name: "report", Usage: e.t("report the cgroup counters", "cgroup 집계를 출력")},
				}, e.lifecycleRunFlags()),
				Action: e.containerRun,
			},
			{
				Name:   "gc",
				Usage:  e.t("remove what killed runs left behind (cgroups, mounts, state)", "강제 종료된 실행이 남긴 것(cgroup, 마운트, 상태)을 지움"),
				Flags:  []cli.Flag{jsonFlag},
				Action: e.containerGC,
			},
			{
				Name:   "explain",
				Usage:  e.t("host and container side by side, namespace by namespace", "호스트와 컨테이너를 네임스페이스별로 나란히 비교"),
				Flags:  []cli.Flag{jsonFlag, e.rootfsFlag()},
				Action: e.containerExplain,
			},
		},
	}
	cmd.Subcommands = append(cmd.Subcommands, e.lifecycleCommands()...)
	e.addImageCommands(cmd) // container_image.go
	return cmd
}

func (e *env) containerRootfsBuild(c *cli.Context) error {
	a, err := args(c, 1, 1, "DIR")
	if err != nil {
		return err
	}
	rep, err := container.Build(a[0], container.BuildOptions{From: c.String("from")})
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return e.writeJSON(rep)
	}
	e.printBuild(rep)
	return nil
}

func (e *env) printBuild(rep *container.BuildReport) {
	io := e.io
	fmt.Fprintf(io.Out, "%s %s\n", io.Mark(true), e.t("rootfs built in ", "rootfs를 만들었습니다: ")+rep.Dir)
	if rep.From == container.FromBusybox {
		fmt.Fprintf(io.Out, "  %s\n", e.t(fmt.Sprintf("from busybox-static: %d applets linked to /bin/busybox", rep.Applets),
			fmt.Sprintf("busybox-static으로: 애플릿 %d개를 /bin/busybox에 링크", rep.Applets)))
	} else {
		fmt.Fprintf(io.Out, "  %s\n", e.t("from this machine's binaries and the libraries their ELF headers name",
			"이 머신의 바이너리와, 그 ELF 헤더가 요구하는 라이브러리로"))
	}
	for _, cp := range rep.Copied {
		why := io.T(cp.Why)
		if len(cp.Path) <= 30 && 2+31+term.Width(why) <= 80 {
			fmt.Fprintf(io.Out, "  %-30s %s\n", cp.Path, why)
			continue
		}
		fmt.Fprintf(io.Out, "  %s\n", cp.Path)
		for _, l := range strings.Split(term.Wrap(why, io.Width()-6), "\n") {
			fmt.Fprintf(io.Out, "      %s\n", l)
		}
	}
}

// defaultRootfs returns --rootfs, or the default rootfs (built once).
func (e *env) defaultRootfs(dir string) (string, error) {
	if dir != "" {
		return dir, nil
	}
	cache := e.getenv("XDG_CACHE_HOME")
	if cache == "" {
		home := e.getenv("HOME")
		if home == "" {
			home = "/root"
		}
		cache = home + "/.cache"
	}
	dir, rep, err := container.DefaultRootfs(cache)
	if err != nil {
		return "", err
	}
	if rep != nil {
		fmt.Fprintf(e.io.Err, "%s\n", e.t("built the default rootfs (once) in "+dir, "기본 rootfs를 (한 번) 만들었습니다: "+dir))
	}
	return dir, nil
}

// rootfsFlag is --rootfs of the commands that run, explain or bundle a
// container.
func (e *env) rootfsFlag() cli.Flag {
	return &cli.StringFlag{Name: "rootfs", Usage: e.t("rootfs directory (default: built once in your cache)",
		"rootfs 디렉터리 (기본값: 캐시에 한 번 만들어 둠)")}
}

// processFlags are the container's process and its limits, for run and
// bundle (read by limitFlags).
func (e *env) processFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "memory", Aliases: []string{"m"}, Usage: e.t("memory limit, e.g. 64m", "메모리 제한 (예: 64m)")},
		&cli.Int64Flag{Name: "pids", Usage: e.t("most tasks at once", "동시 프로세스 수 제한")},
		&cli.Float64Flag{Name: "cpus", Usage: e.t("CPUs' worth of time (0.5)", "CPU 시간 (0.5 = 절반)")},
		&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: e.t("set an environment variable K=V", "환경 변수 K=V 설정")},
		&cli.StringFlag{Name: "workdir", Aliases: []string{"w"}, Usage: e.t("working directory inside", "안에서의 작업 디렉터리")},
	}
}

// limitFlags reads --memory, --pids and --cpus.
func limitFlags(c *cli.Context) (container.Limits, error) {
	l := container.Limits{Pids: c.Int64("pids"), CPUs: c.Float64("cpus")}
	if m := c.String("memory"); m != "" {
		n, err := container.ParseSize(m)
		if err != nil {
			return l, err
		}
		l.Memory = n
	}
	return l, nil
}

func (e *env) containerRun(c *cli.Context) error {
	in, err := e.containerStdin(c, "sysdojo container run")
	if err != nil {
		return err
	}
	env, err := e.envFlags(c)
	if err != nil {
		return err
	}
	cfg := container.Config{
		Name: c.String("name"), Hostname: c.String("hostname"), Args: c.Args().Slice(),
		Env: env, Dir: c.String("workdir"), Net: c.String("net"), User: c.String("user"),
		Keep: c.Bool("keep"), Init: c.Bool("init"), Stdin: in, Stdout: e.io.Out, Stderr: e.io.Err,
		ReadOnly: c.Bool("read-only"), Remove: c.Bool("rm"),
		CapAdd: c.StringSlice("cap-add"), CapDrop: c.StringSlice("cap-drop"),
		// The program --init runs as PID 1: this one, unless the tests
		// give a static build (their own binary may be dynamically linked).
		Exe: e.getenv("SYSDOJO_INIT_EXE"),
	}
	if !cfg.Init {
		cfg.Dropped = func(sig syscall.Signal) {
			fmt.Fprintln(e.io.Err, e.t(
				"\nsysdojo: the command is PID 1 and has no handler for "+unix.SignalName(sig)+", so the kernel drops it; press Ctrl-C again to kill it (--init puts an init in front that passes it on)",
				"\nsysdojo: 명령이 PID 1인데 "+unix.SignalName(sig)+" 핸들러가 없어서 커널이 시그널을 버렸습니다. 한 번 더 Ctrl-C를 누르면 강제로 끝냅니다 (--init을 주면 앞에 선 init이 시그널을 전달합니다)"))
		}
	}
	for _, o := range c.StringSlice("security-opt") {
		switch strings.ReplaceAll(o, ":", "=") {
		case "seccomp=unconfined":
			cfg.SeccompUnconfined = true
		case "no-new-privileges", "no-new-privileges=true":
			// always on
		default:
			return usagef(helpHint("sysdojo container run"), i18n.T("unknown --security-opt %q (sysdojo knows seccomp=unconfined)",
				"모르는 --security-opt입니다: %q (sysdojo는 seccomp=unconfined를 압니다)").F(o))
		}
	}
	if ep := c.String("entrypoint"); ep != "" {
		cfg.Args = append([]string{ep}, cfg.Args...)
	}
	if cfg.Limits, err = limitFlags(c); err != nil {
		return err
	}
	if len(cfg.Args) == 0 {
		return usagef(helpHint("sysdojo container run"), i18n.T("no command given: say what to run, e.g. 'container run -- /bin/sh'",
			"실행할 명령이 없습니다: 예를 들어 'container run -- /bin/sh'처럼 쓰세요"))
	}
	// Without root the run is rootless (a user namespace of its own):
	// what that cannot do here is said once, before the command runs.
	cfg.Warn = func(t i18n.Text) { fmt.Fprintf(e.io.Err, "sysdojo: %s\n", t.In(e.io.Lang)) }
	rootfs := c.String("rootfs")
	if c.IsSet("rootfs") && rootfs == "" {
		return usagef(helpHint("sysdojo container run"), i18n.T("--rootfs needs a directory", "--rootfs에는 디렉터리가 필요합니다"))
	}
	if rootfs, err = e.runImage(c, &cfg, rootfs); err != nil { // container_image.go
		return err
	}
	if cfg.Rootfs, err = e.defaultRootfs(rootfs); err != nil {
		return err
	}
	if cfg.Hooks, err = e.runHooks(c, &cfg); err != nil {
		return err
	}
	if c.Bool("detach") {
		return e.runDetached(cfg)
	}
	res, err := container.Run(cfg)
	if err != nil {
		return err
	}
	if c.Bool("report") {
		e.printRunReport(res)
	}
	if res.Kept != "" {
		fmt.Fprintf(e.io.Err, "%s\n", e.t("the container's writes are kept in "+res.Kept, "컨테이너가 쓴 내용은 여기에 남겨 두었습니다: "+res.Kept))
	}
	return runOutcome(res)
}

// runOutcome turns how the command ended into main's exit status, with one
// line that says why when it is not 0.
func runOutcome(res *container.Result) error {
	if res.ExitCode == 0 {
		return nil
	}
	var t i18n.Text
	switch {
	case res.OOM:
		t = i18n.T("out of memory: the kernel killed the command at the %s memory limit (exit status %d)",
			"메모리 부족: 커널이 메모리 제한 %s에서 명령을 강제 종료했습니다 (종료 코드 %d)").F(mib(res.Limits.Memory), res.ExitCode)
	case res.PidsHit:
		t = i18n.T("the command exited with status %d after the pids limit (%d) refused %d forks",
			"프로세스 수 제한(%d)에 걸려 fork가 %d번 거부된 뒤 명령이 끝났습니다 (종료 코드 %d)").F(res.ExitCode, res.Limits.Pids, res.Stats.PidsRefused)
		t.Ko = fmt.Sprintf("프로세스 수 제한(%d)에 걸려 fork가 %d번 거부된 뒤 명령이 끝났습니다 (종료 코드 %d)", res.Limits.Pids, res.Stats.PidsRefused, res.ExitCode)
	case res.Signal != 0:
		t = i18n.T("the command was killed by signal %d (%s): exit status %d", "시그널 %d(%s) 때문에 명령이 종료되었습니다 (종료 코드 %d)").F(res.Signal, sigName(res.Signal), res.ExitCode)
	default:
		t = i18n.T("the command exited with status %d", "명령이 끝났습니다 (종료 코드 %d)").F(res.ExitCode)
	}
	return &i18n.Error{Kind: i18n.Kind(res.ExitCode), Text: t}
}

// containerStdin is the stdin a container's command gets: a terminal
// always (as docker run -it); a pipe or a file only with -i (else
// /dev/null, as docker run without -i). -t needs a terminal, as Docker's.
func (e *env) containerStdin(c *cli.Context, path string) (io.Reader, error) {
	if c.Bool("tty") && !e.io.InTTY {
		return nil, usagef(i18n.T("drop -t when the input is a pipe or a file", "입력이 파이프나 파일이면 -t를 빼세요"),
			i18n.T("-t: the input is not a terminal", "-t: 입력이 터미널이 아닙니다"))
	}
	if e.io.InTTY || c.Bool("interactive") {
		return e.io.In, nil
	}
	return nil, nil
}

// envFlags are --env-file's variables, then -e's (a later one wins).
func (e *env) envFlags(c *cli.Context) ([]string, error) {
	var env []string
	for _, f := range c.StringSlice("env-file") {
		vars, err := container.ReadEnvFile(f, func(k string) (string, bool) {
			v := e.getenv(k)
			return v, v != ""
		})
		if err != nil {
			return nil, err
		}
		env = append(env, vars...)
	}
	return append(env, c.StringSlice("env")...), nil
}

func sigName(n int) string {
	names := map[int]string{1: "SIGHUP", 2: "SIGINT", 3: "SIGQUIT", 6: "SIGABRT", 9: "SIGKILL", 11: "SIGSEGV", 13: "SIGPIPE", 15: "SIGTERM"}
	if s, ok := names[n]; ok {
		return s
	}
	return fmt.Sprintf("signal %d", n)
}

func mib(b int64) string {
	if b%(1<<20) == 0 {
		return fmt.Sprintf("%d MiB", b>>20)
	}
	return fmt.Sprintf("%d bytes", b)
}

func (e *env) printRunReport(res *container.Result) {
	io, s := e.io, res.Stats
	fmt.Fprintf(io.Err, "%s %s %s\n", io.Dim("--"), e.t("container", "컨테이너"), res.Name)
	if res.Limits.Memory > 0 {
		fmt.Fprintf(io.Err, "   %s\n", e.t(fmt.Sprintf("memory: limit %s, peak %d bytes, OOM kills %d", mib(res.Limits.Memory), s.MemoryPeak, s.OOMKills),
			fmt.Sprintf("메모리: 제한 %s, 최대 사용 %d 바이트, OOM 강제 종료 %d번", mib(res.Limits.Memory), s.MemoryPeak, s.OOMKills)))
	}
	if res.Limits.Pids > 0 {
		fmt.Fprintf(io.Err, "   %s\n", e.t(fmt.Sprintf("pids: limit %d, forks refused %d", res.Limits.Pids, s.PidsRefused),
			fmt.Sprintf("프로세스: 제한 %d, 거부된 fork %d번", res.Limits.Pids, s.PidsRefused)))
	}
	if res.Limits.CPUs > 0 {
		fmt.Fprintf(io.Err, "   %s\n", e.t(fmt.Sprintf("cpu: limit %.2f CPUs, throttled %d periods (%d ms)", res.Limits.CPUs, s.NrThrottled, s.ThrottledUs/1000),
			fmt.Sprintf("CPU: 제한 %.2f개, %d번의 주기 동안 제동 (%d ms)", res.Limits.CPUs, s.NrThrottled, s.ThrottledUs/1000)))
	}
}

func (e *env) containerGC(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	got, err := container.GCAll("")
	if c.Bool("json") {
		if got == nil {
			got = []container.Collected{}
		}
		if werr := e.writeJSON(got); werr != nil {
			return werr
		}
	} else {
		for _, g := range got {
			fmt.Fprintf(e.io.Out, "%s %s %-6s %s\n", e.io.Mark(true), g.ID, g.What, g.Path)
		}
		if len(got) == 0 {
			fmt.Fprintln(e.io.Out, e.t("nothing left behind", "남은 것이 없습니다"))
		}
	}
	if err != nil {
		return i18n.Failed(i18n.T("could not remove everything", "모두 지우지는 못했습니다"), err)
	}
	return nil
}

func (e *env) containerRootfsImport(c *cli.Context) error {
	a, err := args(c, 2, 2, "TAR DIR")
	if err != nil {
		return err
	}
	rep, err := container.Import(a[0], a[1])
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return e.writeJSON(rep)
	}
	fmt.Fprintf(e.io.Out, "%s %s\n", e.io.Mark(true), e.t(
		fmt.Sprintf("imported %s (%s, %d layers) into %s: %d files, %d directories, %d links, %d special files skipped",
			rep.Source, rep.Format, rep.Layers, rep.Dir, rep.Files, rep.Dirs, rep.Links, rep.Skipped),
		fmt.Sprintf("%s(%s, 층 %d개)를 %s에 풀었습니다: 파일 %d개, 디렉터리 %d개, 링크 %d개, 건너뛴 특수 파일 %d개",
			rep.Source, rep.Format, rep.Layers, rep.Dir, rep.Files, rep.Dirs, rep.Links, rep.Skipped)))
	return nil
}

func (e *env) containerExplain(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	if os.Geteuid() != 0 {
		return container.ErrNotRoot
	}
	rootfs, err := e.defaultRootfs(c.String("rootfs"))
	if err != nil {
		return err
	}
	ex, err := container.Explain(rootfs, e.getenv("SYSDOJO_INIT_EXE"))
	if err != nil {
		return err
	}
	more, err := container.ExplainLifecycle(rootfs, "") // exec and ports (container_life.go)
	if err != nil {
		return err
	}
	ex.Aspects = append(ex.Aspects, more...)
	if c.Bool("json") {
		return e.writeJSON(ex)
	}
	io := e.io
	const w = 38
	cut := func(s string) string {
		r := []rune(s)
		if len(r) > w-1 {
			return string(r[:w-2]) + "…"
		}
		return s
	}
	fmt.Fprintln(io.Out, io.Heading(e.t("The host and a fresh container, side by side", "호스트와 새 컨테이너 나란히 보기")))
	for _, a := range ex.Aspects {
		fmt.Fprintf(io.Out, "\n%s\n", io.Heading(fmt.Sprintf("[%s] %s", strings.ToUpper(a.Namespace), io.T(a.What))))
		hl := e.t("host", "호스트")
		fmt.Fprintf(io.Out, "  %s %s\n", io.Dim(term.Pad(hl, w)), io.Dim(e.t("container", "컨테이너")))
		hosts, ins := a.Host, a.Container
		more := func(n int) string {
			return e.t(fmt.Sprintf("... (%d in all)", n), fmt.Sprintf("... (모두 %d개)", n))
		}
		if a.HostTotal > 0 {
			hosts = append(hosts[:len(hosts):len(hosts)], more(a.HostTotal))
		}
		if !a.HostNote.IsZero() {
			hosts = append(hosts[:len(hosts):len(hosts)], io.T(a.HostNote))
		}
		if a.ContainerTotal > 0 {
			ins = append(ins[:len(ins):len(ins)], more(a.ContainerTotal))
		}
		for i := 0; i < len(hosts) || i < len(ins); i++ {
			h, k := "", ""
			if i < len(hosts) {
				h = hosts[i]
			}
			if i < len(ins) {
				k = ins[i]
			}
			fmt.Fprintf(io.Out, "  %s %s\n", term.Pad(cut(h), w), cut(k))
		}
		for _, l := range strings.Split(term.Wrap(io.T(a.Why), io.Width()-4), "\n") {
			fmt.Fprintf(io.Out, "  %s\n", l)
		}
	}
	return nil
}
