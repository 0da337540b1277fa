package main

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/term"
	"github.com/sysdojo/sysdojo/lessons"
)

func newClassCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "class",
		Usage: e.t("for instructors: the whole class at a glance", "강사용: 반 전체를 한눈에"),
		Subcommands: []*cli.Command{
			{
				Name:      "report",
				Usage:     e.t("students × lessons from 'sysdojo progress export' files", "'sysdojo progress export' 파일로 학생 × 레슨 표"),
				ArgsUsage: "FILE|DIR...",
				Description: e.t(
					"Each FILE is one student's 'sysdojo progress export'; a DIR stands for its *.json\n"+
						"files. A cell shows ✓ (lesson done), the step the student is on, or · (not\n"+
						"started). A file that is not a progress file is reported on stderr and skipped.",
					"FILE은 학생 한 명의 'sysdojo progress export' 출력이고, DIR은 그 안의 *.json\n"+
						"파일 전부입니다. 칸에는 ✓(레슨 완료), 지금 하는 단계 번호, ·(시작 안 함)가\n"+
						"나옵니다. 진행 기록이 아닌 파일은 stderr에 알리고 건너뜁니다."),
				Flags: []cli.Flag{
					&cli.BoolFlag{Name: "csv", Usage: e.t("CSV for a spreadsheet", "스프레드시트용 CSV")},
					jsonFlag,
				},
				Action: e.classReport,
			},
			newClassServeCommand(e),
			newClassResultsCommand(e),
		},
	}
}

func (e *env) classReport(c *cli.Context) error {
	a, err := args(c, 1, -1, "FILE|DIR...")
	if err != nil {
		return err
	}
	var files []lessons.ExportFile
	for _, name := range a {
		if st, err := os.Stat(name); err == nil && st.IsDir() {
			matches, _ := filepath.Glob(filepath.Join(name, "*.json"))
			for _, m := range matches {
				// Files found in a directory are the students': a
				// symbolic link among them is not followed.
				data, err := lessons.ReadUserFile(m, lessons.MaxProgressSize, true)
				files = append(files, lessons.ExportFile{Name: m, Data: data, Err: err})
			}
			continue
		}
		data, err := lessons.ReadUserFile(name, lessons.MaxProgressSize, false)
		files = append(files, lessons.ExportFile{Name: name, Data: data, Err: err})
	}
	all, err := lessons.All()
	if err != nil {
		return err
	}
	r := lessons.NewClassReport(all, files)
	io := e.io
	if len(r.Rows) == 0 && len(r.Bad) == 1 && len(files) == 1 {
		// One file given, and it is not a progress file: one line.
		return i18n.Invalid(i18n.T("%s: %s", "%s: %s").F(lessons.Printable(r.Bad[0].File), r.Bad[0].Why)).
			WithHint(i18n.T("each student makes one with 'sysdojo progress export > NAME.json'", "학생마다 'sysdojo progress export > 이름.json'으로 만드세요"))
	}
	for _, b := range r.Bad {
		fmt.Fprintln(io.Err, "sysdojo: "+io.Warn(fmt.Sprintf(e.t("%s: %s (skipped)", "%s: %s (건너뜀)"), lessons.Printable(b.File), b.Why.In(io.Lang))))
	}
	if len(r.Rows) == 0 {
		return i18n.Invalid(i18n.T("no progress file among the %d given", "준 파일 %d개 중에 진행 기록 파일이 없습니다").F(len(files))).
			WithHint(i18n.T("each student makes one with 'sysdojo progress export > NAME.json'", "학생마다 'sysdojo progress export > 이름.json'으로 만드세요"))
	}
	switch {
	case c.Bool("json"):
		return e.writeJSON(r)
	case c.Bool("csv"):
		return writeClassCSV(io.Out, r)
	}
	e.classTable(r)
	return nil
}

func stamp(t *time.Time, layout string) string {
	if t == nil {
		return ""
	}
	return t.UTC().Format(layout)
}

// writeClassCSV writes the report for a spreadsheet: a UTF-8 byte order
// mark first (so that Excel shows Korean names), student-supplied cells
// with control characters escaped and formulas neutralised (OWASP: a
// cell starting with = + - @ tab or CR gets a leading quote).
func writeClassCSV(w io.Writer, r *lessons.ClassReport) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cell := func(s string) string { return lessons.CSVCell(lessons.Printable(s)) }
	head := append([]string{"student", "file"}, r.Lessons...)
	head = append(head, "lessons_done", "steps_done", "steps_total", "lessons_done_self_reported", "steps_done_self_reported", "last_activity")
	cw.Write(head)
	for _, row := range r.Rows {
		rec := []string{cell(row.Student), cell(row.File)}
		for _, id := range r.Lessons {
			c := row.Cells[id]
			switch {
			case c.Done:
				rec = append(rec, "done")
			case c.ClaimedDone:
				rec = append(rec, "done (self-reported)")
			case c.Started:
				rec = append(rec, "step "+strconv.Itoa(c.Step))
			default:
				rec = append(rec, "")
			}
		}
		rec = append(rec, strconv.Itoa(row.LessonsDone), strconv.Itoa(row.StepsDone), strconv.Itoa(r.StepsTotal),
			strconv.Itoa(row.LessonsClaimed), strconv.Itoa(row.StepsClaimed), stamp(row.Last, time.RFC3339))
		cw.Write(rec)
	}
	tot := []string{"TOTAL done", ""}
	for _, t := range r.Totals {
		tot = append(tot, strconv.Itoa(t.Done))
	}
	cw.Write(append(tot, "", "", "", "", "", ""))
	tot = []string{"TOTAL done (self-reported)", ""}
	for _, t := range r.Totals {
		tot = append(tot, strconv.Itoa(t.Claimed))
	}
	cw.Write(append(tot, "", "", "", "", "", ""))
	tot = []string{"TOTAL started", ""}
	for _, t := range r.Totals {
		tot = append(tot, strconv.Itoa(t.Started))
	}
	cw.Write(append(tot, "", "", "", "", "", ""))
	cw.Flush()
	return cw.Error()
}

// classTable prints the students × lessons table in 80 columns: lessons
// are numbered, with a legend under the table.
func (e *env) classTable(r *lessons.ClassReport) {
	io := e.io
	const nameW = 14
	cell := func(s string) string { return term.Pad(s, 3) }
	var b strings.Builder
	b.WriteString(term.Pad(e.t("student", "학생"), nameW))
	for i := range r.Lessons {
		b.WriteString(cell(strconv.Itoa(i + 1)))
	}
	b.WriteString(" " + term.Pad(e.t("done", "완료"), 5) + term.Pad(e.t("steps", "단계"), 8) + e.t("last activity", "마지막 활동"))
	fmt.Fprintln(io.Out, io.Heading(strings.TrimRight(b.String(), " ")))
	names := map[string]int{}
	for _, row := range r.Rows {
		names[row.Student]++
	}
	for _, row := range r.Rows {
		b.Reset()
		name := row.Student
		if names[name] > 1 {
			// Two exports with one name (everyone is "ubuntu" on the
			// class VMs): tell them apart by file.
			name += " (" + strings.TrimSuffix(filepath.Base(row.File), ".json") + ")"
		}
		// A student's name is only text on the instructor's terminal.
		name = lessons.Printable(name)
		for term.Width(name) > nameW-1 {
			rs := []rune(name)
			name = string(rs[:len(rs)-1])
		}
		b.WriteString(term.Pad(name, nameW))
		for _, id := range r.Lessons {
			c := row.Cells[id]
			s := cell(c.Cell())
			switch {
			case c.Done:
				s = io.OK(s)
			case c.ClaimedDone:
				s = io.Warn(s)
			case !c.Started:
				s = io.Dim(s)
			}
			b.WriteString(s)
		}
		b.WriteString(" " + term.Pad(fmt.Sprintf("%d", row.LessonsDone), 5) + term.Pad(fmt.Sprintf("%d*/%d", row.StepsClaimed, r.StepsTotal), 8) + stamp(row.Last, "01-02 15:04"))
		fmt.Fprintln(io.Out, strings.TrimRight(b.String(), " "))
	}
	b.Reset()
	b.WriteString(term.Pad(e.t("done", "완료"), nameW))
	for _, t := range r.Totals {
		b.WriteString(cell(strconv.Itoa(t.Done)))
	}
	fmt.Fprintln(io.Out, strings.TrimRight(b.String(), " "))
	b.Reset()
	b.WriteString(term.Pad(e.t("done*", "완료*"), nameW))
	for _, t := range r.Totals {
		b.WriteString(cell(strconv.Itoa(t.Claimed)))
	}
	fmt.Fprintln(io.Out, strings.TrimRight(b.String(), " "))
	b.Reset()
	b.WriteString(term.Pad(e.t("started", "시작함"), nameW))
	for _, t := range r.Totals {
		b.WriteString(cell(strconv.Itoa(t.Started)))
	}
	fmt.Fprintln(io.Out, strings.TrimRight(b.String(), " "))
	fmt.Fprintln(io.Out)
	fmt.Fprint(io.Out, io.Dim(term.WrapPrefix(fmt.Sprintf(e.t("%d students. ✓ lesson done · ✓* finished, self-reported · N: at step N · ·: not started. Last rows: how many finished, finished by their own word, started.",
		"학생 %d명. ✓ 레슨 완료 · ✓* 자기 신고로 완료 · N: N단계 진행 중 · ·: 시작 안 함. 아래 세 줄: 마친 인원, 자기 신고로 마친 인원, 시작한 인원."), len(r.Rows)), "", "", io.Width()-2)))
	fmt.Fprint(io.Out, io.Dim(term.WrapPrefix(e.t("Self-reported (*, step numbers, steps): what the progress files say; only quiz answers are checked here. Grade the work itself with 'sysdojo lesson check --all'.",
		"자기 신고(*, 단계 번호, 단계 수): 진행 기록 파일에 적힌 내용이고, 여기서 확인하는 것은 퀴즈 답뿐입니다. 실제 작업은 'sysdojo lesson check --all'로 채점하세요."), "", "", io.Width()-2)))
	var legend []string
	for i, id := range r.Lessons {
		legend = append(legend, fmt.Sprintf("%d=%s", i+1, id))
	}
	fmt.Fprint(io.Out, io.Dim(term.WrapPrefix(strings.Join(legend, "  "), "", "", io.Width()-2)))
}
