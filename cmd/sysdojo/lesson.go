package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"os/user"
	"sort"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/class"
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
		Name:   "lesson",
		Usage:  e.t("the course: step-by-step lessons checked on your real files", "단계별 실습 레슨: 실제 파일로 확인합니다"),
		Flags:  []cli.Flag{e.lessonsFlag()},
		Before: e.loadFileLessons,
		Subcommands: append([]*cli.Command{
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
				Action: e.lessonCheck},
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
				ArgsUsage: "ID", Flags: handoutFlags(e), Action: e.lessonHandout},
			{Name: "watch", Usage: e.t("re-check the current step whenever the workspace changes (Enter re-checks too)", "작업 디렉터리가 바뀔 때마다 다시 확인 (Enter로도 확인)"),
				Flags:  []cli.Flag{pf, &cli.DurationFlag{Name: "poll", Value: time.Second, Usage: e.t("polling interval where file watching does not work", "파일 감시가 안 될 때 확인 간격")}},
				Action: e.lessonWatch},
		}, e.lessonFileCommands()...),
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

// session is the student's course, as the lessons package runs it: this
// command only wires flags to it and prints what it returns.
func (e *env) session(c *cli.Context) *lessons.Session {
	home := e.getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return &lessons.Session{Store: e.store(c), Vars: machineVars(), Home: home, Cwd: e.getwd(), Root: isRoot(), Notice: e.notice,
		UID: lessons.StudentUID(e.getenv), Remote: classRemote{e, c}}
}

// load reads the progress (read-only use).
func (e *env) load(c *cli.Context) (*lessons.Progress, error) {
	return e.session(c).Load()
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
	return l.Bind(p.Seed, lessons.WithUID(machineVars(), p)), nil
}

// current finds the lesson named in args (else the one whose workspace
// the student is in, else the current one) and its progress.
func (e *env) current(c *cli.Context, p *lessons.Progress, id string) (*lessons.Lesson, *lessons.LessonProgress, error) {
	return e.session(c).Current(p, id)
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
	st, err := e.session(c).Start(a[0], c.String("dir"))
	if err != nil {
		return err
	}
	l, lp := st.Lesson, st.Progress
	io := e.io
	fmt.Fprintln(io.Out, io.Heading(l.Title.In(io.Lang)))
	if st.Resumed {
		io.Printf(i18n.T("Welcome back: you are at step %d.\n", "다시 오셨네요. %d단계부터 이어서 합니다.\n"), min(lp.Step, len(l.Steps)))
	} else {
		fmt.Fprintln(io.Out, term.Wrap(strings.TrimRight(l.Intro.In(io.Lang), "\n"), io.Width()))
	}
	e.showKept(st.Kept)
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
	fmt.Fprintln(io.Out, term.Wrap(strings.TrimRight(s.Text.In(io.Lang), "\n"), io.Width()))
	fmt.Fprintln(io.Out)
	fmt.Fprintln(io.Out, term.Wrap(e.t("Task: ", "과제: ")+strings.TrimRight(s.Task.In(io.Lang), "\n"), io.Width()))
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
	ck, err := e.session(c).Check(id, answer)
	if err != nil {
		return err
	}
	l, lp, res, finished, already := ck.Lesson, ck.Progress, ck.Result, ck.Finished, ck.Already
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
	via, _ := ck.Via.(*class.Response)
	e.showClassCheck(via, res.Passed)
	if !res.Passed {
		fmt.Fprintln(io.Out)
		if s.NeedsRoot && !isRoot() {
			fmt.Fprintln(io.Out, term.Wrap(e.t("This step needs root, and you are not root. What you would see: ", "이 단계는 root 권한이 필요한데 지금은 root가 아닙니다. root였다면: ")+
				s.Explain.In(io.Lang), io.Width()))
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
		fmt.Fprintln(io.Out, term.Wrap(strings.TrimRight(o, "\n"), io.Width()))
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
	sk, err := e.session(c).Skip()
	if err != nil {
		return err
	}
	l := sk.Lesson
	s := &l.Steps[sk.Step-1]
	fmt.Fprintln(e.io.Out, term.Wrap(e.t("Skipped. What you would have seen as root: ", "건너뛰었습니다. root였다면: ")+s.Explain.In(e.io.Lang), e.io.Width()))
	fmt.Fprintln(e.io.Out)
	if sk.Finished {
		e.celebrate(l)
		return nil
	}
	e.showStep(l, sk.Progress)
	return nil
}

// ---- hint / solution

func (e *env) lessonHint(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	h, err := e.session(c).Hint()
	if err != nil {
		return err
	}
	io := e.io
	if h.Shown == 0 {
		io.Println(i18n.T("This step has no hints: 'sysdojo lesson solution' shows the answer.", "이 단계에는 힌트가 없습니다. 'sysdojo lesson solution'으로 풀이를 볼 수 있습니다."))
		return nil
	}
	fmt.Fprintln(io.Out, term.Wrap(fmt.Sprintf(e.t("Hint %d/%d: ", "힌트 %d/%d: "), h.Shown, h.Total)+h.Hint.In(io.Lang), io.Width()))
	if h.Shown < h.Total {
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
	h, err := e.session(c).Solution()
	if err != nil {
		return err
	}
	io := e.io
	io.Println(i18n.T("The solution of step %d (recorded):", "%d단계의 풀이 (기록됩니다):").F(h.Step))
	for _, cmd := range h.Commands {
		fmt.Fprintf(io.Out, "  %s %s\n", io.Dim("$"), io.Code(cmd))
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
	st, err := e.session(c).Reset(id)
	if err != nil {
		return err
	}
	kept := st.Kept
	io.Printf(i18n.T("Lesson %s is reset: back to step 1.\n", "레슨 %s를 처음으로 되돌렸습니다. 1단계부터 다시 합니다.\n"), id)
	e.showKept(kept)
	return nil
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
