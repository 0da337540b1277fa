package lessons

import "github.com/sysdojo/sysdojo/perm"

// KindDangles: Path is a symbolic link that leads nowhere (or loops).
const KindDangles = "dangles"

var danglesKind = kindSpec{
	Doc:      "path is a symbolic link that leads nowhere (or loops)",
	File:     true,
	Validate: needs(KindDangles, "path"),
	Run: func(c Check, env Env, db *perm.DB) Criterion {
		n, arrow, cr, ok := symlinkAt(c, env, db, KindDangles)
		if !ok {
			return cr
		}
		if n.Dangling {
			return Criterion{OK: true, Saw: "dangling", Want: "dangling",
				Line: t("%s leads nowhere now (a dangling link)", "%s: 이제 가리키는 곳이 없습니다 (끊어진 링크)").F(arrow)}
		}
		tt := typeText(n.ToType)
		return Criterion{Saw: "resolves", Want: "dangling",
			Line: bi("%s still leads to a %s (%s)", "%s: 아직 %s(%s)로 이어집니다", []any{arrow, tt.En, n.Resolved}, []any{arrow, tt.Ko, n.Resolved})}
	},
}
