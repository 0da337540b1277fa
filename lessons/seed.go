package lessons

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// placeholderRE matches ${name} in lesson texts, commands and checks.
var placeholderRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\$\{([a-z_][a-z0-9_]*)\}`) })

// builtin placeholders: ${user} and ${group} are the student's own user
// and primary group (from the machine); ${sid} and ${pb} are derived from
// the student so that 40 students on one server do not collide: ${sid}
// is six hex digits of the seed's hash, for names (containers:
// "web-${sid}"); ${pb} is a port block, four digits from 1000 to 3199, so
// "${pb}0" to "${pb}9" are ten host ports (10000 to 31999) of the
// student's own. ${pb} comes from the student's uid (recorded in the
// progress at the first start: students' uids differ, so their blocks
// do), from the seed when the uid is 0 or unknown. Parameter rows may use
// them ({name: "kimchi-${sid}"}).
var builtin = map[string]bool{"user": true, "group": true, "sid": true, "pb": true}

// studentVars are the seed-derived built-in values.
func studentVars(seed, uid string) map[string]string {
	h := sha256.Sum256([]byte(seed + "\x00student"))
	n := uint64(binary.BigEndian.Uint32(h[3:7]))
	if u, err := strconv.ParseUint(uid, 10, 32); err == nil && u > 0 {
		n = u
	}
	return map[string]string{
		"sid": hex.EncodeToString(h[:3]),
		"pb":  strconv.Itoa(1000 + int(n%2200)),
	}
}

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
	vars := studentVars(seed, machine["uid"])
	for k, v := range machine {
		vars[k] = v
	}
	base := map[string]string{}
	for k, v := range vars {
		base[k] = v
	}
	for i, p := range l.Params {
		if len(p.Choose) == 0 {
			continue
		}
		for k, v := range p.Choose[pick(seed, l.ID, i, len(p.Choose))] {
			vars[k] = Expand(v, base)
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
	et := func(t i18n.Text) i18n.Text { return i18n.Text{En: ex(t.En), Ko: expandKo(t.Ko, vars)} }
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
	return placeholderRE().ReplaceAllStringFunc(s, func(m string) string {
		if v, ok := vars[m[2:len(m)-1]]; ok {
			return v
		}
		return m
	})
}

// expandKo is Expand for Korean text: a particle written right after a
// placeholder takes the form its value needs ("${note}를" with note
// "hello.txt" or "web1": "hello.txt를", "web1을").
func expandKo(s string, vars map[string]string) string {
	if !strings.Contains(s, "${") {
		return s
	}
	var b strings.Builder
	var at []int
	var words []string
	last := 0
	for _, m := range placeholderRE().FindAllStringSubmatchIndex(s, -1) {
		v, ok := vars[s[m[2]:m[3]]]
		if !ok {
			continue
		}
		b.WriteString(s[last:m[0]])
		b.WriteString(v)
		last = m[1]
		at, words = append(at, b.Len()), append(words, v)
	}
	b.WriteString(s[last:])
	return i18n.FixParticles(b.String(), at, words)
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
