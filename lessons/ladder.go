package lessons

import (
	"strings"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/term"
)

// The hint ladder: hint 1 is the idea, hint 2 the shape of the command,
// and only `lesson solution` gives the full answer, which is recorded
// (LessonProgress.Solutions) and shown to graders with the hints used.

// Ladder returns the hints `lesson hint` shows for the bound step s, in
// order: the lesson's own hints, except any that holds a whole solution
// command or a quiz's answer (that is the solution's place), then, when
// fewer than two are left and the step has a solution, the shape of its
// first command with the arguments hidden.
func (s *Step) Ladder() []i18n.Text {
	var out []i18n.Text
	for _, h := range s.Hints {
		if !s.givesAway(h) {
			out = append(out, h)
		}
	}
	if len(out) < 2 && len(s.Solution) > 0 {
		out = append(out, t("The shape of the command: %s", "명령의 모양: %s").F(Shape(s.Solution[0])))
	}
	return out
}

// givesAway reports whether hint h holds a whole solution command or the
// answer of a quiz step in backquotes.
func (s *Step) givesAway(h i18n.Text) bool {
	for _, text := range []string{h.En, h.Ko} {
		for _, sol := range s.Solution {
			if len(sol) > 6 && strings.Contains(text, sol) {
				return true
			}
		}
		if s.IsQuiz() && s.Answer != "" && strings.Contains(text, "`sysdojo lesson answer "+s.Answer+"`") {
			return true
		}
	}
	return false
}

// Shape hides the arguments of a shell command and keeps its form: the
// command, sysdojo's subcommand words, the options and the operators
// ("chmod 644 notes.txt" -> "chmod … …", "sysdojo apt switch --root
// sandbox kakao" -> "sysdojo apt switch --root … …").
func Shape(cmd string) string {
	words := term.ShellWords(cmd)
	var out []string
	cmdStart := true
	sub := 0 // sysdojo's subcommand words still to keep
	for _, w := range words {
		switch {
		case w == "|" || w == "||" || w == "&&" || w == ";" || w == ">" || w == ">>" || w == "2>&1" || w == "&" || w == "<" || w == "--":
			out = append(out, w)
			// After -- comes the command a container runs.
			cmdStart = w != ">" && w != ">>" && w != "<" && w != "2>&1"
			sub = 0
		case cmdStart:
			out = append(out, w)
			cmdStart = false
			if w == "sysdojo" {
				sub = 3
			}
		case sub > 0 && sysdojoWords[w]:
			out = append(out, w)
			sub--
		case strings.HasPrefix(w, "-"):
			out = append(out, w)
			sub = 0
		default:
			out = append(out, "…")
			sub = 0
		}
	}
	return strings.Join(out, " ")
}

// sysdojoWords are sysdojo's command and subcommand names, kept in a
// shape: everything else after them is an argument.
var sysdojoWords = wordSet(`perm explain calc umask stat can chown link inspect same broken demo
	apt list mirrors rank switch restore serve container rootfs build import run ps exec stop rm logs gc
	bundle lesson start show check hint answer solution skip reset watch handout progress tour doctor quiz`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}
