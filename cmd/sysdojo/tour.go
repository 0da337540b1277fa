package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/lessons"
)

func newTourCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:  "tour",
		Usage: e.t("a short narrated tour: permissions, links, APT mirrors, containers", "짧은 둘러보기: 권한, 링크, APT 미러, 컨테이너"),
		Description: e.t("The tour is lesson data (lessons/tours/tour.yaml): steps of the course's lessons, each run\n"+
			"as 'sysdojo demo' runs it, in that lesson's own temporary workspace.\n"+
			"Exit status: 0 (a stop this machine cannot run is shown as such, and the tour goes on), 2 bad usage.",
			"둘러보기도 레슨 데이터입니다(lessons/tours/tour.yaml). 코스의 레슨에서 고른 단계를\n"+
				"'sysdojo demo'처럼 실행하며, 단계마다 그 레슨의 임시 작업 디렉터리를 씁니다.\n"+
				"종료 코드: 0 (이 컴퓨터에서 실행할 수 없는 단계는 그렇다고 보여 주고 계속함), 2 잘못된 사용법."),
		Flags: []cli.Flag{
			&cli.DurationFlag{Name: "auto", Usage: e.t("advance after this delay instead of waiting for Enter (e.g. 2s)", "Enter를 기다리지 않고 이 시간이 지나면 넘어감 (예: 2s)")},
			&cli.BoolFlag{Name: "wait", Usage: e.t("wait for Enter (a line on stdin) between parts even when stdin is not a terminal", "stdin이 터미널이 아니어도 부분 사이에서 Enter(stdin의 한 줄)를 기다림")},
		},
		Action: func(c *cli.Context) error {
			if _, err := args(c, 0, 0, ""); err != nil {
				return err
			}
			return e.tour(c.Duration("auto"), c.IsSet("auto"), c.Bool("wait"))
		},
	}
}

// tour runs the tour's stops as demo steps: each lesson gets its own
// workspace under one temporary directory, set up at its first stop and
// brought to each stop's starting state by its earlier steps' solutions.
func (e *env) tour(delay time.Duration, auto, wait bool) error {
	t, err := lessons.TheTour()
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "sysdojo-tour-")
	if err != nil {
		return i18n.Failed(i18n.T("cannot make a workspace for the tour", "둘러보기용 작업 디렉터리를 만들 수 없습니다"), err)
	}
	defer os.RemoveAll(dir)
	// Searchable by everyone, like a lesson's workspace.
	if err := os.Chmod(dir, 0o755); err != nil {
		return i18n.Failed(i18n.T("cannot prepare the tour workspace", "둘러보기 작업 디렉터리를 준비할 수 없습니다"), err)
	}
	binDir, err := os.MkdirTemp("", "sysdojo-demo-bin-")
	if err != nil {
		return i18n.Failed(i18n.T("cannot make a workspace for the tour", "둘러보기용 작업 디렉터리를 만들 수 없습니다"), err)
	}
	defer os.RemoveAll(binDir)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()

	env := e.demoEnv(binDir)
	// A seed of its own each time: the container names and ports the
	// stops use are this run's, so two tours at once never collide.
	stops := t.Bind(lessons.NewSeed(), machineVars())
	runners := map[*lessons.Lesson]*lessons.Runner{}
	done := map[*lessons.Lesson]int{}
	broken := map[*lessons.Lesson]error{}
	// Containers a stop started are removed before the workspace is,
	// even when the tour stops half way.
	defer func() {
		for l, r := range runners {
			removeContainers(r, l)
		}
	}()

	io := e.io
	st := e.newStage(delay, auto, wait)
	st.title(t.Lesson.Title.In(io.Lang))
	st.say(t.Lesson.Intro.In(io.Lang))
	counts := map[demoOutcome]int{}
	for i, s := range stops {
		l := s.Lesson
		r := runners[l]
		if r == nil {
			r = &lessons.Runner{Dir: filepath.Join(dir, l.ID), Root: isRoot(), Env: env}
			if err := l.Setup(r.Dir); err != nil {
				return i18n.Failed(i18n.T("cannot prepare the tour workspace", "둘러보기 작업 디렉터리를 준비할 수 없습니다"), err)
			}
			runners[l] = r
		}
		note := fmt.Sprintf(e.t("From lesson %s, step %d (sysdojo lesson start %[1]s)", "레슨 %s의 %d단계 (sysdojo lesson start %[1]s)"), l.ID, s.N)
		if broken[l] == nil {
			broken[l] = r.Quietly(ctx, l, done[l]+1, s.N)
		}
		if broken[l] != nil {
			// An earlier step of this lesson could not run on this machine
			// (no containers in a chroot, say): tell the stop instead.
			e.tourTell(st, l, s.N, i+1, len(stops), note, broken[l])
			counts[demoFailed]++
		} else {
			counts[e.demoStepAt(ctx, st, r, l, s.N, i+1, len(stops), note)]++
		}
		done[l] = s.N
		if ctx.Err() != nil || i < len(stops)-1 && !st.wait() {
			fmt.Fprintf(io.Out, "\n%s\n", e.t("Tour stopped. Run 'sysdojo tour' again any time.", "둘러보기를 멈췄습니다. 언제든 'sysdojo tour'로 다시 볼 수 있습니다."))
			return nil
		}
	}
	fmt.Fprintln(io.Out)
	// The tour is a show: a stop this machine cannot run (containers in
	// a chroot) is shown as such, and the tour goes on to its end.
	if counts[demoFailed] > 0 {
		fmt.Fprintln(io.Out, io.Warn(fmt.Sprintf(e.t("✗ %d of the tour's %d stops did not pass on this machine.", "✗ 둘러보기 %[2]d단계 중 %[1]d단계는 이 컴퓨터에서 통과하지 못했습니다."), counts[demoFailed], len(stops))))
	}
	st.say(t.Lesson.Outro.In(io.Lang))
	return nil
}

// tourTell shows a stop that cannot run here: its text, why, and what it
// would have shown (its explain), if the lesson says.
func (e *env) tourTell(st *stage, l *lessons.Lesson, n, i, total int, note string, why error) {
	io := e.io
	s := &l.Steps[n-1]
	st.banner(i, total, s.Title.In(io.Lang))
	fmt.Fprintln(io.Out, io.Dim(note))
	st.say(s.Text.In(io.Lang))
	fmt.Fprintln(io.Out)
	fmt.Fprintln(io.Out, io.Warn(e.t("▲ This stop cannot run on this machine: an earlier step of its lesson failed:", "▲ 이 단계는 이 컴퓨터에서 실행할 수 없습니다. 레슨의 앞 단계가 실패했습니다:")))
	st.output(why.Error())
	st.say(s.Explain.In(io.Lang))
}

// removeContainers removes the containers l's checks name, quietly (the
// ones a demo or tour started and did not get to remove).
func removeContainers(r *lessons.Runner, l *lessons.Lesson) {
	seen := map[string]bool{}
	for _, s := range l.Steps {
		for _, c := range s.Checks {
			if c.Container != "" && !seen[c.Container] {
				seen[c.Container] = true
				r.Run(context.Background(), "sysdojo container rm -f "+quoteArgs([]string{c.Container})[0]+" >/dev/null 2>&1", nil)
			}
		}
	}
}

func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if a == "" || strings.ContainsAny(a, " \t'\"$\\") {
			a = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
		}
		out[i] = a
	}
	return out
}
