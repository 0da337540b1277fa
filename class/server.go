package class

import (
	"bufio"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"io"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
	"golang.org/x/time/rate"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/lessons"
)

// Config says how a Server runs. Socket and Store are required.
type Config struct {
	Socket string
	Store  *Store
	// Lesson finds a lesson by id (default lessons.Get).
	Lesson func(id string) (*lessons.Lesson, error)
	// Rate and Burst limit each uid's requests (default 5 a second, 20
	// at once); MaxConns bounds a uid's open connections (default 4);
	// MaxChecks the checks running at once (default 4).
	Rate     rate.Limit
	Burst    int
	MaxConns int
	// MaxChecks bounds the checks running at once.
	MaxChecks int
	// Passwd and Group are the user database files (default /etc/...).
	Passwd, Group string
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Server answers students over a Unix socket.
type Server struct {
	cfg    Config
	ln     *net.UnixListener
	checks chan struct{}

	mu       sync.Mutex
	limiters map[int]*rate.Limiter
	conns    map[int]int

	subMu sync.Mutex
	subs  map[chan struct{}]struct{}

	wg sync.WaitGroup
}

// Listen makes the socket (mode 0666 so that every student can connect;
// who they are comes from the kernel) and returns a server ready to
// Serve. A socket file left by a server that is gone is replaced; a live
// server or any other file at that path is an error.
func Listen(cfg Config) (*Server, error) {
	if cfg.Store == nil || cfg.Socket == "" {
		return nil, errors.New("class: Listen needs a socket and a store")
	}
	if cfg.Lesson == nil {
		cfg.Lesson = lessons.Get
	}
	if cfg.Rate == 0 {
		cfg.Rate = 5
	}
	if cfg.Burst == 0 {
		cfg.Burst = 20
	}
	if cfg.MaxConns == 0 {
		cfg.MaxConns = 4
	}
	if cfg.MaxChecks == 0 {
		cfg.MaxChecks = 4
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	fail := func(err error) error {
		return i18n.Failed(i18n.T("listening on %s", "%s에서 연결을 받는 중").F(cfg.Socket), err)
	}
	if st, err := os.Lstat(cfg.Socket); err == nil {
		if st.Mode()&os.ModeSocket == 0 {
			return nil, i18n.Invalid(i18n.T("%s is there and is not a socket: it is left as it is", "%s: 소켓이 아닌 파일이 있어 그대로 두었습니다").F(cfg.Socket))
		}
		if c, err := net.DialTimeout("unix", cfg.Socket, time.Second); err == nil {
			c.Close()
			return nil, i18n.Invalid(i18n.T("a class server already listens on %s", "%s에서 이미 수업 서버가 돌고 있습니다").F(cfg.Socket))
		}
		if err := os.Remove(cfg.Socket); err != nil {
			return nil, fail(err)
		}
	}
	if err := os.MkdirAll(filepath.Dir(cfg.Socket), 0o755); err != nil {
		return nil, fail(err)
	}
	ln, err := net.ListenUnix("unix", &net.UnixAddr{Name: cfg.Socket, Net: "unix"})
	if err != nil {
		return nil, fail(err)
	}
	if err := os.Chmod(cfg.Socket, 0o666); err != nil {
		ln.Close()
		return nil, fail(err)
	}
	return &Server{cfg: cfg, ln: ln, checks: make(chan struct{}, cfg.MaxChecks),
		limiters: map[int]*rate.Limiter{}, conns: map[int]int{}, subs: map[chan struct{}]struct{}{}}, nil
}

// Serve answers connections until ctx ends, then closes the socket and
// waits for the requests under way.
func (s *Server) Serve(ctx context.Context) error {
	go func() {
		<-ctx.Done()
		s.ln.Close()
	}()
	defer s.wg.Wait()
	for {
		conn, err := s.ln.AcceptUnix()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				continue
			}
			if errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) {
				time.Sleep(50 * time.Millisecond)
				continue
			}
			return err
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			s.handle(ctx, conn)
		}()
	}
}

// Subscribe returns a channel that receives (coalesced) after every
// change to the store, and a function that stops it.
func (s *Server) Subscribe() (<-chan struct{}, func()) {
	ch := make(chan struct{}, 1)
	s.subMu.Lock()
	s.subs[ch] = struct{}{}
	s.subMu.Unlock()
	return ch, func() {
		s.subMu.Lock()
		delete(s.subs, ch)
		s.subMu.Unlock()
	}
}

func (s *Server) changed() {
	s.subMu.Lock()
	defer s.subMu.Unlock()
	for ch := range s.subs {
		select {
		case ch <- struct{}{}:
		default:
		}
	}
}

// Store is the server's store.
func (s *Server) Store() *Store { return s.cfg.Store }

// peer asks the kernel who is at the other end of conn.
func peer(conn *net.UnixConn) (*unix.Ucred, error) {
	raw, err := conn.SyscallConn()
	if err != nil {
		return nil, err
	}
	var cred *unix.Ucred
	var cerr error
	if err := raw.Control(func(fd uintptr) {
		cred, cerr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil {
		return nil, err
	}
	return cred, cerr
}

func reply(conn net.Conn, r Response) {
	data, err := json.Marshal(r)
	if err != nil || len(data) > MaxResponse {
		data, _ = json.Marshal(Response{Code: CodeFailed, Error: ptr(i18n.T("the answer is too big", "답이 너무 큽니다"))})
	}
	conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
	conn.Write(append(data, '\n'))
}

func ptr[T any](v T) *T { return &v }

func refuse(code string, t i18n.Text) Response { return Response{Code: code, Error: &t} }

func (s *Server) limiter(uid int) *rate.Limiter {
	s.mu.Lock()
	defer s.mu.Unlock()
	l := s.limiters[uid]
	if l == nil {
		l = rate.NewLimiter(s.cfg.Rate, s.cfg.Burst)
		s.limiters[uid] = l
	}
	return l
}

// enter counts an open connection of uid; false when it has too many.
func (s *Server) enter(uid int) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns[uid] >= s.cfg.MaxConns {
		return false
	}
	s.conns[uid]++
	return true
}

func (s *Server) leave(uid int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.conns[uid]--; s.conns[uid] <= 0 {
		delete(s.conns, uid)
	}
}

var errBusy = i18n.T("too many requests: wait a moment and try again", "요청이 너무 많습니다. 잠시 기다렸다가 다시 해 보세요")

func (s *Server) handle(ctx context.Context, conn *net.UnixConn) {
	defer conn.Close()
	cred, err := peer(conn)
	if err != nil {
		return
	}
	uid := int(cred.Uid)
	if !s.enter(uid) {
		reply(conn, refuse(CodeBusy, errBusy))
		return
	}
	defer s.leave(uid)
	conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	r := bufio.NewReaderSize(io.LimitReader(conn, MaxRequest+1), MaxRequest+1)
	line, err := r.ReadSlice('\n')
	switch {
	case len(line) > MaxRequest || errors.Is(err, bufio.ErrBufferFull):
		reply(conn, refuse(CodeInvalid, i18n.T("request too large (at most %d bytes)", "요청이 너무 큽니다 (%d바이트까지)").F(MaxRequest)))
		return
	case err != nil && !(errors.Is(err, io.EOF) && len(bytes.TrimSpace(line)) > 0):
		return
	}
	if !s.limiter(uid).Allow() {
		reply(conn, refuse(CodeBusy, errBusy))
		return
	}
	var req Request
	dec := json.NewDecoder(bytes.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		reply(conn, refuse(CodeInvalid, i18n.T("not a request this server understands (a newer or older sysdojo?)", "이 서버가 알아듣는 요청이 아닙니다 (sysdojo 버전이 다른가요?)")))
		return
	}
	conn.SetReadDeadline(time.Time{})
	reply(conn, s.do(ctx, cred, req))
}

// who is the asking user's name and the lesson's built-in placeholders.
func (s *Server) who(cred *unix.Ucred) (string, map[string]string) {
	name := "uid" + strconv.Itoa(int(cred.Uid))
	group := "gid" + strconv.Itoa(int(cred.Gid))
	if u, err := user.LookupId(strconv.Itoa(int(cred.Uid))); err == nil {
		name = u.Username
	}
	if g, err := user.LookupGroupId(strconv.Itoa(int(cred.Gid))); err == nil {
		group = g.Name
	}
	return name, map[string]string{"user": name, "group": group}
}

func (s *Server) do(ctx context.Context, cred *unix.Ucred, req Request) Response {
	uid := int(cred.Uid)
	now := s.cfg.Now().UTC()
	name, vars := s.who(cred)
	st, err := s.cfg.Store.Student(uid, name, now)
	if err != nil {
		return refuse(CodeFailed, i18n.T("the server could not keep your record: %v", "서버가 기록을 남기지 못했습니다: %v").F(err))
	}
	base := Response{Student: name, UID: uid, Seed: st.Seed}
	switch req.Op {
	case OpHello:
		return base
	case OpResults:
		res, err := s.results(uid)
		if err != nil {
			return refuse(CodeFailed, i18n.T("reading your records: %v", "기록을 읽는 중: %v").F(err))
		}
		base.Results = res
		return base
	case OpQuiz:
		return s.newQuiz(base, uid, req, now)
	case OpQuizAnswer:
		return s.answerQuiz(base, uid, req, now)
	case OpCheck, OpAnswer, OpHint:
	default:
		return refuse(CodeInvalid, i18n.T("unknown request %q", "모르는 요청입니다: %q").F(lessons.Printable(req.Op)))
	}
	src, err := s.cfg.Lesson(req.Lesson)
	if err != nil {
		return refuse(CodeInvalid, i18n.T("unknown lesson %q", "그런 레슨은 없습니다: %q").F(lessons.Printable(req.Lesson)))
	}
	l := src.Bind(st.Seed, vars)
	n := req.Step
	if n == 0 {
		n = s.cfg.Store.Current(uid, l.ID).Step
		n = max(n, 1)
	}
	if n < 1 || n > len(l.Steps) {
		return refuse(CodeInvalid, i18n.T("lesson %s has steps 1 to %d", "레슨 %s의 단계는 1부터 %d까지입니다").F(l.ID, len(l.Steps)))
	}
	step := &l.Steps[n-1]
	if req.Op == OpHint {
		k, err := s.cfg.Store.RecordHint(uid, l.ID, n, len(step.Hints), now)
		if err != nil {
			return refuse(CodeFailed, i18n.T("the server could not keep your record: %v", "서버가 기록을 남기지 못했습니다: %v").F(err))
		}
		s.changed()
		base.Hints = k
		return base
	}
	if req.Op == OpAnswer && !step.IsQuiz() {
		return refuse(CodeInvalid, i18n.T("step %d of %s is not a quiz", "%[2]s의 %[1]d단계는 퀴즈가 아닙니다").F(n, l.ID))
	}
	if len(req.Answer) > maxAnswer || len(req.Claimed) > len(l.Steps) {
		return refuse(CodeInvalid, i18n.T("request too large", "요청이 너무 큽니다"))
	}
	creds := lessons.OwnerCreds(cred.Uid, cred.Gid)
	dir, why := workspace(req.Dir, creds, uid)
	if why != nil {
		return *why
	}
	select {
	case s.checks <- struct{}{}:
	case <-ctx.Done():
		return refuse(CodeBusy, errBusy)
	}
	res := l.CheckStep(n, lessons.Env{Dir: dir, Answer: req.Answer, Passwd: s.cfg.Passwd, Group: s.cfg.Group, As: creds})
	<-s.checks
	rec, err := s.cfg.Store.RecordCheck(CheckOutcome{UID: uid, Lesson: l.ID, Step: n, Steps: len(l.Steps), Passed: res.Passed,
		Dir: dir, Claimed: req.Claimed, Op: req.Op, Time: now})
	if err != nil {
		return refuse(CodeFailed, i18n.T("the server could not keep your record: %v", "서버가 기록을 남기지 못했습니다: %v").F(err))
	}
	s.changed()
	base.Result, base.Recorded, base.Hints = &res, rec.Passed, rec.Hints
	return base
}

// workspace checks that dir is a directory of uid's, as uid sees it: an
// absolute path, not a symbolic link, owned by uid. It returns the clean
// path, or the refusal.
func workspace(dir string, creds *lessons.Creds, uid int) (string, *Response) {
	if dir == "" || !filepath.IsAbs(dir) || len(dir) > maxDir {
		r := refuse(CodeInvalid, i18n.T("the workspace must be an absolute path", "작업 디렉터리는 절대 경로여야 합니다"))
		return "", &r
	}
	dir = filepath.Clean(dir)
	shown := lessons.Printable(dir)
	var st unix.Stat_t
	var err error
	if derr := creds.Do(func() { err = unix.Lstat(dir, &st) }); derr != nil {
		err = derr
	}
	var r Response
	switch {
	case err != nil:
		r = refuse(CodeRefused, i18n.T("your workspace %s cannot be looked at with your rights: %v", "작업 디렉터리 %s: 내 권한으로 살펴볼 수 없습니다: %v").F(shown, err))
	case st.Mode&unix.S_IFMT == unix.S_IFLNK:
		r = refuse(CodeRefused, i18n.T("the workspace %s is a symbolic link: give the directory itself", "작업 디렉터리 %s: 심볼릭 링크입니다. 디렉터리 자체를 주세요").F(shown))
	case st.Mode&unix.S_IFMT != unix.S_IFDIR:
		r = refuse(CodeRefused, i18n.T("the workspace %s is not a directory", "작업 디렉터리 %s: 디렉터리가 아닙니다").F(shown))
	case int(st.Uid) != uid:
		r = refuse(CodeRefused, i18n.T("the workspace %s is not yours: the class server checks only your own work", "작업 디렉터리 %s: 내 것이 아닙니다. 수업 서버는 본인의 작업만 확인합니다").F(shown))
	default:
		return dir, nil
	}
	return "", &r
}

// results are uid's own records, lesson by lesson.
func (s *Server) results(uid int) ([]LessonResult, error) {
	snap, err := s.cfg.Store.Snapshot()
	if err != nil {
		return nil, err
	}
	var out []LessonResult
	for _, id := range sortedKeys(snap.Steps[uid]) {
		steps := 0
		if l, err := s.cfg.Lesson(id); err == nil {
			steps = len(l.Steps)
		}
		lr := LessonResult{Lesson: id}
		for n := range snap.Steps[uid][id] {
			steps = max(steps, n)
		}
		for n := 1; n <= steps; n++ {
			lr.Steps = append(lr.Steps, status(n, snap.Steps[uid][id][n]))
		}
		out = append(out, lr)
	}
	return out, nil
}

// status is one step's kind: recorded beats self-reported.
func status(n int, r StepRecord) StepStatus {
	ss := StepStatus{Step: n, Recorded: r.Passed, Checks: r.Checks, Fails: r.Fails, Hints: r.Hints, Solution: r.Solution}
	switch {
	case r.Passed != nil:
		ss.Kind = KindRecorded
	case r.Claimed:
		ss.Kind = KindSelfReported
	case r.Checks > 0:
		ss.Kind = KindFailing
	default:
		ss.Kind = KindNotTried
	}
	return ss
}

// newQuiz makes a quiz for uid from a fresh seed the server keeps; link
// questions are worked out in a directory of the server's, with the
// generator's own commands (nothing from the student).
func (s *Server) newQuiz(base Response, uid int, req Request, now time.Time) Response {
	topic := req.Topic
	if topic == "" {
		topic = "all"
	}
	seed := binarySeed()
	dir, err := os.MkdirTemp("", "sysdojo-class-quiz-")
	if err != nil {
		return refuse(CodeFailed, i18n.T("making the quiz: %v", "퀴즈를 만드는 중: %v").F(err))
	}
	defer os.RemoveAll(dir)
	select {
	case s.checks <- struct{}{}:
	default:
		return refuse(CodeBusy, errBusy)
	}
	qs, err := lessons.NewQuiz(topic, req.Count, seed, dir)
	<-s.checks
	if err != nil {
		var ie *i18n.Error
		if errors.As(err, &ie) {
			return refuse(CodeInvalid, ie.Text)
		}
		return refuse(CodeFailed, i18n.T("making the quiz: %v", "퀴즈를 만드는 중: %v").F(err))
	}
	id, err := s.cfg.Store.NewQuiz(QuizRecord{UID: uid, Topic: topic, Seed: seed, Questions: qs, Started: now})
	if err != nil {
		return refuse(CodeFailed, i18n.T("the server could not keep your record: %v", "서버가 기록을 남기지 못했습니다: %v").F(err))
	}
	s.changed()
	view := &QuizView{ID: id, Topic: topic}
	for _, q := range qs {
		q.Answer, q.Explain = "", i18n.Text{}
		view.Questions = append(view.Questions, q)
	}
	base.Quiz = view
	return base
}

func (s *Server) answerQuiz(base Response, uid int, req Request, now time.Time) Response {
	if len(req.Answer) > maxAnswer {
		return refuse(CodeInvalid, i18n.T("request too large", "요청이 너무 큽니다"))
	}
	q, err := s.cfg.Store.AnswerQuiz(uid, req.Quiz, req.Question, req.Answer, now)
	if err != nil {
		return refuse(CodeFailed, i18n.T("the server could not keep your record: %v", "서버가 기록을 남기지 못했습니다: %v").F(err))
	}
	if q == nil {
		return refuse(CodeInvalid, i18n.T("you have no quiz %d with a question %d", "퀴즈 %d번에 문제 %d번이 없습니다").F(req.Quiz, req.Question))
	}
	s.changed()
	n := req.Question
	right, answered := q.Score()
	base.Graded = &QuizGrade{Question: n, Given: q.Given[n-1], Correct: q.Correct[n-1], Answer: q.Questions[n-1].Answer,
		Explain: q.Questions[n-1].Explain, Right: right, Answered: answered, Total: len(q.Questions)}
	return base
}

// binarySeed is a fresh random quiz seed.
func binarySeed() uint64 {
	var b [8]byte
	rand.Read(b[:])
	return binary.BigEndian.Uint64(b[:])
}
