package class

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/sysdojo/sysdojo/lessons"
)

func getLesson(t *testing.T, id string) *lessons.Lesson {
	t.Helper()
	l, err := lessons.Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// TestCheckAsPeer: the server checks the asking student's workspace with
// the lesson bound to the seed it keeps, records a pass with its time,
// and keeps it when a later change undoes the step.
func TestCheckAsPeer(t *testing.T) {
	srv := startServer(t, Config{})
	base := reachableDir(t)
	s1 := newStudent(t, base)
	l := getLesson(t, "perm-octal")

	hello := s1.call(t, srv.socket(), Request{Op: OpHello})
	if hello.Error != nil || hello.UID != s1.uid || hello.Student != s1.name || hello.Seed == "" {
		t.Fatalf("hello: %+v", hello)
	}
	ws := s1.workspace(t, l, hello.Seed)
	req := Request{Op: OpCheck, Lesson: l.ID, Step: 1, Dir: ws}
	r := s1.call(t, srv.socket(), req)
	if r.Error != nil || r.Result == nil || r.Result.Passed || r.Recorded != nil {
		t.Fatalf("before the task: %+v", r)
	}
	os.Chmod(filepath.Join(ws, "sample.txt"), 0o777)
	r = s1.call(t, srv.socket(), req)
	if r.Error != nil || !r.Result.Passed || r.Recorded == nil {
		t.Fatalf("after the task: %+v", r)
	}
	// Step 3's mode comes from the server's seed.
	want := l.Bind(hello.Seed, nil).Value("rmode")
	if want == "" {
		t.Fatal("no rmode")
	}
	r = s1.call(t, srv.socket(), Request{Op: OpCheck, Lesson: l.ID, Step: 3, Dir: ws})
	if r.Result.Passed {
		t.Fatalf("step 3 passed before the task: %+v", r)
	}
	// (A failing mode check never says the wanted mode: the seed shows
	// in what passes.)
	m, _ := strconv.ParseUint(want, 8, 32)
	os.Chmod(filepath.Join(ws, "report.txt"), os.FileMode(m))
	if r = s1.call(t, srv.socket(), Request{Op: OpCheck, Lesson: l.ID, Step: 3, Dir: ws}); !r.Result.Passed {
		t.Errorf("step 3 with report.txt %s, the server's seed's mode: %+v", want, r.Result)
	}
	// Undo step 1: the recorded pass stays.
	os.Chmod(filepath.Join(ws, "sample.txt"), 0o644)
	r = s1.call(t, srv.socket(), req)
	if r.Result.Passed || r.Recorded == nil {
		t.Fatalf("undone: %+v", r)
	}
	res := s1.call(t, srv.socket(), Request{Op: OpResults})
	if len(res.Results) != 1 || res.Results[0].Steps[0].Kind != KindRecorded || res.Results[0].Steps[2].Kind != KindRecorded {
		t.Fatalf("results: %+v", res.Results)
	}
}

// TestClaimAnotherUID: a student who names another uid (or student) in
// the request records nothing for them; the server answers only about
// the kernel's peer.
func TestClaimAnotherUID(t *testing.T) {
	srv := startServer(t, Config{})
	base := reachableDir(t)
	s1, s2 := newStudent(t, base), newStudent(t, base)
	l := getLesson(t, "perm-octal")
	seed := s1.call(t, srv.socket(), Request{Op: OpHello}).Seed
	ws := s1.workspace(t, l, seed)
	os.Chmod(filepath.Join(ws, "sample.txt"), 0o777)
	for _, forged := range []map[string]any{
		{"op": "check", "lesson": l.ID, "step": 1, "dir": ws, "uid": s2.uid},
		{"op": "check", "lesson": l.ID, "step": 1, "dir": ws, "student": s2.name},
		{"op": "results", "uid": s2.uid},
	} {
		r := s1.call(t, srv.socket(), forged)
		if r.Error == nil || r.Code != CodeInvalid {
			t.Errorf("%v: %+v, want refused", forged, r)
		}
	}
	snap, _ := srv.Store().Snapshot()
	if len(snap.Steps[s2.uid]) != 0 || len(snap.Steps[s1.uid]) != 0 {
		t.Fatalf("records after forged requests: %+v", snap.Steps)
	}
	// s1's real check is recorded for s1 only, and s2 sees nothing of it.
	if r := s1.call(t, srv.socket(), Request{Op: OpCheck, Lesson: l.ID, Step: 1, Dir: ws}); !r.Result.Passed || r.UID != s1.uid {
		t.Fatalf("s1's own check: %+v", r)
	}
	if r := s2.call(t, srv.socket(), Request{Op: OpResults}); r.UID != s2.uid || len(r.Results) != 0 {
		t.Fatalf("s2 sees %+v", r)
	}
	snap, _ = srv.Store().Snapshot()
	if snap.Steps[s1.uid][l.ID][1].Passed == nil || len(snap.Steps[s2.uid]) != 0 {
		t.Fatalf("records: %+v", snap.Steps)
	}
}

// TestForeignWorkspace: a workspace owned by someone else, or a link to
// one's own, is refused and nothing is recorded.
func TestForeignWorkspace(t *testing.T) {
	srv := startServer(t, Config{})
	base := reachableDir(t)
	s1, s2 := newStudent(t, base), newStudent(t, base)
	l := getLesson(t, "perm-octal")
	seed2 := s2.call(t, srv.socket(), Request{Op: OpHello}).Seed
	ws2 := s2.workspace(t, l, seed2)
	os.Chmod(filepath.Join(ws2, "sample.txt"), 0o777) // s2 did the work
	r := s1.call(t, srv.socket(), Request{Op: OpCheck, Lesson: l.ID, Step: 1, Dir: ws2})
	if r.Code != CodeRefused || !strings.Contains(r.Error.En, "is not yours") {
		t.Fatalf("s1 checking s2's workspace: %+v", r)
	}
	link := filepath.Join(s1.home, "link")
	os.Symlink(ws2, link)
	os.Lchown(link, s1.uid, s1.gid)
	r = s1.call(t, srv.socket(), Request{Op: OpCheck, Lesson: l.ID, Step: 1, Dir: link})
	if r.Code != CodeRefused || !strings.Contains(r.Error.En, "symbolic link") {
		t.Fatalf("s1 checking a link to s2's workspace: %+v", r)
	}
	r = s1.call(t, srv.socket(), Request{Op: OpCheck, Lesson: l.ID, Step: 1, Dir: "relative/dir"})
	if r.Code != CodeInvalid {
		t.Fatalf("relative: %+v", r)
	}
	snap, _ := srv.Store().Snapshot()
	if len(snap.Steps[s1.uid]) != 0 {
		t.Fatalf("recorded for s1: %+v", snap.Steps[s1.uid])
	}
}

// TestSymlinkToRootOnly: a link in the workspace to a file only root may
// read does not pass a check: the server reads with the student's
// rights. The same check made with the server's own rights would pass.
func TestSymlinkToRootOnly(t *testing.T) {
	sl, err := lessons.Parse("secret.yaml", []byte(secretLesson))
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, Config{Lesson: testLessons(sl)})
	base := reachableDir(t)
	s1 := newStudent(t, base)
	vault := filepath.Join(base, "vault")
	os.Mkdir(vault, 0o700)
	secret := filepath.Join(vault, "secret")
	os.WriteFile(secret, []byte("TOPSECRET\n"), 0o600)
	ws := filepath.Join(s1.home, "ws")
	os.Mkdir(ws, 0o755)
	os.Symlink(secret, filepath.Join(ws, "secret.txt"))
	s1.chown(t, ws)

	// The attack works against a grader that reads as root.
	if !sl.CheckStep(1, lessons.Env{Dir: ws}).Passed {
		t.Fatal("the control check as root does not pass: the test proves nothing")
	}
	r := s1.call(t, srv.socket(), Request{Op: OpCheck, Lesson: sl.ID, Step: 1, Dir: ws})
	if r.Error != nil || r.Result == nil {
		t.Fatalf("%+v", r)
	}
	if r.Result.Passed || r.Recorded != nil {
		t.Fatalf("a link to a root-only file passed: %+v", r.Result)
	}
	if !strings.Contains(r.Result.Criteria[0].Line.En, "permission denied") {
		t.Errorf("criterion: %q", r.Result.Criteria[0].Line.En)
	}
}

// TestOversizedRequest: a request over MaxRequest is refused unread and
// records nothing; so is one that is not JSON.
func TestOversizedRequest(t *testing.T) {
	srv := startServer(t, Config{})
	base := reachableDir(t)
	s1 := newStudent(t, base)
	// A line with no end: the server answers after MaxRequest bytes,
	// without waiting for (or keeping) the rest.
	line, err := rawAs(s1.uid, s1.gid, srv.socket(), nil)
	var r Response
	if err != nil || json.Unmarshal(line, &r) != nil || r.Code != CodeInvalid || !strings.Contains(r.Error.En, "request too large") {
		t.Fatalf("oversized: %q %v", line, err)
	}
	line, err = rawAs(s1.uid, s1.gid, srv.socket(), []byte("\x00\x01 not json\n"))
	if err != nil || !bytes.Contains(line, []byte(`"invalid"`)) {
		t.Fatalf("garbage: %s %v", line, err)
	}
	snap, _ := srv.Store().Snapshot()
	if snap.Events != 0 {
		t.Fatalf("%d events recorded", snap.Events)
	}
}

// TestFlood: one student's flood of requests is cut by the rate limit,
// records at most the burst, and another student is still served.
func TestFlood(t *testing.T) {
	srv := startServer(t, Config{Rate: 1, Burst: 5})
	base := reachableDir(t)
	s1, s2 := newStudent(t, base), newStudent(t, base)
	l := getLesson(t, "perm-octal")
	seed := s1.call(t, srv.socket(), Request{Op: OpHello}).Seed // uses one token
	ws := s1.workspace(t, l, seed)
	var wg sync.WaitGroup
	var mu sync.Mutex
	codes := map[string]int{}
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			data, _ := json.Marshal(Request{Op: OpCheck, Lesson: l.ID, Step: 1, Dir: ws})
			line, err := rawAs(s1.uid, s1.gid, srv.socket(), append(data, '\n'))
			var r Response
			if err == nil && json.Unmarshal(line, &r) == nil {
				mu.Lock()
				codes[r.Code]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if codes[""] > 5 || codes[CodeBusy] < 90 {
		t.Fatalf("flood answers by code: %v", codes)
	}
	if r := s2.call(t, srv.socket(), Request{Op: OpHello}); r.Error != nil {
		t.Fatalf("s2 during s1's flood: %+v", r)
	}
	snap, _ := srv.Store().Snapshot()
	if n := snap.Steps[s1.uid][l.ID][1].Checks; n > 5 {
		t.Fatalf("%d checks recorded from the flood", n)
	}
}

// TestHints counts hints and the solution per step.
func TestHints(t *testing.T) {
	srv := startServer(t, Config{})
	base := reachableDir(t)
	s1 := newStudent(t, base)
	l := getLesson(t, "perm-octal")
	for i := 1; i <= len(l.Steps[0].Hints)+1; i++ {
		r := s1.call(t, srv.socket(), Request{Op: OpHint, Lesson: l.ID, Step: 1})
		if r.Hints != i {
			t.Fatalf("hint %d: %+v", i, r)
		}
	}
	snap, _ := srv.Store().Snapshot()
	if rec := snap.Steps[s1.uid][l.ID][1]; !rec.Solution || rec.Hints != len(l.Steps[0].Hints)+1 {
		t.Fatalf("%+v", rec)
	}
}

// TestClaimsAreSelfReported: steps the progress file claims are kept as
// self-reported, never as recorded.
func TestClaimsAreSelfReported(t *testing.T) {
	srv := startServer(t, Config{})
	base := reachableDir(t)
	s1 := newStudent(t, base)
	l := getLesson(t, "perm-octal")
	ws := s1.workspace(t, l, s1.call(t, srv.socket(), Request{Op: OpHello}).Seed)
	r := s1.call(t, srv.socket(), Request{Op: OpCheck, Lesson: l.ID, Step: 3, Dir: ws, Claimed: []int{1, 2}})
	if r.Result.Passed {
		t.Fatal("step 3 passed")
	}
	res := s1.call(t, srv.socket(), Request{Op: OpResults}).Results
	if res[0].Steps[0].Kind != KindSelfReported || res[0].Steps[1].Kind != KindSelfReported || res[0].Steps[0].Recorded != nil {
		t.Fatalf("%+v", res)
	}
}

// TestLessonCheckReadsRoot: a check in an instructor's lesson file that
// reads a file under /root (root-only) sees what the student sees: the
// server never reads for a student with more rights than theirs.
func TestLessonCheckReadsRoot(t *testing.T) {
	base := reachableDir(t)
	s1 := newStudent(t, base)
	secret, err := os.CreateTemp("/root", "sysdojo-class-secret-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.Remove(secret.Name())
	secret.WriteString("TOPSECRET\n")
	secret.Close()
	src := strings.Replace(secretLesson, "path: secret.txt", "path: ../../../../../../../../.."+secret.Name(), 1)
	src = strings.Replace(src, "id: secret-test", "id: root-test", 1)
	rl, err := lessons.Parse("root.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, Config{Lesson: testLessons(rl)})
	ws := filepath.Join(s1.home, "ws")
	os.Mkdir(ws, 0o755)
	s1.chown(t, ws)
	if !rl.CheckStep(1, lessons.Env{Dir: ws}).Passed {
		t.Fatal("the control check as root does not pass: the test proves nothing")
	}
	r := s1.call(t, srv.socket(), Request{Op: OpCheck, Lesson: rl.ID, Step: 1, Dir: ws})
	if r.Error != nil || r.Result == nil || r.Result.Passed {
		t.Fatalf("a check reading /root for a student: %+v %+v", r, r.Result)
	}
	if !strings.Contains(r.Result.Criteria[0].Line.En, "permission denied") {
		t.Errorf("criterion: %q", r.Result.Criteria[0].Line.En)
	}
}

// TestQuiz: the server makes the quiz from a seed it keeps and sends no
// answers; it grades the first answer to each question only, and a
// student cannot answer another's quiz.
func TestQuiz(t *testing.T) {
	srv := startServer(t, Config{})
	base := reachableDir(t)
	s1, s2 := newStudent(t, base), newStudent(t, base)
	r := s1.call(t, srv.socket(), Request{Op: OpQuiz, Topic: "perm", Count: 4})
	if r.Error != nil || r.Quiz == nil || len(r.Quiz.Questions) != 4 {
		t.Fatalf("%+v", r)
	}
	for _, q := range r.Quiz.Questions {
		if q.Answer != "" || !q.Explain.IsZero() {
			t.Fatalf("the quiz was sent with its answers: %+v", q)
		}
	}
	id := r.Quiz.ID
	// s2 answers s1's quiz: refused, nothing recorded.
	if r2 := s2.call(t, srv.socket(), Request{Op: OpQuizAnswer, Quiz: id, Question: 1, Answer: "x"}); r2.Code != CodeInvalid {
		t.Fatalf("s2 answering s1's quiz: %+v", r2)
	}
	g := s1.call(t, srv.socket(), Request{Op: OpQuizAnswer, Quiz: id, Question: 1, Answer: "certainly wrong"}).Graded
	if g == nil || g.Correct || g.Answer == "" || g.Answered != 1 {
		t.Fatalf("first answer: %+v", g)
	}
	// The right answer, second time round, does not count.
	g2 := s1.call(t, srv.socket(), Request{Op: OpQuizAnswer, Quiz: id, Question: 1, Answer: g.Answer}).Graded
	if g2.Correct || g2.Given != "certainly wrong" || g2.Right != 0 {
		t.Fatalf("second answer counted: %+v", g2)
	}
	g3 := s1.call(t, srv.socket(), Request{Op: OpQuizAnswer, Quiz: id, Question: 2, Answer: "?"}).Graded
	qs, _ := srv.Store().Quizzes()
	if len(qs) != 1 || qs[0].UID != s1.uid || !qs[0].Answered[0] || qs[0].Given[1] != "?" || qs[0].Questions[1].Answer != g3.Answer {
		t.Fatalf("stored: %+v", qs)
	}
	if r := s1.call(t, srv.socket(), Request{Op: OpQuiz, Topic: "nope"}); r.Code != CodeInvalid {
		t.Fatalf("unknown topic: %+v", r)
	}
}
