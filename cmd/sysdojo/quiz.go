package main

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/term"
	"github.com/sysdojo/sysdojo/lessons"
)

func newQuizCommand(e *env) *cli.Command {
	return &cli.Command{
		Name:      "quiz",
		Usage:     e.t("generated questions, graded at once: perm, links, apt, containers", "자동으로 만든 문제를 바로 채점: perm, links, apt, containers"),
		ArgsUsage: "[TOPIC]",
		Description: e.t(
			"TOPIC is perm, links, apt, containers or all (default). Permission answers are\n"+
				"computed by the same code as 'sysdojo perm'; link questions are worked out on a\n"+
				"real tree. Answers are read from stdin, one line each, so a quiz can be scripted.\n"+
				"The same --seed asks the same questions; --key prints them with their answers.",
			"TOPIC은 perm, links, apt, containers, all(기본값) 중 하나입니다. 권한 문제의 답은\n"+
				"'sysdojo perm'과 같은 코드로 계산하고, 링크 문제는 실제 디렉터리에서 확인합니다.\n"+
				"답은 stdin에서 한 줄씩 읽으므로 스크립트로도 풀 수 있습니다.\n"+
				"같은 --seed는 같은 문제를 내고, --key는 문제와 답을 함께 출력합니다."),
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "count", Aliases: []string{"n"}, Value: 8, Usage: e.t("number of questions", "문제 수")},
			&cli.Uint64Flag{Name: "seed", Usage: e.t("question seed (default: a new one each time)", "문제 시드 (기본값: 매번 새로)")},
			&cli.BoolFlag{Name: "key", Usage: e.t("print the questions with their answers (for an instructor), ask nothing", "문제와 답을 함께 출력 (강사용), 묻지 않음")},
			jsonFlag,
		},
		Action: e.quiz,
	}
}

type quizItem struct {
	lessons.Question
	Given   string `json:"given"`
	Correct bool   `json:"correct"`
}

type quizResult struct {
	Topic     string     `json:"topic"`
	Seed      uint64     `json:"seed"`
	Score     int        `json:"score"`
	Total     int        `json:"total"`
	Questions []quizItem `json:"questions"`
}

func (e *env) quiz(c *cli.Context) error {
	a, err := args(c, 0, 1, "[TOPIC]")
	if err != nil {
		return err
	}
	topic := strings.ToLower(first(a))
	if topic == "" {
		topic = "all"
	}
	seed := c.Uint64("seed")
	if !c.IsSet("seed") {
		seed = uint64(time.Now().UnixNano()) % 1_000_000
	}
	dir, err := os.MkdirTemp("", "sysdojo-quiz-")
	if err != nil {
		return i18n.Failed(i18n.T("cannot make a directory for the link questions", "링크 문제용 디렉터리를 만들 수 없습니다"), err)
	}
	defer os.RemoveAll(dir)
	// With a class server (and no --seed or --key), the server makes
	// the quiz from a seed it keeps and grades each answer.
	view, grade, err := e.classQuiz(c, topic)
	if err != nil {
		return err
	}
	qs := []lessons.Question(nil)
	if view != nil {
		qs, seed = view.Questions, 0
	} else if qs, err = lessons.NewQuiz(topic, c.Int("count"), seed, dir); err != nil {
		return err
	}
	res := quizResult{Topic: topic, Seed: seed, Total: len(qs)}
	io := e.io
	asJSON := c.Bool("json")
	if c.Bool("key") {
		for _, q := range qs {
			res.Questions = append(res.Questions, quizItem{Question: q})
		}
		if asJSON {
			return e.writeJSON(res)
		}
		for i, q := range qs {
			e.askQuestion(io.Out, i+1, len(qs), q)
			fmt.Fprintf(io.Out, "   %s %s\n", e.t("Answer:", "답:"), io.OK(q.Answer))
			fmt.Fprint(io.Out, term.WrapPrefix(q.Explain.In(io.Lang), "   ", "   ", io.Width()))
		}
		return nil
	}
	// Questions go to stdout, or to stderr when stdout is for JSON.
	w := io.Out
	if asJSON {
		w = io.Err
	}
	in := bufio.NewReader(io.In)
	eof, quit := false, false
	for i, q := range qs {
		e.askQuestion(w, i+1, len(qs), q)
		given := ""
		if !eof {
			if io.InTTY {
				fmt.Fprint(io.Err, "> ")
			}
			line, err := in.ReadString('\n')
			if err != nil && line == "" {
				eof = true
			}
			given = strings.TrimSpace(line)
			if !io.InTTY && !eof {
				fmt.Fprintf(w, "> %s\n", given)
			}
		}
		if g := strings.ToLower(given); g == "q" || g == "quit" {
			// q stops the quiz; the question is not graded.
			quit = true
			break
		}
		ok, q, err := grade(i, q, given)
		if err != nil {
			return err
		}
		if ok {
			res.Score++
		}
		res.Questions = append(res.Questions, quizItem{Question: q, Given: given, Correct: ok})
		switch {
		case ok:
			fmt.Fprintln(w, "   "+io.OK(e.t("✓ right", "✓ 맞았습니다")))
		case given == "":
			fmt.Fprintf(w, "   %s %s\n", io.Bad(e.t("✗ no answer; it is", "✗ 답하지 않았습니다. 정답:")), q.Answer)
		default:
			fmt.Fprintf(w, "   %s %s\n", io.Bad(e.t("✗ not quite; the answer is", "✗ 아쉽네요. 정답:")), q.Answer)
			if fb := q.Feedback(given); !fb.IsZero() {
				fmt.Fprint(w, term.WrapPrefix(fb.In(io.Lang), "   ", "   ", io.Width()))
			}
		}
		fmt.Fprint(w, term.WrapPrefix(io.Dim(q.Explain.In(io.Lang)), "   ", "   ", io.Width()))
	}
	res.Total = len(res.Questions)
	if asJSON {
		return e.writeJSON(res)
	}
	fmt.Fprintln(io.Out)
	if quit {
		fmt.Fprintln(io.Out, fmt.Sprintf(e.t("Stopped after %d of %d questions.", "%d문제를 풀고 멈췄습니다 (전체 %d문제)."), res.Total, len(qs)))
	}
	if res.Total == 0 {
		return nil
	}
	pct := 100 * res.Score / res.Total
	line := fmt.Sprintf(e.t("Score: %d/%d (%d%%)", "점수: %d/%d (%d%%)"), res.Score, res.Total, pct)
	if res.Score == res.Total {
		line = io.OK("★ " + line)
	}
	fmt.Fprintln(io.Out, line)
	if view != nil {
		fmt.Fprintln(io.Out, io.Dim(fmt.Sprintf(e.t("Graded and recorded by the class server (quiz %d).", "수업 서버가 채점하고 기록했습니다 (퀴즈 %d번)."), view.ID)))
		return nil
	}
	fmt.Fprintln(io.Out, io.Dim(fmt.Sprintf(e.t("The same questions again: sysdojo quiz %s --count %d --seed %s",
		"같은 문제를 다시: sysdojo quiz %s --count %d --seed %s"), topic, len(qs), strconv.FormatUint(seed, 10))))
	return nil
}

func (e *env) askQuestion(w interface{ Write([]byte) (int, error) }, i, n int, q lessons.Question) {
	io := e.io
	fmt.Fprintf(w, "\n%s\n", io.Heading(fmt.Sprintf("Q%d/%d · %s", i, n, q.Topic)))
	text := q.Text.In(io.Lang)
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "  ") {
			fmt.Fprintln(w, io.Code(l))
		} else {
			fmt.Fprintln(w, term.Wrap(l, io.Width()))
		}
	}
	for j, ch := range q.Choices {
		fmt.Fprint(w, term.WrapPrefix(ch.In(io.Lang), fmt.Sprintf("  %c) ", 'a'+j), "     ", io.Width()))
	}
}
