package lessons

import (
	"errors"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"io/fs"
	"path/filepath"
	"regexp"

	"github.com/sysdojo/sysdojo/perm"
)

// KindMatches: Path's content (a regular file, symlinks followed, at
// most MaxCheckedFileSize) matches the regular expression Want (RE2
// syntax, multi-line: ^ and $ match at line ends). Use it where a plain
// `contains` would also accept the wrong thing: a `ps` list from the
// host has "PID" in it too, but only one run inside a PID namespace
// shows ps itself as process 1. When it fails it never prints the
// expression (it would give the answer away): give the check a `why`.
const KindMatches = "matches"

// maxPattern bounds a lesson's expression (lessons may come from files).
const maxPattern = 1000

var matchesKind = kindSpec{
	Doc:  "path's content matches the regular expression want (RE2, multi-line); failing, it says why, never the expression",
	File: true,
	Validate: func(c Check) string {
		if c.Path == "" || c.Want == "" {
			return "matches needs path and want (a regular expression)"
		}
		if len(c.Want) > maxPattern {
			return "matches: want is longer than 1000 bytes"
		}
		if _, err := regexp.Compile("(?m)" + c.Want); err != nil {
			return "matches: bad regular expression: " + err.Error()
		}
		if c.Why.IsZero() {
			return "matches needs why: what the content must show, in the lesson's terms"
		}
		return ""
	},
	Describe: func(c Check) i18n.Text {
		return withWhy(t("`%s` shows what the task asks for", "`%s`: 과제에서 바라는 내용이 보임").F(c.Path), c)
	},
	Run: runMatches,
}

func runMatches(c Check, env Env, _ *perm.DB) Criterion {
	p := c.Path
	re, err := regexp.Compile("(?m)" + c.Want)
	if err != nil {
		return Criterion{Saw: "?", Want: "?", Line: t("bad regular expression in the lesson", "레슨에 적힌 정규 표현식이 잘못되었습니다")}
	}
	data, err := ReadUserFile(filepath.Join(env.Dir, p), MaxCheckedFileSize, false)
	if err != nil {
		cr := missing(p, err)
		if errors.Is(err, ErrNotRegular) || errors.Is(err, ErrTooBig) {
			cr.Line = t("%s: %s; the task asks for a regular file", "%s: %s. 일반 파일이어야 합니다").F(p, readWhy(err))
		} else if errors.Is(err, fs.ErrPermission) {
			cr.Line = t("%s cannot be read (permission denied)", "%s: 읽을 수 없습니다 (권한 없음)").F(p)
		}
		cr.Want = "?"
		return cr
	}
	if re.Match(data) {
		return Criterion{OK: true, Saw: "matches", Want: "matches", Line: t("%s shows what the task asks for", "%s: 과제에서 바라는 내용이 보입니다").F(p)}
	}
	return Criterion{Saw: "does not match", Want: "?",
		Line: t("%s does not show what the task asks for", "%s: 과제에서 바라는 내용이 보이지 않습니다").F(p)}
}
