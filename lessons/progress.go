package lessons

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/google/renameio/v2"
	"golang.org/x/sys/unix"

	"sysdojo/internal/i18n"
)

// Progress is one student's state: their seed, the current lesson, and
// per lesson the workspace, the current step and what is done.
type Progress struct {
	Version int    `json:"version"`
	Seed    string `json:"seed"`
	// Student is a display name (the user name by default), for class
	// reports.
	Student string                     `json:"student,omitempty"`
	Current string                     `json:"current,omitempty"`
	Lessons map[string]*LessonProgress `json:"lessons"`
}

// LessonProgress is the state of one lesson.
type LessonProgress struct {
	Dir  string `json:"dir"`
	Step int    `json:"step"` // the current step, from 1; len(steps)+1 when done
	// Done lists the steps passed (from 1); Skipped those a student who
	// is not root read but could not do.
	Done    []int             `json:"done,omitempty"`
	Skipped []int             `json:"skipped,omitempty"`
	Hints   map[int]int       `json:"hints,omitempty"`   // step -> hints shown
	Answers map[int]string    `json:"answers,omitempty"` // step -> answer given
	Started time.Time         `json:"started"`
	Updated time.Time         `json:"updated"`
	Extra   map[string]string `json:"extra,omitempty"`
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

// Notice is something the caller should tell the student (a corrupt
// progress file kept aside).
type Notice = i18n.Text

// Load reads the progress. A missing file is a fresh start with a new
// seed (not yet written). A corrupt file is renamed aside to
// PATH.corrupt-TIME and a fresh start is returned with a notice saying so.
func (s *Store) Load() (*Progress, *Notice, error) {
	data, err := os.ReadFile(s.Path)
	if errors.Is(err, fs.ErrNotExist) {
		return fresh(), nil, nil
	}
	if err != nil {
		return nil, nil, i18n.Failed(i18n.T("reading progress", "진행 기록을 읽는 중"), err)
	}
	var p Progress
	if err := json.Unmarshal(data, &p); err != nil || p.Seed == "" {
		if err == nil {
			err = errors.New("no seed")
		}
		aside := fmt.Sprintf("%s.corrupt-%s", s.Path, time.Now().UTC().Format("20060102T150405"))
		if rerr := os.Rename(s.Path, aside); rerr != nil {
			return nil, nil, i18n.Failed(i18n.T("keeping the corrupt progress file aside", "망가진 진행 기록을 옮겨 두는 중"), rerr)
		}
		n := i18n.T("the progress file was damaged (%v); it is kept as %s and you start afresh",
			"진행 기록 파일이 망가져 있었습니다 (%v). %s로 옮겨 두고 새로 시작합니다").F(err, aside)
		return fresh(), &n, nil
	}
	if p.Lessons == nil {
		p.Lessons = map[string]*LessonProgress{}
	}
	return &p, nil, nil
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
// after checking that it parses.
func (s *Store) Import(data []byte) error {
	var in Progress
	if err := json.Unmarshal(data, &in); err != nil || in.Seed == "" {
		if err == nil {
			err = errors.New("no seed")
		}
		return i18n.Invalid(i18n.T("not a sysdojo progress file: %v", "sysdojo 진행 기록 파일이 아닙니다: %v").F(err))
	}
	if in.Lessons == nil {
		in.Lessons = map[string]*LessonProgress{}
	}
	_, err := s.Update(func(p *Progress) error {
		*p = in
		return nil
	})
	return err
}
