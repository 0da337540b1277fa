package main

import (
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/urfave/cli/v2"
	"github.com/xrash/smetrics"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Usage errors from parsing: one line, the flag as it was typed (both
// dashes), a did-you-mean where a known name is close (urfave/cli's
// Suggest), and for a Docker flag sysdojo does not have, why not. Exit
// status 2.

// similar is how close (Jaro-Winkler, as urfave/cli's suggestions) a
// typed name must be to a known one to be suggested.
const similar = 0.8

var invalidValue = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^invalid (?:[a-z]+ )?value (".*") for (?:flag )?-+([^:\s]+)`)
})

func closeEnough(a, b string) bool {
	return smetrics.JaroWinkler(a, b, 0.7, 4) >= similar
}

func onUsageError(e *env, path string, flags []cli.Flag) cli.OnUsageErrorFunc {
	return func(c *cli.Context, err error, _ bool) error {
		msg := err.Error()
		if name, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
			return unknownFlag(c, path, flags, strings.TrimLeft(name, "-"))
		}
		if name, ok := strings.CutPrefix(msg, "flag needs an argument: "); ok {
			return usagef(helpHint(path), i18n.T("flag %s needs a value", "%s 옵션에는 값이 필요합니다"), typed(c, strings.TrimLeft(name, "-")))
		}
		// invalid value "x" for flag -cpus: parse error
		// invalid boolean value "x" for -json: parse error
		if m := invalidValue().FindStringSubmatch(msg); m != nil {
			return usagef(helpHint(path), i18n.T("invalid value %s for %s", "%[2]s 옵션의 값 %[1]s는 쓸 수 없습니다"), m[1], typed(c, m[2]))
		}
		return usagef(helpHint(path), i18n.T("%s", "%s"), msg)
	}
}

// typed returns the flag name as the user typed it ("--jsn", "-x"), from
// the command line run was given; else with the dashes sysdojo uses.
func typed(c *cli.Context, name string) string {
	if c != nil && c.App != nil {
		if args, ok := c.App.Metadata["args"].([]string); ok {
			for _, a := range args {
				if a == "--" {
					break
				}
				n, _, _ := strings.Cut(a, "=")
				if strings.HasPrefix(n, "-") && strings.TrimLeft(n, "-") == name {
					return n
				}
			}
		}
	}
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

func unknownFlag(c *cli.Context, path string, flags []cli.Flag, name string) error {
	flag := typed(c, name)
	if why, ok := dockerFlagWhy(path, name); ok {
		return usagef(i18n.Text{}, i18n.T("%s is a Docker flag sysdojo does not support: %s", "sysdojo가 지원하지 않는 Docker 옵션: %s. %s"), flag, why)
	}
	if s := cli.SuggestFlag(visibleFlags(flags), name, false); s != "" && closeEnough(strings.TrimLeft(s, "-"), name) {
		return usagef(i18n.T("did you mean %s? see '%s --help'", "혹시 %s 옵션인가요? '%s --help'를 참고하세요").F(s, path),
			i18n.T("unknown flag %s", "없는 옵션입니다: %s"), flag)
	}
	if !strings.HasPrefix(flag, "--") {
		// "-w" is more likely a mode or a name that starts with a dash.
		return usagef(i18n.T("an argument that starts with '-' goes after --, e.g. '%s -- %s'; see '%s --help'",
			"'-'로 시작하는 인자는 -- 뒤에 씁니다 (예: '%s -- %s'). '%s --help'도 참고하세요").F(path, flag, path),
			i18n.T("unknown flag %s", "없는 옵션입니다: %s"), flag)
	}
	return usagef(helpHint(path), i18n.T("unknown flag %s", "없는 옵션입니다: %s"), flag)
}

// unknownHelpTopic is the error of 'help WORD' for a word that names no
// command of the group at path.
func unknownHelpTopic(subs []*cli.Command, path, name string) error {
	return unknownIn(subs, path, name)
}

// unknownCommand is the error for a word that names no subcommand of the
// command at path, with the closest one when it is close.
func unknownCommand(c *cli.Context, path, name string) error {
	var subs []*cli.Command
	if path == "sysdojo" {
		subs = c.App.Commands
	} else {
		subs = c.Command.Subcommands
	}
	return unknownIn(subs, path, name)
}

func unknownIn(subs []*cli.Command, path, name string) error {
	best, score := "", 0.0
	for _, s := range subs {
		if s.Hidden || s.Name == "help" {
			continue
		}
		for _, n := range s.Names() {
			if d := smetrics.JaroWinkler(n, name, 0.7, 4); d > score {
				best, score = n, d
			}
		}
	}
	hint := helpHint(path)
	if score >= similar {
		hint = i18n.T("did you mean '%s %s'? see '%s --help'", "혹시 '%s %s' 명령인가요? '%s --help'를 참고하세요").F(path, best, path)
	}
	if path == "sysdojo" {
		return usagef(hint, i18n.T("unknown command '%s'", "'%s'라는 명령은 없습니다"), name)
	}
	return usagef(hint, i18n.T("unknown command '%s' for '%s'", "'%[2]s'에는 '%[1]s'라는 명령이 없습니다"), name, path)
}

// dockerFlag is a docker run (or exec) flag sysdojo does not have, and
// why: what to do instead.
type dockerFlag struct {
	names []string
	why   i18n.Text
}

// dockerFlags are the Docker flags a Docker user may type that sysdojo
// does not support. The ones it does support (--rm, -it, -u, -m, --cpus,
// --network, --init, --entrypoint, --read-only, --env-file, --cap-add,
// --cap-drop, --security-opt, -e, -w, -v, -p, -d, --name, --hostname) are
// real flags of container run.
var dockerFlags = []dockerFlag{
	{[]string{"privileged"}, i18n.T("a container never gets every capability and device; add the one capability it needs with --cap-add",
		"컨테이너에 모든 capability와 장치를 주지 않습니다. 필요한 capability 하나만 --cap-add로 더하세요")},
	{[]string{"pull", "platform", "disable-content-trust"}, i18n.T("sysdojo runs a rootfs directory, not a registry image: make one with 'sysdojo container rootfs build DIR' or 'rootfs import', then --rootfs DIR",
		"sysdojo는 레지스트리 이미지가 아니라 rootfs 디렉터리를 실행합니다. 'sysdojo container rootfs build DIR'나 'rootfs import'로 만든 뒤 --rootfs DIR로 주세요")},
	{[]string{"restart"}, i18n.T("there is no daemon to restart a container: run it again",
		"컨테이너를 다시 시작해 줄 데몬이 없습니다. 다시 실행하세요")},
	{[]string{"device", "gpus", "device-cgroup-rule"}, i18n.T("a container gets the default devices only (null, zero, full, random, urandom, tty)",
		"컨테이너는 기본 장치(null, zero, full, random, urandom, tty)만 받습니다")},
	{[]string{"add-host", "dns-search", "dns-option", "mac-address", "ip", "ip6", "link", "network-alias"}, i18n.T("the network is none, host or bridge (--network); addresses and names are not set by hand",
		"네트워크는 none, host, bridge(--network) 중 하나이고 주소와 이름은 직접 정하지 않습니다")},
	{[]string{"publish-all", "P", "expose"}, i18n.T("only the ports given with -p HOSTPORT:CTRPORT are published, on 127.0.0.1",
		"-p HOSTPORT:CTRPORT로 준 포트만 127.0.0.1에 공개합니다")},
	{[]string{"pid", "ipc", "uts", "userns", "cgroupns"}, i18n.T("every container gets new namespaces of each kind (only the network can be the host's: --network host)",
		"컨테이너는 언제나 모든 네임스페이스를 새로 받습니다 (호스트 것을 쓸 수 있는 건 --network host뿐입니다)")},
	{[]string{"mount", "tmpfs", "volumes-from"}, i18n.T("-v HOSTDIR:CTRDIR[:ro] binds a directory; other mounts are not supported",
		"-v HOSTDIR:CTRDIR[:ro]로 디렉터리를 연결합니다. 다른 마운트는 지원하지 않습니다")},
	{[]string{"pids-limit"}, i18n.T("sysdojo's is --pids N", "sysdojo에서는 --pids N입니다")},
	{[]string{"memory-swap", "memory-reservation", "memory-swappiness", "kernel-memory", "oom-kill-disable", "oom-score-adj", "shm-size"},
		i18n.T("the memory limit is -m/--memory SIZE alone", "메모리 제한은 -m/--memory SIZE 하나뿐입니다")},
	{[]string{"cpu-shares", "c", "cpuset-cpus", "cpuset-mems", "cpu-period", "cpu-quota", "cpu-rt-period", "cpu-rt-runtime", "blkio-weight", "device-read-bps", "device-write-bps"},
		i18n.T("the CPU limit is --cpus N alone (it sets the cgroup's quota)", "CPU 제한은 --cpus N 하나뿐입니다 (cgroup의 quota를 정합니다)")},
	{[]string{"ulimit", "sysctl"}, i18n.T("resource limits come from the cgroup (--memory, --cpus, --pids)", "자원 제한은 cgroup으로 합니다 (--memory, --cpus, --pids)")},
	{[]string{"log-driver", "log-opt"}, i18n.T("a detached container's output goes to one file, read with 'sysdojo container logs NAME'",
		"백그라운드 컨테이너의 출력은 파일 하나에 쌓이고 'sysdojo container logs NAME'으로 읽습니다")},
	{[]string{"label", "l", "label-file", "annotation"}, i18n.T("sysdojo keeps no labels; the name (--name) is how a container is found",
		"sysdojo는 레이블을 두지 않습니다. 컨테이너는 이름(--name)으로 찾습니다")},
	{[]string{"health-cmd", "health-interval", "health-retries", "health-timeout", "health-start-period", "no-healthcheck"},
		i18n.T("there are no health checks: 'sysdojo container ps' shows whether it runs", "상태 검사는 없습니다. 실행 중인지는 'sysdojo container ps'로 봅니다")},
	{[]string{"stop-signal", "stop-timeout"}, i18n.T("'sysdojo container stop -t DURATION NAME' sends SIGTERM, then SIGKILL after the grace period",
		"'sysdojo container stop -t 시간 NAME'은 SIGTERM을 보내고 유예 시간 뒤 SIGKILL을 보냅니다")},
	{[]string{"attach", "a", "detach-keys", "sig-proxy"}, i18n.T("a container runs in the foreground or detached (-d); there is no attaching later",
		"컨테이너는 앞에서 실행하거나 -d로 뒤에서 실행합니다. 나중에 붙는 기능은 없습니다")},
	{[]string{"group-add"}, i18n.T("-u/--user UID[:GID] sets the user and its group; there are no extra groups",
		"-u/--user UID[:GID]로 사용자와 그룹을 정합니다. 추가 그룹은 없습니다")},
	{[]string{"cidfile", "runtime", "isolation", "storage-opt", "cgroup-parent", "init-path", "volume-driver", "domainname", "quiet", "q"},
		i18n.T("it belongs to Docker's daemon and image store, which sysdojo does not have", "Docker 데몬과 이미지 저장소의 기능이라 sysdojo에는 없습니다")},
}

// dockerFlagWhy says why the container command at path has no Docker
// flag name.
func dockerFlagWhy(path, name string) (i18n.Text, bool) {
	if !strings.HasPrefix(path, "sysdojo container ") {
		return i18n.Text{}, false
	}
	for _, d := range dockerFlags {
		if slices.Contains(d.names, name) {
			return d.why, true
		}
	}
	return i18n.Text{}, false
}
