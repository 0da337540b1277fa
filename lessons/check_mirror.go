package lessons

import (
	"path/filepath"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/perm"
)

// KindMirror: the enabled APT sources under Path (a sandbox root) use
// the mirror Want (a URL or a host name), and the security entries
// (suites *-security) still use the security archive and are still
// there: a student who moves or deletes the security line fails.
const KindMirror = "mirror"

var mirrorKind = kindSpec{
	Doc:      "the enabled sources under path use want, and the security entries (suites `*-security`) still use the security archive and are still there",
	File:     true,
	Validate: needs(KindMirror, "path", "want"),
	Run: func(c Check, env Env, _ *perm.DB) Criterion {
		srcs, err := aptSources(filepath.Join(env.Dir, c.Path))
		if err != nil {
			return Criterion{Saw: "error", Want: c.Want, Line: t("cannot read the sources under %s: %v", "%s 아래의 소스 파일을 읽을 수 없습니다: %v").F(c.Path, err)}
		}
		return mirrorVerdict(c.Path, c.Want, srcs, true, i18n.Text{})
	},
}
