package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"os/user"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/term"
	"github.com/sysdojo/sysdojo/lessons"
)

func (e *env) progressFlag() cli.Flag {
	return &cli.StringFlag{Name: "progress", Usage: e.t(
		"progress file (default $SYSDOJO_PROGRESS, else $XDG_STATE_HOME/sysdojo/progress.json)",
		"진행 기록 파일 (기본값 $SYSDOJO_PROGRESS, 없으면 $XDG_STATE_HOME/sysdojo/progress.json)")}
}

func newLessonCommand(e *env) *cli.Command {
	pf := e.progressFlag()
	return &cli.Command{
		Name:  "lesson",
		Usage: e.t("the course: step-by-step lessons checked on your real files", "단계별 실습 레슨: 실제 파일로 확인합니다"),
		Subcommands: []*cli.Command{
			{Name: "list", Usage: e.t("all lessons, with done and current marks", "모든 레슨과 진행 상태"),
				Flags: []cli.Flag{jsonFlag, pf}, Action: e.lessonList},
			{Name: "start", Usage: e.t("start (or go back to) lesson ID: creates its workspace and shows the first task", "레슨 ID를 시작(또는 이어서): 작업 디렉터리를 만들고 첫 과제를 보여 줍니다"),
				ArgsUsage: "ID", Flags: []cli.Flag{pf, &cli.StringFlag{Name: "dir", Usage: e.t("workspace directory (default ~/sysdojo-lab/ID)", "작업 디렉터리 (기본값 ~/sysdojo-lab/ID)")}},
				Action: e.lessonStart},
			{Name: "show", Usage: e.t("show the current step again", "지금 단계를 다시 보여 줍니다"),
				ArgsUsage: "[ID]", Flags: []cli.Flag{pf}, Action: e.lessonShow},
			{Name: "check", Usage: e.t("check the current step; go on when it passes (--all: every step, for graders)", "지금 단계를 확인하고 통과하면 다음으로 (--all: 모든 단계, 채점용)"),
				ArgsUsage: "[ID...]",
				Description: e.t("With --all, every step of the lessons named (default: every lesson started) is\n"+
					"checked as it is now, one test case per step, and nothing advances: a step the\n"+
					"progress file claims but whose check fails is 'not ok' (self-reported).\n"+
					"--format tap (TAP 13) or junit (JUnit XML) feed GitHub Classroom and GitLab CI.\n"+
					"Exit status: 0 the step (with --all: every step) passed, 1 not yet, 2 bad usage.",
					"--all을 주면 지정한 레슨(기본값: 시작한 모든 레슨)의 모든 단계를 지금 상태 그대로\n"+
						"단계마다 테스트 하나로 확인하고, 진행은 바꾸지 않습니다. 진행 기록에는 했다고 되어\n"+
						"있지만 확인이 실패하는 단계는 'not ok'(자기 신고)입니다.\n"+
						"--format tap(TAP 13)이나 junit(JUnit XML)은\n"+
						"GitHub Classroom과 GitLab CI 채점에 씁니다.\n"+
						"종료 코드: 0 통과(--all이면 모든 단계 통과), 1 아직, 2 잘못된 사용법."),
				Flags: []cli.Flag{pf, jsonFlag, &cli.StringFlag{Name: "format", Value: "text", Usage: "text | json | tap | junit"},
					&cli.BoolFlag{Name: "all", Usage: e.t("check every step of the lessons, one test case each", "레슨의 모든 단계를 단계마다 하나씩 확인")},
					&cli.StringFlag{Name: "dir", Usage: e.t("with --all: lesson ID's workspace is DIR/ID (instead of the one in the progress)", "--all과 함께: 레슨 ID의 작업 디렉터리를 DIR/ID로 (진행 기록의 경로 대신)")},
					&cli.BoolFlag{Name: "live", Usage: e.t("with --all: count only what the checks see now (always so; kept for old scripts)", "--all과 함께: 지금 확인되는 것만 셈 (언제나 그렇습니다. 예전 스크립트를 위해 남겨 둠)")}},
				BashComplete: completeLessonIDs,
				Action:       e.lessonCheck},
			{Name: "hint", Usage: e.t("the next hint for the current step: the idea, then the shape of the command", "지금 단계의 다음 힌트: 먼저 생각할 거리, 그다음 명령의 모양"),
				Flags: []cli.Flag{pf}, Action: e.lessonHint},
			{Name: "solution", Usage: e.t("the full solution of the current step (recorded: your teacher sees it when grading)", "지금 단계의 풀이 전체 (기록되어 채점할 때 강사에게 보입니다)"),
				Flags: []cli.Flag{pf}, Action: e.lessonSolution},
			{Name: "answer", Usage: e.t("answer a quiz step", "퀴즈 단계에 답하기"),
				ArgsUsage: "VALUE", Flags: []cli.Flag{pf}, Action: e.lessonAnswer},
			{Name: "skip", Usage: e.t("skip a step that needs root when you are not root", "root가 아닐 때 root가 필요한 단계를 건너뛰기"),
				Flags: []cli.Flag{pf}, Action: e.lessonSkip},
			{Name: "reset", Usage: e.t("start lesson ID over: fresh workspace, progress cleared (asks first)", "레슨 ID를 처음부터: 작업 디렉터리와 진행 기록을 새로 (먼저 물어봄)"),
				ArgsUsage: "ID", Flags: []cli.Flag{pf, &cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: e.t("do not ask", "묻지 않음")}},
				Action: e.lessonReset},
			{Name: "handout", Usage: e.t("a printable handout of lesson ID (Markdown or a self-contained HTML page)", "레슨 ID의 인쇄용 유인물 (Markdown 또는 파일 하나짜리 HTML)"),
				ArgsUsage: "ID", Flags: handoutFlags(e), BashComplete: completeLessonIDs, Action: e.lessonHandout},
			{Name: "watch", Usage: e.t("re-check the current step whenever the workspace changes (Enter re-checks too)", "작업 디렉터리가 바뀔 때마다 다시 확인 (Enter로도 확인)"),
				Flags:  []cli.Flag{pf, &cli.DurationFlag{Name: "poll", Value: time.Second, Usage: e.t("polling interval where file watching does not work", "파일 감시가 안 될 때 확인 간격")}},
				Action: e.lessonWatch},
		},
	}
}

func newProgressCommand(e *env) *cli.Command {
	pf := e.progressFlag()
	return &cli.Command{
		Name:   "progress",
		Usage:  e.t("what is done: lessons and steps", "진행 상황: 레슨과 단계"),
		Flags:  []cli.Flag{jsonFlag, pf},
		Action: e.progressShow,
		Subcommands: []*cli.Command{
			{Name: "export", Usage: e.t("print the progress file, to move it to another machine or hand it in", "다른 컴퓨터로 옮기거나 제출할 수 있게 진행 기록을 출력"),
				Flags:  []cli.Flag{pf, &cli.StringFlag{Name: "student", Usage: e.t("your name in the class report (default: your user name)", "반 보고서에 나올 이름 (기본값: 사용자 이름)")}},
				Action: e.progressExport},
			{Name: "import", Usage: e.t("replace the progress with an exported file", "내보낸 파일로 진행 기록을 바꾸기"),
				ArgsUsage: "FILE", Flags: []cli.Flag{pf}, Action: e.progressImport},
		},
	}
}

// ---- shared helpers

func (e *env) store(c *cli.Context) *lessons.Store {
	if p := c.String("progress"); p != "" {
		return &lessons.Store{Path: p}
	}
	return &lessons.Store{Path: lessons.DefaultPath(e.getenv)}
}

func (e *env) notice(n *lessons.Notice) {
	if n != nil {
		fmt.Fprintln(e.io.Err, "sysdojo: "+e.io.Warn(n.In(e.io.Lang)))
	}
}

// load reads the progress (read-only use).
func (e *env) load(c *cli.Context) (*lessons.Progress, error) {
	p, n, err := e.store(c).Load()
	e.notice(n)
	return p, err
}

// update changes the progress under its lock.
func (e *env) update(c *cli.Context, f func(*lessons.Progress) error) error {
	n, err := e.store(c).Update(f)
	e.notice(n)
	return err
}

// machineVars are the built-in placeholders: the student's user and group.
func machineVars() map[string]string {
	m := map[string]string{"user": "root", "group": "root"}
	if u, err := user.Current(); err == nil {
		m["user"] = u.Username
		if g, err := user.LookupGroupId(u.Gid); err == nil {
			m["group"] = g.Name
		}
	}
	return m
}

// bound returns lesson id bound to the student's seed.
func bound(id string, p *lessons.Progress) (*lessons.Lesson, error) {
	l, err := lessons.Get(id)
	if err != nil {
		return nil, err
	}
	return l.Bind(p.Seed, machineVars()), nil
}

var errNoLesson = i18n.Invalid(i18n.T("no lesson started", "시작한 레슨이 없습니다")).
	WithHint(i18n.T("see 'sysdojo lesson list', then 'sysdojo lesson start ID'", "'sysdojo lesson list'로 보고 'sysdojo lesson start ID'로 시작하세요"))

// current finds the lesson named in args (or the current one) and its
// progress, which must exist.
func (e *env) current(c *cli.Context, p *lessons.Progress, id string) (*lessons.Lesson, *lessons.LessonProgress, error) {
	if id == "" {
		// The workspace the student is in wins over the current-lesson
		// pointer: cd into another lesson's workspace and that lesson
		// is the one checked.
		id = lessonAt(p, e.getwd())
	}
	if id == "" {
		id = p.Current
	}
	if id == "" {
		return nil, nil, errNoLesson
	}
	l, err := bound(id, p)
	if err != nil {
		return nil, nil, err
	}
	lp := p.Lesson(id)
	if lp == nil {
		return nil, nil, i18n.Invalid(i18n.T("lesson %s is not started", "레슨 %s를 아직 시작하지 않았습니다").F(id)).
			WithHint(i18n.T("try 'sysdojo lesson start %s'", "'sysdojo lesson start %s'로 시작하세요").F(id))
	}
	return l, lp, nil
}

func isRoot() bool { return os.Geteuid() == 0 }

// getwd is the working directory ("" when unknown).
func (e *env) getwd() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	return wd
}

// lessonAt returns the started lesson whose workspace holds dir (the
// deepest one, should one workspace lie inside another), "" for none.
func lessonAt(p *lessons.Progress, dir string) string {
	if dir == "" {
		return ""
	}
	if r, err := filepath.EvalSymlinks(dir); err == nil {
		dir = r
	}
	best, bestLen := "", -1
	for id, lp := range p.Lessons {
		if lp == nil || lp.Dir == "" {
			continue
		}
		ws := filepath.Clean(lp.Dir)
		if r, err := filepath.EvalSymlinks(ws); err == nil {
			ws = r
		}
		if (dir == ws || strings.HasPrefix(dir, ws+string(filepath.Separator))) && len(ws) > bestLen {
			best, bestLen = id, len(ws)
		}
	}
	return best
}

// ---- list

type listEntry struct {
	ID        string    `json:"id"`
	Title     i18n.Text `json:"title"`
	Topic     string    `json:"topic"`
	Steps     int       `json:"steps"`
	NeedsRoot bool      `json:"needs_root"`
	Done      bool      `json:"done"`
	StepsDone int       `json:"steps_done"`
	Current   bool      `json:"current"`
}

// course returns every lesson and the student's progress, for a command
// that takes no arguments.
func (e *env) course(c *cli.Context) ([]*lessons.Lesson, *lessons.Progress, error) {
	if _, err := args(c, 0, 0, ""); err != nil {
		return nil, nil, err
	}
	all, err := lessons.All()
	if err != nil {
		return nil, nil, err
	}
	p, err := e.load(c)
	return all, p, err
}

func (e *env) lessonList(c *cli.Context) error {
	all, p, err := e.course(c)
	if err != nil {
		return err
	}
	var list []listEntry
	for _, l := range all {
		le := listEntry{ID: l.ID, Title: l.Title, Topic: l.Topic, Steps: len(l.Steps), NeedsRoot: l.NeedsRoot(), Current: p.Current == l.ID}
		if lp := p.Lesson(l.ID); lp != nil {
			le.Done = lp.Finished != nil
			le.StepsDone = len(lp.Done) + len(lp.Skipped)
		}
		list = append(list, le)
	}
	if c.Bool("json") {
		return e.writeJSON(list)
	}
	io := e.io
	// Columns by display width: the longest ID (a lesson from a file may
	// have a long one) and the widest step count set them.
	idW, stepW := 0, 0
	for _, le := range list {
		idW = max(idW, term.Width(le.ID))
		stepW = max(stepW, len(fmt.Sprintf("%d/%d", le.StepsDone, le.Steps)))
	}
	for _, le := range list {
		mark := " "
		switch {
		case le.Done:
			mark = io.OK("✓")
		case le.Current:
			mark = io.Warn("▶")
		}
		root := ""
		if le.NeedsRoot {
			root = io.Dim(e.t(" (root)", " (root 필요)"))
		}
		fmt.Fprintf(io.Out, "%s %s %s %s%s\n", mark, term.Pad(le.ID, idW), term.Pad(fmt.Sprintf("%d/%d", le.StepsDone, le.Steps), stepW), le.Title.In(io.Lang), root)
	}
	fmt.Fprintln(io.Out)
	io.Println(i18n.T("✓ done  ▶ current.  Start one with 'sysdojo lesson start ID'.", "✓ 끝냄  ▶ 진행 중.  'sysdojo lesson start ID'로 시작하세요."))
	return nil
}

// ---- start / show

func (e *env) lessonStart(c *cli.Context) error {
	a, err := args(c, 1, 1, "ID")
	if err != nil {
		return err
	}
	id := a[0]
	if _, err := lessons.Get(id); err != nil {
		return err
	}
	var l *lessons.Lesson
	var lp *lessons.LessonProgress
	var kept []string
	resumed := false
	err = e.update(c, func(p *lessons.Progress) error {
		if l, err = bound(id, p); err != nil {
			return err
		}
		p.Current = id
		now := time.Now().UTC()
		lp = p.Lesson(id)
		if lp != nil && c.String("dir") == "" {
			if _, err := os.Stat(lp.Dir); err == nil {
				resumed = true
				return nil
			}
		}
		dir := c.String("dir")
		if dir == "" {
			home := e.getenv("HOME")
			if home == "" {
				home, _ = os.UserHomeDir()
			}
			dir = filepath.Join(home, "sysdojo-lab", id)
		}
		if dir, err = filepath.Abs(dir); err != nil {
			return err
		}
		ws, err := e.workspaces(c)
		if err != nil {
			return err
		}
		prep, err := ws.Start(l, dir)
		if err != nil {
			return err
		}
		kept = prep.Kept
		lp = &lessons.LessonProgress{Dir: dir, Step: 1, Started: now, Updated: now}
		p.Lessons[id] = lp
		return nil
	})
	if err != nil {
		return err
	}
	io := e.io
	fmt.Fprintln(io.Out, io.Heading(l.Title.In(io.Lang)))
	if resumed {
		io.Printf(i18n.T("Welcome back: you are at step %d.\n", "다시 오셨네요. %d단계부터 이어서 합니다.\n"), min(lp.Step, len(l.Steps)))
	} else {
		fmt.Fprintln(io.Out, term.Wrap(strings.TrimRight(l.Intro.In(io.Lang), "\n"), 78))
	}
	e.showKept(kept)
	fmt.Fprintln(io.Out)
	e.showStep(l, lp)
	return nil
}

func (e *env) lessonShow(c *cli.Context) error {
	a, err := args(c, 0, 1, "[ID]")
	if err != nil {
		return err
	}
	p, err := e.load(c)
	if err != nil {
		return err
	}
	l, lp, err := e.current(c, p, first(a))
	if err != nil {
		return err
	}
	e.showStep(l, lp)
	return nil
}

func first(a []string) string {
	if len(a) > 0 {
		return a[0]
	}
	return ""
}

// showStep prints the current step: heading, explanation, task, and how
// to check it.
func (e *env) showStep(l *lessons.Lesson, lp *lessons.LessonProgress) {
	io := e.io
	if lp.Step > len(l.Steps) {
		io.Printf(i18n.T("Lesson %s is finished. 'sysdojo lesson list' shows what comes next.\n",
			"레슨 %s를 모두 마쳤습니다. 'sysdojo lesson list'에서 다음 레슨을 고르세요.\n"), l.ID)
		return
	}
	s := &l.Steps[lp.Step-1]
	head := fmt.Sprintf("%s · %s %d/%d: %s", l.ID, e.t("step", "단계"), lp.Step, len(l.Steps), s.Title.In(io.Lang))
	fmt.Fprintln(io.Out, io.Heading(head))
	fmt.Fprintln(io.Out, term.Wrap(strings.TrimRight(s.Text.In(io.Lang), "\n"), 78))
	fmt.Fprintln(io.Out)
	fmt.Fprintln(io.Out, term.Wrap(e.t("Task: ", "과제: ")+strings.TrimRight(s.Task.In(io.Lang), "\n"), 78))
	if s.NeedsRoot {
		if isRoot() {
			fmt.Fprintln(io.Out, io.Warn(e.t("(this step needs root: you are root)", "(이 단계는 root 권한이 필요합니다: 지금 root입니다)")))
		} else {
			fmt.Fprintln(io.Out, io.Warn(e.t("(this step needs root: use sudo for its command, or 'sysdojo lesson skip' to read on)",
				"(이 단계는 root 권한이 필요합니다: 명령 앞에 sudo를 붙이거나 'sysdojo lesson skip'으로 넘어가세요)")))
		}
	}
	dir := lessons.Printable(lp.Dir)
	fmt.Fprintln(io.Out, io.Dim(e.t("Workspace: ", "작업 디렉터리: ")+dir+"   (cd "+dir+")"))
	if s.IsQuiz() {
		fmt.Fprintln(io.Out, io.Dim(e.t("Answer with: sysdojo lesson answer VALUE   ·   hint: sysdojo lesson hint",
			"답하기: sysdojo lesson answer 값   ·   힌트: sysdojo lesson hint")))
	} else {
		fmt.Fprintln(io.Out, io.Dim(e.t("Then: sysdojo lesson check   ·   hint: sysdojo lesson hint",
			"다 했으면: sysdojo lesson check   ·   힌트: sysdojo lesson hint")))
	}
}

// ---- check / answer / skip

type checkLesson struct {
	ID    string               `json:"id"`
	Steps []lessons.StepResult `json:"steps"`
}

type checkReport struct {
	Passed  bool          `json:"passed"`
	Lessons []checkLesson `json:"lessons"`
}

func (e *env) lessonCheck(c *cli.Context) error {
	format := c.String("format")
	if c.Bool("json") {
		format = "json"
	}
	if c.Bool("all") {
		return e.checkAll(c, format)
	}
	a, err := args(c, 0, 1, "[ID]")
	if err != nil {
		return err
	}
	if format != "text" && format != "json" {
		return usagef(helpHint("sysdojo lesson check"), i18n.T("unknown format %q (use text or json; tap and junit go with --all)", "모르는 형식입니다: %q (text 또는 json. tap과 junit은 --all과 함께)"), format)
	}
	return e.checkCurrent(c, first(a), nil, format)
}

// checkCurrent checks the current step of lesson id (the current lesson
// when ""), records an answer first when answer is not nil, advances on
// success and prints the outcome.
func (e *env) checkCurrent(c *cli.Context, id string, answer *string, format string) error {
	var l *lessons.Lesson
	var lp *lessons.LessonProgress
	var res lessons.StepResult
	finished, already := false, false
	err := e.update(c, func(p *lessons.Progress) error {
		var err error
		if l, lp, err = e.current(c, p, id); err != nil {
			return err
		}
		if lp.Step > len(l.Steps) {
			already = true
			return nil
		}
		if answer != nil {
			if !l.Steps[lp.Step-1].IsQuiz() {
				return i18n.Invalid(i18n.T("step %d of %s is not a quiz: do the task, then 'sysdojo lesson check'",
					"%[2]s의 %[1]d단계는 퀴즈가 아닙니다: 과제를 한 뒤 'sysdojo lesson check'를 실행하세요").F(lp.Step, l.ID))
			}
			if lp.Answers == nil {
				lp.Answers = map[int]string{}
			}
			lp.Answers[lp.Step] = *answer
		}
		res = l.CheckStep(lp.Step, lessons.Env{Dir: lp.Dir, Answer: lp.Answers[lp.Step]})
		if res.Passed {
			now := time.Now().UTC()
			lp.MarkDone(lp.Step, now)
			lp.Step++
			if lp.Step > len(l.Steps) {
				finished = true
				lp.Finished = &now
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	io := e.io
	if already {
		if format == "json" {
			return e.writeJSON(checkReport{Passed: true, Lessons: []checkLesson{{ID: l.ID, Steps: []lessons.StepResult{}}}})
		}
		e.showStep(l, lp)
		return nil
	}
	if format == "json" {
		if err := e.writeJSON(checkReport{Passed: res.Passed, Lessons: []checkLesson{{ID: l.ID, Steps: []lessons.StepResult{res}}}}); err != nil {
			return err
		}
		if !res.Passed {
			return silentError{}
		}
		return nil
	}
	s := &l.Steps[res.Step-1]
	fmt.Fprintln(io.Out, io.Heading(fmt.Sprintf("%s · %s %d/%d: %s", l.ID, e.t("step", "단계"), res.Step, len(l.Steps), s.Title.In(io.Lang))))
	for _, cr := range res.Criteria {
		// One line per criterion, never wrapped: a student (or grep) sees
		// exactly which part is still wrong.
		fmt.Fprintln(io.Out, "  "+io.Mark(cr.OK)+" "+cr.Line.In(io.Lang))
	}
	if !res.Passed {
		fmt.Fprintln(io.Out)
		if s.NeedsRoot && !isRoot() {
			fmt.Fprintln(io.Out, term.Wrap(e.t("This step needs root, and you are not root. What you would see: ", "이 단계는 root 권한이 필요한데 지금은 root가 아닙니다. root였다면: ")+
				s.Explain.In(io.Lang), 78))
			fmt.Fprintln(io.Out, e.t("Use sudo for the task's command, or go on with 'sysdojo lesson skip'.", "과제의 명령 앞에 sudo를 붙이거나 'sysdojo lesson skip'으로 넘어가세요."))
		} else {
			fmt.Fprintln(io.Out, e.t("Not yet. Fix what is marked ✗ and check again, or ask for 'sysdojo lesson hint'.",
				"아직입니다. ✗ 표시된 부분을 고친 뒤 다시 확인하거나 'sysdojo lesson hint'로 힌트를 보세요."))
		}
		return silentError{}
	}
	fmt.Fprintln(io.Out, io.OK(e.t("✓ Step passed!", "✓ 통과!")))
	fmt.Fprintln(io.Out)
	if finished {
		e.celebrate(l)
		return nil
	}
	e.showStep(l, lp)
	return nil
}

func (e *env) celebrate(l *lessons.Lesson) {
	io := e.io
	fmt.Fprintln(io.Out, io.OK(fmt.Sprintf("★ "+e.t("Lesson %s complete: all %d steps done!", "레슨 %s 완료: %d단계를 모두 마쳤습니다!"), l.ID, len(l.Steps))))
	if o := l.Outro.In(io.Lang); o != "" {
		fmt.Fprintln(io.Out, term.Wrap(strings.TrimRight(o, "\n"), 78))
	}
}

func (e *env) lessonAnswer(c *cli.Context) error {
	a, err := args(c, 1, -1, "VALUE")
	if err != nil {
		return err
	}
	v := strings.Join(a, " ")
	return e.checkCurrent(c, "", &v, "text")
}

func (e *env) lessonSkip(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	var l *lessons.Lesson
	var lp *lessons.LessonProgress
	finished := false
	err := e.update(c, func(p *lessons.Progress) error {
		var err error
		if l, lp, err = e.current(c, p, ""); err != nil {
			return err
		}
		if lp.Step > len(l.Steps) {
			return i18n.Invalid(i18n.T("lesson %s is already finished", "레슨 %s는 이미 끝났습니다").F(l.ID))
		}
		s := &l.Steps[lp.Step-1]
		if !s.NeedsRoot || isRoot() {
			return i18n.Invalid(i18n.T("only a step that needs root can be skipped, and only when you are not root",
				"건너뛸 수 있는 것은 root가 필요한 단계뿐이고, root가 아닐 때만입니다"))
		}
		lp.Skipped = append(lp.Skipped, lp.Step)
		lp.Step++
		if lp.Step > len(l.Steps) {
			now := time.Now().UTC()
			finished, lp.Finished = true, &now
		}
		return nil
	})
	if err != nil {
		return err
	}
	s := &l.Steps[lp.Step-2]
	fmt.Fprintln(e.io.Out, term.Wrap(e.t("Skipped. What you would have seen as root: ", "건너뛰었습니다. root였다면: ")+s.Explain.In(e.io.Lang), 78))
	fmt.Fprintln(e.io.Out)
	if finished {
		e.celebrate(l)
		return nil
	}
	e.showStep(l, lp)
	return nil
}

// ---- hint / solution

func (e *env) lessonHint(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	var l *lessons.Lesson
	var lp *lessons.LessonProgress
	shown, total := 0, 0
	err := e.update(c, func(p *lessons.Progress) error {
		var err error
		if l, lp, err = e.current(c, p, ""); err != nil {
			return err
		}
		if lp.Step > len(l.Steps) {
			return i18n.Invalid(i18n.T("lesson %s is already finished", "레슨 %s는 이미 끝났습니다").F(l.ID))
		}
		total = len(l.Steps[lp.Step-1].Ladder())
		if lp.Hints == nil {
			lp.Hints = map[int]int{}
		}
		// Only hints actually shown are counted.
		if lp.Hints[lp.Step] < total {
			lp.Hints[lp.Step]++
		}
		shown = lp.Hints[lp.Step]
		return nil
	})
	if err != nil {
		return err
	}
	io := e.io
	ladder := l.Steps[lp.Step-1].Ladder()
	if shown == 0 {
		io.Println(i18n.T("This step has no hints: 'sysdojo lesson solution' shows the answer.", "이 단계에는 힌트가 없습니다. 'sysdojo lesson solution'으로 풀이를 볼 수 있습니다."))
		return nil
	}
	fmt.Fprintln(io.Out, term.Wrap(fmt.Sprintf(e.t("Hint %d/%d: ", "힌트 %d/%d: "), shown, total)+ladder[shown-1].In(io.Lang), 78))
	if shown < total {
		fmt.Fprintln(io.Out, io.Dim(e.t("(again for the next hint)", "(한 번 더 하면 다음 힌트)")))
	} else {
		fmt.Fprintln(io.Out, io.Dim(e.t("(that was the last hint; 'sysdojo lesson solution' shows the answer, and your teacher will see you used it)",
			"(마지막 힌트였습니다. 'sysdojo lesson solution'으로 풀이를 볼 수 있고, 풀이를 본 것은 채점할 때 강사에게 보입니다)")))
	}
	return nil
}

func (e *env) lessonSolution(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	var l *lessons.Lesson
	var lp *lessons.LessonProgress
	err := e.update(c, func(p *lessons.Progress) error {
		var err error
		if l, lp, err = e.current(c, p, ""); err != nil {
			return err
		}
		if lp.Step > len(l.Steps) {
			return i18n.Invalid(i18n.T("lesson %s is already finished", "레슨 %s는 이미 끝났습니다").F(l.ID))
		}
		if !contains(lp.Solutions, lp.Step) {
			lp.Solutions = append(lp.Solutions, lp.Step)
		}
		return nil
	})
	if err != nil {
		return err
	}
	io := e.io
	s := &l.Steps[lp.Step-1]
	io.Println(i18n.T("The solution of step %d (recorded):", "%d단계의 풀이 (기록됩니다):").F(lp.Step))
	for _, cmd := range s.Solution {
		fmt.Fprintf(io.Out, "  %s %s\n", io.Dim("$"), io.Code(cmd))
	}
	if s.IsQuiz() {
		if s.AnswerCmd != "" {
			fmt.Fprintf(io.Out, "  %s %s\n", io.Dim("$"), io.Code("sysdojo lesson answer $("+s.AnswerCmd+")"))
		} else {
			fmt.Fprintf(io.Out, "  %s %s\n", io.Dim("$"), io.Code("sysdojo lesson answer "+s.Answer))
		}
	}
	return nil
}

// ---- reset

func (e *env) lessonReset(c *cli.Context) error {
	a, err := args(c, 1, 1, "ID")
	if err != nil {
		return err
	}
	id := a[0]
	if _, err := lessons.Get(id); err != nil {
		return err
	}
	p, err := e.load(c)
	if err != nil {
		return err
	}
	lp := p.Lesson(id)
	if lp == nil {
		return i18n.Invalid(i18n.T("lesson %s is not started: nothing to reset", "레슨 %s는 시작하지 않아서 되돌릴 것이 없습니다").F(id))
	}
	io := e.io
	if !c.Bool("yes") {
		fmt.Fprintf(io.Err, e.t("Reset lesson %s? What sysdojo made in its workspace %s is made afresh (your own files stay), and its progress cleared. [y/N] ",
			"레슨 %s를 처음부터 다시 할까요? 작업 디렉터리 %s에서 sysdojo가 만든 것을 새로 만들고(직접 만든 파일은 그대로 둡니다) 진행 기록을 지웁니다. [y/N] "), id, lp.Dir)
		line, _ := bufio.NewReader(io.In).ReadString('\n')
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes", "예", "네", "ㅇ":
		default:
			fmt.Fprintln(io.Err)
			io.Println(i18n.T("Nothing changed.", "아무것도 바꾸지 않았습니다."))
			return silentError{}
		}
	}
	var l *lessons.Lesson
	var kept []string
	err = e.update(c, func(p *lessons.Progress) error {
		if l, err = bound(id, p); err != nil {
			return err
		}
		old := p.Lesson(id)
		if old == nil {
			return i18n.Invalid(i18n.T("lesson %s is not started: nothing to reset", "레슨 %s는 시작하지 않아서 되돌릴 것이 없습니다").F(id))
		}
		dir := filepath.Clean(old.Dir)
		if !filepath.IsAbs(dir) {
			return i18n.Invalid(i18n.T("the progress names no workspace for lesson %s", "진행 기록에 레슨 %s의 작업 디렉터리가 없습니다").F(id)).
				WithHint(i18n.T("try 'sysdojo lesson start %s --dir NEW-DIR'", "'sysdojo lesson start %s --dir 새-디렉터리'로 시작하세요").F(id))
		}
		// Only what sysdojo made goes, and the directory itself stays:
		// the student's shell may be in it.
		ws, err := e.workspaces(c)
		if err != nil {
			return err
		}
		prep, err := ws.Reset(l, dir)
		if err != nil {
			return err
		}
		kept = prep.Kept
		now := time.Now().UTC()
		p.Lessons[id] = &lessons.LessonProgress{Dir: dir, Step: 1, Started: now, Updated: now}
		p.Current = id
		return nil
	})
	if err != nil {
		return err
	}
	io.Printf(i18n.T("Lesson %s is reset: back to step 1.\n", "레슨 %s를 처음으로 되돌렸습니다. 1단계부터 다시 합니다.\n"), id)
	e.showKept(kept)
	return nil
}

// workspaces is the record of the workspaces set up for this progress.
func (e *env) workspaces(c *cli.Context) (*lessons.Workspaces, error) {
	return lessons.LoadWorkspaces(lessons.WorkspacesPath(e.store(c).Path))
}

// showKept says which names in a workspace sysdojo left alone.
func (e *env) showKept(kept []string) {
	if len(kept) == 0 {
		return
	}
	const most = 10
	list := strings.Join(kept[:min(len(kept), most)], ", ")
	if len(kept) > most {
		list += fmt.Sprintf(e.t(", … (%d more)", ", … (%d개 더)"), len(kept)-most)
	}
	e.io.Println(i18n.T("Kept, as sysdojo did not make them: %s", "sysdojo가 만들지 않은 것은 그대로 두었습니다: %s").F(list))
}

// ---- watch

func (e *env) lessonWatch(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	io := e.io
	// Enter re-checks at once (true); q quits (false); the end of input
	// closes the channel.
	enter := make(chan bool)
	go func() {
		r := bufio.NewReader(io.In)
		for {
			line, err := r.ReadString('\n')
			if err != nil {
				close(enter)
				return
			}
			quit := strings.TrimSpace(line) == "q"
			enter <- !quit
			if quit {
				return
			}
		}
	}()
	io.Println(i18n.T("Watching your workspace: every change is checked. Enter checks now, q quits.",
		"작업 디렉터리를 지켜봅니다. 바뀔 때마다 확인합니다. Enter는 바로 확인, q는 끝내기."))
	stdinOpen := true
	checks := 0
	for {
		p, err := e.load(c)
		if err != nil {
			return err
		}
		l, lp, err := e.current(c, p, "")
		if err != nil {
			return err
		}
		// The snapshot is taken before checking, so that a change made
		// while the check runs is not missed. Only the workspace is
		// watched: the progress file, which every check rewrites, would
		// start the next check by itself.
		dirs := []string{lp.Dir}
		before := lessons.Snap(dirs...)
		if io.OutTTY {
			fmt.Fprint(io.Out, "\033[H\033[2J") // a clean screen for each check
		}
		checks++
		err = e.checkCurrent(c, "", nil, "text")
		if err != nil && !errors.Is(err, silentError{}) {
			return err
		}
		if p, err := e.load(c); err != nil {
			return err
		} else if lp := p.Lesson(l.ID); lp == nil || lp.Step > len(l.Steps) {
			return nil
		}
		if err == nil {
			// The step passed: check the next one straight away.
			fmt.Fprintln(io.Out)
			continue
		}
		fmt.Fprintln(io.Out, io.Dim(e.t("… waiting for a change (Enter: check now, q: quit)", "…바뀌기를 기다리는 중 (Enter: 바로 확인, q: 끝내기)")))
		changed := make(chan error, 1)
		wctx, cancel := context.WithCancel(ctx)
		go func() {
			_, err := lessons.WaitChange(wctx, before, dirs, c.Duration("poll"))
			changed <- err
		}()
		select {
		case <-ctx.Done():
			cancel()
			return nil
		case err := <-changed:
			cancel()
			if err != nil {
				return nil
			}
		case again, ok := <-enterOrNil(enter, stdinOpen):
			cancel()
			if ok && !again {
				return nil // q
			}
			if !ok {
				// End of input: stop when it was a terminal (Ctrl-D); keep
				// watching files when stdin is a pipe or /dev/null.
				if io.InTTY {
					return nil
				}
				stdinOpen = false
			}
		}
		fmt.Fprintln(io.Out)
	}
}

func enterOrNil(ch chan bool, open bool) chan bool {
	if open {
		return ch
	}
	return nil
}

// ---- progress

type progressRow struct {
	ID       string     `json:"id"`
	Title    i18n.Text  `json:"title"`
	Steps    int        `json:"steps"`
	Done     []int      `json:"done"`
	Skipped  []int      `json:"skipped,omitempty"`
	Step     int        `json:"step"`
	Finished *time.Time `json:"finished,omitempty"`
	Updated  *time.Time `json:"updated,omitempty"`
}

func (e *env) progressShow(c *cli.Context) error {
	all, p, err := e.course(c)
	if err != nil {
		return err
	}
	var rows []progressRow
	total, done := 0, 0
	for _, l := range all {
		r := progressRow{ID: l.ID, Title: l.Title, Steps: len(l.Steps), Done: []int{}}
		if lp := p.Lesson(l.ID); lp != nil {
			r.Done, r.Skipped, r.Step, r.Finished = append(r.Done, lp.Done...), lp.Skipped, lp.Step, lp.Finished
			u := lp.Updated
			r.Updated = &u
			sort.Ints(r.Done)
		}
		total += r.Steps
		done += len(r.Done) + len(r.Skipped)
		rows = append(rows, r)
	}
	if c.Bool("json") {
		return e.writeJSON(map[string]any{"current": p.Current, "steps": total, "steps_done": done, "lessons": rows})
	}
	io := e.io
	for _, r := range rows {
		bar := ""
		for i := 1; i <= r.Steps; i++ {
			switch {
			case contains(r.Done, i):
				bar += io.OK("■")
			case contains(r.Skipped, i):
				bar += io.Warn("□")
			case i == r.Step:
				bar += "▸"
			default:
				bar += io.Dim("·")
			}
		}
		state := ""
		switch {
		case r.Finished != nil:
			state = io.OK(e.t("done", "완료"))
		case r.Step > 0:
			state = fmt.Sprintf(e.t("step %d", "%d단계"), r.Step)
		}
		fmt.Fprintf(io.Out, "%-16s %s %s %s\n", r.ID, bar+strings.Repeat(" ", max(0, 8-r.Steps)), fmt.Sprintf("%d/%d", len(r.Done)+len(r.Skipped), r.Steps), state)
	}
	fmt.Fprintf(io.Out, "\n%s %d/%d\n", e.t("Steps done:", "마친 단계:"), done, total)
	return nil
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

func (e *env) progressExport(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	p, err := e.load(c)
	if err != nil {
		return err
	}
	if n := c.String("student"); n != "" {
		p.Student = n
	} else if p.Student == "" {
		p.Student = machineVars()["user"]
	}
	return e.writeJSON(p)
}

func (e *env) progressImport(c *cli.Context) error {
	a, err := args(c, 1, 1, "FILE")
	if err != nil {
		return err
	}
	data, err := lessons.ReadUserFile(a[0], lessons.MaxProgressSize, false)
	if err != nil {
		return i18n.Invalid(i18n.T("cannot read %s: %s", "%s: 읽을 수 없습니다: %s").F(lessons.Printable(a[0]), lessons.ReadWhy(err))).
			WithHint(i18n.T("give the file 'sysdojo progress export' wrote", "'sysdojo progress export'로 만든 파일을 주세요"))
	}
	if err := e.store(c).Import(data); err != nil {
		return err
	}
	p, _ := lessons.ParseProgress(data)
	e.io.Printf(i18n.T("Progress imported: %d lessons.\n", "진행 기록을 가져왔습니다: 레슨 %d개.\n"), len(p.Lessons))
	return nil
}
