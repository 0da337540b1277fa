package lessons

import (
	"github.com/sysdojo/sysdojo/internal/i18n"
	"strconv"

	"github.com/sysdojo/sysdojo/perm"
)

// KindLimit: the container Container runs with the cgroup limit Path
// (`memory`, `pids` or `cpus`) equal to Want (`64m`, `20`, `0.5`). The
// container may have stopped.
const KindLimit = "limit"

var limitKind = kindSpec{
	Live: true,
	Doc:  "the container runs with that cgroup limit (`64m`, `20`, `0.5`)",
	Validate: func(c Check) string {
		if c.Container == "" {
			return "limit needs container"
		}
		if c.Path != "memory" && c.Path != "pids" && c.Path != "cpus" {
			return "limit needs path: memory, pids or cpus"
		}
		if c.Want == "" {
			return "limit needs want"
		}
		return ""
	},
	Describe: func(c Check) i18n.Text {
		return t("container %s runs with the %s limit %s", "컨테이너 %s: %s 제한 %s").F(c.Container, c.Path, c.Want)
	},
	Run: func(c Check, env Env, _ *perm.DB) Criterion {
		k, cr, ok := lookContainer(c, env, false)
		if !ok {
			return cr
		}
		return limitCheck(c, k)
	},
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
