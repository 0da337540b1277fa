package lessons

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"sysdojo/internal/i18n"
)

// ClassCell is one student's state in one lesson.
type ClassCell struct {
	Started   bool       `json:"started"`
	Done      bool       `json:"done"`
	Step      int        `json:"step,omitempty"` // current step, from 1
	StepsDone int        `json:"steps_done"`
	Steps     int        `json:"steps"`
	Updated   *time.Time `json:"updated,omitempty"`
}

// ClassRow is one student: one exported progress file.
type ClassRow struct {
	Student     string               `json:"student"`
	File        string               `json:"file"`
	Cells       map[string]ClassCell `json:"lessons"`
	LessonsDone int                  `json:"lessons_done"`
	StepsDone   int                  `json:"steps_done"`
	// Last is the student's last activity in any lesson.
	Last *time.Time `json:"last_activity,omitempty"`
}

// ClassTotal is one lesson across the class.
type ClassTotal struct {
	ID      string `json:"id"`
	Started int    `json:"started"`
	Done    int    `json:"done"`
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
		for _, id := range r.Lessons {
			lp := p.Lessons[id]
			c := ClassCell{Steps: steps[id]}
			if lp != nil {
				c.Started = true
				c.Done = lp.Finished != nil || lp.Step > steps[id]
				c.Step = min(lp.Step, steps[id])
				done := map[int]bool{}
				for _, n := range append(append([]int{}, lp.Done...), lp.Skipped...) {
					if n >= 1 && n <= steps[id] {
						done[n] = true
					}
				}
				c.StepsDone = len(done)
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
				row.StepsDone += c.StepsDone
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
			}
		}
		r.Totals = append(r.Totals, tot)
	}
	return r
}

// parseExport reads one exported progress file; a non-zero Text says why
// it is not one.
func parseExport(f ExportFile) (*Progress, i18n.Text) {
	if f.Err != nil {
		return nil, t("cannot read it: %v", "읽을 수 없습니다: %v").F(f.Err)
	}
	var p Progress
	if err := json.Unmarshal(f.Data, &p); err != nil {
		return nil, t("not a sysdojo progress file: %v", "sysdojo 진행 기록 파일이 아닙니다: %v").F(err)
	}
	if p.Seed == "" {
		return nil, t("not a sysdojo progress file: no seed", "sysdojo 진행 기록 파일이 아닙니다: seed가 없습니다")
	}
	for id, lp := range p.Lessons {
		if lp == nil || lp.Step < 0 {
			return nil, t("lesson %s: bad progress entry", "레슨 %s: 진행 기록 항목이 잘못되었습니다").F(id)
		}
	}
	return &p, i18n.Text{}
}

// Cell renders c in a few characters: ✓ done, the current step number,
// · not started.
func (c ClassCell) Cell() string {
	switch {
	case c.Done:
		return "✓"
	case c.Started:
		return fmt.Sprint(c.Step)
	}
	return "·"
}
