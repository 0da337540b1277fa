package lessons

import (
	"errors"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"syscall"

	"github.com/sysdojo/sysdojo/perm"
)

// KindLeadsTo: Path is a symbolic link that, followed, reaches the same
// file as Want (a workspace path). Unlike `target`, any text that gets
// there passes: "other/basefile", "./other/basefile" or an absolute path
// into the workspace. Use it where the task is "make it work", and
// `target` where the task is the text itself (a relative link that must
// survive a move).
const KindLeadsTo = "leads_to"

var leadsToKind = kindSpec{
	Doc:  "path is a symbolic link that, followed, reaches the same file as want (a workspace path), whatever its text",
	File: true,
	Validate: func(c Check) string {
		if c.Path == "" || c.Want == "" {
			return "leads_to needs path (the link) and want (the file it must reach)"
		}
		if path.IsAbs(c.Want) {
			return "leads_to needs want relative to the workspace"
		}
		return ""
	},
	Describe: func(c Check) i18n.Text {
		return t("`%s` is a symbolic link that leads to `%s`", "`%s`: `%s`로 이어지는 심볼릭 링크").F(c.Path, c.Want)
	},
	Run: runLeadsTo,
}

func runLeadsTo(c Check, env Env, db *perm.DB) Criterion {
	p := c.Path
	n, err := inspect(filepath.Join(env.Dir, p), db)
	if err != nil {
		cr := missing(p, err)
		cr.Want = c.Want
		return cr
	}
	if !n.IsLink {
		tt := typeText(n.Type)
		return Criterion{Saw: n.Type, Want: c.Want,
			Line: bi("%s is a %s, not a symbolic link", "%s: 심볼릭 링크가 아니라 %s입니다", []any{p, tt.En}, []any{p, tt.Ko})}
	}
	arrow := p + " -> " + n.Target
	if n.Dangling {
		return Criterion{Saw: "dangling", Want: c.Want,
			Line: t("%s leads nowhere: %s does not exist", "%s: 끊어진 링크입니다. 없는 경로: %s").F(arrow, n.Missing)}
	}
	got, err1 := os.Stat(filepath.Join(env.Dir, p))
	want, err2 := os.Stat(filepath.Join(env.Dir, c.Want))
	if err2 != nil {
		if errors.Is(err2, fs.ErrNotExist) {
			return Criterion{Saw: n.Target, Want: c.Want,
				Line: t("%s leads somewhere, but %s does not exist", "%s: 이어지는 곳은 있지만 %s 파일이 없습니다").F(arrow, c.Want)}
		}
		return missing(c.Want, err2)
	}
	if err1 != nil {
		return missing(p, err1)
	}
	if sameFile(got, want) {
		return Criterion{OK: true, Saw: n.Target, Want: c.Want,
			Line: t("%s reaches %s", "%s: %s 파일로 이어집니다").F(arrow, c.Want)}
	}
	return Criterion{Saw: n.Target, Want: c.Want,
		Line: t("%s leads to another file, not to %s", "%s: %s 파일이 아닌 다른 파일로 이어집니다").F(arrow, c.Want)}
}

// sameFile compares device and inode.
func sameFile(a, b os.FileInfo) bool {
	sa, ok1 := a.Sys().(*syscall.Stat_t)
	sb, ok2 := b.Sys().(*syscall.Stat_t)
	return ok1 && ok2 && sa.Dev == sb.Dev && sa.Ino == sb.Ino
}
