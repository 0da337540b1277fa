package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/template"
	"time"

	"golang.org/x/sys/unix"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/term"
)

// The container lifecycle: run -d, ps, exec, stop, rm, logs, bundle, and
// run's -v, -p and --net bridge.

func (e *env) lifecycleRunFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: e.t("run in the background, print the name; see ps, logs, exec, stop, rm",
			"백그라운드에서 실행하고 이름을 출력 (ps, logs, exec, stop, rm 참고)")},
		&cli.StringSliceFlag{Name: "volume", Aliases: []string{"v"}, Usage: e.t("bind a host directory inside: HOSTDIR:CTRDIR[:ro]",
			"호스트 디렉터리를 안에 연결: HOSTDIR:CTRDIR[:ro]")},
		&cli.StringSliceFlag{Name: "publish", Aliases: []string{"p"}, Usage: e.t("forward the host's 127.0.0.1:HOSTPORT to the container's CTRPORT: HOSTPORT:CTRPORT",
			"호스트의 127.0.0.1:HOSTPORT를 컨테이너의 CTRPORT로 전달: HOSTPORT:CTRPORT")},
		&cli.StringFlag{Name: "subnet", Value: container.DefaultSubnet, Usage: e.t("addresses for --net bridge (one per container on the bridge sysdojo0)",
			"--net bridge가 쓰는 주소 대역 (브리지 sysdojo0에서 컨테이너마다 주소 하나)")},
		&cli.StringSliceFlag{Name: "dns", Usage: e.t("nameserver for --net bridge (default: the host's, loopback ones left out)",
			"--net bridge에서 쓸 네임서버 (기본값: 호스트의 것, 루프백 주소는 빼고)")},
	}
}

// runHooks turns run's lifecycle flags into Hooks (and --net bridge into
// a new network namespace plus a veth pair).
func (e *env) runHooks(c *cli.Context, cfg *container.Config) (*container.Hooks, error) {
	h := &container.Hooks{}
	for _, s := range c.StringSlice("volume") {
		v, err := container.ParseVolume(s)
		if err != nil {
			return nil, err
		}
		h.Volumes = append(h.Volumes, v)
	}
	for _, s := range c.StringSlice("publish") {
		p, err := container.ParsePort(s)
		if err != nil {
			return nil, err
		}
		h.Ports = append(h.Ports, p)
	}
	if cfg.Net == "bridge" {
		if _, err := container.ParseSubnet(c.String("subnet")); err != nil {
			return nil, err
		}
		cfg.Net = "none"
		h.Bridge = &container.Bridge{Subnet: c.String("subnet")}
		for _, s := range c.StringSlice("dns") {
			a, err := container.ParseDNS(s)
			if err != nil {
				return nil, err
			}
			h.Bridge.DNS = append(h.Bridge.DNS, a)
		}
	} else if c.IsSet("subnet") || c.IsSet("dns") {
		return nil, usagef(helpHint("sysdojo container run"), i18n.T("--subnet and --dns go with --net bridge", "--subnet과 --dns는 --net bridge와 함께 씁니다"))
	}
	h.Detached = c.Bool("detach")
	return h, nil
}

func (e *env) runDetached(cfg container.Config) error {
	in, err := container.Detach(cfg)
	if err != nil {
		return err
	}
	fmt.Fprintln(e.io.Out, in.Name)
	return nil
}

func (e *env) lifecycleCommands() []*cli.Command {
	nameArg := "NAME"
	return []*cli.Command{
		{
			Name:    "ps",
			Aliases: []string{"ls"},
			Usage:   e.t("list containers: name, PID, command, status, age, limits, ports", "컨테이너 목록: 이름, PID, 명령, 상태, 실행 시간, 제한, 포트"),
			Flags: []cli.Flag{jsonFlag,
				&cli.BoolFlag{Name: "all", Aliases: []string{"a"}, Usage: e.t("also the ones that exited", "끝난 것도 보여 줌")}},
			Action: e.containerPs,
		},
		{
			Name:      "exec",
			Usage:     e.t("run a command inside a running container (a shell when stdin is a terminal)", "실행 중인 컨테이너 안에서 명령을 실행 (표준 입력이 터미널이면 대화형)"),
			ArgsUsage: nameArg + " [--] CMD [ARG...]",
			Description: e.t("The command gets all the container's namespaces, its root, its cgroups,\nits reduced capabilities and no_new_privs. Exit status: the command's.",
				"명령은 컨테이너의 모든 네임스페이스, 루트, cgroup, 줄어든 capability,\nno_new_privs를 그대로 받습니다. 종료 코드: 명령의 종료 코드."),
			UseShortOptionHandling: true, // -it
			Flags: []cli.Flag{
				&cli.StringSliceFlag{Name: "env", Aliases: []string{"e"}, Usage: e.t("set an environment variable K=V", "환경 변수 K=V 설정")},
				&cli.StringFlag{Name: "workdir", Aliases: []string{"w"}, Usage: e.t("working directory inside", "안에서의 작업 디렉터리")},
				&cli.BoolFlag{Name: "detach", Aliases: []string{"d"}, Usage: e.t("run it in the background (output discarded)", "백그라운드에서 실행 (출력은 버림)")},
				&cli.StringFlag{Name: "user", Aliases: []string{"u"}, Usage: e.t("UID[:GID] or a user of the container to run as", "실행할 UID[:GID]나 컨테이너에 있는 사용자")},
				&cli.BoolFlag{Name: "interactive", Aliases: []string{"i"}, Usage: e.t("connect stdin when it is a pipe or a file (a terminal always is)",
					"표준 입력이 파이프나 파일일 때도 연결 (터미널은 언제나 연결됨)")},
				&cli.BoolFlag{Name: "tty", Aliases: []string{"t"}, Usage: e.t("give the command this terminal (refused when stdin is not one)",
					"명령에 이 터미널을 줌 (표준 입력이 터미널이 아니면 거절)")},
			},
			Action: e.containerExec,
		},
		{
			Name:      "kill",
			Usage:     e.t("send a signal to a container's PID 1 (SIGKILL by default), as docker kill", "docker kill처럼 컨테이너의 PID 1에 시그널을 보냄 (기본값 SIGKILL)"),
			ArgsUsage: nameArg + "...",
			Description: e.t("A signal PID 1 has no handler for is dropped by the kernel, SIGKILL aside: run the container with --init to have it passed on.",
				"PID 1에 핸들러가 없는 시그널은 커널이 버립니다 (SIGKILL은 예외). 시그널이 전달되게 하려면 컨테이너를 --init으로 실행하세요."),
			Flags: []cli.Flag{&cli.StringFlag{Name: "signal", Aliases: []string{"s"}, Value: "KILL",
				Usage: e.t("signal name or number (TERM, SIGHUP, 15)", "시그널 이름이나 번호 (TERM, SIGHUP, 15)")}},
			Action: e.containerKill,
		},
		{
			Name:      "inspect",
			Usage:     e.t("a container's state as JSON, or a Go template's output (--format)", "컨테이너 상태를 JSON으로, 또는 Go 템플릿(--format)으로 출력"),
			ArgsUsage: nameArg + "...",
			Description: e.t("Without --format: a JSON array, one object per container (the fields of 'container ps --json'). "+
				"--format is a Go template run on each container, e.g. '{{.Status}}', '{{.PID}}', '{{.Limits.Memory}}', '{{json .Command}}'.",
				"--format이 없으면 컨테이너마다 객체 하나씩 든 JSON 배열('container ps --json'과 같은 필드)을 출력합니다. "+
					"--format은 컨테이너마다 실행할 Go 템플릿입니다. 예: '{{.Status}}', '{{.PID}}', '{{.Limits.Memory}}', '{{json .Command}}'."),
			Flags: []cli.Flag{&cli.StringFlag{Name: "format", Aliases: []string{"f"},
				Usage: e.t("print this Go template for each container", "컨테이너마다 이 Go 템플릿을 출력")}},
			Action: e.containerInspect,
		},
		{
			Name:      "stop",
			Usage:     e.t("stop a container: SIGTERM to its PID 1, SIGKILL after the grace period", "컨테이너 정지: PID 1에 SIGTERM, 유예 시간 뒤 SIGKILL"),
			ArgsUsage: nameArg,
			Flags: []cli.Flag{&cli.DurationFlag{Name: "time", Aliases: []string{"t"}, Value: 10 * time.Second,
				Usage: e.t("grace period before SIGKILL", "SIGKILL 전 유예 시간")}},
			Action: e.containerStop,
		},
		{
			Name:      "rm",
			Usage:     e.t("remove a container: state, log, cgroups, network pieces", "컨테이너 삭제: 상태, 로그, cgroup, 네트워크"),
			ArgsUsage: nameArg,
			Flags: []cli.Flag{jsonFlag, &cli.BoolFlag{Name: "force", Aliases: []string{"f"},
				Usage: e.t("kill it first if it runs", "실행 중이면 먼저 강제 종료")}},
			Action: e.containerRm,
		},
		{
			Name:      "logs",
			Usage:     e.t("what a detached container wrote", "백그라운드 컨테이너가 출력한 내용"),
			ArgsUsage: nameArg,
			Flags: []cli.Flag{&cli.BoolFlag{Name: "follow", Aliases: []string{"f"},
				Usage: e.t("keep printing until it ends", "끝날 때까지 계속 출력")}},
			Action: e.containerLogs,
		},
		{
			Name:      "bundle",
			Usage:     e.t("write an OCI bundle (config.json + rootfs) that 'runc run' runs as sysdojo would", "'runc run'으로 실행할 수 있는 OCI 번들(config.json + rootfs)을 만듦"),
			ArgsUsage: "OUTDIR [--] CMD [ARG...]",
			Flags: append([]cli.Flag{jsonFlag, e.rootfsFlag(),
				&cli.StringFlag{Name: "hostname", Usage: e.t("host name inside", "안의 호스트 이름")},
			}, e.processFlags()...),
			Action: e.containerBundle,
		},
		{
			// A detached container's monitor: "run -d" re-executes this
			// binary as "sysdojo container monitor" (see container.Detach).
			Name:   "monitor",
			Hidden: true,
			Action: func(*cli.Context) error {
				if !container.IsMonitor() {
					return usagef(helpHint("sysdojo container"), i18n.T("'container monitor' is only for sysdojo itself", "'container monitor'는 sysdojo 내부용입니다"))
				}
				return exitStatus(container.RunMonitor())
			},
		},
	}
}

func (e *env) containerPs(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	list, err := container.Containers("", c.Bool("all"))
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return e.writeJSON(list)
	}
	if len(list) == 0 {
		if c.Bool("all") {
			fmt.Fprintln(e.io.Out, e.t("no containers", "컨테이너가 없습니다"))
		} else {
			fmt.Fprintln(e.io.Out, e.t("no running containers (ps -a shows the ones that exited)", "실행 중인 컨테이너가 없습니다 (끝난 것은 ps -a로 보세요)"))
		}
		return nil
	}
	rows := [][]string{{e.t("NAME", "이름"), "PID", e.t("COMMAND", "명령"), e.t("STATUS", "상태"), e.t("AGE", "경과"),
		e.t("LIMITS", "제한"), e.t("PORTS", "포트")}}
	for _, in := range list {
		pid := "-"
		if in.PID > 0 {
			pid = fmt.Sprint(in.PID)
		}
		cmd := strings.Join(in.Command, " ")
		if r := []rune(cmd); len(r) > 24 {
			cmd = string(r[:23]) + "…"
		}
		status := e.t("running", "실행 중")
		if !in.Running() {
			if in.ExitCode != nil {
				status = fmt.Sprintf(e.t("exited (%d)", "종료 (%d)"), *in.ExitCode)
			} else {
				status = e.t("exited (?: its runtime was killed)", "종료 (?: 런타임이 강제 종료됨)")
			}
		}
		var lim []string
		if in.Limits.Memory > 0 {
			lim = append(lim, "mem="+mib(in.Limits.Memory))
		}
		if in.Limits.Pids > 0 {
			lim = append(lim, fmt.Sprintf("pids=%d", in.Limits.Pids))
		}
		if in.Limits.CPUs > 0 {
			lim = append(lim, fmt.Sprintf("cpus=%g", in.Limits.CPUs))
		}
		limits := strings.ReplaceAll(strings.Join(lim, ","), " MiB", "m")
		if limits == "" {
			limits = "-"
		}
		var ports []string
		for _, p := range in.Ports {
			ports = append(ports, p.String())
		}
		if in.Net != nil {
			ports = append(ports, in.Net.ContainerIP)
		}
		pstr := strings.Join(ports, ",")
		if pstr == "" {
			pstr = "-"
		}
		rows = append(rows, []string{in.Name, pid, cmd, status, age(time.Since(in.Created)), limits, pstr})
	}
	t := term.NewTable("")
	for ri, r := range rows {
		if ri == 0 {
			for i := range r {
				r[i] = e.io.Dim(r[i])
			}
		}
		t.Row(r...)
	}
	t.Write(e.io.Out)
	return nil
}

func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

func (e *env) containerExec(c *cli.Context) error {
	a := c.Args().Slice()
	if len(a) < 2 {
		return usagef(helpHint("sysdojo container exec"), i18n.T("usage: sysdojo container exec NAME [--] CMD [ARG...]", "사용법: sysdojo container exec NAME [--] CMD [ARG...]"))
	}
	in, err := e.containerStdin(c, "sysdojo container exec")
	if err != nil {
		return err
	}
	code, err := container.Exec(a[0], container.ExecOptions{Args: a[1:], Env: c.StringSlice("env"), Dir: c.String("workdir"),
		User: c.String("user"), Stdin: in, Stdout: e.io.Out, Stderr: e.io.Err, Detach: c.Bool("detach")})
	if err != nil {
		return err
	}
	if code != 0 {
		return &i18n.Error{Kind: i18n.Kind(code), Text: i18n.T("the command exited with status %d", "명령이 끝났습니다 (종료 코드 %d)").F(code)}
	}
	return nil
}

func (e *env) containerKill(c *cli.Context) error {
	a, err := args(c, 1, -1, "NAME...")
	if err != nil {
		return err
	}
	sig, err := parseSignal(c.String("signal"))
	if err != nil {
		return err
	}
	for _, name := range a {
		if err := container.Kill("", name, sig); err != nil {
			return err
		}
		fmt.Fprintln(e.io.Out, name)
	}
	return nil
}

// parseSignal reads a signal as kill and docker kill take it: KILL,
// SIGKILL, kill or 9.
func parseSignal(s string) (syscall.Signal, error) {
	if n, err := strconv.Atoi(s); err == nil && n > 0 && n < 65 {
		return syscall.Signal(n), nil
	}
	name := strings.ToUpper(s)
	if !strings.HasPrefix(name, "SIG") {
		name = "SIG" + name
	}
	if sig := unix.SignalNum(name); sig != 0 {
		return sig, nil
	}
	return 0, usagef(helpHint("sysdojo container kill"), i18n.T("unknown signal %q (e.g. KILL, TERM, HUP, 9)", "모르는 시그널입니다: %q (예: KILL, TERM, HUP, 9)"), s)
}

func (e *env) containerInspect(c *cli.Context) error {
	a, err := args(c, 1, -1, "NAME...")
	if err != nil {
		return err
	}
	var tmpl *template.Template
	if f := c.String("format"); f != "" {
		tmpl, err = template.New("format").Funcs(template.FuncMap{
			"json": func(v any) (string, error) {
				b, err := json.Marshal(v)
				return string(b), err
			},
			"join": strings.Join, "upper": strings.ToUpper, "lower": strings.ToLower,
		}).Parse(f)
		if err != nil {
			return usagef(helpHint("sysdojo container inspect"), i18n.T("bad --format template: %s", "--format 템플릿이 잘못되었습니다: %s"), err.Error())
		}
	}
	var list []*container.Info
	for _, name := range a {
		in, err := container.Find("", name)
		if err != nil {
			return err
		}
		list = append(list, in)
	}
	if tmpl == nil {
		return e.writeJSON(list)
	}
	for _, in := range list {
		var b strings.Builder
		if err := tmpl.Execute(&b, in); err != nil {
			return usagef(helpHint("sysdojo container inspect"), i18n.T("bad --format template: %s", "--format 템플릿이 잘못되었습니다: %s"), err.Error())
		}
		fmt.Fprintln(e.io.Out, b.String())
	}
	return nil
}

func (e *env) containerStop(c *cli.Context) error {
	a, err := args(c, 1, 1, "NAME")
	if err != nil {
		return err
	}
	if c.Duration("time") < 0 {
		return usagef(helpHint("sysdojo container stop"), i18n.T("--time cannot be negative", "--time은 음수일 수 없습니다"))
	}
	was, err := container.Stop("", a[0], c.Duration("time"))
	if err != nil {
		return err
	}
	if !was {
		fmt.Fprintln(e.io.Out, e.t("already stopped: "+a[0], "이미 멈춰 있습니다: "+a[0]))
		return nil
	}
	fmt.Fprintln(e.io.Out, a[0])
	return nil
}

func (e *env) containerRm(c *cli.Context) error {
	a, err := args(c, 1, 1, "NAME")
	if err != nil {
		return err
	}
	got, err := container.Remove("", a[0], c.Bool("force"))
	if err != nil {
		return err
	}
	if c.Bool("json") {
		if got == nil {
			got = []container.Collected{}
		}
		return e.writeJSON(got)
	}
	fmt.Fprintln(e.io.Out, a[0])
	return nil
}

func (e *env) containerLogs(c *cli.Context) error {
	a, err := args(c, 1, 1, "NAME")
	if err != nil {
		return err
	}
	stop := make(chan struct{})
	if c.Bool("follow") {
		sigs := make(chan os.Signal, 1)
		signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
		defer signal.Stop(sigs)
		go func() {
			<-sigs
			close(stop)
		}()
	}
	return container.Logs("", a[0], c.Bool("follow"), e.io.Out, stop)
}

func (e *env) containerBundle(c *cli.Context) error {
	a := c.Args().Slice()
	if len(a) < 2 {
		return usagef(helpHint("sysdojo container bundle"), i18n.T("usage: sysdojo container bundle [--rootfs DIR] OUTDIR [--] CMD [ARG...]",
			"사용법: sysdojo container bundle [--rootfs DIR] OUTDIR [--] CMD [ARG...]"))
	}
	opts := container.BundleOptions{Args: a[1:], Env: c.StringSlice("env"), Dir: c.String("workdir"), Hostname: c.String("hostname")}
	var err error
	if opts.Limits, err = limitFlags(c); err != nil {
		return err
	}
	if opts.Limits.Pids < 0 || opts.Limits.CPUs < 0 {
		return usagef(helpHint("sysdojo container bundle"), i18n.T("limits cannot be negative", "제한 값은 음수일 수 없습니다"))
	}
	if c.IsSet("rootfs") && c.String("rootfs") == "" {
		return usagef(helpHint("sysdojo container bundle"), i18n.T("--rootfs needs a directory", "--rootfs에는 디렉터리가 필요합니다"))
	}
	if opts.Rootfs, err = e.defaultRootfs(c.String("rootfs")); err != nil {
		return err
	}
	rep, err := container.Bundle(a[0], opts)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		return e.writeJSON(rep)
	}
	fmt.Fprintf(e.io.Out, "%s %s\n", e.io.Mark(true), e.t(
		fmt.Sprintf("OCI bundle written in %s: config.json and rootfs/ (%d files)", rep.Dir, rep.Files),
		fmt.Sprintf("%s에 OCI 번들을 만들었습니다: config.json과 rootfs/ (파일 %d개)", rep.Dir, rep.Files)))
	fmt.Fprintf(e.io.Out, "  %s\n", e.t("run it with: sudo runc run --bundle "+rep.Dir+" NAME",
		"실행하려면: sudo runc run --bundle "+rep.Dir+" NAME"))
	return nil
}
