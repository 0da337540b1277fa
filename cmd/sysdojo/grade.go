package main

import (
	"fmt"
	"path/filepath"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/lessons"
)

// gradeStep is one step in `lesson check --all --format json`: the
// StepResult fields graders rely on, plus status and title.
type gradeStep struct {
	lessons.StepResult
	Status string    `json:"status"`
	Title  i18n.Text `json:"title"`
	Note   string    `json:"note,omitempty"`
	// SelfReported: the progress file claims the step; its check fails.
	SelfReported bool `json:"self_reported,omitempty"`
}

type gradeLesson struct {
	ID    string      `json:"id"`
	Steps []gradeStep `json:"steps"`
}

// checkAll is `lesson check --all`: every step of the lessons named (or
// every lesson started), one case each, nothing advanced.
func (e *env) checkAll(c *cli.Context, format string) error {
	switch format {
	case "text", "json", "tap", "junit":
	default:
		return usagef(helpHint("sysdojo lesson check"), i18n.T("unknown format %q (use text, json, tap or junit)", "모르는 형식입니다: %q (text, json, tap, junit 중에서)"), format)
	}
	p, err := e.load(c)
	if err != nil {
		return err
	}
	ids := c.Args().Slice()
	for _, id := range ids {
		if _, err := lessons.Get(id); err != nil {
			return err
		}
	}
	if len(ids) == 0 {
		all, err := lessons.All()
		if err != nil {
			return err
		}
		for _, l := range all {
			if p.Lesson(l.ID) != nil {
				ids = append(ids, l.ID)
			}
		}
		if len(ids) == 0 {
			return lessons.ErrNoLesson
		}
	}
	var cases []lessons.Case
	for _, id := range ids {
		l, err := bound(id, p)
		if err != nil {
			return err
		}
		// Always live: --live is accepted, and is what every grade does.
		opt := lessons.GradeOptions{Root: isRoot()}
		if d := c.String("dir"); d != "" {
			abs, err := filepath.Abs(filepath.Join(d, id))
			if err != nil {
				return err
			}
			opt.Dir = abs
		}
		cases = append(cases, lessons.Grade(l, p.Lesson(id), opt)...)
	}
	passed := lessons.AllPassed(cases)
	lang := e.io.Lang
	switch format {
	case "tap":
		err = lessons.WriteTAP(e.io.Out, cases, lang)
	case "junit":
		err = lessons.WriteJUnit(e.io.Out, cases, lang)
	case "json":
		rep := struct {
			Passed  bool          `json:"passed"`
			Lessons []gradeLesson `json:"lessons"`
		}{Passed: passed, Lessons: []gradeLesson{}}
		for _, cs := range cases {
			if len(rep.Lessons) == 0 || rep.Lessons[len(rep.Lessons)-1].ID != cs.Lesson {
				rep.Lessons = append(rep.Lessons, gradeLesson{ID: cs.Lesson})
			}
			gl := &rep.Lessons[len(rep.Lessons)-1]
			gl.Steps = append(gl.Steps, gradeStep{StepResult: cs.Result, Status: cs.Status, Title: cs.Title, Note: cs.Note.In(lang), SelfReported: cs.SelfReported})
		}
		err = e.writeJSON(rep)
	default:
		e.gradeText(cases)
	}
	if err != nil {
		return err
	}
	if !passed {
		return silentError{}
	}
	return nil
}

func (e *env) gradeText(cases []lessons.Case) {
	io := e.io
	last := ""
	count := map[string]int{}
	for _, cs := range cases {
		count[cs.Status]++
		if cs.Lesson != last {
			if last != "" {
				fmt.Fprintln(io.Out)
			}
			last = cs.Lesson
			fmt.Fprintln(io.Out, io.Heading(cs.Lesson))
		}
		mark := io.Mark(cs.Status == lessons.StatusPass)
		if cs.Status == lessons.StatusSkip {
			mark = io.Warn("–")
		}
		label := ""
		if cs.SelfReported {
			label = " " + io.Warn(e.t("(self-reported)", "(자기 신고)"))
		}
		fmt.Fprintf(io.Out, "%s %s: %s%s\n", mark, fmt.Sprintf(e.t("step %d", "%d단계"), cs.Step), cs.Title.In(io.Lang), label)
		if !cs.Note.IsZero() {
			fmt.Fprintln(io.Out, "    "+io.Dim(cs.Note.In(io.Lang)))
		}
		if cs.Status == lessons.StatusFail {
			for _, cr := range cs.Result.Criteria {
				if !cr.OK {
					fmt.Fprintln(io.Out, "    "+io.Mark(false)+" "+cr.Line.In(io.Lang))
				}
			}
		}
	}
	fmt.Fprintln(io.Out)
	line := fmt.Sprintf(e.t("%d of %d steps passed", "%[2]d단계 중 %[1]d단계 통과"), count[lessons.StatusPass], len(cases))
	if n := count[lessons.StatusSkip]; n > 0 {
		line += fmt.Sprintf(e.t(", %d skipped", ", %d단계 건너뜀"), n)
	}
	if count[lessons.StatusFail] > 0 {
		fmt.Fprintln(io.Out, io.Bad("✗ "+line+"."))
	} else {
		fmt.Fprintln(io.Out, io.OK("✓ "+line+"."))
	}
}
