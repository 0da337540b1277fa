package lessons

import (
	"path/filepath"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/perm"
)

// KindOwner: Path's owner, by name from the user database, is Want.
const KindOwner = "owner"

var ownerKind = kindSpec{
	Doc:      "the owner's name (from /etc/passwd) is want",
	File:     true,
	Users:    true,
	Validate: needs(KindOwner, "path", "want"),
	Run: runName(func(n node) string { return n.Owner },
		t("%s belongs to %s", "%s: 소유자가 %s입니다"),
		t("%s belongs to %s, not to the owner the task names", "%s: 소유자가 %s입니다. 과제에서 말한 소유자가 아닙니다")),
}

// runName is the Run of a check that compares a name of Path's inode
// (its owner's, its group's) with Want; ok and wrong are the lines, of
// the path and the name seen.
func runName(name func(node) string, ok, wrong i18n.Text) func(Check, Env, *perm.DB) Criterion {
	return func(c Check, env Env, db *perm.DB) Criterion {
		p := c.Path
		n, err := inspect(filepath.Join(env.Dir, p), db)
		if err != nil {
			cr := missing(p, err)
			cr.Want = c.Want
			return cr
		}
		saw := name(n)
		if saw == c.Want {
			return Criterion{OK: true, Saw: saw, Want: c.Want, Line: ok.F(p, saw)}
		}
		return Criterion{Saw: saw, Want: c.Want, Line: wrong.F(p, saw)}
	}
}
