package lessons

import (
	"path/filepath"
	"strconv"

	"github.com/sysdojo/sysdojo/perm"
)

// KindNlink: Path's link count is Want. Failing, it says more or fewer,
// not the number.
const KindNlink = "nlink"

var nlinkKind = kindSpec{
	Doc:      "path's link count is want",
	File:     true,
	Validate: needs(KindNlink, "path", "want"),
	Run: func(c Check, env Env, db *perm.DB) Criterion {
		p := c.Path
		want, err := strconv.ParseUint(c.Want, 10, 64)
		if err != nil {
			return Criterion{Saw: "?", Want: c.Want, Line: t("bad link count %q in the lesson", "레슨에 적힌 링크 수가 잘못되었습니다: %q").F(c.Want)}
		}
		n, err := inspect(filepath.Join(env.Dir, p), db)
		if err != nil {
			cr := missing(p, err)
			cr.Want = c.Want
			return cr
		}
		saw := strconv.FormatUint(n.Nlink, 10)
		if n.Nlink == want {
			return Criterion{OK: true, Saw: saw, Want: c.Want, Line: t("%s has %d links", "%s: 링크 수가 %d입니다").F(p, n.Nlink)}
		}
		more := t("more than the task asks for", "과제보다 많습니다")
		if n.Nlink < want {
			more = t("fewer than the task asks for", "과제보다 적습니다")
		}
		return Criterion{Saw: saw, Want: "?",
			Line: t("%s has %d links: %s", "%s: 링크 수 %d, %s").F(p, n.Nlink, more)}
	},
}
