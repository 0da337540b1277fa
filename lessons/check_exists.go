package lessons

import (
	"path/filepath"

	"github.com/sysdojo/sysdojo/perm"
)

// KindExists: Path exists (lstat: a dangling link exists too); with Want,
// its type is Want, in stat's %F words ("regular file" also matches an
// empty one, "directory", "symbolic link", ...).
const KindExists = "exists"

var existsKind = kindSpec{
	Doc:      "path exists (lstat); with want, its type is want: stat's %F words, `regular file` also matching an empty one, `directory`, `symbolic link`, ...",
	File:     true,
	Validate: needs(KindExists, "path"),
	Run:      runExists,
}

func runExists(c Check, env Env, db *perm.DB) Criterion {
	p := c.Path
	n, err := inspect(filepath.Join(env.Dir, p), db)
	if err != nil {
		cr := missing(p, err)
		cr.Want = or(c.Want, "exists")
		if c.Want != "" {
			cr.Line = join(cr.Line, bi("the task asks for a %s", "과제에 필요한 것: %s", []any{c.Want}, []any{typeText(c.Want).Ko}))
		}
		return cr
	}
	if c.Want != "" && !sameType(n.Type, c.Want) {
		tt, wt := typeText(n.Type), typeText(c.Want)
		return Criterion{Saw: n.Type, Want: c.Want,
			Line: bi("%s is a %s; the task asks for a %s", "%s: 지금은 %s입니다. 과제에 필요한 것: %s", []any{p, tt.En, wt.En}, []any{p, tt.Ko, wt.Ko})}
	}
	tt := typeText(n.Type)
	return Criterion{OK: true, Saw: n.Type, Want: or(c.Want, "exists"),
		Line: bi("%s exists (%s)", "%s: 있습니다 (%s)", []any{p, tt.En}, []any{p, tt.Ko})}
}
