package lessons

import (
	"fmt"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"path/filepath"
	"strings"

	"github.com/sysdojo/sysdojo/perm"
)

// KindFastestMirror: the mirrors Paths are ranked live (apt/rank: fresh
// first, then fastest) and the sources under Path (a sandbox root) use
// the first; security entries, when there are any, stay at the security
// archive.
const KindFastestMirror = "fastest_mirror"

var fastestMirrorKind = kindSpec{
	Live: true,
	Doc:  "the mirrors are ranked live (apt/rank: fresh first, then fastest) and the sources under path use the first",
	Validate: func(c Check) string {
		if c.Path == "" || len(c.Paths) == 0 {
			return "fastest_mirror needs path (the sandbox root) and paths (the mirrors to rank)"
		}
		return ""
	},
	Describe: func(c Check) i18n.Text {
		return t("the sources under `%s` use the fastest up-to-date mirror", "`%s` 아래 소스 목록: 가장 빠른 최신 미러 사용").F(c.Path)
	},
	Run: func(c Check, env Env, _ *perm.DB) Criterion { return checkFastest(c, env) },
}

// checkFastest ranks the candidate mirrors live and checks the sources
// under c.Path use the first fresh one.
func checkFastest(c Check, env Env) Criterion {
	root := filepath.Join(env.Dir, c.Path)
	suite := aptCodename(root)
	if suite == "" {
		suite = "noble"
	}
	rs := rankMirrors(c.Paths, suite)
	var best *mirrorRank
	for i := range rs {
		if rs[i].OK && rs[i].Fresh {
			best = &rs[i]
			break
		}
	}
	if best == nil {
		return Criterion{Saw: "none answers", Want: "a fresh mirror",
			Line: t("none of the %d mirrors answers with a fresh Release file: are the mirrors (sysdojo apt serve) running?",
				"미러 %d개 중 최신 Release 파일로 응답하는 곳이 없습니다: 미러(sysdojo apt serve)를 켜 두었나요?").F(len(c.Paths))}
	}
	srcs, err := aptSources(root)
	if err != nil {
		return Criterion{Saw: "error", Want: best.URL, Line: t("cannot read the sources under %s: %v", "%s 아래의 소스 파일을 읽을 수 없습니다: %v").F(c.Path, err)}
	}
	cr := mirrorVerdict(c.Path, best.URL, srcs, false, t("the fastest fresh mirror (%.0f ms to the first byte)", "가장 빠른 최신 미러입니다 (첫 바이트까지 %.0f ms)").F(best.TTFBms))
	if cr.OK || cr.Want != best.URL || cr.Saw == "none" || cr.Saw == "security only" {
		return cr
	}
	// Say why the mirror in use is not the one: stale, slower, or not ranked.
	saw := strings.Split(cr.Saw, ", ")
	var whyEn, whyKo string
	for _, r := range rs {
		if sameMirror(saw[0], r.URL) {
			switch {
			case !r.OK:
				whyEn, whyKo = "it does not answer: "+r.Error, "응답이 없습니다: "+r.Error
			case !r.Fresh:
				whyEn, whyKo = "it is stale ("+r.Behind+" behind)", "최신이 아닙니다 ("+r.BehindKo+" 뒤처짐)"
			default:
				whyEn, whyKo = fmt.Sprintf("it is slower: %.0f ms against %.0f ms", r.TTFBms, best.TTFBms),
					fmt.Sprintf("더 느립니다: %.0f ms 대 %.0f ms", r.TTFBms, best.TTFBms)
			}
		}
	}
	if whyEn == "" {
		whyEn, whyKo = "it is not one of the ranked mirrors", "순위를 잰 미러가 아닙니다"
	}
	return Criterion{Saw: cr.Saw, Want: best.URL,
		Line: bi("the sources under %s use %s (%s); the fastest fresh mirror is %s", "%s 아래의 소스가 %s 쪽을 씁니다 (%s). 가장 빠른 최신 미러는 %s입니다",
			[]any{c.Path, cr.Saw, whyEn, best.URL}, []any{c.Path, cr.Saw, whyKo, best.URL})}
}
