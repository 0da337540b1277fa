package lessons

import (
	"bytes"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/perm"
)

// KindContainerDiff: Path is a workspace file that holds what `sysdojo
// container diff Container` printed, and Want one line the real diff
// has: the file's lines all come from the container's real diff (not
// typed), and the line Want is among them.
const KindContainerDiff = "container_diff"

var containerDiffKind = kindSpec{
	Doc: "path holds the output of `sysdojo container diff` of the container, and the real diff has the line want",
	Validate: func(c Check) string {
		if c.Container == "" || c.Path == "" || !regexp.MustCompile(`^[ACD] /`).MatchString(c.Want) {
			return "container_diff needs container, path (the saved output) and want (a line such as 'A /usr/bin/x')"
		}
		return ""
	},
	Run: runContainerDiff,
	Describe: func(c Check) i18n.Text {
		return t("`%s` holds what sysdojo container diff %s prints, with %s", "`%s`에 sysdojo container diff %s의 출력이 있고, %s 줄이 들어 있음").F(c.Path, c.Container, c.Want)
	},
}

func runContainerDiff(c Check, env Env, _ *perm.DB) Criterion {
	name := c.Container
	data, err := ReadUserFile(filepath.Join(env.Dir, c.Path), MaxCheckedFileSize, false)
	if err != nil {
		cr := missing(c.Path, err)
		cr.Want = c.Want
		return cr
	}
	changes, err := container.Diff(env.ContainerRoot, name)
	if err != nil {
		cr := cannotSee(err)
		cr.Want = c.Want
		return cr
	}
	real := map[string]bool{}
	for _, ch := range changes {
		real[ch.Kind+" "+ch.Path] = true
	}
	if !real[c.Want] {
		return Criterion{Saw: fmt.Sprintf("%d changes", len(changes)), Want: c.Want,
			Line: t("container %s's own layer does not show that change yet (%d changes in it)", "컨테이너 %s 자신의 층에 아직 그 변경이 없습니다 (변경 %d개)").F(name, len(changes))}
	}
	lines := bytes.Split(bytes.TrimSpace(data), []byte("\n"))
	has := false
	for _, l := range lines {
		s := strings.TrimSpace(string(l))
		if s == "" {
			continue
		}
		if !real[s] {
			return Criterion{Saw: short(s), Want: c.Want,
				Line: t("%s has the line %q, which container diff %s does not print: save what it prints", "%s에 %q 줄이 있는데, container diff %s는 그 줄을 출력하지 않습니다. 출력한 그대로 저장하세요").F(c.Path, short(s), name)}
		}
		has = has || s == c.Want
	}
	// Most of the real diff, not a few lines typed by hand (the
	// container may have changed a little since it was saved).
	if !has || 2*len(lines) < len(real) {
		return Criterion{Saw: fmt.Sprintf("%d lines", len(lines)), Want: c.Want,
			Line: t("%s does not hold the diff of %s: %d lines of the %d it prints now", "%s에 %s의 diff가 다 들어 있지 않습니다: 지금 출력하는 %[4]d줄 가운데 %[3]d줄만 있음").F(c.Path, name, len(lines), len(real))}
	}
	return Criterion{OK: true, Saw: c.Want, Want: c.Want,
		Line: t("%s holds container %s's real diff, with %s", "%s에 컨테이너 %s의 실제 diff가 있고, %s도 들어 있습니다").F(c.Path, name, c.Want)}
}
