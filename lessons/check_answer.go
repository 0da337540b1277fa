package lessons

import (
	"strings"

	"github.com/sysdojo/sysdojo/perm"
)

// KindAnswer: the student's answer (`lesson answer VALUE`) is Want or
// one of Accept; case, extra spaces and a leading 0 of an octal mode do
// not matter. A step with this kind is a quiz step.
const KindAnswer = "answer"

var answerKind = kindSpec{
	Doc:      "the student's answer is want or one of accept (case and extra spaces ignored; `0754` = `754`)",
	File:     true,
	Validate: needs(KindAnswer, "want"),
	Run: func(c Check, env Env, _ *perm.DB) Criterion {
		return judgeAnswer(env.Answer, append([]string{c.Want}, c.Accept...))
	},
}

// judgeAnswer compares the student's answer with the accepted ones.
func judgeAnswer(answer string, accept []string) Criterion {
	a := strings.TrimSpace(answer)
	if a == "" {
		return Criterion{Saw: "", Want: "?",
			Line: t("no answer yet: give one with 'sysdojo lesson answer VALUE'", "아직 답하지 않았습니다. 'sysdojo lesson answer 값'으로 답하세요")}
	}
	for _, w := range accept {
		if normAnswer(a) == normAnswer(w) {
			return Criterion{OK: true, Saw: a, Want: a, Line: t("your answer %q is right", "답 %q: 맞았습니다").F(a)}
		}
	}
	return Criterion{Saw: a, Want: "?", Line: t("your answer %q is not right: think again, or ask for a hint", "답 %q: 맞지 않습니다. 다시 생각해 보거나 힌트를 보세요").F(a)}
}

// normAnswer compares answers loosely where it is safe: case, spaces and
// a leading "0" of an octal mode do not matter.
func normAnswer(s string) string {
	s = strings.ToLower(strings.Join(strings.Fields(s), " "))
	if len(s) == 4 && s[0] == '0' && strings.Trim(s, "01234567") == "" {
		s = s[1:]
	}
	return s
}
