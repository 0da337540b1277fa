package lessons

import (
	"github.com/sysdojo/sysdojo/internal/i18n"
	"regexp"
	"strings"

	"github.com/sysdojo/sysdojo/perm"
)

// KindInContainer: Path (absolute) exists inside the running container
// Container; with Want, its content, read inside the container, matches
// the regular expression Want (RE2, multi-line, like `matches`; `why`
// is then required and the expression is never printed). Use it for
// evidence that must come from the container itself (its /proc/mounts,
// its process list): a file made on the host is not looked at.
const KindInContainer = "in_container"

var inContainerKind = kindSpec{
	Live: true,
	Doc:  "path (absolute, inside) exists in the running container; with want, its content read inside matches want (RE2, multi-line; why required)",
	Validate: func(c Check) string {
		if c.Container == "" {
			return "in_container needs container"
		}
		if !strings.HasPrefix(c.Path, "/") {
			return "in_container needs an absolute path inside the container"
		}
		if c.Want != "" {
			if len(c.Want) > maxPattern {
				return "in_container: want is longer than 1000 bytes"
			}
			if _, err := regexp.Compile("(?m)" + c.Want); err != nil {
				return "in_container: bad regular expression: " + err.Error()
			}
			if c.Why.IsZero() {
				return "in_container with want needs why: what the content must show, in the lesson's terms"
			}
		}
		return ""
	},
	Describe: func(c Check) i18n.Text {
		return withWhy(t("`%s` exists inside container %s", "컨테이너 %[2]s 안에 `%[1]s` 있음").F(c.Path, c.Container), c)
	},
	Run: runInContainer,
}

// maxInside bounds what is read of a file inside a container.
const maxInside = 1 << 20

func runInContainer(c Check, env Env, _ *perm.DB) Criterion {
	if _, cr, ok := lookContainer(c, env, false, true); !ok {
		return cr
	}
	name := c.Container
	// Read inside: the file is the container's, whatever the host has.
	out, code, err := execIn(env.ContainerRoot, name, "/bin/sh", "-c", `test -e "$1" || exit 3; test -f "$1" || exit 0; head -c `+itoa(maxInside)+` -- "$1"`, "sh", c.Path)
	if err != nil {
		cr := cannotSee(err)
		cr.Want = c.Path
		return cr
	}
	if code == 3 {
		return Criterion{Saw: "missing", Want: "exists",
			Line: t("%s does not exist inside container %s yet", "컨테이너 %[2]s 안의 %[1]s: 아직 없습니다").F(c.Path, name)}
	}
	if code != 0 {
		return Criterion{Saw: "error", Want: "exists",
			Line: t("%s cannot be read inside container %s", "컨테이너 %[2]s 안의 %[1]s: 읽을 수 없습니다").F(c.Path, name)}
	}
	if c.Want == "" {
		return Criterion{OK: true, Saw: "exists", Want: "exists",
			Line: t("%s exists inside container %s", "컨테이너 %[2]s 안의 %[1]s: 있습니다").F(c.Path, name)}
	}
	re, err := regexp.Compile("(?m)" + c.Want)
	if err != nil {
		return Criterion{Saw: "?", Want: "?", Line: t("bad regular expression in the lesson", "레슨에 적힌 정규 표현식이 잘못되었습니다")}
	}
	if re.MatchString(out) {
		return Criterion{OK: true, Saw: "matches", Want: "matches",
			Line: t("%s inside container %s shows what the task asks for", "컨테이너 %[2]s 안의 %[1]s: 과제에서 바라는 내용이 보입니다").F(c.Path, name)}
	}
	return Criterion{Saw: "does not match", Want: "?",
		Line: t("%s inside container %s does not show what the task asks for", "컨테이너 %[2]s 안의 %[1]s: 과제에서 바라는 내용이 보이지 않습니다").F(c.Path, name)}
}
