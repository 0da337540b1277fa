package lessons

import (
	"sort"
	"strings"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/perm"
)

// KindInside: Path names one aspect of a running container's real
// state, looked at from inside it (container.Exec) or in its runtime's
// record, never in a file on the host a student could write:
//
//	network  the container has its own link to the host (--network bridge)
//	sources  its enabled APT sources (sources.list, sources.list.d) use Want (host:port or URL part), and none 127.0.0.1
//	updated  apt-get update fetched an index from Want (its /var/lib/apt/lists)
//	package  dpkg inside says package Want is installed
//	user     user Want exists inside, added in the container (its /etc/passwd changed in the container's own layer)
//	process  a process other than PID 1 runs the command line Want
const KindInside = "inside"

var insideAspects = map[string]bool{"network": true, "sources": true, "updated": true, "package": true, "user": true, "process": true}

var insideKind = kindSpec{
	Doc: "path (network, sources, updated, package, user, process) of the running container's real state matches want, looked at from inside",
	Validate: func(c Check) string {
		if c.Container == "" || !insideAspects[c.Path] {
			return "inside needs container and path (network, sources, updated, package, user or process)"
		}
		if c.Want == "" && c.Path != "network" {
			return "inside needs want"
		}
		return ""
	},
	Run: runInside,
	Describe: func(c Check) i18n.Text {
		n := c.Container
		switch c.Path {
		case "network":
			return t("container %s is on the bridge (--network bridge)", "컨테이너 %s: 브리지에 연결됨 (--network bridge)").F(n)
		case "sources":
			return t("the APT sources inside %s use %s", "컨테이너 %s 안의 APT 소스가 %s를 씀").F(n, c.Want)
		case "updated":
			return t("apt-get update inside %s fetched the index from %s", "컨테이너 %s 안에서 apt-get update가 %s의 색인을 받음").F(n, c.Want)
		case "package":
			return t("dpkg inside %s has %s installed", "컨테이너 %s 안의 dpkg에 %s가 설치되어 있음").F(n, c.Want)
		case "user":
			return t("user %s was added inside %s", "컨테이너 %[2]s 안에 사용자 %[1]s를 추가함").F(c.Want, n)
		case "process":
			return t("%s runs inside %s beside its PID 1", "컨테이너 %[2]s 안에서 PID 1과 따로 %[1]s가 돎").F(c.Want, n)
		}
		return t("%s of container %s", "컨테이너 %[2]s의 %[1]s").F(c.Path, n)
	},
}

// running finds the running container name, or says why it cannot look.
func running(env Env, name, want string) (*container.Info, *Criterion) {
	all, err := container.Containers(env.ContainerRoot, true)
	if err != nil {
		cr := cannotSee(err)
		cr.Want = want
		return nil, &cr
	}
	for _, in := range all {
		if in.Name != name {
			continue
		}
		if !in.Running() {
			return nil, &Criterion{Saw: "exited", Want: want,
				Line: t("container %s is not running, so nothing can be seen inside it", "컨테이너 %s: 실행 중이 아니어서 안을 볼 수 없습니다").F(name)}
		}
		return in, nil
	}
	return nil, &Criterion{Saw: "absent", Want: want,
		Line: t("there is no container named %s yet (sysdojo container ps -a lists them)", "이름이 %s인 컨테이너가 아직 없습니다 (sysdojo container ps -a로 목록을 봅니다)").F(name)}
}

// inside runs a shell script in the container and returns its output.
func inside(env Env, name, script string, args ...string) (string, int, error) {
	return execIn(env.ContainerRoot, name, append([]string{"/bin/sh", "-c", script, "sh"}, args...)...)
}

// short keeps a line of what was seen readable.
func short(s string) string {
	s = Printable(strings.TrimSpace(s))
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

func runInside(c Check, env Env, _ *perm.DB) Criterion {
	name := c.Container
	in, cr := running(env, name, or(c.Want, c.Path))
	if cr != nil {
		return *cr
	}
	look := func(script string, args ...string) (string, int, *Criterion) {
		out, code, err := inside(env, name, script, args...)
		if err != nil {
			cr := cannotSee(err)
			cr.Want = c.Want
			return "", 0, &cr
		}
		return out, code, nil
	}
	switch c.Path {
	case "network":
		if in.Net == nil {
			return Criterion{Saw: "none", Want: "bridge",
				Line: t("container %s has no network of its own to the host (it was started without --network bridge)", "컨테이너 %s: 호스트로 이어진 네트워크가 없습니다 (--network bridge 없이 띄웠습니다)").F(name)}
		}
		return Criterion{OK: true, Saw: "bridge", Want: "bridge",
			Line: t("container %s is on the bridge: %s inside, the host's end %s", "컨테이너 %s: 브리지에 연결되어 있습니다. 안쪽 주소 %s, 호스트 쪽 %s").F(name, in.Net.ContainerIP, in.Net.HostIP)}

	case "sources":
		out, _, cr := look(`cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources 2>/dev/null`)
		if cr != nil {
			return *cr
		}
		var uris []string
		for _, line := range strings.Split(out, "\n") {
			f := strings.Fields(line)
			if len(f) == 0 || strings.HasPrefix(f[0], "#") {
				continue
			}
			for _, w := range f {
				if strings.HasPrefix(w, "http://") || strings.HasPrefix(w, "https://") {
					uris = append(uris, w)
				}
			}
		}
		saw := strings.Join(uris, " ")
		if len(uris) == 0 {
			return Criterion{Saw: "none", Want: c.Want,
				Line: t("container %s has no enabled APT source at all", "컨테이너 %s: 켜진 APT 소스가 하나도 없습니다").F(name)}
		}
		ok, loop := false, false
		for _, u := range uris {
			ok = ok || strings.Contains(u, c.Want)
			loop = loop || strings.Contains(u, "//127.") || strings.Contains(u, "//localhost")
		}
		switch {
		case ok && !loop:
			return Criterion{OK: true, Saw: saw, Want: c.Want,
				Line: t("the APT sources inside %s use %s", "컨테이너 %s 안의 APT 소스가 %s를 씁니다").F(name, short(saw))}
		case loop:
			return Criterion{Saw: saw, Want: c.Want,
				Line: t("the APT sources inside %s still use %s: inside the container, 127.0.0.1 is the container itself, where no mirror listens",
					"컨테이너 %s 안의 APT 소스가 아직 %s를 씁니다. 컨테이너 안에서 127.0.0.1은 컨테이너 자신이고, 거기에는 미러가 없습니다").F(name, short(saw))}
		}
		return Criterion{Saw: saw, Want: c.Want,
			Line: t("the APT sources inside %s use %s, not the mirror the task names", "컨테이너 %s 안의 APT 소스가 %s를 씁니다. 과제에서 정한 미러가 아닙니다").F(name, short(saw))}

	case "updated":
		out, _, cr := look(`ls /var/lib/apt/lists/ 2>/dev/null`)
		if cr != nil {
			return *cr
		}
		var got []string
		want := strings.ReplaceAll(strings.TrimPrefix(strings.TrimPrefix(c.Want, "http://"), "https://"), "/", "_")
		for _, f := range strings.Fields(out) {
			if strings.HasSuffix(f, "Release") || strings.HasSuffix(f, "InRelease") {
				got = append(got, f)
				if strings.Contains(f, want) {
					return Criterion{OK: true, Saw: f, Want: c.Want,
						Line: t("apt-get update inside %s fetched %s", "컨테이너 %s 안에서 apt-get update가 %s를 받았습니다").F(name, short(f))}
				}
			}
		}
		if len(got) == 0 {
			return Criterion{Saw: "no index", Want: c.Want,
				Line: t("container %s has no package index yet: apt-get update has not run inside it (or failed)", "컨테이너 %s: 아직 패키지 색인이 없습니다. 안에서 apt-get update를 하지 않았거나 실패했습니다").F(name)}
		}
		return Criterion{Saw: strings.Join(got, " "), Want: c.Want,
			Line: t("the indexes inside %s came from elsewhere (%s), not from the mirror the task names", "컨테이너 %s 안의 색인은 다른 곳(%s)에서 왔습니다. 과제에서 정한 미러가 아닙니다").F(name, short(strings.Join(got, " ")))}

	case "package":
		out, _, cr := look(`dpkg-query -W -f '${Status}' "$1" 2>&1`, c.Want)
		if cr != nil {
			return *cr
		}
		saw := strings.TrimSpace(out)
		if saw == "install ok installed" {
			return Criterion{OK: true, Saw: saw, Want: "installed",
				Line: t("dpkg inside %s: %s is installed", "컨테이너 %s 안의 dpkg: %s가 설치되어 있습니다").F(name, c.Want)}
		}
		if strings.Contains(saw, "no packages found") || saw == "" {
			saw = "not installed"
		}
		return Criterion{Saw: saw, Want: "installed",
			Line: t("dpkg inside %s says of %s: %s", "컨테이너 %s 안의 dpkg가 %s에 대해 알려 준 상태: %s").F(name, c.Want, short(saw))}

	case "user":
		out, code, cr := look(`getent passwd "$1"`, c.Want)
		if cr != nil {
			return *cr
		}
		if code != 0 || !strings.HasPrefix(out, c.Want+":") {
			return Criterion{Saw: "no such user", Want: c.Want,
				Line: t("there is no user %s inside %s yet", "컨테이너 %[2]s 안에 아직 사용자 %[1]s가 없습니다").F(c.Want, name)}
		}
		changes, err := container.Diff(env.ContainerRoot, name)
		if err != nil {
			cr := cannotSee(err)
			cr.Want = c.Want
			return cr
		}
		for _, ch := range changes {
			if ch.Path == "/etc/passwd" && ch.Kind != "D" {
				return Criterion{OK: true, Saw: short(out), Want: c.Want,
					Line: t("user %s exists inside %s: %s", "컨테이너 %[2]s 안에 사용자 %[1]s가 있습니다: %[3]s").F(c.Want, name, short(out))}
			}
		}
		return Criterion{Saw: "in the root on the host", Want: c.Want,
			Line: t("user %s is in %s's /etc/passwd, but it was not added in the container: the container's own layer has no change to /etc/passwd (it was written into the root on the host)",
				"사용자 %s가 %s의 /etc/passwd에 있지만 컨테이너 안에서 추가한 것이 아닙니다. 컨테이너 자신의 층에는 /etc/passwd 변경이 없습니다 (호스트에서 루트 디렉터리에 쓴 것입니다)").F(c.Want, name)}

	case "process":
		out, _, cr := look(`for p in /proc/[0-9]*; do [ "$p" = /proc/1 ] && continue; [ "$p" = /proc/$$ ] && continue; c=$(tr '\0' ' ' < $p/cmdline 2>/dev/null); [ -n "$c" ] && echo "$c"; done`)
		if cr != nil {
			return *cr
		}
		var cmds []string
		for _, l := range strings.Split(out, "\n") {
			l = strings.TrimSpace(l)
			if l == "" || strings.HasPrefix(l, "/bin/sh -c for p in") || strings.HasPrefix(l, "tr ") {
				continue
			}
			if l == c.Want {
				return Criterion{OK: true, Saw: l, Want: c.Want,
					Line: t("%s runs inside %s, beside its PID 1", "컨테이너 %[2]s 안에서 PID 1과 따로 %[1]s가 돌고 있습니다").F(l, name)}
			}
			cmds = append(cmds, l)
		}
		if len(cmds) == 0 {
			return Criterion{Saw: "PID 1 only", Want: c.Want,
				Line: t("only PID 1 runs inside %s: no process started in the background yet", "컨테이너 %s 안에는 PID 1만 돌고 있습니다. 아직 백그라운드로 띄운 프로세스가 없습니다").F(name)}
		}
		sort.Strings(cmds)
		saw := strings.Join(cmds, ", ")
		return Criterion{Saw: saw, Want: c.Want,
			Line: t("inside %s, besides PID 1, run: %s; none is the command the task names", "컨테이너 %s 안에는 PID 1 말고 %s가 돌고 있습니다. 과제에서 정한 명령은 없습니다").F(name, short(saw))}
	}
	return Criterion{Saw: "?", Want: c.Path, Line: t("unknown aspect %q", "모르는 확인 대상: %q").F(c.Path)}
}
