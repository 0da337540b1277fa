package main

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/class"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/lessons"
)

// The lesson commands' hook to the class server: when one is configured
// (--class-socket, $SYSDOJO_CLASS) or its socket is at the default place,
// check, answer and hint ask it, and the progress file takes the random values the server keeps.
// Without one, everything works on its own as before.

// classSocket is the class server to ask ("" for none) and whether it
// was asked for by name (then it must answer).
func (e *env) classSocket(c *cli.Context) (string, bool) {
	p := c.String("class-socket")
	if p == "" {
		p = e.getenv("SYSDOJO_CLASS")
	}
	switch p {
	case "off":
		return "", false
	case "":
	default:
		return p, true
	}
	if class.Reachable(class.DefaultSocket) {
		return class.DefaultSocket, false
	}
	return "", false
}

// classCall sends req to the class server; nil, nil when there is none
// (or the default socket is left from a server that is gone).
func (e *env) classCall(c *cli.Context, req class.Request) (*class.Response, error) {
	sock, named := e.classSocket(c)
	if sock == "" {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	r, err := class.Call(ctx, sock, req)
	if err != nil && r == nil && !named {
		return nil, nil
	}
	if err != nil && r == nil {
		var ie *i18n.Error
		if errors.As(err, &ie) {
			ie.Hint = i18n.T("is the class server running? Ask your instructor, or work on your own with SYSDOJO_CLASS=off",
				"수업 서버가 켜져 있는지 강사에게 물어보세요. 혼자 하려면 SYSDOJO_CLASS=off를 주세요")
		}
	}
	return r, err
}

// classSeed makes the progress use the random-value seed the class server keeps for
// this student, so that the values the student reads are the ones the
// server checks.
func (e *env) classSeed(c *cli.Context, p *lessons.Progress) error {
	r, err := e.classCall(c, class.Request{Op: class.OpHello})
	if err != nil || r == nil {
		return err
	}
	if r.Seed != "" {
		p.Seed = r.Seed
	}
	return nil
}

// classCheck checks step lp.Step of l: on the class server when there is
// one (which runs the check itself and records it), else here. via is
// the server's answer, nil when checked here.
func (e *env) classCheck(c *cli.Context, p *lessons.Progress, l *lessons.Lesson, lp *lessons.LessonProgress, quiz bool) (res lessons.StepResult, via *class.Response, err error) {
	op := class.OpCheck
	if quiz {
		op = class.OpAnswer
	}
	claimed := append(append([]int{}, lp.Done...), lp.Skipped...)
	sort.Ints(claimed)
	r, err := e.classCall(c, class.Request{Op: op, Lesson: l.ID, Step: lp.Step, Dir: lp.Dir, Answer: lp.Answers[lp.Step], Claimed: claimed})
	if err != nil {
		return res, nil, err
	}
	if r == nil || r.Result == nil {
		return l.CheckStep(lp.Step, lessons.Env{Dir: lp.Dir, Answer: lp.Answers[lp.Step]}), nil, nil
	}
	if r.Seed != "" {
		p.Seed = r.Seed
	}
	return *r.Result, r, nil
}

// classHint counts a hint on the class server: how many hints the
// student has asked for this step there, or 0 when there is no server.
func (e *env) classHint(c *cli.Context, l *lessons.Lesson, lp *lessons.LessonProgress) (int, error) {
	r, err := e.classCall(c, class.Request{Op: class.OpHint, Lesson: l.ID, Step: lp.Step})
	if err != nil || r == nil {
		return 0, err
	}
	return r.Hints, nil
}

// showClassCheck says that the class server checked (and recorded) the
// step.
func (e *env) showClassCheck(via *class.Response, passed bool) {
	if via == nil {
		return
	}
	io := e.io
	switch {
	case passed && via.Recorded != nil:
		fmt.Fprintln(io.Out, io.Dim(fmt.Sprintf(e.t("Checked and recorded by the class server (%s).", "수업 서버가 확인하고 기록했습니다 (%s)."), via.Recorded.Local().Format("15:04"))))
	case via.Recorded != nil:
		fmt.Fprintln(io.Out, io.Dim(fmt.Sprintf(e.t("Checked by the class server; your pass of %s stays recorded.", "수업 서버가 확인했습니다. %s에 통과한 기록은 그대로 남아 있습니다."), via.Recorded.Local().Format("15:04"))))
	default:
		fmt.Fprintln(io.Out, io.Dim(e.t("Checked by the class server.", "수업 서버가 확인했습니다.")))
	}
}

func newClassResultsCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:   "results",
		Usage:  e.t("what the class server recorded for you (yours only)", "수업 서버에 기록된 내 결과 (본인 것만)"),
		Flags:  []cli.Flag{jsonFlag},
		Action: e.classResults,
	}
}

func (e *env) classResults(c *cli.Context) error {
	if _, err := args(c, 0, 0, ""); err != nil {
		return err
	}
	if sock, _ := e.classSocket(c); sock == "" {
		return i18n.Invalid(i18n.T("no class server: give --class-socket or SYSDOJO_CLASS", "수업 서버가 없습니다: --class-socket이나 SYSDOJO_CLASS를 주세요"))
	}
	r, err := e.classCall(c, class.Request{Op: class.OpResults})
	if err != nil {
		return err
	}
	if r == nil {
		return i18n.Failed(i18n.T("the class server does not answer", "수업 서버가 답하지 않습니다"), nil)
	}
	if c.Bool("json") {
		return e.writeJSON(map[string]any{"student": r.Student, "uid": r.UID, "results": r.Results})
	}
	io := e.io
	io.Printf(i18n.T("Recorded by the class server for %s:\n", "수업 서버에 기록된 %s 님의 결과:\n"), lessons.Printable(r.Student))
	if len(r.Results) == 0 {
		io.Println(i18n.T("nothing yet", "아직 없습니다"))
	}
	for _, lr := range r.Results {
		var marks []string
		rec := 0
		for _, s := range lr.Steps {
			switch s.Kind {
			case class.KindRecorded:
				marks = append(marks, io.OK("✓"))
				rec++
			case class.KindSelfReported:
				marks = append(marks, io.Warn("✓*"))
			case class.KindFailing:
				marks = append(marks, io.Bad("✗"))
			default:
				marks = append(marks, io.Dim("·"))
			}
		}
		fmt.Fprintf(io.Out, "%-16s %s  %s\n", lr.Lesson, strings.Join(marks, " "),
			fmt.Sprintf(e.t("%d of %d steps recorded", "%[2]d단계 중 %[1]d단계 기록됨"), rec, len(lr.Steps)))
	}
	fmt.Fprintln(io.Out, io.Dim(e.t("✓ recorded by the server · ✓* self-reported (not counted) · ✗ not passed yet · · not tried",
		"✓ 서버가 기록함 · ✓* 자기 신고 (점수에 넣지 않음) · ✗ 아직 통과 못 함 · · 시도 안 함")))
	return nil
}

// quizGrader grades answer given to question i (from 0) of a quiz and
// returns the question with its answer and explanation.
type quizGrader func(i int, q lessons.Question, given string) (bool, lessons.Question, error)

// classQuiz asks the class server for a quiz on topic; nil when there is
// no server, or with --seed or --key (practice: not recorded). The
// grader then asks the server; without a server it grades here.
func (e *env) classQuiz(c *cli.Context, topic string) (*class.QuizView, quizGrader, error) {
	local := func(_ int, q lessons.Question, given string) (bool, lessons.Question, error) {
		return q.Grade(given), q, nil
	}
	if c.IsSet("seed") || c.Bool("key") {
		return nil, local, nil
	}
	r, err := e.classCall(c, class.Request{Op: class.OpQuiz, Topic: topic, Count: c.Int("count")})
	if err != nil || r == nil || r.Quiz == nil {
		return nil, local, err
	}
	id := r.Quiz.ID
	return r.Quiz, func(i int, q lessons.Question, given string) (bool, lessons.Question, error) {
		r, err := e.classCall(c, class.Request{Op: class.OpQuizAnswer, Quiz: id, Question: i + 1, Answer: given})
		if err != nil {
			return false, q, err
		}
		if r == nil || r.Graded == nil {
			return false, q, i18n.Failed(i18n.T("the class server does not answer", "수업 서버가 답하지 않습니다"), nil)
		}
		q.Answer, q.Explain = r.Graded.Answer, r.Graded.Explain
		return r.Graded.Correct, q, nil
	}, nil
}

// classRemote is the class server as a lesson session reaches it
// (lessons.Remote): the calls above, for one command.
type classRemote struct {
	e *env
	c *cli.Context
}

func (r classRemote) Seed(p *lessons.Progress) error { return r.e.classSeed(r.c, p) }

func (r classRemote) Check(p *lessons.Progress, l *lessons.Lesson, lp *lessons.LessonProgress, quiz bool) (lessons.StepResult, any, error) {
	res, via, err := r.e.classCheck(r.c, p, l, lp, quiz)
	if via == nil {
		return res, nil, err // (a typed nil would not compare equal to nil)
	}
	return res, via, err
}

func (r classRemote) Hint(l *lessons.Lesson, lp *lessons.LessonProgress) (int, error) {
	return r.e.classHint(r.c, l, lp)
}
