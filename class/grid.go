package class

import (
	"encoding/csv"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/lessons"
)

// Grid is the class at a glance: students × lessons × steps, from the
// server's records only. It is what the dashboard shows and the exports
// hold.
type Grid struct {
	Generated time.Time    `json:"generated"`
	Lessons   []GridLesson `json:"lessons"` // lessons someone has worked on, in course order
	Students  []GridRow    `json:"students"`
	// Stuck are students on one step for longer than the stuck time,
	// most failed checks first.
	Stuck []Stuck `json:"stuck"`
	// StuckAfter is the stuck time, in minutes.
	StuckAfter float64 `json:"stuck_after_minutes"`
	Events     uint64  `json:"events"`
}

// GridLesson is one lesson's column: its steps with the class's pass
// rate.
type GridLesson struct {
	ID    string     `json:"id"`
	Title i18n.Text  `json:"title"`
	Steps []GridStep `json:"steps"`
}

// GridStep is one step across the class.
type GridStep struct {
	Step  int       `json:"step"`
	Title i18n.Text `json:"title"`
	// Passed counts students with a recorded pass; Tried those who
	// checked it at all (or passed it); Rate is Passed/Tried.
	Passed    int     `json:"passed"`
	Tried     int     `json:"tried"`
	Rate      float64 `json:"rate"`
	Hints     int     `json:"hints"`
	Solutions int     `json:"solutions"`
}

// GridRow is one student.
type GridRow struct {
	UID     int                 `json:"uid"`
	Name    string              `json:"name"`
	Last    time.Time           `json:"last"`
	Lessons map[string]GridCell `json:"lessons"`
	Now     *Stuck              `json:"now,omitempty"` // where the student is now
	// Quiz sums the student's quizzes from the server: right answers,
	// answered questions, questions asked.
	Quiz    QuizScore `json:"quiz"`
	quizzes []QuizRecord
}

// QuizScore sums quizzes.
type QuizScore struct {
	Quizzes  int `json:"quizzes"`
	Right    int `json:"right"`
	Answered int `json:"answered"`
	Total    int `json:"total"`
}

// GridCell is one student in one lesson.
type GridCell struct {
	Steps     []StepStatus `json:"steps"`
	Recorded  int          `json:"recorded"`
	Claimed   int          `json:"self_reported"`
	Hints     int          `json:"hints"`
	Solutions int          `json:"solutions"`
	Current   int          `json:"current,omitempty"`
}

// Stuck is a student on one step.
type Stuck struct {
	UID     int       `json:"uid"`
	Name    string    `json:"name"`
	Lesson  string    `json:"lesson"`
	Step    int       `json:"step"`
	Since   time.Time `json:"since"`
	Minutes float64   `json:"minutes"`
	Fails   int       `json:"fails"`
	Stuck   bool      `json:"stuck"`
}

// NewGrid builds the grid from a snapshot against the course all; a
// student counts as stuck after stuckAfter on one step.
func NewGrid(snap *Snapshot, all []*lessons.Lesson, now time.Time, stuckAfter time.Duration) *Grid {
	g := &Grid{Generated: now.UTC(), StuckAfter: stuckAfter.Minutes(), Events: snap.Events, Stuck: []Stuck{}, Students: []GridRow{}, Lessons: []GridLesson{}}
	used := map[string]bool{}
	for _, byLesson := range snap.Steps {
		for id := range byLesson {
			used[id] = true
		}
	}
	known := map[string]bool{}
	var cols []*lessons.Lesson
	for _, l := range all {
		known[l.ID] = true
		if used[l.ID] {
			cols = append(cols, l)
		}
	}
	for _, st := range snap.Students {
		row := GridRow{UID: st.UID, Name: st.Name, Last: st.Last, Lessons: map[string]GridCell{}}
		for _, l := range cols {
			recs := snap.Steps[st.UID][l.ID]
			if recs == nil {
				continue
			}
			c := GridCell{Current: snap.Current[st.UID][l.ID].Step}
			for n := 1; n <= len(l.Steps); n++ {
				ss := status(n, recs[n])
				c.Steps = append(c.Steps, ss)
				switch ss.Kind {
				case KindRecorded:
					c.Recorded++
				case KindSelfReported:
					c.Claimed++
				}
				c.Hints += ss.Hints
				if ss.Solution {
					c.Solutions++
				}
			}
			row.Lessons[l.ID] = c
		}
		// Where the student is now: the lesson touched last.
		var cur *Stuck
		for id, c := range snap.Current[st.UID] {
			if !known[id] {
				continue
			}
			var steps int
			for _, l := range cols {
				if l.ID == id {
					steps = len(l.Steps)
				}
			}
			if c.Step < 1 || c.Step > steps {
				continue
			}
			s := Stuck{UID: st.UID, Name: st.Name, Lesson: id, Step: c.Step, Since: c.Since,
				Minutes: now.Sub(c.Since).Minutes(), Fails: snap.Steps[st.UID][id][c.Step].Fails}
			if last := snap.Steps[st.UID][id][c.Step].Last; cur == nil || last.After(cur.Since) || c.Since.After(cur.Since) {
				cur = &s
			}
		}
		if cur != nil {
			cur.Stuck = now.Sub(cur.Since) >= stuckAfter
			row.Now = cur
			if cur.Stuck {
				g.Stuck = append(g.Stuck, *cur)
			}
		}
		for _, q := range snap.Quizzes {
			if q.UID != st.UID {
				continue
			}
			r, a := q.Score()
			row.Quiz.Quizzes++
			row.Quiz.Right += r
			row.Quiz.Answered += a
			row.Quiz.Total += len(q.Questions)
			row.quizzes = append(row.quizzes, q)
		}
		g.Students = append(g.Students, row)
	}
	sort.SliceStable(g.Stuck, func(i, j int) bool {
		if g.Stuck[i].Fails != g.Stuck[j].Fails {
			return g.Stuck[i].Fails > g.Stuck[j].Fails
		}
		return g.Stuck[i].Minutes > g.Stuck[j].Minutes
	})
	for _, l := range cols {
		gl := GridLesson{ID: l.ID, Title: l.Title}
		for n := 1; n <= len(l.Steps); n++ {
			gs := GridStep{Step: n, Title: l.Steps[n-1].Title}
			for _, row := range g.Students {
				c, ok := row.Lessons[l.ID]
				if !ok {
					continue
				}
				ss := c.Steps[n-1]
				if ss.Kind == KindRecorded {
					gs.Passed++
				}
				if ss.Kind == KindRecorded || ss.Checks > 0 {
					gs.Tried++
				}
				gs.Hints += ss.Hints
				if ss.Solution {
					gs.Solutions++
				}
			}
			if gs.Tried > 0 {
				gs.Rate = float64(gs.Passed) / float64(gs.Tried)
			}
			gl.Steps = append(gl.Steps, gs)
		}
		g.Lessons = append(g.Lessons, gl)
	}
	return g
}

// WriteCSV writes the grid for a spreadsheet, one row per student and
// step: a UTF-8 byte order mark first (so that Excel shows Korean), text
// cells with control characters escaped and formulas neutralised, as
// `class report --csv` does.
func (g *Grid) WriteCSV(w io.Writer) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cell := func(s string) string { return lessons.CSVCell(lessons.Printable(s)) }
	cw.Write([]string{"student", "uid", "lesson", "step", "status", "recorded_at", "checks", "failed_checks", "hints", "solution_seen"})
	for _, row := range g.Students {
		for _, l := range g.Lessons {
			c, ok := row.Lessons[l.ID]
			if !ok {
				continue
			}
			for _, ss := range c.Steps {
				at := ""
				if ss.Recorded != nil {
					at = ss.Recorded.UTC().Format(time.RFC3339)
				}
				cw.Write([]string{cell(row.Name), strconv.Itoa(row.UID), cell(l.ID), strconv.Itoa(ss.Step), ss.Kind, at,
					strconv.Itoa(ss.Checks), strconv.Itoa(ss.Fails), strconv.Itoa(ss.Hints), strconv.FormatBool(ss.Solution)})
			}
		}
		// One row per quiz: "quiz TOPIC", its number, "R/N right".
		for _, q := range row.quizzes {
			r, a := q.Score()
			cw.Write([]string{cell(row.Name), strconv.Itoa(row.UID), "quiz " + q.Topic, strconv.Itoa(q.ID),
				fmt.Sprintf("%d/%d right", r, len(q.Questions)), q.Started.UTC().Format(time.RFC3339), strconv.Itoa(a), strconv.Itoa(a - r), "0", "false"})
		}
	}
	cw.Flush()
	return cw.Error()
}
