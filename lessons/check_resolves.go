package lessons

import "github.com/sysdojo/sysdojo/perm"

// KindResolves: Path is a symbolic link that leads to something that
// exists.
const KindResolves = "resolves"

var resolvesKind = kindSpec{
	Doc:      "path is a symbolic link that leads to something that exists",
	File:     true,
	Validate: needs(KindResolves, "path"),
	Run: func(c Check, env Env, db *perm.DB) Criterion {
		n, arrow, cr, ok := symlinkAt(c, env, db, KindResolves)
		if !ok {
			return cr
		}
		if !n.Dangling {
			tt := typeText(n.ToType)
			return Criterion{OK: true, Saw: "resolves", Want: "resolves",
				Line: bi("%s leads to a %s", "%s: %s로 이어집니다", []any{arrow, tt.En}, []any{arrow, tt.Ko})}
		}
		return Criterion{Saw: "dangling", Want: "resolves",
			Line: t("%s dangles: %s does not exist", "%s: 끊어진 링크입니다. 없는 경로: %s").F(arrow, n.Missing)}
	},
}
