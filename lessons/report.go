package lessons

import (
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"

	"go.yaml.in/yaml/v3"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Case statuses.
const (
	StatusPass = "pass"
	StatusFail = "fail"
	StatusSkip = "skip"
)

// Case is one step of one lesson as a grader sees it: one TAP test point,
// one JUnit test case.
type Case struct {
	Lesson string    `json:"lesson"`
	Step   int       `json:"step"`
	Title  i18n.Text `json:"title"`
	// Status is pass or fail (skip is kept for callers that make
	// their own cases; Grade never skips).
	Status string     `json:"status"`
	Result StepResult `json:"result"`
	// SelfReported marks a failed step that the progress file claims
	// passed (or skipped): the claim is shown, never counted.
	SelfReported bool `json:"self_reported,omitempty"`
	// Note says why a case failed without a check (not started, no
	// workspace) or what the progress file claimed.
	Note i18n.Text `json:"note,omitempty"`
	// Hints is how many hints the student asked for on this step, and
	// Solution whether they had the full solution shown (as the progress
	// file records them: help asked for, not proof of anything).
	Hints    int  `json:"hints,omitempty"`
	Solution bool `json:"solution,omitempty"`
}

// helpText says what help a case used: "hints used: 2; solution shown".
func helpText(c Case) i18n.Text {
	switch {
	case c.Solution:
		return t("hints used: %d; solution shown", "힌트 %d개 사용, 풀이를 봄").F(c.Hints)
	case c.Hints > 0:
		return t("hints used: %d", "힌트 %d개 사용").F(c.Hints)
	}
	return i18n.Text{}
}

// GradeOptions say how Grade judges a lesson.
type GradeOptions struct {
	// Dir is the workspace (default: the one in the progress).
	Dir string
	// Root says whether this grader runs as root. As root, the workspace
	// is read with its owner's rights (see Creds); steps that need root
	// cannot be checked by a grader that is not root, and fail.
	Root bool
	// Passwd and Group are the user database files (default /etc/...).
	Passwd, Group string
}

// Grade checks every step of the bound lesson l against its workspace as
// it is now, with the student's answers from lp (nil: not started), and
// returns one Case per step. A step passes only when its check passes
// now; for a quiz step the recorded answer is checked against the answer
// computed for this student. What the progress file says was done or
// skipped never makes a step pass: such a step fails, marked
// SelfReported.
func Grade(l *Lesson, lp *LessonProgress, opt GradeOptions) []Case {
	cases := make([]Case, len(l.Steps))
	dir := opt.Dir
	if dir == "" && lp != nil {
		dir = lp.Dir
	}
	var dirWhy i18n.Text
	var as *Creds
	if lp != nil || dir != "" {
		st, err := os.Lstat(dir)
		switch {
		case err != nil:
			dirWhy = t("the workspace %s is missing", "작업 디렉터리 %s가 없습니다").F(Printable(dir))
		case st.Mode()&os.ModeSymlink != 0:
			dirWhy = t("the workspace %s is a symbolic link; a grader does not follow it", "작업 디렉터리 %s: 심볼릭 링크입니다. 채점기는 따라가지 않습니다").F(Printable(dir))
		case !st.IsDir():
			dirWhy = t("the workspace %s is not a directory", "작업 디렉터리 %s: 디렉터리가 아닙니다").F(Printable(dir))
		default:
			if sys, ok := st.Sys().(*syscall.Stat_t); ok && opt.Root && sys.Uid != 0 {
				as = OwnerCreds(sys.Uid, sys.Gid)
			}
		}
	}
	for i := range l.Steps {
		n := i + 1
		s := &l.Steps[i]
		c := Case{Lesson: l.ID, Step: n, Title: s.Title, Status: StatusFail, Result: StepResult{Step: n, Criteria: []Criterion{}}}
		if lp != nil {
			c.Hints, c.Solution = lp.Hints[n], contains(lp.Solutions, n)
		}
		switch {
		case lp == nil && opt.Dir == "":
			c.Note = t("lesson %s is not started", "레슨 %s를 시작하지 않았습니다").F(l.ID)
		case !dirWhy.IsZero():
			c.Note = dirWhy
		default:
			answer := ""
			if lp != nil {
				answer = lp.Answers[n]
			}
			c.Result = l.CheckStep(n, Env{Dir: dir, Answer: answer, Passwd: opt.Passwd, Group: opt.Group, As: as})
			switch {
			case c.Result.Passed:
				c.Status = StatusPass
			case lp != nil && contains(lp.Done, n):
				c.SelfReported = true
				c.Note = t("self-reported: the progress file says this step passed, but its check does not pass now",
					"자기 신고: 진행 기록에는 통과했다고 되어 있지만, 지금 확인하면 통과하지 않습니다")
			case lp != nil && contains(lp.Skipped, n):
				c.SelfReported = true
				c.Note = t("self-reported: the progress file says this step was skipped (needs root); it is not done",
					"자기 신고: 진행 기록에는 (root가 필요해서) 건너뛰었다고 되어 있지만, 과제가 되어 있지 않습니다")
			case s.NeedsRoot && !opt.Root:
				c.Note = t("needs root, and the grader is not root: grade as root to check it",
					"root가 필요한데 채점기가 root가 아닙니다: root로 채점해야 확인됩니다")
			}
		}
		c.Result.Passed = c.Status == StatusPass
		cases[i] = c
	}
	return cases
}

func contains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// AllPassed reports whether no case failed (skips do not fail).
func AllPassed(cases []Case) bool {
	for _, c := range cases {
		if c.Status == StatusFail {
			return false
		}
	}
	return true
}

// caseName is "perm-octal step 2: 754 for a script".
func caseName(c Case, lang i18n.Lang) string {
	return c.Lesson + " " + stepName(c, lang)
}

// stepName is "step 2: 754 for a script" ("2단계: 스크립트에 754").
func stepName(c Case, lang i18n.Lang) string {
	return t("step %d: %s", "%d단계: %s").F(c.Step, oneLine(c.Title.In(lang))).In(lang)
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// failLines are the lines that say why a case did not pass.
func failLines(c Case, lang i18n.Lang) []string {
	var out []string
	if !c.Note.IsZero() {
		out = append(out, c.Note.In(lang))
	}
	for _, cr := range c.Result.Criteria {
		if !cr.OK {
			out = append(out, cr.Line.In(lang))
		}
	}
	return out
}

// tapDiag is the YAML block under a TAP test point.
type tapDiag struct {
	Message  string `yaml:"message,omitempty"`
	Severity string `yaml:"severity,omitempty"`
	Lesson   string `yaml:"lesson"`
	Step     int    `yaml:"step"`
	// SelfReported: the progress file claims it; the check says no.
	SelfReported bool `yaml:"self_reported,omitempty"`
	// Hints and Solution: the help the student asked for on this step.
	Hints    int       `yaml:"hints,omitempty"`
	Solution bool      `yaml:"solution,omitempty"`
	Criteria []tapCrit `yaml:"criteria,omitempty"`
}

type tapCrit struct {
	OK   bool   `yaml:"ok"`
	Saw  string `yaml:"saw"`
	Want string `yaml:"want"`
	Text string `yaml:"text"`
}

// WriteTAP writes cases as a TAP version 13 stream: the plan, one test
// point per case (# SKIP for skipped ones), and for a failed one a YAML
// diagnostic block with every criterion.
func WriteTAP(w io.Writer, cases []Case, lang i18n.Lang) error {
	var b strings.Builder
	b.WriteString("TAP version 13\n")
	fmt.Fprintf(&b, "1..%d\n", len(cases))
	last := ""
	for i, c := range cases {
		if c.Lesson != last {
			last = c.Lesson
			fmt.Fprintf(&b, "# %s\n", c.Lesson)
		}
		desc := tapEscape(caseName(c, lang))
		switch c.Status {
		case StatusPass:
			fmt.Fprintf(&b, "ok %d - %s\n", i+1, desc)
			if !c.Note.IsZero() {
				fmt.Fprintf(&b, "# %s\n", oneLine(c.Note.In(lang)))
			}
			if h := helpText(c); !h.IsZero() {
				fmt.Fprintf(&b, "# %s\n", h.In(lang))
			}
		case StatusSkip:
			fmt.Fprintf(&b, "ok %d - %s # SKIP %s\n", i+1, desc, tapEscape(oneLine(c.Note.In(lang))))
		default:
			// A self-reported step is "not ok": a TAP consumer counts any
			// "ok" line as a pass, whatever its directive.
			if c.SelfReported {
				desc += " " + tapEscape(t("(self-reported)", "(자기 신고)").In(lang))
			}
			fmt.Fprintf(&b, "not ok %d - %s\n", i+1, desc)
			d := tapDiag{Severity: "fail", Lesson: c.Lesson, Step: c.Step, SelfReported: c.SelfReported, Hints: c.Hints, Solution: c.Solution}
			if lines := failLines(c, lang); len(lines) > 0 {
				d.Message = lines[0]
			}
			for _, cr := range c.Result.Criteria {
				d.Criteria = append(d.Criteria, tapCrit{OK: cr.OK, Saw: cr.Saw, Want: cr.Want, Text: cr.Line.In(lang)})
			}
			var y strings.Builder
			enc := yaml.NewEncoder(&y)
			enc.SetIndent(2)
			if err := enc.Encode(d); err != nil {
				return err
			}
			enc.Close()
			b.WriteString("  ---\n")
			for _, l := range strings.Split(strings.TrimRight(y.String(), "\n"), "\n") {
				b.WriteString("  " + l + "\n")
			}
			b.WriteString("  ...\n")
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// tapEscape keeps a description on one line and escapes # and \, which
// would otherwise start a directive.
func tapEscape(s string) string {
	s = strings.ReplaceAll(s, `\`, `\\`)
	return strings.ReplaceAll(oneLine(s), "#", `\#`)
}

// JUnit XML, in the shape GitLab, Jenkins and GitHub test reporters read.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Errors   int         `xml:"errors,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name       string           `xml:"name,attr"`
	ClassName  string           `xml:"classname,attr"`
	Properties *junitProperties `xml:"properties,omitempty"`
	Failure    *junitMessage    `xml:"failure,omitempty"`
	Skipped    *junitMessage    `xml:"skipped,omitempty"`
	SystemOut  string           `xml:"system-out,omitempty"`
}

// junitProperties carry the help a student used on a step (hints,
// solution), as JUnit readers show properties of a test case.
type junitProperties struct {
	Property []junitProperty `xml:"property"`
}

type junitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes cases as JUnit XML: one testsuite per lesson, one
// testcase per step, a failure element with every failed criterion.
func WriteJUnit(w io.Writer, cases []Case, lang i18n.Lang) error {
	all := junitSuites{Name: "sysdojo"}
	for _, c := range cases {
		if len(all.Suites) == 0 || all.Suites[len(all.Suites)-1].Name != c.Lesson {
			all.Suites = append(all.Suites, junitSuite{Name: c.Lesson})
		}
		s := &all.Suites[len(all.Suites)-1]
		jc := junitCase{Name: stepName(c, lang), ClassName: "sysdojo." + c.Lesson}
		if c.Hints > 0 || c.Solution {
			jc.Properties = &junitProperties{Property: []junitProperty{
				{Name: "hints", Value: fmt.Sprint(c.Hints)}, {Name: "solution", Value: fmt.Sprint(c.Solution)}}}
		}
		var lines []string
		for _, cr := range c.Result.Criteria {
			mark := "✓"
			if !cr.OK {
				mark = "✗"
			}
			lines = append(lines, mark+" "+cr.Line.In(lang))
		}
		switch c.Status {
		case StatusFail:
			fl := failLines(c, lang)
			msg := ""
			if len(fl) > 0 {
				msg = fl[0]
			}
			typ := "check"
			if c.SelfReported {
				typ = "self-reported"
			}
			jc.Failure = &junitMessage{Message: msg, Type: typ, Text: strings.Join(fl, "\n")}
			s.Failures++
			all.Failures++
		case StatusSkip:
			jc.Skipped = &junitMessage{Message: c.Note.In(lang)}
			s.Skipped++
			all.Skipped++
		default:
			if !c.Note.IsZero() {
				lines = append(lines, c.Note.In(lang))
			}
		}
		jc.SystemOut = strings.Join(lines, "\n")
		s.Cases = append(s.Cases, jc)
		s.Tests++
		all.Tests++
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(all); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
