package lessons

import (
	"fmt"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"strings"

	"github.com/sysdojo/sysdojo/perm"
)

// KindHostname: `hostname` run inside the running container Container
// (container.Exec: setns into its namespaces) prints Want. The name is
// read inside the container, so nothing made on the host passes.
const KindHostname = "hostname"

var hostnameKind = kindSpec{
	Live:     true,
	Doc:      "`hostname` run inside the running container (container.Exec) prints want",
	Validate: needs(KindHostname, "container", "want"),
	Describe: func(c Check) i18n.Text {
		return t("`hostname` inside container %s prints %s", "컨테이너 %s 안의 `hostname` 출력: %s").F(c.Container, c.Want)
	},
	Run: func(c Check, env Env, _ *perm.DB) Criterion {
		if _, cr, ok := lookContainer(c, env, false, true); !ok {
			return cr
		}
		name := c.Container
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
	},
}
