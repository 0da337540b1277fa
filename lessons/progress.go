package lessons

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/google/renameio/v2"
	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Progress is one student's state: their seed, the current lesson, and
// per lesson the workspace, the current step and what is done.
type Progress struct {
	Version int    `json:"version"`
	Seed    string `json:"seed"`
	// Student is a display name (the user name by default), for class
	// reports.
	Student string `json:"student,omitempty"`
	// UID is the student's uid, recorded at the first start (the user who
	// ran sudo, under sudo): per-student ports derive from it (${pb}).
	UID     int                        `json:"uid,omitempty"`
	Current string                     `json:"current,omitempty"`
	Lessons map[string]*LessonProgress `json:"lessons"`
}

// LessonProgress is the state of one lesson.
type LessonProgress struct {
	Dir  string `json:"dir"`
	Step int    `json:"step"` // the current step, from 1; len(steps)+1 when done
	// Done lists the steps passed (from 1); Skipped those a student who
	// is not root read but could not do.
	Done    []int       `json:"done,omitempty"`
	Skipped []int       `json:"skipped,omitempty"`
	Hints   map[int]int `json:"hints,omitempty"` // step -> hints shown
	// Solutions lists the steps whose full solution was shown (`lesson
	// solution`): graders see it beside the step.
	Solutions []int             `json:"solutions,omitempty"`
	Answers   map[int]string    `json:"answers,omitempty"` // step -> answer given
	Started   time.Time         `json:"started"`
	Updated   time.Time         `json:"updated"`
	Extra     map[string]string `json:"extra,omitempty"`
	// Finished is when the last step passed.
	Finished *time.Time `json:"finished,omitempty"`
}

// Lesson returns the progress of lesson id (nil when never started).
func (p *Progress) Lesson(id string) *LessonProgress { return p.Lessons[id] }

// IsDone reports whether step n is passed or skipped.
func (lp *LessonProgress) IsDone(n int) bool {
	for _, d := range append(lp.Done, lp.Skipped...) {
		if d == n {
			return true
		}
	}
	return false
}

// MarkDone records step n as passed.
func (lp *LessonProgress) MarkDone(n int, now time.Time) {
	if !lp.IsDone(n) {
		lp.Done = append(lp.Done, n)
	}
	lp.Updated = now
}

// Store is the progress file. Writes are atomic (a temporary file renamed
// over the old one) and serialized by a lock file, so two quick commands
// lose nothing.
type Store struct {
	Path string
}

// DefaultPath is where progress lives: $SYSDOJO_PROGRESS, else
// $XDG_STATE_HOME/sysdojo/progress.json, else
// ~/.local/state/sysdojo/progress.json.
func DefaultPath(getenv func(string) string) string {
	if p := getenv("SYSDOJO_PROGRESS"); p != "" {
		return p
	}
	if d := getenv("XDG_STATE_HOME"); d != "" && filepath.IsAbs(d) {
		return filepath.Join(d, "sysdojo", "progress.json")
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".local", "state", "sysdojo", "progress.json")
}

// Notice is something the caller should tell the student.
type Notice = i18n.Text

// Load reads the progress. A missing file is a fresh start with a new
// seed (not yet written). Load changes nothing on disk: a file that is
// not a valid progress file (not JSON, no seed, steps out of range, an
// unknown lesson, a FIFO or device, bigger than MaxProgressSize) is an
// i18n.Invalid error that says what to do, and the file is left as it is.
func (s *Store) Load() (*Progress, *Notice, error) {
	data, err := ReadUserFile(s.Path, MaxProgressSize, false)
	if errors.Is(err, fs.ErrNotExist) {
		return fresh(), nil, nil
	}
	if err != nil {
		return nil, nil, i18n.Invalid(i18n.T("progress file %s: %s", "진행 기록 파일 %s: %s").F(Printable(s.Path), readWhy(err))).
			WithHint(i18n.T("give a progress file with --progress", "--progress로 진행 기록 파일을 주세요"))
	}
	p, why := ParseProgress(data)
	if !why.IsZero() {
		return nil, nil, i18n.Invalid(i18n.T("%s is not a valid sysdojo progress file: %s", "%s: 올바른 sysdojo 진행 기록 파일이 아닙니다: %s").F(Printable(s.Path), why)).
			WithHint(i18n.T("sysdojo leaves it as it is: move it away, or give another file with --progress",
				"sysdojo는 이 파일을 그대로 둡니다. 다른 곳으로 옮기거나 --progress로 다른 파일을 주세요"))
	}
	return p, nil, nil
}

// ParseProgress decodes and validates a progress file; a non-zero Text
// says why it is not a valid one (never quoting its content).
func ParseProgress(data []byte) (*Progress, i18n.Text) {
	var p Progress
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, jsonWhy(err)
	}
	if p.Seed == "" {
		return nil, t("no seed", "seed가 없습니다")
	}
	all, err := All()
	if err != nil {
		return nil, t("%v", "%v").F(err)
	}
	if why := p.validate(all); !why.IsZero() {
		return nil, why
	}
	if p.Lessons == nil {
		p.Lessons = map[string]*LessonProgress{}
	}
	return &p, i18n.Text{}
}

// jsonWhy says why data is not JSON of the right shape, by position and
// field only: the message never quotes the data.
func jsonWhy(err error) i18n.Text {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		return t("not JSON (at byte %d)", "JSON이 아닙니다 (%d번째 바이트)").F(se.Offset)
	case errors.As(err, &te):
		return t("field %s has the wrong type", "%s 항목의 형식이 틀렸습니다").F(Printable(te.Field))
	}
	return t("not JSON", "JSON이 아닙니다")
}

// Limits on what a progress file holds.
const (
	maxSeed   = 128
	maxString = 4096
)

// validate checks p against the course: every lesson known, its step
// and the steps done, skipped, hinted and answered in range.
func (p *Progress) validate(all []*Lesson) i18n.Text {
	steps := map[string]int{}
	for _, l := range all {
		steps[l.ID] = len(l.Steps)
	}
	if len(p.Seed) > maxSeed || len(p.Student) > maxString {
		return t("seed or student name too long", "seed나 학생 이름이 너무 깁니다")
	}
	if p.Current != "" {
		if _, ok := steps[p.Current]; !ok {
			return t("unknown current lesson %q", "현재 레슨 %q: 없는 레슨입니다").F(Printable(p.Current))
		}
	}
	for id, lp := range p.Lessons {
		n, ok := steps[id]
		if !ok {
			return t("unknown lesson %q", "없는 레슨입니다: %q").F(Printable(id))
		}
		bad := func() i18n.Text {
			return t("lesson %s: a step out of range (1 to %d)", "레슨 %s: 단계 번호가 범위(1~%d)를 벗어났습니다").F(id, n)
		}
		if lp == nil {
			return t("lesson %s: empty entry", "레슨 %s: 항목이 비어 있습니다").F(id)
		}
		if lp.Step < 1 || lp.Step > n+1 {
			return bad()
		}
		if len(lp.Dir) > maxString {
			return t("lesson %s: workspace path too long", "레슨 %s: 작업 디렉터리 경로가 너무 깁니다").F(id)
		}
		for _, list := range [][]int{lp.Done, lp.Skipped, lp.Solutions} {
			if len(list) > n {
				return bad()
			}
			for _, d := range list {
				if d < 1 || d > n {
					return bad()
				}
			}
		}
		for k, v := range lp.Hints {
			if k < 1 || k > n || v < 0 || v > 1000 {
				return bad()
			}
		}
		for k, a := range lp.Answers {
			if k < 1 || k > n {
				return bad()
			}
			if len(a) > maxString {
				return t("lesson %s: answer too long", "레슨 %s: 답이 너무 깁니다").F(id)
			}
		}
	}
	return i18n.Text{}
}

func fresh() *Progress {
	return &Progress{Version: 1, Seed: NewSeed(), Lessons: map[string]*LessonProgress{}}
}

// Save writes p atomically, creating the directory.
func (s *Store) Save(p *Progress) error {
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o755); err != nil {
		return i18n.Failed(i18n.T("saving progress", "진행 기록을 저장하는 중"), err)
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	if err := renameio.WriteFile(s.Path, append(data, '\n'), 0o644); err != nil {
		return i18n.Failed(i18n.T("saving progress", "진행 기록을 저장하는 중"), err)
	}
	return nil
}

// Update loads the progress under an exclusive lock, lets f change it,
// and saves it when f returns nil. The notice, if any, is from Load.
func (s *Store) Update(f func(*Progress) error) (*Notice, error) {
	// A file that is not a progress file is refused before anything is
	// made beside it (the lock file, the directory).
	if _, _, err := s.Load(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(s.Path), 0o755); err != nil {
		return nil, i18n.Failed(i18n.T("saving progress", "진행 기록을 저장하는 중"), err)
	}
	lock, err := os.OpenFile(s.Path+".lock", os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, i18n.Failed(i18n.T("locking progress", "진행 기록을 잠그는 중"), err)
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		return nil, i18n.Failed(i18n.T("locking progress", "진행 기록을 잠그는 중"), err)
	}
	defer unix.Flock(int(lock.Fd()), unix.LOCK_UN)
	p, notice, err := s.Load()
	if err != nil {
		return notice, err
	}
	if err := f(p); err != nil {
		return notice, err
	}
	return notice, s.Save(p)
}

// Import replaces the progress with an exported progress file's data,
// after checking that it is a valid progress file.
func (s *Store) Import(data []byte) error {
	in, why := ParseProgress(data)
	if !why.IsZero() {
		return i18n.Invalid(t("not a valid sysdojo progress file: %s", "올바른 sysdojo 진행 기록 파일이 아닙니다: %s").F(why))
	}
	_, err := s.Update(func(p *Progress) error {
		*p = *in
		return nil
	})
	return err
}
