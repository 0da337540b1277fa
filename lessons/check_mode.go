package lessons

import (
	"path/filepath"

	"github.com/sysdojo/sysdojo/perm"
)

// KindMode: Path's permission bits, special bits included, equal Want
// (octal). Failing, it says in words which property is missing ("others
// may still write"), never the mode it wants: that would be the answer.
const KindMode = "mode"

var modeKind = kindSpec{
	Doc:  "the permission bits, special bits included, equal want (octal); failing, it names the missing property, never the mode",
	File: true,
	Validate: func(c Check) string {
		if msg := needs(KindMode, "path", "want")(c); msg != "" {
			return msg
		}
		if _, ok := parseMode(c.Want); !ok && !hasPlaceholder(c.Want) {
			return "mode: want is not an octal mode"
		}
		return ""
	},
	Run: runMode,
}

func runMode(c Check, env Env, db *perm.DB) Criterion {
	p := c.Path
	want, ok := parseMode(c.Want)
	if !ok {
		return Criterion{Saw: "?", Want: c.Want, Line: t("bad mode %q in the lesson", "레슨에 적힌 권한 값이 잘못되었습니다: %q").F(c.Want)}
	}
	n, err := inspect(filepath.Join(env.Dir, p), db)
	if err != nil {
		cr := missing(p, err)
		cr.Want = want.String()
		return cr
	}
	if n.Mode == want {
		return Criterion{OK: true, Saw: n.Mode.String(), Want: want.String(),
			Line: t("%s is %s (%s)", "%s: 권한 %s (%s), 맞습니다").F(p, n.Mode, lsBits(n.Mode))}
	}
	// What is missing, in words; never the mode the task wants, which
	// would give the answer away.
	d := modeDiff(n.Mode, want, n.Type == "directory")
	return Criterion{Saw: n.Mode.String(), Want: "?",
		Line: bi("%s is %s (%s): %s", "%s: 지금 권한은 %s (%s). %s",
			[]any{p, n.Mode, lsBits(n.Mode), d.En}, []any{p, n.Mode, lsBits(n.Mode), d.Ko})}
}
