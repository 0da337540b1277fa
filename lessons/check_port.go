package lessons

import (
	"errors"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/sysdojo/sysdojo/perm"
)

// KindPort: the container Container forwards the host's 127.0.0.1:Want,
// and something inside answers there.
const KindPort = "port"

var portKind = kindSpec{
	Live: true,
	Doc:  "the container forwards the host's 127.0.0.1:want, and something inside answers",
	Validate: func(c Check) string {
		if msg := needs(KindPort, "container", "want")(c); msg != "" {
			return msg
		}
		if n, err := strconv.Atoi(c.Want); (err != nil || n < 1 || n > 65535) && !hasPlaceholder(c.Want) {
			return "port needs want: a port number"
		}
		return ""
	},
	Describe: func(c Check) i18n.Text {
		return t("container %s answers on the host's 127.0.0.1:%s", "컨테이너 %s: 호스트의 127.0.0.1:%s에서 응답").F(c.Container, c.Want)
	},
	Run: func(c Check, env Env, _ *perm.DB) Criterion {
		k, cr, ok := lookContainer(c, env, false, true)
		if !ok {
			return cr
		}
		return portCheck(c, k)
	},
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
