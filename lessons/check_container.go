package lessons

// The check kinds that look at live things rather than files: containers
// (through the container package), local servers and ranked mirrors
// (through apt/rank). Each still says, in one line, what it saw against
// what the task wants.

import (
	"errors"
	"fmt"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/perm"
)

// cannotSee is what a container check says when it cannot look, in
// each language (a sysdojo error carries both).
func cannotSee(err error) Criterion {
	// As another user, the checks look at the user's own (rootless)
	// containers: no sudo needed; a container started with sudo belongs
	// to root, and is checked with sudo.
	en, ko := err.Error(), err.Error()
	var ie *i18n.Error
	if errors.As(err, &ie) {
		en, ko = ie.Text.En, ie.Text.Ko
	}
	return Criterion{Saw: "error", Line: bi("cannot look at the containers: %s", "컨테이너를 살펴볼 수 없습니다: %s", []any{en}, []any{ko})}
}

func exitText(c *ctr) (en, ko string) {
	if c.ExitCode == nil {
		return "it has exited", "끝났습니다"
	}
	return fmt.Sprintf("it exited with status %d", *c.ExitCode), fmt.Sprintf("끝났습니다 (종료 코드 %d)", *c.ExitCode)
}

// KindContainer: the container named Container is Want: `running`,
// `exited` (stopped, still listed by `ps -a`) or `absent`.
const KindContainer = "container"

var containerKind = kindSpec{
	Live: true,
	Doc:  "the container (by name) is `running`, `exited` (stopped, still listed by `ps -a`) or `absent`",
	Validate: func(c Check) string {
		if c.Container == "" {
			return "container needs container"
		}
		if c.Want != "running" && c.Want != "exited" && c.Want != "absent" {
			return "container needs want: running, exited or absent"
		}
		return ""
	},
	Describe: func(c Check) i18n.Text {
		state := map[string]i18n.Text{"running": t("running", "실행 중"), "exited": t("stopped", "멈춤"), "absent": t("gone", "없음")}[c.Want]
		return bi("container %s is %s", "컨테이너 %s: %s", []any{c.Container, state.En}, []any{c.Container, state.Ko})
	},
	Run: func(c Check, env Env, _ *perm.DB) Criterion {
		k, cr, ok := lookContainer(c, env, true)
		if !ok {
			return cr
		}
		return containerState(c, k)
	},
}

// lookContainer finds c.Container; ok is false (cr saying why) when it
// cannot be seen, or, unless anyState, when it is absent or (running set)
// not running.
func lookContainer(c Check, env Env, anyState bool, running ...bool) (k *ctr, cr Criterion, ok bool) {
	name := c.Container
	k, err := findContainer(env.ContainerRoot, name)
	if err != nil {
		cr := cannotSee(err)
		cr.Want = or(c.Want, c.Kind)
		return nil, cr, false
	}
	if anyState {
		return k, Criterion{}, true
	}
	if k == nil {
		return nil, Criterion{Saw: "absent", Want: or(c.Want, c.Kind),
			Line: t("there is no container named %s yet (sysdojo container ps -a lists them)", "이름이 %s인 컨테이너가 아직 없습니다 (sysdojo container ps -a로 목록을 봅니다)").F(name)}, false
	}
	if len(running) > 0 && running[0] && !k.Running {
		en, ko := exitText(k)
		return nil, Criterion{Saw: "exited", Want: or(c.Want, c.Kind),
			Line: bi("container %s is not running (%s), so nothing can be seen inside it", "컨테이너 %s: 실행 중이 아니어서(%s) 안을 볼 수 없습니다",
				[]any{name, en}, []any{name, ko})}, false
	}
	return k, Criterion{}, true
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
