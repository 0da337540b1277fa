package lessons

import (
	"testing"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

func TestKindMatches(t *testing.T) {
	why := i18n.T("ps itself is process 1", "ps 자신이 1번이어야 합니다")
	c := Check{Path: "ps.txt", Want: `^\s*1\s+\S+\s+(\S+\s+)?ps(\s|$)`, Why: why}
	testKind(t, KindMatches, []Check{{Path: "f", Want: "x"}, {Path: "f", Want: "(", Why: why}, {Want: "x", Why: why}}, []kindCase{
		{name: "inside", setup: "printf 'PID USER TIME COMMAND\\n    1 root 0:00 ps\\n' > ps.txt", check: c, ok: true, line: "shows what the task asks for"},
		{name: "host list", setup: "printf 'PID TTY TIME CMD\\n    1 ? 00:00:01 systemd\\n 4242 pts/0 00:00:00 ps\\n' > ps.txt", check: c,
			line: "ps itself is process 1", hide: `\s+`},
		{name: "missing", check: c, line: "does not exist"},
	})
}
