package lessons

import (
	"path/filepath"

	"github.com/sysdojo/sysdojo/perm"
)

// KindGroup: Path's group, by name from the group database, is Want.
const KindGroup = "group"

var groupKind = kindSpec{
	Doc:      "the group's name (from /etc/group) is want",
	File:     true,
	Users:    true,
	Validate: needs(KindGroup, "path", "want"),
	Run: func(c Check, env Env, db *perm.DB) Criterion {
		p := c.Path
		n, err := inspect(filepath.Join(env.Dir, p), db)
		if err != nil {
			cr := missing(p, err)
			cr.Want = c.Want
			return cr
		}
		if n.Group == c.Want {
			return Criterion{OK: true, Saw: n.Group, Want: c.Want, Line: t("%s has group %s", "%s: 그룹이 %s입니다").F(p, n.Group)}
		}
		return Criterion{Saw: n.Group, Want: c.Want, Line: t("%s has group %s, not the group the task names", "%s: 그룹이 %s입니다. 과제에서 말한 그룹이 아닙니다").F(p, n.Group)}
	},
}
