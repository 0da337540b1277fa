package lessons

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Session is one student's course as the runner sees it: where their
// progress and workspaces are kept, who they are, and where they stand.
// Its methods are the runner (start, check, answer, hint, solution, skip,
// reset); each changes the progress under its lock and returns what
// happened as a value, which the command line prints. A class server
// checks a student's work with CheckWorkspace.
type Session struct {
	// Store is the student's progress file.
	Store *Store
	// Vars are the built-in values of the student's machine: user and
	// group (see Bind).
	Vars map[string]string
	// Home is where default workspaces go: Home/sysdojo-lab/ID.
	Home string
	// Cwd is the student's working directory: inside a started lesson's
	// workspace, that lesson is the one the commands act on.
	Cwd string
	// Root says whether the student is root (steps that need root can
	// be done, not skipped).
	Root bool
	// Notice receives what loading the progress had to say (a file
	// moved aside); nil ignores it.
	Notice func(*Notice)
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// UID is the student's uid, recorded in the progress at the first
	// start (see StudentUID).
	UID int
	// Remote, when set, is the class server start, check and hint go
	// through (the command line's client; lessons knows no server).
	Remote Remote
}

// Remote is a class server as the session sees it.
type Remote interface {
	// Seed may give the progress the seed the server keeps (at start).
	Seed(p *Progress) error
	// Check checks step lp.Step of l (on the server, which records it,
	// or here when there is none); via is what the server said, for the
	// caller to show, nil when it did not check.
	Check(p *Progress, l *Lesson, lp *LessonProgress, quiz bool) (res StepResult, via any, err error)
	// Hint tells the server a hint was shown; it returns the server's
	// count of hints for the step, 0 when there is no server.
	Hint(l *Lesson, lp *LessonProgress) (int, error)
}

func (s *Session) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Session) notice(n *Notice) {
	if n != nil && s.Notice != nil {
		s.Notice(n)
	}
}

// Load reads the progress (read-only use).
func (s *Session) Load() (*Progress, error) {
	p, n, err := s.Store.Load()
	s.notice(n)
	return p, err
}

// update changes the progress under its lock.
func (s *Session) update(f func(*Progress) error) error {
	n, err := s.Store.Update(f)
	s.notice(n)
	return err
}

// Workspaces is the record of the workspaces set up for this progress.
func (s *Session) Workspaces() (*Workspaces, error) {
	return LoadWorkspaces(WorkspacesPath(s.Store.Path))
}

// Bound returns lesson id bound to the student of p.
func (s *Session) Bound(id string, p *Progress) (*Lesson, error) {
	l, err := Get(id)
	if err != nil {
		return nil, err
	}
	return l.Bind(p.Seed, WithUID(s.Vars, p)), nil
}

// WithUID returns vars with the student's recorded uid ("uid"), which
// ${pb} derives from.
func WithUID(vars map[string]string, p *Progress) map[string]string {
	out := map[string]string{}
	for k, v := range vars {
		out[k] = v
	}
	if p != nil && p.UID > 0 {
		out["uid"] = strconv.Itoa(p.UID)
	}
	return out
}

// StudentUID is who the student is: the user who ran sudo when running
// under sudo (SUDO_UID), else this process's user.
func StudentUID(getenv func(string) string) int {
	if os.Geteuid() == 0 {
		if u, err := strconv.Atoi(getenv("SUDO_UID")); err == nil && u > 0 {
			return u
		}
	}
	return os.Getuid()
}

// ErrNoLesson: no lesson named, none current, and the student is in no
// lesson's workspace.
var ErrNoLesson = i18n.Invalid(i18n.T("no lesson started", "시작한 레슨이 없습니다")).
	WithHint(i18n.T("see 'sysdojo lesson list', then 'sysdojo lesson start ID'", "'sysdojo lesson list'로 보고 'sysdojo lesson start ID'로 시작하세요"))

// Which names the lesson a command acts on: id when given, else the
// lesson whose workspace holds the working directory, else the current
// lesson of the progress.
func (s *Session) Which(p *Progress, id string) string {
	if id == "" {
		id = LessonAt(p, s.Cwd)
	}
	if id == "" {
		id = p.Current
	}
	return id
}

// Current returns the lesson a command acts on (see Which), bound, and
// its progress, which must exist.
func (s *Session) Current(p *Progress, id string) (*Lesson, *LessonProgress, error) {
	id = s.Which(p, id)
	if id == "" {
		return nil, nil, ErrNoLesson
	}
	l, err := s.Bound(id, p)
	if err != nil {
		return nil, nil, err
	}
	lp := p.Lesson(id)
	if lp == nil {
		return nil, nil, i18n.Invalid(i18n.T("lesson %s is not started", "레슨 %s는 아직 시작하지 않았습니다").F(id)).
			WithHint(i18n.T("try 'sysdojo lesson start %s'", "'sysdojo lesson start %s'로 시작하세요").F(id))
	}
	return l, lp, nil
}

// LessonAt returns the started lesson whose workspace holds dir (the
// deepest, should one workspace lie inside another), "" for none.
func LessonAt(p *Progress, dir string) string {
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

// Started is what Start did.
type Started struct {
	Lesson   *Lesson
	Progress *LessonProgress
	// Resumed: the lesson was started before and its workspace is there.
	Resumed bool
	// Kept are the names in the workspace sysdojo did not make.
	Kept []string
}

// Start starts lesson id (or goes back to it): its workspace is dir, or
// Home/sysdojo-lab/ID when "" (a started lesson keeps its own).
func (s *Session) Start(id, dir string) (*Started, error) {
	if _, err := Get(id); err != nil {
		return nil, err
	}
	out := &Started{}
	err := s.update(func(p *Progress) error {
		if s.Remote != nil {
			if err := s.Remote.Seed(p); err != nil {
				return err
			}
		}
		l, err := s.Bound(id, p)
		if err != nil {
			return err
		}
		if p.UID == 0 && s.UID > 0 {
			p.UID = s.UID
			if l, err = s.Bound(id, p); err != nil {
				return err
			}
		}
		out.Lesson = l
		p.Current = id
		now := s.now()
		if lp := p.Lesson(id); lp != nil && dir == "" {
			if _, err := os.Stat(lp.Dir); err == nil {
				out.Progress, out.Resumed = lp, true
				return nil
			}
		}
		if dir == "" {
			dir = filepath.Join(s.Home, "sysdojo-lab", id)
		}
		if dir, err = filepath.Abs(dir); err != nil {
			return err
		}
		ws, err := s.Workspaces()
		if err != nil {
			return err
		}
		prep, err := ws.Start(l, dir)
		if err != nil {
			return err
		}
		out.Kept = prep.Kept
		out.Progress = &LessonProgress{Dir: dir, Step: 1, Started: now, Updated: now}
		p.Lessons[id] = out.Progress
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Checked is what Check did.
type Checked struct {
	Lesson   *Lesson
	Progress *LessonProgress
	Result   StepResult
	// Already: the lesson was finished before; nothing was checked.
	Already bool
	// Finished: this check passed the lesson's last step.
	Finished bool
	// Via is what the class server said when it checked (Remote).
	Via any
}

// Check checks the current step of lesson id (see Which) in the
// student's workspace, with their rights; when answer is not nil, it is
// recorded as the step's answer first (the step must be a quiz). A
// passing step is marked done and the lesson goes on.
func (s *Session) Check(id string, answer *string) (*Checked, error) {
	out := &Checked{}
	err := s.update(func(p *Progress) error {
		l, lp, err := s.Current(p, id)
		if err != nil {
			return err
		}
		out.Lesson, out.Progress = l, lp
		if lp.Step > len(l.Steps) {
			out.Already = true
			return nil
		}
		if answer != nil {
			if !l.Steps[lp.Step-1].IsQuiz() {
				return i18n.Invalid(i18n.T("step %d of %s is not a quiz: do the task, then 'sysdojo lesson check'",
					"%[2]s의 %[1]d단계는 퀴즈가 아닙니다. 과제를 한 뒤 'sysdojo lesson check'를 실행하세요").F(lp.Step, l.ID))
			}
			if lp.Answers == nil {
				lp.Answers = map[int]string{}
			}
			lp.Answers[lp.Step] = *answer
		}
		if s.Remote != nil {
			if out.Result, out.Via, err = s.Remote.Check(p, l, lp, answer != nil); err != nil {
				return err
			}
		} else {
			out.Result = l.CheckStep(lp.Step, Env{Dir: lp.Dir, Answer: lp.Answers[lp.Step]})
		}
		if out.Result.Passed {
			now := s.now()
			lp.MarkDone(lp.Step, now)
			lp.Step++
			if lp.Step > len(l.Steps) {
				out.Finished = true
				lp.Finished = &now
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// StudentWorkspace is a student's workspace as a grader or a class server
// names it: the directory and whose it is.
type StudentWorkspace struct {
	Dir      string
	UID, GID uint32
}

// CheckWorkspace checks step n (from 1) of lesson id, bound to the
// student's seed and machine values, in the workspace ws, looking with
// the workspace owner's rights when the caller is root: the entry point
// for a server that checks students' work. answer is the student's
// answer to a quiz step ("" when none). Nothing is recorded.
func CheckWorkspace(id string, n int, seed string, vars map[string]string, ws StudentWorkspace, answer string) (StepResult, error) {
	src, err := Get(id)
	if err != nil {
		return StepResult{}, err
	}
	if n < 1 || n > len(src.Steps) {
		return StepResult{}, i18n.Invalid(i18n.T("lesson %s has no step %d", "레슨 %s에는 %d단계가 없습니다").F(id, n))
	}
	env := Env{Dir: ws.Dir, Answer: answer}
	if os.Geteuid() == 0 && ws.UID != 0 {
		env.As = OwnerCreds(ws.UID, ws.GID)
	}
	return src.Bind(seed, vars).CheckStep(n, env), nil
}

// Help is what Hint or Solution gave.
type Help struct {
	Lesson *Lesson
	Step   int // from 1
	// Hint is the hint shown (Hint), numbered Shown of Total; zero when
	// the step has none.
	Hint         i18n.Text
	Shown, Total int
	// Commands are the solution's commands (Solution), and for a quiz
	// step the answer command.
	Commands []string
}

// stepOf returns the current, unfinished lesson and its progress.
func (s *Session) stepOf(p *Progress) (*Lesson, *LessonProgress, error) {
	l, lp, err := s.Current(p, "")
	if err != nil {
		return nil, nil, err
	}
	if lp.Step > len(l.Steps) {
		return nil, nil, i18n.Invalid(i18n.T("lesson %s is already finished", "레슨 %s는 이미 끝났습니다").F(l.ID))
	}
	return l, lp, nil
}

// Hint shows the next rung of the current step's hint ladder (the idea,
// then the shape of the command) and records it; at the top it shows the
// last one again.
func (s *Session) Hint() (*Help, error) {
	out := &Help{}
	err := s.update(func(p *Progress) error {
		l, lp, err := s.stepOf(p)
		if err != nil {
			return err
		}
		ladder := l.Steps[lp.Step-1].Ladder()
		out.Lesson, out.Step, out.Total = l, lp.Step, len(ladder)
		if lp.Hints == nil {
			lp.Hints = map[int]int{}
		}
		if lp.Hints[lp.Step] < len(ladder) {
			lp.Hints[lp.Step]++ // only hints actually shown count
		}
		if s.Remote != nil {
			if k, err := s.Remote.Hint(l, lp); err != nil {
				return err
			} else if k > 0 {
				lp.Hints[lp.Step] = min(k, len(ladder))
			}
		}
		out.Shown = lp.Hints[lp.Step]
		if out.Shown > 0 {
			out.Hint = ladder[out.Shown-1]
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Solution gives the current step's full solution and records that it
// was shown (graders see it beside the step).
func (s *Session) Solution() (*Help, error) {
	out := &Help{}
	err := s.update(func(p *Progress) error {
		l, lp, err := s.stepOf(p)
		if err != nil {
			return err
		}
		if !contains(lp.Solutions, lp.Step) {
			lp.Solutions = append(lp.Solutions, lp.Step)
		}
		st := &l.Steps[lp.Step-1]
		out.Lesson, out.Step = l, lp.Step
		out.Commands = append(out.Commands, st.Solution...)
		if st.IsQuiz() {
			if st.AnswerCmd != "" {
				out.Commands = append(out.Commands, "sysdojo lesson answer $("+st.AnswerCmd+")")
			} else {
				out.Commands = append(out.Commands, "sysdojo lesson answer "+st.Answer)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Skipped is what Skip did.
type Skipped struct {
	Lesson   *Lesson
	Progress *LessonProgress
	Step     int // the step skipped
	Finished bool
}

// Skip skips the current step, which must need root while the student
// is not root.
func (s *Session) Skip() (*Skipped, error) {
	out := &Skipped{}
	err := s.update(func(p *Progress) error {
		l, lp, err := s.stepOf(p)
		if err != nil {
			return err
		}
		if !l.Steps[lp.Step-1].NeedsRoot || s.Root {
			return i18n.Invalid(i18n.T("only a step that needs root can be skipped, and only when you are not root",
				"건너뛸 수 있는 것은 root가 필요한 단계뿐이고, root가 아닐 때만입니다"))
		}
		out.Lesson, out.Progress, out.Step = l, lp, lp.Step
		lp.Skipped = append(lp.Skipped, lp.Step)
		lp.Step++
		if lp.Step > len(l.Steps) {
			now := s.now()
			out.Finished, lp.Finished = true, &now
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Reset starts lesson id over: what sysdojo made in its workspace is
// made afresh (the student's own files stay) and its progress cleared.
func (s *Session) Reset(id string) (*Started, error) {
	if _, err := Get(id); err != nil {
		return nil, err
	}
	out := &Started{}
	err := s.update(func(p *Progress) error {
		l, err := s.Bound(id, p)
		if err != nil {
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
		ws, err := s.Workspaces()
		if err != nil {
			return err
		}
		prep, err := ws.Reset(l, dir)
		if err != nil {
			return err
		}
		now := s.now()
		out.Lesson, out.Kept = l, prep.Kept
		out.Progress = &LessonProgress{Dir: dir, Step: 1, Started: now, Updated: now}
		p.Lessons[id] = out.Progress
		p.Current = id
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
