package lessons

import (
	"path/filepath"

	"github.com/sysdojo/sysdojo/perm"
)

// KindOwner: Path's owner, by name from the user database, is Want.
const KindOwner = "owner"

var ownerKind = kindSpec{
	Doc:      "the owner's name (from /etc/passwd) is want",
	File:     true,
	Users:    true,
	Validate: needs(KindOwner, "path", "want"),
	Run: func(c Check, env Env, db *perm.DB) Criterion {
		p := c.Path
		n, err := inspect(filepath.Join(env.Dir, p), db)
		if err != nil {
			cr := missing(p, err)
			cr.Want = c.Want
			return cr
		}
		if n.Owner == c.Want {
			return Criterion{OK: true, Saw: n.Owner, Want: c.Want, Line: t("%s belongs to %s", "%s: 소유자가 %s입니다").F(p, n.Owner)}
		}
		return Criterion{Saw: n.Owner, Want: c.Want, Line: t("%s belongs to %s, not to the owner the task names", "%s: 소유자가 %s입니다. 과제에서 말한 소유자가 아닙니다").F(p, n.Owner)}
	},
}
