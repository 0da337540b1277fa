package lessons

import (
	"fmt"
	"sort"
	"time"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// ClassCell is one student's state in one lesson. A class report has
// only the progress files, not the workspaces: what they claim is
// self-reported and counted apart. Only quiz answers are checked (the
// right answer is computed again for the student's seed); grade the work
// itself with Grade.
type ClassCell struct {
	Started bool `json:"started"`
	// Done: every step checked here (quiz answers) and right.
	Done bool `json:"done"`
	// ClaimedDone: the progress file says the lesson is finished
	// (self-reported).
	ClaimedDone bool `json:"self_reported_done"`
	Step        int  `json:"step,omitempty"` // current step, from 1 (self-reported)
	// StepsDone counts the steps checked here and right (quiz answers);
	// StepsClaimed those the progress file says are done or skipped
	// (self-reported).
	StepsDone int `json:"steps_done"`
	// Hints and Solutions: help the student asked for in this lesson
	// (hints shown, steps whose solution was shown).
	Hints        int        `json:"hints,omitempty"`
	Solutions    int        `json:"solutions,omitempty"`
	StepsClaimed int        `json:"self_reported_steps"`
	Steps        int        `json:"steps"`
	Updated      *time.Time `json:"updated,omitempty"`
}

// ClassRow is one student: one exported progress file.
type ClassRow struct {
	Student     string               `json:"student"`
	File        string               `json:"file"`
	Cells       map[string]ClassCell `json:"lessons"`
	LessonsDone int                  `json:"lessons_done"`
	// Hints and Solutions are the help asked for over the whole course.
	Hints     int `json:"hints"`
	Solutions int `json:"solutions"`
	StepsDone int `json:"steps_done"`
	// Self-reported counts: what the progress file claims.
	LessonsClaimed int `json:"self_reported_lessons_done"`
	StepsClaimed   int `json:"self_reported_steps"`
	// Last is the student's last activity in any lesson.
	Last *time.Time `json:"last_activity,omitempty"`
}

// ClassTotal is one lesson across the class.
type ClassTotal struct {
	ID      string `json:"id"`
	Started int    `json:"started"`
	Done    int    `json:"done"`
	Claimed int    `json:"self_reported_done"`
}

// BadFile is an input that is not a progress file; it is reported and
// left out, never fatal.
type BadFile struct {
	File string    `json:"file"`
	Why  i18n.Text `json:"why"`
}

// ClassReport is students × lessons, with totals.
type ClassReport struct {
	Lessons    []string     `json:"lessons"` // course order
	Rows       []ClassRow   `json:"students"`
	Totals     []ClassTotal `json:"totals"`
	StepsTotal int          `json:"steps_total"`
	Bad        []BadFile    `json:"bad_files,omitempty"`
}

// ExportFile is one input of a class report: a name and its bytes (or
// the error met reading it).
type ExportFile struct {
	Name string
	Data []byte
	Err  error
}

// NewClassReport builds the class table from exported progress files
// against the course all. A file that cannot be read or is not a progress
// file lands in Bad with the reason; the others make one row each,
// sorted by student name (then file).
func NewClassReport(all []*Lesson, files []ExportFile) *ClassReport {
	r := &ClassReport{}
	steps := map[string]int{}
	for _, l := range all {
		r.Lessons = append(r.Lessons, l.ID)
		steps[l.ID] = len(l.Steps)
		r.StepsTotal += len(l.Steps)
	}
	for _, f := range files {
		p, why := parseExport(f)
		if !why.IsZero() {
			r.Bad = append(r.Bad, BadFile{File: f.Name, Why: why})
			continue
		}
		row := ClassRow{Student: p.Student, File: f.Name, Cells: map[string]ClassCell{}}
		if row.Student == "" {
			row.Student = f.Name
		}
		for _, l := range all {
			id := l.ID
			lp := p.Lessons[id]
			c := ClassCell{Steps: steps[id]}
			if lp != nil {
				c.Started = true
				c.ClaimedDone = lp.Finished != nil || lp.Step > steps[id]
				c.Step = min(lp.Step, steps[id])
				claimed := map[int]bool{}
				for _, n := range append(append([]int{}, lp.Done...), lp.Skipped...) {
					if n >= 1 && n <= steps[id] {
						claimed[n] = true
					}
				}
				c.StepsClaimed = len(claimed)
				for _, h := range lp.Hints {
					c.Hints += h
				}
				c.Solutions = len(lp.Solutions)
				row.Hints += c.Hints
				row.Solutions += c.Solutions
				c.StepsDone = quizRight(l, p, lp)
				c.Done = c.StepsDone == c.Steps
				if !lp.Updated.IsZero() {
					u := lp.Updated
					c.Updated = &u
					if row.Last == nil || u.After(*row.Last) {
						row.Last = &u
					}
				}
				if c.Done {
					row.LessonsDone++
				}
				if c.ClaimedDone {
					row.LessonsClaimed++
				}
				row.StepsDone += c.StepsDone
				row.StepsClaimed += c.StepsClaimed
			}
			row.Cells[id] = c
		}
		r.Rows = append(r.Rows, row)
	}
	sort.SliceStable(r.Rows, func(i, j int) bool {
		if r.Rows[i].Student != r.Rows[j].Student {
			return r.Rows[i].Student < r.Rows[j].Student
		}
		return r.Rows[i].File < r.Rows[j].File
	})
	for _, id := range r.Lessons {
		tot := ClassTotal{ID: id}
		for _, row := range r.Rows {
			if c := row.Cells[id]; c.Started {
				tot.Started++
				if c.Done {
					tot.Done++
				}
				if c.ClaimedDone {
					tot.Claimed++
				}
			}
		}
		r.Totals = append(r.Totals, tot)
	}
	return r
}

// quizRight counts the steps of l that a class report can check without
// the workspace (quiz steps answered by value) whose recorded answer is
// right for the student's seed.
func quizRight(src *Lesson, p *Progress, lp *LessonProgress) int {
	var l *Lesson
	n := 0
	for i := range src.Steps {
		s := &src.Steps[i]
		if !s.IsQuiz() || lp.Answers[i+1] == "" || !answerOnly(s) {
			continue
		}
		if l == nil {
			l = src.Bind(p.Seed, WithUID(nil, p))
		}
		if l.CheckStep(i+1, Env{Answer: lp.Answers[i+1]}).Passed {
			n++
		}
	}
	return n
}

// answerOnly reports whether every check of s is an answer by value.
func answerOnly(s *Step) bool {
	for _, c := range s.Checks {
		if c.Kind != KindAnswer {
			return false
		}
	}
	return true
}

// parseExport reads one exported progress file; a non-zero Text says why
// it is not one.
func parseExport(f ExportFile) (*Progress, i18n.Text) {
	if f.Err != nil {
		return nil, readWhy(f.Err)
	}
	p, why := ParseProgress(f.Data)
	if !why.IsZero() {
		return nil, t("not a valid sysdojo progress file: %s", "올바른 sysdojo 진행 기록 파일이 아닙니다: %s").F(why)
	}
	return p, i18n.Text{}
}

// Cell renders c in a few characters: ✓ done (checked), ✓* finished by
// the progress file's word only, the current step number, · not started.
func (c ClassCell) Cell() string {
	switch {
	case c.Done:
		return "✓"
	case c.ClaimedDone:
		return "✓*"
	case c.Started:
		return fmt.Sprint(c.Step)
	}
	return "·"
}
