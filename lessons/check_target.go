package lessons

import (
	"path/filepath"

	"github.com/sysdojo/sysdojo/perm"
)

// KindTarget: Path is a symbolic link whose text is exactly Want. Use it
// where the text is the point (a relative link that must survive a
// move); where any working link will do, use leads_to.
const KindTarget = "target"

var targetKind = kindSpec{
	Doc:      "path is a symbolic link whose text is exactly want",
	File:     true,
	Validate: needs(KindTarget, "path", "want"),
	Run: func(c Check, env Env, db *perm.DB) Criterion {
		n, arrow, cr, ok := symlinkAt(c, env, db, c.Want)
		if !ok {
			return cr
		}
		if n.Target == c.Want {
			return Criterion{OK: true, Saw: n.Target, Want: c.Want, Line: t("%s", "%s").F(arrow)}
		}
		return Criterion{Saw: n.Target, Want: c.Want,
			Line: t("%s: not the target text the task asks for", "%s: 과제에서 말한 대상 텍스트가 아닙니다").F(arrow)}
	},
}

// symlinkAt inspects c.Path, which must be a symbolic link; ok is false
// (with cr saying why, want as its Want) when it is missing or not a
// link. arrow is "path -> text".
func symlinkAt(c Check, env Env, db *perm.DB, want string) (n node, arrow string, cr Criterion, ok bool) {
	p := c.Path
	n, err := inspect(filepath.Join(env.Dir, p), db)
	if err != nil {
		cr := missing(p, err)
		cr.Want = want
		return n, "", cr, false
	}
	if !n.IsLink {
		tt := typeText(n.Type)
		return n, "", Criterion{Saw: n.Type, Want: want,
			Line: bi("%s is a %s, not a symbolic link", "%s: 심볼릭 링크가 아니라 %s입니다", []any{p, tt.En}, []any{p, tt.Ko})}, false
	}
	return n, p + " -> " + n.Target, Criterion{}, true
}
