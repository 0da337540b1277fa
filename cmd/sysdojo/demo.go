package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/term"
	"github.com/sysdojo/sysdojo/lessons"
)

// demoSeed is the student seed a demo uses unless --seed says otherwise:
// the same values every time, so an instructor can rehearse.
const demoSeed = "classroom-demo"

func newDemoCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "demo",
		Usage:     e.t("instructor mode: a lesson narrated and run live, step by step", "강사용: 레슨을 한 단계씩 설명하며 실제로 실행"),
		ArgsUsage: "ID",
		Description: e.t(
			"Each step: its explanation, then its solution typed out and really run in a demo\n"+
				"workspace, its output, and the check passing. Enter goes on, q quits. Steps\n"+
				"that need root are explained instead of run when you are not root.\n"+
				"Exit status: 0 every step that ran passed, 1 a step failed, 2 bad usage.",
			"단계마다 설명을 보여 주고, 풀이 명령을 타이핑하듯 보여 준 뒤 데모용 작업 디렉터리에서\n"+
				"실제로 실행하고, 출력과 확인 결과를 보여 줍니다. Enter는 다음, q는 끝내기입니다.\n"+
				"root가 필요한 단계는 root가 아니면 실행하지 않고 설명만 합니다.\n"+
				"종료 코드: 0 실행한 단계가 모두 통과, 1 실패한 단계가 있음, 2 잘못된 사용법."),
		Flags: []cli.Flag{
			&cli.DurationFlag{Name: "auto", Usage: e.t("advance after this delay instead of waiting for Enter (e.g. 3s)", "Enter를 기다리지 않고 이 시간이 지나면 넘어감 (예: 3s)")},
			&cli.IntFlag{Name: "from", Value: 1, Usage: e.t("start at this step (the earlier ones are done quietly first)", "이 단계부터 시작 (앞 단계는 조용히 먼저 해 둠)")},
			&cli.BoolFlag{Name: "wait", Usage: e.t("wait for Enter (a line on stdin) between steps even when stdin is not a terminal", "stdin이 터미널이 아니어도 단계 사이에서 Enter(stdin의 한 줄)를 기다림")},
			&cli.StringFlag{Name: "dir", Usage: e.t("demo workspace (default: a new temporary directory, removed at the end)", "데모 작업 디렉터리 (기본값: 새 임시 디렉터리, 끝나면 지움)")},
			&cli.StringFlag{Name: "seed", Value: demoSeed, Usage: e.t("student seed for the lesson's values", "레슨 값을 정하는 학생 시드")},
		},
		Action: e.demo,
	}
}

// stage is what the demo and the tour share: large headings that read well
// on a projector, narration, commands typed out, and pacing.
type stage struct {
	io    *term.IO
	pacer *term.Pacer
	// typing is the delay per typed character (0: print at once).
	typing time.Duration
}

func (e *env) newStage(delay time.Duration, auto, wait bool) *stage {
	io := e.io
	pio := io
	if wait && !io.InTTY {
		// Wait for lines on stdin as if it were a terminal.
		c := *io
		c.InTTY = true
		pio = &c
	}
	s := &stage{io: io, pacer: pio.NewPacer(delay, auto)}
	if io.OutTTY && io.InTTY && !(auto && delay == 0) {
		s.typing = 25 * time.Millisecond
	}
	return s
}

// banner prints a heading framed by heavy rules, the width of the screen.
func (s *stage) banner(i, n int, title string) {
	rule := strings.Repeat("━", s.io.Width())
	fmt.Fprintf(s.io.Out, "\n%s\n", s.io.Dim(rule))
	head := term.WrapPrefix(title, fmt.Sprintf("  [%d/%d]  ", i, n), strings.Repeat(" ", len(fmt.Sprintf("  [%d/%d]  ", i, n))), s.io.Width())
	for _, l := range strings.Split(strings.TrimRight(head, "\n"), "\n") {
		fmt.Fprintln(s.io.Out, s.io.Heading(l))
	}
	fmt.Fprintln(s.io.Out, s.io.Dim(rule))
}

// title prints a lesson's opening heading.
func (s *stage) title(text string) {
	rule := strings.Repeat("═", s.io.Width())
	fmt.Fprintln(s.io.Out, s.io.Dim(rule))
	fmt.Fprint(s.io.Out, term.WrapPrefix(s.io.Heading(text), "  ", "  ", s.io.Width()))
	fmt.Fprintln(s.io.Out, s.io.Dim(rule))
}

func (s *stage) say(text string) {
	text = strings.TrimRight(text, "\n")
	if text != "" {
		fmt.Fprintln(s.io.Out, term.Wrap(text, s.io.Width()))
	}
}

// typeLine shows a command line at the prompt, typed out character by
// character on a terminal.
func (s *stage) typeLine(line string) {
	if s.typing == 0 {
		s.pacer.Command(line)
		return
	}
	fmt.Fprint(s.io.Out, s.io.Dim("$")+" ")
	per := s.typing
	if n := len([]rune(line)); n > 60 {
		per = per * 60 / time.Duration(n) // about 1.5 s at most
	}
	for _, r := range line {
		fmt.Fprint(s.io.Out, s.io.Code(string(r)))
		time.Sleep(per)
	}
	fmt.Fprintln(s.io.Out)
}

func (s *stage) output(text string) {
	text = strings.TrimRight(text, "\n")
	if text == "" {
		return
	}
	s.pacer.Output(strings.Split(text, "\n")...)
}

// wait pauses between steps; false when q was typed.
func (s *stage) wait() bool { return s.pacer.Wait() }

// demoOutcome is what happened to one step of a demo.
type demoOutcome int

const (
	demoPassed demoOutcome = iota
	demoFailed
	demoExplained // needs root, not root: explained, not run
)

func (e *env) demo(c *cli.Context) error {
	a, err := args(c, 1, 1, "ID")
	if err != nil {
		return err
	}
	l, err := lessons.Get(a[0])
	if err != nil {
		return err
	}
	return e.runDemo(demoOptions{lesson: l, seed: c.String("seed"), from: c.Int("from"), dir: c.String("dir"),
		delay: c.Duration("auto"), auto: c.IsSet("auto"), wait: c.Bool("wait")})
}

// demoOptions is one demo run: `demo ID` and `link demo` (the
// links-experiment lesson) both run a lesson this way.
type demoOptions struct {
	lesson *lessons.Lesson
	seed   string
	from   int
	// dir is the workspace ("": a new temporary one); keep leaves a new
	// temporary one in place and says where it is.
	dir         string
	keep        bool
	delay       time.Duration
	auto, wait  bool
	commandLine string // how to go on later: "sysdojo demo ID"
}

func (e *env) runDemo(o demoOptions) error {
	l := o.lesson.Bind(o.seed, machineVars())
	from := o.from
	if from == 0 {
		from = 1
	}
	if o.commandLine == "" {
		o.commandLine = "sysdojo demo " + l.ID
	}
	if from < 1 || from > len(l.Steps) {
		return usagef(helpHint("sysdojo demo"), i18n.T("--from %d: lesson %s has steps 1 to %d", "--from %d: 레슨 %s의 단계는 1부터 %d까지입니다"), from, l.ID, len(l.Steps))
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	dir := o.dir
	var err error
	if dir == "" {
		d, err := os.MkdirTemp("", "sysdojo-demo-"+l.ID+"-")
		if err != nil {
			return i18n.Failed(i18n.T("cannot make a demo workspace", "데모 작업 디렉터리를 만들 수 없습니다"), err)
		}
		if !o.keep {
			defer os.RemoveAll(d)
		}
		os.Chmod(d, 0o755)
		dir = d
	} else if dir, err = filepath.Abs(dir); err != nil {
		return err
	} else if names, _ := os.ReadDir(dir); len(names) > 0 {
		// The demo's commands run there: never among someone's files.
		return i18n.Invalid(i18n.T("%s is not empty: a demo runs in an empty or new directory",
			"%s 디렉터리는 비어 있지 않습니다. 데모는 비어 있거나 새 디렉터리에서 합니다").F(o.dir)).
			WithHint(i18n.T("leave out --dir for a temporary one", "--dir 없이 실행하면 임시 디렉터리를 씁니다"))
	}
	binDir, err := os.MkdirTemp("", "sysdojo-demo-bin-")
	if err != nil {
		return i18n.Failed(i18n.T("cannot make a demo workspace", "데모 작업 디렉터리를 만들 수 없습니다"), err)
	}
	defer os.RemoveAll(binDir)
	r := &lessons.Runner{Dir: dir, Root: isRoot(), Env: e.demoEnv(binDir)}
	// Containers the demo started and did not get to remove (q, Ctrl-C)
	// go before their workspace does.
	defer removeContainers(r, l)
	if err := r.FastForward(ctx, l, from); err != nil {
		return i18n.Failed(i18n.T("cannot prepare the demo workspace", "데모 작업 디렉터리를 준비할 수 없습니다"), err)
	}

	io := e.io
	st := e.newStage(o.delay, o.auto, o.wait)
	st.title(fmt.Sprintf("%s  ·  %s", l.Title.In(io.Lang), l.ID))
	if from == 1 {
		st.say(l.Intro.In(io.Lang))
	} else {
		st.say(fmt.Sprintf(e.t("Starting at step %d; steps 1 to %d were done first.", "%d단계부터 시작합니다. 1~%d단계는 먼저 해 두었습니다."), from, from-1))
	}
	fmt.Fprintln(io.Out, io.Dim(e.t("Demo workspace: ", "데모 작업 디렉터리: ")+dir))

	counts := map[demoOutcome]int{}
	quit := 0
	for n := from; n <= len(l.Steps); n++ {
		if ctx.Err() != nil {
			quit = n
			break
		}
		out := e.demoStep(ctx, st, r, l, n)
		counts[out]++
		if n < len(l.Steps) && !st.wait() {
			quit = n + 1
			break
		}
	}
	fmt.Fprintln(io.Out)
	ran := counts[demoPassed] + counts[demoFailed]
	if quit > 0 {
		fmt.Fprintln(io.Out, io.Warn(fmt.Sprintf(e.t("Demo stopped before step %d. Go on later with: %s --from %d",
			"%d단계 전에 데모를 멈췄습니다. 이어서 하려면: %s --from %d"), quit, o.commandLine, quit)))
	}
	summary := fmt.Sprintf(e.t("Demo of %s: %d of %d steps run passed", "%s 데모: 실행한 %[3]d단계 중 %[2]d단계 통과"), l.ID, counts[demoPassed], ran)
	if k := counts[demoExplained]; k > 0 {
		summary += fmt.Sprintf(e.t(", %d explained (need root)", ", %d단계는 설명만 (root 필요)"), k)
	}
	if o.keep && o.dir == "" {
		defer fmt.Fprintln(io.Out, io.Dim(fmt.Sprintf(e.t("The workspace is kept in %s: look around with ls -li, or sysdojo link inspect.",
			"작업 디렉터리는 %s에 남겨 두었습니다. ls -li나 sysdojo link inspect로 살펴보세요."), quotePath(dir))))
	}
	if counts[demoFailed] > 0 {
		fmt.Fprintln(io.Out, io.Bad("✗ "+summary+"."))
		return silentError{}
	}
	fmt.Fprintln(io.Out, io.OK("✓ "+summary+"."))
	if quit == 0 {
		st.say(l.Outro.In(io.Lang))
	}
	return nil
}

// demoStep shows and runs step n.
func (e *env) demoStep(ctx context.Context, st *stage, r *lessons.Runner, l *lessons.Lesson, n int) demoOutcome {
	return e.demoStepAt(ctx, st, r, l, n, n, len(l.Steps), "")
}

// demoStepAt shows and runs step n of l as part i of total (a tour's
// stops are steps of several lessons); note, when set, is shown under
// the heading.
func (e *env) demoStepAt(ctx context.Context, st *stage, r *lessons.Runner, l *lessons.Lesson, n, i, total int, note string) demoOutcome {
	io := e.io
	s := &l.Steps[n-1]
	st.banner(i, total, s.Title.In(io.Lang))
	if note != "" {
		fmt.Fprintln(io.Out, io.Dim(note))
	}
	st.say(s.Text.In(io.Lang))
	fmt.Fprintln(io.Out)
	st.say(e.t("Task: ", "과제: ") + s.Task.In(io.Lang))
	if !r.CanRun(l, n) {
		fmt.Fprintln(io.Out)
		fmt.Fprintln(io.Out, io.Warn(term.Wrap(e.t("▲ This step needs root, and this demo does not run as root. Here is what you would see:",
			"▲ 이 단계는 root 권한이 필요한데 지금 데모는 root로 실행 중이 아닙니다. root였다면 이렇게 됩니다:"), io.Width())))
		for _, line := range s.Solution {
			st.pacer.Command(line)
		}
		st.say(s.Explain.In(io.Lang))
		fmt.Fprintln(io.Out, io.Warn(fmt.Sprintf(e.t("– step %d explained, not run (needs root)", "– %d단계는 실행하지 않고 설명만 했습니다 (root 필요)"), n)))
		return demoExplained
	}
	fmt.Fprintln(io.Out)
	for _, line := range s.Solution {
		st.typeLine(line)
		var b bytes.Buffer
		err := r.Run(ctx, line, &b)
		st.output(b.String())
		if err != nil {
			st.output(io.Bad("✗ " + exitText(e, err)))
		}
	}
	answer := ""
	if s.IsQuiz() {
		var err error
		if s.AnswerCmd != "" {
			st.typeLine(s.AnswerCmd)
		}
		answer, err = r.Answer(ctx, l, n)
		if err != nil {
			st.output(io.Bad("✗ " + err.Error()))
		} else if s.AnswerCmd != "" {
			st.output(answer)
		}
		st.typeLine("sysdojo lesson answer " + answer)
	}
	res := l.CheckStep(n, lessons.Env{Dir: r.Dir, Answer: answer})
	fmt.Fprintln(io.Out)
	for _, cr := range res.Criteria {
		fmt.Fprintln(io.Out, "  "+io.Mark(cr.OK)+" "+cr.Line.In(io.Lang))
	}
	if res.Passed {
		fmt.Fprintln(io.Out, io.OK(fmt.Sprintf(e.t("✓ step %d passed", "✓ %d단계 통과"), n)))
		return demoPassed
	}
	fmt.Fprintln(io.Out, io.Bad(fmt.Sprintf(e.t("✗ step %d did not pass", "✗ %d단계 통과 못 함"), n)))
	return demoFailed
}

func exitText(e *env, err error) string {
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return fmt.Sprintf(e.t("exit status %d", "종료 코드 %d"), ee.ExitCode())
	}
	return err.Error()
}

// demoEnv is the environment of the commands a demo runs: this sysdojo
// first on PATH (as "sysdojo", linked into binDir) and messages in the
// demo's language.
func (e *env) demoEnv(binDir string) []string {
	path := e.getenv("PATH")
	if exe, err := os.Executable(); err == nil && os.Symlink(exe, filepath.Join(binDir, "sysdojo")) == nil {
		path = binDir + string(os.PathListSeparator) + path
	}
	env := []string{"PATH=" + path, "SYSDOJO_PROGRESS=" + filepath.Join(binDir, "progress.json")}
	if e.io.Lang == i18n.KO {
		env = append(env, "LC_ALL=", "LC_MESSAGES=ko_KR.UTF-8")
	} else {
		env = append(env, "LC_ALL=", "LC_MESSAGES=C.UTF-8")
	}
	if !e.io.Color {
		env = append(env, "NO_COLOR=1")
	}
	return env
}
