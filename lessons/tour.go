package lessons

import (
	"bytes"
	"embed"
	"fmt"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// The tour is lesson data too: tours/tour.yaml is a lesson in the same
// format whose steps each name a step of the course ("from: perm-octal/2").
// `sysdojo tour` runs those steps the way `demo` runs a lesson (the
// step's text is the narration, its solution the commands, its checks
// the proof), each in its own lesson's workspace, after that lesson's
// earlier steps were done quietly; `lesson handout tour` prints them;
// the verdict test proves each. There is no tour text in Go.

//go:embed tours/tour.yaml
var tourFS embed.FS

// Tour is a parsed tour: its title, intro and outro, and its stops.
type Tour struct {
	// Lesson holds the tour file as written: ID, title, intro, outro;
	// its Steps have only From.
	Lesson *Lesson
	Stops  []Stop
}

// Stop is one step of a tour: step N (from 1) of Lesson.
type Stop struct {
	Lesson *Lesson
	N      int
}

// Step returns the stop's step.
func (s Stop) Step() *Step { return &s.Lesson.Steps[s.N-1] }

// TheTour returns the built-in tour, parsed and checked against the
// lessons on first use (not at start-up).
var TheTour = sync.OnceValues(func() (*Tour, error) {
	data, err := tourFS.ReadFile("tours/tour.yaml")
	if err != nil {
		return nil, err
	}
	return ParseTour("tours/tour.yaml", data, Get)
})

// ParseTour reads a tour file; get finds the lessons its steps name.
func ParseTour(name string, data []byte, get func(id string) (*Lesson, error)) (*Tour, error) {
	var l Lesson
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	l.source = name
	var errs []string
	if !idRE().MatchString(l.ID) {
		errs = append(errs, fmt.Sprintf("id %q: want lower-case letters, digits and dashes", l.ID))
	}
	for what, x := range map[string]i18n.Text{"title": l.Title, "intro": l.Intro, "outro": l.Outro} {
		if x.En == "" || x.Ko == "" {
			errs = append(errs, what+": needs both en and ko")
		}
	}
	if len(l.Steps) == 0 {
		errs = append(errs, "no steps")
	}
	t := &Tour{Lesson: &l}
	for i, s := range l.Steps {
		w := fmt.Sprintf("steps[%d]", i)
		s.From = ""
		if !s.Title.IsZero() || !s.Text.IsZero() || !s.Task.IsZero() || len(s.Checks) > 0 || len(s.Solution) > 0 || len(s.Hints) > 0 || s.Answer != "" {
			errs = append(errs, w+": a tour's step has only from: ID/N (the step itself stays in its lesson)")
			continue
		}
		id, num, ok := strings.Cut(l.Steps[i].From, "/")
		n, err := strconv.Atoi(num)
		if !ok || err != nil {
			errs = append(errs, fmt.Sprintf("%s: from %q: want ID/N", w, l.Steps[i].From))
			continue
		}
		src, err := get(id)
		if err != nil {
			errs = append(errs, fmt.Sprintf("%s: from %q: no lesson %s", w, l.Steps[i].From, id))
			continue
		}
		if n < 1 || n > len(src.Steps) {
			errs = append(errs, fmt.Sprintf("%s: from %q: lesson %s has steps 1 to %d", w, l.Steps[i].From, id, len(src.Steps)))
			continue
		}
		for _, p := range t.Stops {
			if p.Lesson.ID == id && p.N >= n {
				errs = append(errs, fmt.Sprintf("%s: from %q: the steps of one lesson come in order, each once", w, l.Steps[i].From))
			}
		}
		t.Stops = append(t.Stops, Stop{Lesson: src, N: n})
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("%s: invalid tour %s:\n  %s", name, l.ID, strings.Join(errs, "\n  "))
	}
	return t, nil
}

// Bind returns the stops with each lesson bound once for seed (see
// Lesson.Bind): the values a stop shows are the ones its lesson's
// earlier steps used.
func (t *Tour) Bind(seed string, machine map[string]string) []Stop {
	bound := map[*Lesson]*Lesson{}
	out := make([]Stop, len(t.Stops))
	for i, s := range t.Stops {
		b, ok := bound[s.Lesson]
		if !ok {
			b = s.Lesson.Bind(seed, machine)
			bound[s.Lesson] = b
		}
		out[i] = Stop{Lesson: b, N: s.N}
	}
	return out
}

// Flat returns the tour as one bound lesson (its title, intro and outro,
// and a copy of every stop's step), for a handout. Its steps do not run
// in one workspace: use Bind and a Runner per lesson for that.
func (t *Tour) Flat(seed string, machine map[string]string) *Lesson {
	l := *t.Lesson
	l = *l.Bind(seed, machine)
	l.tour = true
	l.Steps = nil
	for _, s := range t.Bind(seed, machine) {
		l.Steps = append(l.Steps, *s.Step())
	}
	return &l
}

// IsTour reports whether l is a tour made flat (Tour.Flat).
func (l *Lesson) IsTour() bool { return l.tour }
