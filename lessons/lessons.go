// Package lessons holds sysdojo's course: the lesson format, the embedded
// lesson content (English and Korean), the checks that inspect a student's
// real work, the per-student seed that varies value answers, and the
// progress store.
//
// One lesson source has four uses: `lesson start/check/hint` teaches it,
// `demo` narrates it and runs each step's solution live, tests run every
// solution in a temporary workspace, and a handout can be rendered from it.
// See FORMAT.md for the file format.
//
// The package never prints; it returns values (Lesson, StepResult,
// Progress) and errors, many of them *i18n.Error.
package lessons

import (
	"bytes"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

//go:embed content/*.yaml
var content embed.FS

// Lesson is one lesson as written in its source file. Texts may hold
// ${name} placeholders for per-student values; Bind fills them in.
type Lesson struct {
	ID    string    `yaml:"id" json:"id"`
	Order int       `yaml:"order" json:"order"`
	Topic string    `yaml:"topic" json:"topic"`
	Title i18n.Text `yaml:"title" json:"title"`
	// Intro is shown by `lesson start` before the first step.
	Intro i18n.Text `yaml:"intro" json:"intro"`
	// Files are the workspace's starting files.
	Files []File `yaml:"files" json:"files,omitempty"`
	// Params are per-student value groups: one row of each is chosen
	// from the student's seed.
	Params []Param `yaml:"params" json:"params,omitempty"`
	Steps  []Step  `yaml:"steps" json:"steps"`
	// Outro is shown when the lesson is finished.
	Outro i18n.Text `yaml:"outro" json:"outro"`

	source   string
	fromFile bool              // an instructor's file, not the built-in course
	tour     bool              // a tour made flat (Tour.Flat)
	vars     map[string]string // set by Bind
}

// File is one starting file of a lesson's workspace.
type File struct {
	Path    string `yaml:"path" json:"path"`
	Type    string `yaml:"type" json:"type,omitempty"` // "file" (default), "dir", "symlink"
	Content string `yaml:"content" json:"content,omitempty"`
	Target  string `yaml:"target" json:"target,omitempty"` // for a symlink
	Mode    string `yaml:"mode" json:"mode,omitempty"`     // octal; default 0644 / 0755
}

// Param is a group of values chosen together: one row per student.
type Param struct {
	Choose []map[string]string `yaml:"choose" json:"choose"`
}

// Step is one task of a lesson.
type Step struct {
	Title i18n.Text `yaml:"title" json:"title"`
	// Text explains the idea; Task says what to do.
	Text i18n.Text `yaml:"text" json:"text"`
	Task i18n.Text `yaml:"task" json:"task"`
	// Solution are shell commands (run with /bin/sh -c in the
	// workspace) that do the task.
	Solution []string `yaml:"solution" json:"solution,omitempty"`
	// Answer is the value a quiz step expects through `lesson answer`
	// (the first accepted answer, for demos and tests); AnswerCmd is a
	// shell command whose output is that value, when it depends on the
	// machine (an inode number).
	Answer    string      `yaml:"answer" json:"answer,omitempty"`
	AnswerCmd string      `yaml:"answer_cmd" json:"answer_cmd,omitempty"`
	Checks    []Check     `yaml:"checks" json:"checks"`
	Hints     []i18n.Text `yaml:"hints" json:"hints"`
	// NeedsRoot marks a step whose task only root can do.
	NeedsRoot bool `yaml:"needs_root" json:"needs_root,omitempty"`
	// Explain is what a student who is not root would have seen; shown
	// instead of running the step.
	Explain i18n.Text `yaml:"explain" json:"explain,omitempty"`
	// From, only in a tour, takes the whole step from a lesson: "ID/N"
	// (step N, from 1, of lesson ID). See tour.go.
	From string `yaml:"from" json:"from,omitempty"`
}

// Check is one criterion of a step. Kind selects what it inspects; the
// other fields are that kind's arguments (see FORMAT.md).
type Check struct {
	Kind  string   `yaml:"kind" json:"kind"`
	Path  string   `yaml:"path" json:"path,omitempty"`
	Paths []string `yaml:"paths" json:"paths,omitempty"`
	Want  string   `yaml:"want" json:"want,omitempty"`
	// Container names the container the container kinds look at.
	Container string `yaml:"container" json:"container,omitempty"`
	// Accept lists more accepted quiz answers besides Want.
	Accept []string `yaml:"accept" json:"accept,omitempty"`
	// Why explains the criterion in the lesson's terms (optional).
	Why i18n.Text `yaml:"why" json:"why,omitempty"`
}

// IsQuiz reports whether the step is answered with `lesson answer`.
func (s *Step) IsQuiz() bool {
	for _, c := range s.Checks {
		if c.Kind == KindAnswer || c.Kind == KindAnswerInode {
			return true
		}
	}
	return false
}

// NeedsRoot reports whether any step of l needs root.
func (l *Lesson) NeedsRoot() bool {
	for _, s := range l.Steps {
		if s.NeedsRoot {
			return true
		}
	}
	return false
}

// Source is the file l was read from (embedded, or an instructor's).
func (l *Lesson) Source() string { return l.source }

// FromFile reports whether l comes from an instructor's file.
func (l *Lesson) FromFile() bool { return l.fromFile }

var (
	loadOnce sync.Once
	loaded   []*Lesson
	loadErr  error
)

// All returns every lesson, in course order: the embedded course (parsed
// and validated once) and the instructors' lessons given to
// UseFileLessons.
func All() ([]*Lesson, error) {
	embedded, err := embeddedLessons()
	if err != nil {
		return nil, err
	}
	return withFileLessons(embedded), nil
}

func embeddedLessons() ([]*Lesson, error) {
	loadOnce.Do(func() { loaded, loadErr = Load(content, "content") })
	return loaded, loadErr
}

// Get returns the embedded lesson id, or an i18n.Invalid error naming the
// command that lists them.
func Get(id string) (*Lesson, error) {
	all, err := All()
	if err != nil {
		return nil, err
	}
	for _, l := range all {
		if l.ID == id {
			return l, nil
		}
	}
	return nil, i18n.Invalid(i18n.T("unknown lesson %q", "그런 레슨은 없습니다: %q").F(id)).
		WithHint(i18n.T("see 'sysdojo lesson list'", "'sysdojo lesson list'로 목록을 보세요"))
}

// Load parses and validates every *.yaml file in dir of fsys.
func Load(fsys fs.FS, dir string) ([]*Lesson, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	var out []*Lesson
	seen := map[string]string{}
	for _, name := range names {
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		l, err := Parse(name, data)
		if err != nil {
			return nil, err
		}
		if prev, ok := seen[l.ID]; ok {
			return nil, fmt.Errorf("%s: lesson id %q already used by %s", name, l.ID, prev)
		}
		seen[l.ID] = name
		out = append(out, l)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Order < out[j].Order })
	return out, nil
}

// Parse reads one lesson source and validates it.
func Parse(name string, data []byte) (*Lesson, error) {
	var l Lesson
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&l); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	l.source = name
	if err := l.Validate(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &l, nil
}

var idRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-z][a-z0-9-]*$`) })

// Validate checks that l is complete: an id, both languages of every
// text, and for every step a task, a check of a known kind with its
// arguments, a way to solve it, and at least one hint; every ${name}
// used is a parameter defined in every row.
func (l *Lesson) Validate() error {
	var errs []string
	bad := func(format string, args ...any) { errs = append(errs, fmt.Sprintf(format, args...)) }
	if !idRE().MatchString(l.ID) {
		bad("id %q: want lower-case letters, digits and dashes", l.ID)
	}
	text := func(where string, t i18n.Text, required bool) {
		if required && t.En == "" && t.Ko == "" {
			bad("%s: missing", where)
			return
		}
		if (t.En == "") != (t.Ko == "") {
			bad("%s: needs both en and ko", where)
		}
	}
	text("title", l.Title, true)
	text("intro", l.Intro, true)
	text("outro", l.Outro, false)
	// Parameters: every row of a group defines the same names.
	names := map[string]bool{}
	for i, p := range l.Params {
		if len(p.Choose) == 0 {
			bad("params[%d]: empty choose", i)
			continue
		}
		for k := range p.Choose[0] {
			names[k] = true
		}
		for j, row := range p.Choose {
			if len(row) != len(p.Choose[0]) {
				bad("params[%d].choose[%d]: rows must define the same names", i, j)
			}
			for k := range row {
				if _, ok := p.Choose[0][k]; !ok {
					bad("params[%d].choose[%d]: %q not in the first row", i, j, k)
				}
			}
		}
	}
	refs := func(where, s string) {
		for _, m := range placeholderRE().FindAllStringSubmatch(s, -1) {
			if !names[m[1]] && !builtin[m[1]] {
				bad("%s: unknown placeholder ${%s}", where, m[1])
			}
		}
	}
	refText := func(where string, t i18n.Text) { refs(where+".en", t.En); refs(where+".ko", t.Ko) }
	refText("intro", l.Intro)
	for i, f := range l.Files {
		switch f.Type {
		case "", "file", "dir", "symlink":
		default:
			bad("files[%d]: unknown type %q", i, f.Type)
		}
		if f.Path == "" || path.IsAbs(f.Path) || strings.HasPrefix(path.Clean(f.Path), "..") {
			bad("files[%d]: path %q must be relative, inside the workspace", i, f.Path)
		}
		refs(fmt.Sprintf("files[%d]", i), f.Content+" "+f.Mode+" "+f.Target)
	}
	if len(l.Steps) == 0 {
		bad("no steps")
	}
	for i, s := range l.Steps {
		w := fmt.Sprintf("steps[%d]", i)
		if s.From != "" {
			bad("%s: from is only for a tour's steps", w)
		}
		text(w+".title", s.Title, true)
		text(w+".text", s.Text, true)
		text(w+".task", s.Task, true)
		text(w+".explain", s.Explain, false)
		refText(w+".title", s.Title)
		refText(w+".text", s.Text)
		refText(w+".task", s.Task)
		if len(s.Hints) == 0 {
			bad("%s: no hints", w)
		}
		for j, h := range s.Hints {
			text(fmt.Sprintf("%s.hints[%d]", w, j), h, true)
			refText(fmt.Sprintf("%s.hints[%d]", w, j), h)
		}
		if len(s.Checks) == 0 {
			bad("%s: no checks", w)
		}
		for _, c := range s.Solution {
			refs(w+".solution", c)
		}
		refs(w+".answer", s.Answer)
		refs(w+".answer_cmd", s.AnswerCmd)
		if s.IsQuiz() {
			if s.Answer == "" && s.AnswerCmd == "" {
				bad("%s: a quiz step needs answer or answer_cmd", w)
			}
		} else if len(s.Solution) == 0 {
			bad("%s: no solution", w)
		}
		for j, c := range s.Checks {
			cw := fmt.Sprintf("%s.checks[%d]", w, j)
			if !isKind(c.Kind) {
				bad("%s: unknown kind %q", cw, c.Kind)
				continue
			}
			text(cw+".why", c.Why, false)
			refs(cw, c.Path+" "+c.Want+" "+c.Container+" "+strings.Join(c.Paths, " ")+" "+strings.Join(c.Accept, " "))
			if msg := registry[c.Kind].Validate(c); msg != "" {
				bad("%s: %s", cw, msg)
			}
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("invalid lesson %s:\n  %s", l.ID, strings.Join(errs, "\n  "))
	}
	return nil
}
