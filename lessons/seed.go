package lessons

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"regexp"
	"strings"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// placeholderRE matches ${name} in lesson texts, commands and checks.
var placeholderRE = regexp.MustCompile(`\$\{([a-z_][a-z0-9_]*)\}`)

// builtin placeholders, filled from the machine rather than the seed:
// ${user} and ${group} are the student's own user and primary group.
var builtin = map[string]bool{"user": true, "group": true}

// NewSeed returns a fresh random student seed (16 hex digits).
func NewSeed() string {
	var b [8]byte
	if _, err := rand.Read(b[:]); err != nil {
		panic("crypto/rand: " + err.Error()) // never happens on Linux
	}
	return hex.EncodeToString(b[:])
}

// pick chooses a row index in [0, n) for seed, lesson and group: the same
// inputs always give the same row.
func pick(seed, lesson string, group, n int) int {
	h := sha256.Sum256([]byte(seed + "\x00" + lesson + "\x00" + string(rune('0'+group))))
	return int(binary.BigEndian.Uint64(h[:8]) % uint64(n))
}

// Vars returns the values of l's parameters for the student with seed,
// plus the built-in ones given in machine (user, group).
func (l *Lesson) Vars(seed string, machine map[string]string) map[string]string {
	vars := map[string]string{}
	for k, v := range machine {
		vars[k] = v
	}
	for i, p := range l.Params {
		if len(p.Choose) == 0 {
			continue
		}
		for k, v := range p.Choose[pick(seed, l.ID, i, len(p.Choose))] {
			vars[k] = v
		}
	}
	return vars
}

// Bind returns a copy of l with every ${name} replaced by the student's
// values: what the student reads, what the checks want and what the
// solutions do all follow the same seed.
func (l *Lesson) Bind(seed string, machine map[string]string) *Lesson {
	vars := l.Vars(seed, machine)
	ex := func(s string) string { return Expand(s, vars) }
	et := func(t i18n.Text) i18n.Text { return i18n.Text{En: ex(t.En), Ko: ex(t.Ko)} }
	b := *l
	b.vars = vars
	b.Intro, b.Outro, b.Title = et(l.Intro), et(l.Outro), et(l.Title)
	b.Files = make([]File, len(l.Files))
	for i, f := range l.Files {
		f.Content, f.Path, f.Target, f.Mode = ex(f.Content), ex(f.Path), ex(f.Target), ex(f.Mode)
		b.Files[i] = f
	}
	b.Steps = make([]Step, len(l.Steps))
	for i, s := range l.Steps {
		s.Title, s.Text, s.Task, s.Explain = et(s.Title), et(s.Text), et(s.Task), et(s.Explain)
		s.Solution = mapStrings(s.Solution, ex)
		s.Answer, s.AnswerCmd = ex(s.Answer), ex(s.AnswerCmd)
		hints := make([]i18n.Text, len(s.Hints))
		for j, h := range s.Hints {
			hints[j] = et(h)
		}
		s.Hints = hints
		checks := make([]Check, len(s.Checks))
		for j, c := range s.Checks {
			c.Path, c.Want, c.Container, c.Why = ex(c.Path), ex(c.Want), ex(c.Container), et(c.Why)
			c.Paths, c.Accept = mapStrings(c.Paths, ex), mapStrings(c.Accept, ex)
			checks[j] = c
		}
		s.Checks = checks
		b.Steps[i] = s
	}
	return &b
}

// Value returns the bound value of a parameter ("" before Bind).
func (l *Lesson) Value(name string) string { return l.vars[name] }

// Expand replaces each ${name} in s that vars defines.
func Expand(s string, vars map[string]string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	return placeholderRE.ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := vars[m[2:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

func mapStrings(in []string, f func(string) string) []string {
	if in == nil {
		return nil
	}
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = f(s)
	}
	return out
}
