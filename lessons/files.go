package lessons

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Lessons an instructor writes: YAML files in a directory (`--lessons
// DIR`, $SYSDOJO_LESSONS, /etc/sysdojo/lessons), in the same format as
// the built-in ones. Such a file is untrusted input: a directory or file
// anyone else may write is refused (another user could plant a lesson
// whose script a root grader would run), only regular files are read
// (never through a link), each at most MaxLessonFile bytes and at most
// MaxLessonFiles of them, and each is validated like a built-in lesson.

// Bounds on a lesson directory.
const (
	MaxLessonFile  = 256 << 10
	MaxLessonFiles = 200
)

// DefaultLessonDir is the system-wide directory of instructors' lessons.
const DefaultLessonDir = "/etc/sysdojo/lessons"

var (
	fileMu      sync.RWMutex
	fileLessons []*Lesson
)

// UseFileLessons adds ls (from LoadDir) to the course that All and Get
// return, replacing earlier ones.
func UseFileLessons(ls []*Lesson) {
	fileMu.Lock()
	defer fileMu.Unlock()
	fileLessons = ls
}

func withFileLessons(embedded []*Lesson) []*Lesson {
	fileMu.RLock()
	defer fileMu.RUnlock()
	if len(fileLessons) == 0 {
		return embedded
	}
	out := append(append([]*Lesson{}, embedded...), fileLessons...)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out
}

// trusted refuses a lesson directory or file that someone other than
// this user (or root) owns, or that group or others may write.
func trusted(path string, st os.FileInfo) error {
	sys, ok := st.Sys().(*syscall.Stat_t)
	if !ok {
		return fmt.Errorf("%s: cannot tell who owns it", path)
	}
	if sys.Uid != 0 && int(sys.Uid) != os.Geteuid() {
		return fmt.Errorf("%s belongs to uid %d, neither you nor root: lessons run scripts, so only yours or root's are read", path, sys.Uid)
	}
	if st.Mode().Perm()&0o022 != 0 && st.Mode()&os.ModeSticky == 0 {
		return fmt.Errorf("%s is writable by others (mode %04o): anyone could change the lessons there", path, st.Mode().Perm())
	}
	return nil
}

// LoadDir reads, validates and returns the lessons in dir (*.yaml). An
// id may not be a built-in lesson's nor repeat one in dir. Errors are
// i18n.Invalid: the file and what is wrong with it.
func LoadDir(dir string) ([]*Lesson, error) {
	bad := func(err error) error {
		return i18n.Invalid(t("lessons in %s: %s", "%s의 레슨: %s").F(Printable(dir), Printable(err.Error())))
	}
	st, err := os.Stat(dir)
	if err != nil {
		return nil, bad(err)
	}
	if !st.IsDir() {
		return nil, bad(errors.New("not a directory"))
	}
	if err := trusted(dir, st); err != nil {
		return nil, bad(err)
	}
	names, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		return nil, bad(err)
	}
	if len(names) > MaxLessonFiles {
		return nil, bad(fmt.Errorf("%d lesson files; at most %d are read", len(names), MaxLessonFiles))
	}
	embedded, err := embeddedLessons()
	if err != nil {
		return nil, err
	}
	seen := map[string]string{}
	for _, l := range embedded {
		seen[l.ID] = "the built-in course"
	}
	var out []*Lesson
	for _, name := range names {
		fi, err := os.Lstat(name)
		if err != nil {
			return nil, bad(err)
		}
		if !fi.Mode().IsRegular() {
			return nil, bad(fmt.Errorf("%s is not a regular file", filepath.Base(name)))
		}
		if err := trusted(name, fi); err != nil {
			return nil, bad(err)
		}
		data, err := ReadUserFile(name, MaxLessonFile, true)
		if err != nil {
			return nil, bad(fmt.Errorf("%s: %s", filepath.Base(name), ReadWhy(err).En))
		}
		l, err := Parse(name, data)
		if err != nil {
			return nil, bad(err)
		}
		if prev, ok := seen[l.ID]; ok {
			return nil, bad(fmt.Errorf("%s: lesson id %q is already used by %s", filepath.Base(name), l.ID, prev))
		}
		seen[l.ID] = filepath.Base(name)
		l.fromFile = true
		out = append(out, l)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out, nil
}

// Problem is one thing `lesson validate` found wrong with a step.
type Problem struct {
	Lesson string
	Step   int // from 1; 0 for the lesson as a whole
	Seed   string
	What   string
}

func (p Problem) String() string {
	if p.Step == 0 {
		return fmt.Sprintf("%s: %s", p.Lesson, p.What)
	}
	return fmt.Sprintf("%s step %d (seed %s): %s", p.Lesson, p.Step, p.Seed, p.What)
}

// Prove runs lesson l for seed in a fresh workspace under tmp, step by
// step: each check must fail just before its step's solution and pass
// just after it (the verdict property). Steps that need root are left
// out when root is false; skipped counts them. The solutions run as this
// process: prove only lessons you would run yourself.
func Prove(ctx context.Context, src *Lesson, seed string, vars map[string]string, tmp string, root bool) (problems []Problem, skipped int) {
	l := src.Bind(seed, vars)
	dir, err := os.MkdirTemp(tmp, l.ID+"-")
	if err != nil {
		return []Problem{{Lesson: l.ID, What: err.Error()}}, 0
	}
	if err := l.Setup(dir); err != nil {
		return []Problem{{Lesson: l.ID, What: "setting the workspace up: " + err.Error()}}, 0
	}
	for n := 1; n <= len(l.Steps); n++ {
		if l.Steps[n-1].NeedsRoot && !root {
			skipped++
			continue
		}
		add := func(what string) { problems = append(problems, Problem{Lesson: l.ID, Step: n, Seed: seed, What: what}) }
		if l.CheckStep(n, Env{Dir: dir}).Passed {
			add("the check passes before the step's solution: it proves nothing")
		}
		var out bytes.Buffer
		answer, err := l.Solve(ctx, n, dir, &out)
		if err != nil {
			add(fmt.Sprintf("the solution fails: %v: %s", err, strings.TrimSpace(out.String())))
			return problems, skipped
		}
		if r := l.CheckStep(n, Env{Dir: dir, Answer: answer}); !r.Passed {
			var lines []string
			for _, c := range r.Criteria {
				if !c.OK {
					lines = append(lines, c.Line.En)
				}
			}
			add("the check fails after the step's solution: " + strings.Join(lines, "; "))
			return problems, skipped
		}
	}
	return problems, skipped
}
