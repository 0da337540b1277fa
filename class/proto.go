package class

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"time"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/lessons"
)

// DefaultSocket is where students' commands find the class server.
const DefaultSocket = "/run/sysdojo/class.sock"

// DefaultStore is where the server keeps its record.
const DefaultStore = "/var/lib/sysdojo/class.db"

// MaxRequest bounds one request line, in bytes; MaxResponse one answer.
const (
	MaxRequest  = 16 << 10
	MaxResponse = 1 << 20
	maxAnswer   = 4096
	maxDir      = 4096
)

// Operations a client may ask for.
const (
	OpHello   = "hello"   // who am I to the server: name and seed
	OpCheck   = "check"   // check a step of a lesson in my workspace
	OpAnswer  = "answer"  // answer a quiz step
	OpHint    = "hint"    // one more hint for a step (past the last: the solution)
	OpResults = "results" // my own records
	// OpQuiz asks for a new quiz (Topic, Count): the server makes it from
	// a seed it keeps and sends the questions without their answers.
	OpQuiz = "quiz"
	// OpQuizAnswer answers question Question (from 1) of quiz Quiz; only
	// the first answer to a question counts.
	OpQuizAnswer = "quiz-answer"
)

// Request is one line a client sends. Who sends it is never part of it:
// the server asks the kernel. Unknown fields are refused.
type Request struct {
	Op     string `json:"op"`
	Lesson string `json:"lesson,omitempty"`
	// Step is the step to check (from 1); 0: the one the server has the
	// student on.
	Step int `json:"step,omitempty"`
	// Dir is the workspace, an absolute path; it must be a directory
	// owned by the asking user.
	Dir    string `json:"dir,omitempty"`
	Answer string `json:"answer,omitempty"`
	// Claimed are the steps the student's progress file says are done:
	// kept as self-reported, never counted.
	Claimed []int `json:"claimed,omitempty"`
	// Quizzes: Topic and Count ask for one, Quiz and Question answer it.
	Topic    string `json:"topic,omitempty"`
	Count    int    `json:"count,omitempty"`
	Quiz     int    `json:"quiz,omitempty"`
	Question int    `json:"question,omitempty"`
}

// Error codes of a refused request.
const (
	CodeInvalid = "invalid" // bad request: the client's mistake
	CodeRefused = "refused" // not allowed (someone else's workspace)
	CodeBusy    = "busy"    // rate limited; try again later
	CodeFailed  = "failed"  // the server could not do it
)

// Response is the server's answer.
type Response struct {
	Error *i18n.Text `json:"error,omitempty"`
	Code  string     `json:"code,omitempty"`
	// Student and Seed: who the server took the asker to be.
	Student string `json:"student,omitempty"`
	UID     int    `json:"uid"`
	Seed    string `json:"seed,omitempty"`
	// Result is the check the server ran (seen now); Recorded is when
	// the server first saw this step pass, nil if never.
	Result   *lessons.StepResult `json:"result,omitempty"`
	Recorded *time.Time          `json:"recorded,omitempty"`
	// Hints is how many hints the student asked for the step.
	Hints int `json:"hints,omitempty"`
	// Results are the student's own records (op results).
	Results []LessonResult `json:"results,omitempty"`
	// Quiz is a new quiz (op quiz); Graded the grade of one answer (op
	// quiz-answer).
	Quiz   *QuizView  `json:"quiz,omitempty"`
	Graded *QuizGrade `json:"graded,omitempty"`
}

// QuizView is a quiz as the student gets it: no answers, no
// explanations.
type QuizView struct {
	ID        int                `json:"id"`
	Topic     string             `json:"topic"`
	Questions []lessons.Question `json:"questions"`
}

// QuizGrade is the server's grade of one answer: the question's answer
// and explanation, and the quiz's score so far.
type QuizGrade struct {
	Question int       `json:"question"`
	Given    string    `json:"given"`
	Correct  bool      `json:"correct"`
	Answer   string    `json:"answer"`
	Explain  i18n.Text `json:"explain"`
	Right    int       `json:"right"`
	Answered int       `json:"answered"`
	Total    int       `json:"total"`
}

// Result kinds.
const (
	KindSeenNow      = "seen now"
	KindRecorded     = "recorded"
	KindSelfReported = "self-reported"
	KindFailing      = "not passed"
	KindNotTried     = "not tried"
)

// StepStatus is one step of one student as the server knows it.
type StepStatus struct {
	Step     int        `json:"step"`
	Kind     string     `json:"kind"` // recorded, self-reported, not passed, not tried
	Recorded *time.Time `json:"recorded,omitempty"`
	Checks   int        `json:"checks"`
	Fails    int        `json:"fails"`
	Hints    int        `json:"hints"`
	Solution bool       `json:"solution"`
}

// LessonResult is one lesson of one student.
type LessonResult struct {
	Lesson string       `json:"lesson"`
	Steps  []StepStatus `json:"steps"`
}

// Call sends req to the server at socket and returns its answer. A
// refusal is an *i18n.Error (exit 2 for a bad or refused request, 1
// otherwise) and the answer, whose Code says which; a server that cannot be reached is an error
// wrapping the dial error.
func Call(ctx context.Context, socket string, req Request) (*Response, error) {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "unix", socket)
	if err != nil {
		return nil, i18n.Failed(i18n.T("reaching the class server at %s", "수업 서버(%s)에 연결하는 중").F(socket), err)
	}
	defer conn.Close()
	deadline := time.Now().Add(2 * time.Minute)
	if d, ok := ctx.Deadline(); ok {
		deadline = d
	}
	conn.SetDeadline(deadline)
	data, err := json.Marshal(req)
	if err != nil {
		return nil, err
	}
	if _, err := conn.Write(append(data, '\n')); err != nil {
		return nil, i18n.Failed(i18n.T("talking to the class server at %s", "수업 서버(%s)와 주고받는 중").F(socket), err)
	}
	line, err := bufio.NewReaderSize(conn, 64<<10).ReadSlice('\n')
	if errors.Is(err, bufio.ErrBufferFull) {
		err = fmt.Errorf("answer too long")
	}
	if err != nil {
		return nil, i18n.Failed(i18n.T("talking to the class server at %s", "수업 서버(%s)와 주고받는 중").F(socket), err)
	}
	var resp Response
	if err := json.Unmarshal(bytes.TrimSpace(line), &resp); err != nil {
		return nil, i18n.Failed(i18n.T("reading the class server's answer", "수업 서버의 답을 읽는 중"), err)
	}
	if resp.Error != nil {
		msg := i18n.Text{En: "class server: " + resp.Error.En, Ko: "수업 서버: " + resp.Error.In(i18n.KO)}
		if resp.Code == CodeInvalid || resp.Code == CodeRefused {
			return &resp, i18n.Invalid(msg)
		}
		return &resp, &i18n.Error{Kind: i18n.KindFailed, Text: msg}
	}
	return &resp, nil
}

// Reachable reports whether a socket file is at path (a server may be
// listening there).
func Reachable(path string) bool {
	st, err := os.Stat(path)
	return err == nil && st.Mode()&os.ModeSocket != 0
}
