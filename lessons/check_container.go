package lessons

// The check kinds that look at live things rather than files: containers
// (through the container package), local servers and ranked mirrors
// (through apt/rank). Each still says, in one line, what it saw against
// what the task wants.

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Check kinds on live state.
const (
	KindContainer     = "container"      // container Container is Want: running, exited or absent
	KindHostname      = "hostname"       // running container Container has host name Want
	KindInContainer   = "in_container"   // Path exists inside running container Container
	KindVolumeFile    = "volume_file"    // Path (inside Container) is in a volume and appeared on the host side; contains Want if set
	KindPort          = "port"           // Container forwards host port Want, and something answers there
	KindLimit         = "limit"          // Container runs with the cgroup limit Path (memory, pids, cpus) equal to Want
	KindHTTP          = "http"           // the loopback URL Want answers 200 OK (containing Path's text if set)
	KindFastestMirror = "fastest_mirror" // sources under Path use the fastest fresh mirror of Paths (ranked live)
)

// containerKinds need a container name.
var containerKinds = map[string]bool{KindContainer: true, KindHostname: true, KindInContainer: true,
	KindVolumeFile: true, KindPort: true, KindLimit: true}

// validateMore checks the arguments of the live kinds; handled is false
// for the other kinds.
func validateMore(c Check) (handled bool, msg string) {
	switch {
	case containerKinds[c.Kind]:
		if c.Container == "" {
			return true, c.Kind + " needs container"
		}
		switch c.Kind {
		case KindContainer:
			if c.Want != "running" && c.Want != "exited" && c.Want != "absent" {
				return true, "container needs want: running, exited or absent"
			}
		case KindHostname, KindPort:
			if c.Want == "" {
				return true, c.Kind + " needs want"
			}
		case KindInContainer, KindVolumeFile:
			if !strings.HasPrefix(c.Path, "/") {
				return true, c.Kind + " needs an absolute path inside the container"
			}
		case KindLimit:
			if c.Path != "memory" && c.Path != "pids" && c.Path != "cpus" {
				return true, "limit needs path: memory, pids or cpus"
			}
			if c.Want == "" {
				return true, "limit needs want"
			}
		}
		if c.Kind == KindPort {
			if n, err := strconv.Atoi(c.Want); err != nil || n < 1 || n > 65535 {
				if !strings.Contains(c.Want, "${") {
					return true, "port needs want: a port number"
				}
			}
		}
		return true, ""
	case c.Kind == KindHTTP:
		if c.Want == "" {
			return true, "http needs want: a URL"
		}
		return true, ""
	case c.Kind == KindFastestMirror:
		if c.Path == "" || len(c.Paths) == 0 {
			return true, "fastest_mirror needs path (the sandbox root) and paths (the mirrors to rank)"
		}
		return true, ""
	}
	return false, ""
}

// notRootLine is what a container check says when it cannot look.
func cannotSee(err error) Criterion {
	// As another user, the checks look at the user's own (rootless)
	// containers: no sudo needed; a container started with sudo belongs
	// to root, and is checked with sudo.
	return Criterion{Saw: "error", Line: t("cannot look at the containers: %v", "컨테이너를 살펴볼 수 없습니다: %v").F(errText(err))}
}

func errText(err error) string {
	var ie *i18n.Error
	if errors.As(err, &ie) {
		return ie.Text.En
	}
	return err.Error()
}

func exitText(c *ctr) (en, ko string) {
	if c.ExitCode == nil {
		return "it has exited", "끝났습니다"
	}
	return fmt.Sprintf("it exited with status %d", *c.ExitCode), fmt.Sprintf("끝났습니다 (종료 코드 %d)", *c.ExitCode)
}

// runMoreCheck runs the live kinds; ok is false for the other kinds.
func runMoreCheck(c Check, env Env) (Criterion, bool) {
	if containerKinds[c.Kind] {
		return checkContainer(c, env), true
	}
	switch c.Kind {
	case KindHTTP:
		return checkHTTP(c), true
	case KindFastestMirror:
		return checkFastest(c, env), true
	}
	return Criterion{}, false
}

func checkContainer(c Check, env Env) Criterion {
	name := c.Container
	k, err := findContainer(env.ContainerRoot, name)
	if err != nil {
		cr := cannotSee(err)
		cr.Want = or(c.Want, c.Kind)
		return cr
	}
	if c.Kind == KindContainer {
		return containerState(c, k)
	}
	if k == nil {
		return Criterion{Saw: "absent", Want: or(c.Want, c.Kind),
			Line: t("there is no container named %s yet (sysdojo container ps -a lists them)", "이름이 %s인 컨테이너가 아직 없습니다 (sysdojo container ps -a로 목록을 봅니다)").F(name)}
	}
	if !k.Running && c.Kind != KindVolumeFile && c.Kind != KindLimit {
		en, ko := exitText(k)
		return Criterion{Saw: "exited", Want: or(c.Want, c.Kind),
			Line: bi("container %s is not running (%s), so nothing can be seen inside it", "컨테이너 %s: 실행 중이 아니어서(%s) 안을 볼 수 없습니다",
				[]any{name, en}, []any{name, ko})}
	}
	switch c.Kind {
	case KindHostname:
		out, code, err := execIn(env.ContainerRoot, name, "hostname")
		if err != nil || code != 0 {
			if err == nil {
				err = fmt.Errorf("hostname exited with status %d", code)
			}
			cr := cannotSee(err)
			cr.Want = c.Want
			return cr
		}
		saw := strings.TrimSpace(out)
		if saw == c.Want {
			return Criterion{OK: true, Saw: saw, Want: c.Want,
				Line: t("container %s has the host name %s (its own UTS namespace)", "컨테이너 %s: 호스트 이름이 %s입니다 (자기만의 UTS 네임스페이스)").F(name, saw)}
		}
		return Criterion{Saw: saw, Want: c.Want,
			Line: t("container %s has the host name %s; the task asks for %s (set it with --hostname when it starts)",
				"컨테이너 %s: 호스트 이름이 %s입니다. 과제에서 정한 이름은 %s (시작할 때 --hostname으로 정합니다)").F(name, saw, c.Want)}

	case KindInContainer:
		_, code, err := execIn(env.ContainerRoot, name, "/bin/sh", "-c", `test -e "$1"`, "sh", c.Path)
		if err != nil {
			cr := cannotSee(err)
			cr.Want = c.Path
			return cr
		}
		if code == 0 {
			return Criterion{OK: true, Saw: "exists", Want: "exists",
				Line: t("%s exists inside container %s", "컨테이너 %[2]s 안에 %[1]s가 있습니다").F(c.Path, name)}
		}
		return Criterion{Saw: "missing", Want: "exists",
			Line: t("%s does not exist inside container %s yet", "컨테이너 %[2]s 안에 아직 %[1]s가 없습니다").F(c.Path, name)}

	case KindVolumeFile:
		return volumeFile(c, env, k)

	case KindPort:
		return portCheck(c, k)

	case KindLimit:
		return limitCheck(c, k)
	}
	return Criterion{Saw: "?", Want: c.Kind, Line: t("unknown check %q", "모르는 확인 종류: %q").F(c.Kind)}
}

func containerState(c Check, k *ctr) Criterion {
	name := c.Container
	saw := "absent"
	if k != nil {
		saw = "exited"
		if k.Running {
			saw = "running"
		}
	}
	if saw == c.Want {
		switch saw {
		case "running":
			return Criterion{OK: true, Saw: saw, Want: c.Want,
				Line: t("container %s is running (its PID 1 is PID %d on the host)", "컨테이너 %s: 실행 중입니다 (안의 PID 1이 호스트에서는 PID %d)").F(name, k.PID)}
		case "exited":
			en, ko := exitText(k)
			return Criterion{OK: true, Saw: saw, Want: c.Want,
				Line: bi("container %s has stopped: %s", "컨테이너 %s: 멈췄습니다. %s", []any{name, en}, []any{name, ko})}
		default:
			return Criterion{OK: true, Saw: saw, Want: c.Want,
				Line: t("there is no container named %s any more", "이름이 %s인 컨테이너는 이제 없습니다").F(name)}
		}
	}
	var want i18n.Text
	switch c.Want {
	case "running":
		want = t("the task asks for it running (sysdojo container run -d ...)", "실행 중이어야 합니다 (sysdojo container run -d ...)")
	case "exited":
		want = t("the task asks for it stopped (sysdojo container stop)", "멈춰 있어야 합니다 (sysdojo container stop)")
	default:
		want = t("the task asks for it removed (sysdojo container rm)", "지워져 있어야 합니다 (sysdojo container rm)")
	}
	var line i18n.Text
	switch saw {
	case "absent":
		line = t("there is no container named %s yet", "이름이 %s인 컨테이너가 아직 없습니다").F(name)
	case "running":
		line = t("container %s is still running", "컨테이너 %s: 아직 실행 중입니다").F(name)
	default:
		en, ko := exitText(k)
		line = bi("container %s is there but not running: %s", "컨테이너 %s: 있지만 실행 중이 아닙니다. %s", []any{name, en}, []any{name, ko})
	}
	return Criterion{Saw: saw, Want: c.Want, Line: join(line, want)}
}

// volumeFile maps c.Path inside the container to the host side of the
// volume that holds it, and looks there.
func volumeFile(c Check, env Env, k *ctr) Criterion {
	inside := path.Clean(c.Path)
	var host, at string
	for _, v := range k.Volumes {
		vc := path.Clean(v.Container)
		if inside == vc || strings.HasPrefix(inside, strings.TrimSuffix(vc, "/")+"/") {
			if len(vc) > len(at) {
				host, at = filepath.Join(v.Host, strings.TrimPrefix(inside, vc)), vc
			}
		}
	}
	if host == "" {
		var vols []string
		for _, v := range k.Volumes {
			vols = append(vols, v.Host+":"+v.Container)
		}
		saw := strings.Join(vols, ", ")
		if saw == "" {
			saw = "none"
		}
		return Criterion{Saw: saw, Want: path.Dir(inside),
			Line: t("container %s has no volume holding %s (its volumes: %s); start it with -v HOSTDIR:%s",
				"컨테이너 %s: %s를 담는 볼륨이 없습니다 (볼륨: %s). -v HOSTDIR:%s를 주고 시작하세요").F(c.Container, inside, saw, path.Dir(inside))}
	}
	shown := host
	if rel, err := filepath.Rel(env.Dir, host); err == nil && !strings.HasPrefix(rel, "..") {
		shown = rel
	}
	data, err := env.readFile(host)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return Criterion{Saw: "missing", Want: inside,
				Line: t("%s has not appeared in the volume yet (on the host it would be %s)", "%s: 아직 볼륨에 없습니다 (호스트에서는 %s에 생깁니다)").F(inside, shown)}
		}
		return Criterion{Saw: "error", Want: inside, Line: t("%s: cannot read it: %v", "%s: 읽을 수 없습니다: %v").F(shown, err)}
	}
	if c.Want != "" && !strings.Contains(string(data), c.Want) {
		return Criterion{Saw: "does not contain", Want: c.Want,
			Line: t("%s is in the volume (%s on the host) but does not contain %q yet", "%s: 볼륨에 있지만 (호스트에서 %s) 아직 %q 내용이 없습니다").F(inside, shown, c.Want)}
	}
	return Criterion{OK: true, Saw: shown, Want: inside,
		Line: t("%s written inside container %s appeared on the host as %s", "컨테이너 %[2]s 안에서 쓴 %[1]s가 호스트의 %[3]s에 나타났습니다").F(inside, c.Container, shown)}
}

// portCheck: the container forwards the host port, and a connection
// there is not dropped at once (something inside answers).
func portCheck(c Check, k *ctr) Criterion {
	want, _ := strconv.Atoi(c.Want)
	inner := 0
	var ports []string
	for _, p := range k.Ports {
		ports = append(ports, p.String())
		if p.Host == want {
			inner = p.Container
		}
	}
	if inner == 0 {
		saw := strings.Join(ports, ", ")
		if saw == "" {
			saw = "none"
		}
		return Criterion{Saw: saw, Want: c.Want,
			Line: t("container %s forwards no host port %d (its ports: %s); start it with -p %d:PORT",
				"컨테이너 %s: 호스트 포트 %d를 연결하지 않았습니다 (포트: %s). -p %d:PORT를 주고 시작하세요").F(c.Container, want, saw, want)}
	}
	addr := "127.0.0.1:" + strconv.Itoa(want)
	// A server started a moment ago may not listen yet: a short grace.
	err := answers(addr)
	for i := 0; err != nil && i < 10; i++ {
		time.Sleep(100 * time.Millisecond)
		err = answers(addr)
	}
	if err != nil {
		return Criterion{Saw: "no answer", Want: c.Want,
			Line: t("container %s forwards %s to its port %d, but nothing answers there: is the server inside running?",
				"컨테이너 %s: %s를 안의 %d번 포트로 전달하지만 응답이 없습니다. 안에서 서버가 돌고 있나요?").F(c.Container, addr, inner)}
	}
	return Criterion{OK: true, Saw: addr, Want: c.Want,
		Line: t("%s on the host reaches port %d inside container %s", "호스트의 %[1]s가 컨테이너 %[3]s 안의 %[2]d번 포트로 이어집니다").F(addr, inner, c.Container)}
}

func limitCheck(c Check, k *ctr) Criterion {
	var saw, want string
	var ok bool
	switch c.Path {
	case "memory":
		w, err := parseSize(c.Want)
		if err != nil {
			return Criterion{Saw: "?", Want: c.Want, Line: t("bad memory size %q in the lesson", "레슨의 메모리 크기 %q가 잘못되었습니다").F(c.Want)}
		}
		ok, saw, want = k.Limits.Memory == w, mib(k.Limits.Memory), mib(w)
	case "pids":
		w, err := strconv.ParseInt(c.Want, 10, 64)
		if err != nil {
			return Criterion{Saw: "?", Want: c.Want, Line: t("bad pids limit %q in the lesson", "레슨의 프로세스 수 제한 %q가 잘못되었습니다").F(c.Want)}
		}
		ok, saw, want = k.Limits.Pids == w, strconv.FormatInt(k.Limits.Pids, 10), c.Want
	default:
		w, err := strconv.ParseFloat(c.Want, 64)
		if err != nil {
			return Criterion{Saw: "?", Want: c.Want, Line: t("bad cpus limit %q in the lesson", "레슨의 CPU 제한 %q가 잘못되었습니다").F(c.Want)}
		}
		ok, saw, want = k.Limits.CPUs == w, strconv.FormatFloat(k.Limits.CPUs, 'g', -1, 64), c.Want
	}
	if saw == "0" || saw == "0 MiB" {
		saw = "none"
	}
	if ok {
		return Criterion{OK: true, Saw: saw, Want: want,
			Line: t("container %s runs with the cgroup limit %s = %s", "컨테이너 %s: cgroup 제한 %s = %s로 실행 중입니다").F(c.Container, c.Path, saw)}
	}
	return Criterion{Saw: saw, Want: want,
		Line: t("container %s has the %s limit %s; the task asks for %s (--%s when it starts)",
			"컨테이너 %s: %s 제한이 지금 %s. 과제에서 정한 값은 %s (시작할 때 --%s)").F(c.Container, c.Path, saw, want, c.Path)}
}

func mib(n int64) string {
	if n == 0 {
		return "0"
	}
	if n%(1<<20) == 0 {
		return strconv.FormatInt(n>>20, 10) + " MiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// loopback reports whether u names this machine: lessons reach no other.
func loopback(u *url.URL) bool {
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func checkHTTP(c Check) Criterion {
	u, err := url.Parse(c.Want)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !loopback(u) {
		return Criterion{Saw: "?", Want: c.Want, Line: t("the lesson's URL %q is not on this machine", "레슨의 URL %q는 이 컴퓨터의 주소가 아닙니다").F(c.Want)}
	}
	cl := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil}}
	resp, err := cl.Get(c.Want)
	// A server started a moment ago may not listen yet: a short grace.
	for i := 0; err != nil && isRefused(err) && i < 10; i++ {
		time.Sleep(100 * time.Millisecond)
		resp, err = cl.Get(c.Want)
	}
	if err != nil {
		why := "nothing answers"
		if isRefused(err) {
			why = "connection refused"
		}
		return Criterion{Saw: why, Want: "200 OK",
			Line: t("nothing answers at %s yet (%s): is the server started?", "%s: 아직 응답이 없습니다 (%s). 서버를 시작했나요?").F(c.Want, why)}
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Criterion{Saw: resp.Status, Want: "200 OK",
			Line: t("%s answers %s; the task asks for 200 OK", "%s: 응답이 %s입니다. 200 OK가 와야 합니다").F(c.Want, resp.Status)}
	}
	if c.Path != "" && !strings.Contains(string(body), c.Path) {
		return Criterion{Saw: "does not contain", Want: c.Path,
			Line: t("%s answers, but without %q", "%s: 응답은 오지만 %q 내용이 없습니다").F(c.Want, c.Path)}
	}
	return Criterion{OK: true, Saw: "200 OK", Want: "200 OK",
		Line: t("%s answers 200 OK (%d bytes)", "%s: 200 OK로 응답합니다 (%d바이트)").F(c.Want, len(body))}
}

// checkFastest ranks the candidate mirrors live and checks the sources
// under c.Path use the first fresh one.
func checkFastest(c Check, env Env) Criterion {
	root := filepath.Join(env.Dir, c.Path)
	suite := aptCodename(root)
	if suite == "" {
		suite = "noble"
	}
	rs := rankMirrors(c.Paths, suite)
	var best *mirrorRank
	for i := range rs {
		if rs[i].OK && rs[i].Fresh {
			best = &rs[i]
			break
		}
	}
	if best == nil {
		return Criterion{Saw: "none answers", Want: "a fresh mirror",
			Line: t("none of the %d mirrors answers with a fresh Release file: are the mirrors (sysdojo apt serve) running?",
				"미러 %d개 중 최신 Release 파일로 응답하는 곳이 없습니다: 미러(sysdojo apt serve)를 켜 두었나요?").F(len(c.Paths))}
	}
	srcs, err := aptSources(root)
	if err != nil {
		return Criterion{Saw: "error", Want: best.URL, Line: t("cannot read the sources under %s: %v", "%s 아래의 소스 파일을 읽을 수 없습니다: %v").F(c.Path, err)}
	}
	cr := mirrorVerdict(c.Path, best.URL, srcs, false, t("the fastest fresh mirror (%.0f ms to the first byte)", "가장 빠른 최신 미러입니다 (첫 바이트까지 %.0f ms)").F(best.TTFBms))
	if cr.OK || cr.Want != best.URL || cr.Saw == "none" || cr.Saw == "security only" {
		return cr
	}
	// Say why the mirror in use is not the one: stale, slower, or not ranked.
	saw := strings.Split(cr.Saw, ", ")
	var whyEn, whyKo string
	for _, r := range rs {
		if sameMirror(saw[0], r.URL) {
			switch {
			case !r.OK:
				whyEn, whyKo = "it does not answer: "+r.Error, "응답이 없습니다: "+r.Error
			case !r.Fresh:
				whyEn, whyKo = "it is stale ("+r.Behind+" behind)", "최신이 아닙니다 ("+r.BehindKo+" 뒤처짐)"
			default:
				whyEn, whyKo = fmt.Sprintf("it is slower: %.0f ms against %.0f ms", r.TTFBms, best.TTFBms),
					fmt.Sprintf("더 느립니다: %.0f ms 대 %.0f ms", r.TTFBms, best.TTFBms)
			}
		}
	}
	if whyEn == "" {
		whyEn, whyKo = "it is not one of the ranked mirrors", "순위를 잰 미러가 아닙니다"
	}
	return Criterion{Saw: cr.Saw, Want: best.URL,
		Line: bi("the sources under %s use %s (%s); the fastest fresh mirror is %s", "%s 아래의 소스가 %s 쪽을 씁니다 (%s). 가장 빠른 최신 미러는 %s입니다",
			[]any{c.Path, cr.Saw, whyEn, best.URL}, []any{c.Path, cr.Saw, whyKo, best.URL})}
}

func isRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }

// answers reports (as a nil error) whether a TCP connection to addr is
// accepted and not dropped at once: the port forwarder accepts first and
// then connects inside, and hangs up when nothing listens there.
func answers(addr string) error {
	conn, err := net.DialTimeout("tcp4", addr, 3*time.Second)
	if err != nil {
		return err
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	var b [1]byte
	_, err = conn.Read(b[:])
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return nil
	}
	if err == nil {
		return nil // it spoke first
	}
	return err
}
