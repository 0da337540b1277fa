package main

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/term"
	"github.com/sysdojo/sysdojo/lessons"
	"github.com/sysdojo/sysdojo/perm"
)

// sysdojo runs the CLI in-process with env as its environment and stdin
// as its input, and returns the exit status and what it printed.
func sysdojo(t *testing.T, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	io, out, errb := term.Test(stdin)
	getenv := func(k string) string { return env[k] }
	code := run(append([]string{"sysdojo"}, args...), io, getenv)
	return code, out.String(), errb.String()
}

// validTAP13 checks a TAP version 13 stream strictly: the version line,
// one plan that matches the number of test points, test points numbered
// from 1 in order, YAML diagnostic blocks that parse, comments, and
// nothing else. It returns the numbers of the failed and skipped points.
func validTAP13(t *testing.T, tap string) (failed, skipped []int) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(tap, "\n"), "\n")
	if len(lines) == 0 || lines[0] != "TAP version 13" {
		t.Fatalf("first line %q, want TAP version 13", lines[0])
	}
	point := regexp.MustCompile(`^(not )?ok (\d+)(?: - ((?:[^#\\]|\\.)*))?(?: # (SKIP|TODO)(?:\s.*)?)?$`)
	plan := regexp.MustCompile(`^1\.\.(\d+)$`)
	planned, n := -1, 0
	for i := 1; i < len(lines); i++ {
		l := lines[i]
		switch {
		case plan.MatchString(l):
			if planned >= 0 {
				t.Fatalf("line %d: second plan", i+1)
			}
			planned, _ = strconv.Atoi(plan.FindStringSubmatch(l)[1])
		case strings.HasPrefix(l, "#"):
		case point.MatchString(l):
			m := point.FindStringSubmatch(l)
			n++
			if got, _ := strconv.Atoi(m[2]); got != n {
				t.Fatalf("line %d: test point %d, want %d", i+1, got, n)
			}
			if m[1] != "" {
				failed = append(failed, n)
			}
			if m[4] == "SKIP" {
				skipped = append(skipped, n)
			}
		case l == "  ---":
			var block []string
			for i++; i < len(lines) && lines[i] != "  ..."; i++ {
				if !strings.HasPrefix(lines[i], "  ") {
					t.Fatalf("line %d: YAML block line not indented: %q", i+1, lines[i])
				}
				block = append(block, lines[i][2:])
			}
			if i == len(lines) {
				t.Fatal("YAML block not closed with '  ...'")
			}
			var v map[string]any
			if err := yaml.Unmarshal([]byte(strings.Join(block, "\n")), &v); err != nil {
				t.Fatalf("YAML block does not parse: %v\n%s", err, strings.Join(block, "\n"))
			}
		default:
			t.Fatalf("line %d: not TAP: %q", i+1, l)
		}
	}
	if planned != n {
		t.Fatalf("plan 1..%d, but %d test points", planned, n)
	}
	return failed, skipped
}

type junitDoc struct {
	XMLName  xml.Name `xml:"testsuites"`
	Tests    int      `xml:"tests,attr"`
	Failures int      `xml:"failures,attr"`
	Suites   []struct {
		Name     string `xml:"name,attr"`
		Tests    int    `xml:"tests,attr"`
		Failures int    `xml:"failures,attr"`
		Cases    []struct {
			Name    string `xml:"name,attr"`
			Class   string `xml:"classname,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
				Text    string `xml:",chardata"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

// TestCheckAllTAPJUnit grades a partly solved workspace: perm-octal with
// steps 1 and 2 done, the rest not, and perm-ls untouched but started.
func TestCheckAllTAPJUnit(t *testing.T) {
	tmp := t.TempDir()
	env := map[string]string{"SYSDOJO_PROGRESS": filepath.Join(tmp, "progress.json"), "HOME": tmp}
	lab := filepath.Join(tmp, "lab")
	for _, id := range []string{"perm-ls", "perm-octal"} {
		if code, _, errs := sysdojo(t, env, "", "lesson", "start", id, "--dir", filepath.Join(lab, id)); code != 0 {
			t.Fatalf("start %s: %d %s", id, code, errs)
		}
	}
	ws := filepath.Join(lab, "perm-octal")
	must(t, os.Chmod(filepath.Join(ws, "sample.txt"), 0o777))
	if code, out, _ := sysdojo(t, env, "", "lesson", "check"); code != 0 {
		t.Fatalf("check step 1: %d\n%s", code, out)
	}
	must(t, os.Chmod(filepath.Join(ws, "script.sh"), 0o754))
	if code, out, _ := sysdojo(t, env, "", "lesson", "check"); code != 0 {
		t.Fatalf("check step 2: %d\n%s", code, out)
	}

	code, tap, errs := sysdojo(t, env, "", "lesson", "check", "--all", "--format", "tap", "perm-octal")
	if code != 1 || errs != "" {
		t.Fatalf("tap: exit %d, stderr %q; want 1 and nothing", code, errs)
	}
	failed, _ := validTAP13(t, tap)
	if fmt.Sprint(failed) != "[3 4 5]" {
		t.Errorf("failed points %v, want [3 4 5]\n%s", failed, tap)
	}
	if !strings.Contains(tap, "ok 1 - perm-octal step 1: chmod 777") || !strings.Contains(tap, "saw: \"0644\"") {
		t.Errorf("tap lacks a test point name or a criterion:\n%s", tap)
	}

	// Every lesson started: perm-ls then perm-octal, in course order.
	code, xmlOut, _ := sysdojo(t, env, "", "lesson", "check", "--all", "--format", "junit")
	if code != 1 {
		t.Fatalf("junit: exit %d, want 1", code)
	}
	var doc junitDoc
	if err := xml.Unmarshal([]byte(xmlOut), &doc); err != nil {
		t.Fatalf("JUnit does not parse: %v\n%s", err, xmlOut)
	}
	if len(doc.Suites) != 2 || doc.Suites[0].Name != "perm-ls" || doc.Suites[1].Name != "perm-octal" {
		t.Fatalf("suites %+v", doc.Suites)
	}
	po := doc.Suites[1]
	if po.Tests != 5 || po.Failures != 3 || len(po.Cases) != 5 {
		t.Errorf("perm-octal suite: tests %d failures %d cases %d, want 5 3 5", po.Tests, po.Failures, len(po.Cases))
	}
	if po.Cases[0].Failure != nil || po.Cases[2].Failure == nil || !strings.Contains(po.Cases[2].Failure.Message, "report.txt is 0644") {
		t.Errorf("cases: %+v", po.Cases)
	}
	if doc.Tests != doc.Suites[0].Tests+po.Tests || doc.Failures != doc.Suites[0].Failures+po.Failures {
		t.Errorf("totals %d/%d do not add up", doc.Tests, doc.Failures)
	}

	// Finish the lesson: step 3 to 5. Every step's result stays in the
	// workspace, so the live grade is complete: all pass, exit 0.
	var res struct {
		Lessons []struct {
			Steps []struct {
				Step         int    `json:"step"`
				Status       string `json:"status"`
				SelfReported bool   `json:"self_reported"`
			} `json:"steps"`
		} `json:"lessons"`
	}
	_, js, _ := sysdojo(t, env, "", "lesson", "check", "--all", "--format", "json", "perm-octal")
	must(t, jsonUnmarshal(js, &res))
	if len(res.Lessons) != 1 || len(res.Lessons[0].Steps) != 5 || res.Lessons[0].Steps[0].Status != "pass" {
		t.Fatalf("json: %s", js)
	}
	solveRest(t, env, ws)
	code, tap, _ = sysdojo(t, env, "", "lesson", "check", "--all", "--format", "tap", "perm-octal")
	if failed, _ := validTAP13(t, tap); code != 0 || len(failed) != 0 {
		t.Fatalf("solved: exit %d, failed %v\n%s", code, failed, tap)
	}
	// Undo step 1 afterwards: the progress file still says it passed, but
	// a grade counts what the checks see now. Not ok, self-reported, in
	// TAP (with or without --live), JUnit and JSON.
	must(t, os.Chmod(filepath.Join(ws, "sample.txt"), 0o644))
	for _, live := range [][]string{nil, {"--live"}} {
		code, tap, _ = sysdojo(t, env, "", append(append([]string{"lesson", "check", "--all"}, live...), "--format", "tap", "perm-octal")...)
		if failed, _ := validTAP13(t, tap); code != 1 || fmt.Sprint(failed) != "[1]" || !strings.Contains(tap, "not ok 1 - perm-octal step 1: chmod 777: everyone may do everything (self-reported)") {
			t.Errorf("%v: exit %d, failed %v\n%s", live, code, failed, tap)
		}
	}
	_, js, _ = sysdojo(t, env, "", "lesson", "check", "--all", "--format", "json", "perm-octal")
	must(t, jsonUnmarshal(js, &res))
	if st := res.Lessons[0].Steps[0]; st.Status != "fail" || !st.SelfReported {
		t.Errorf("json step 1: %+v", st)
	}
	_, xmlOut, _ = sysdojo(t, env, "", "lesson", "check", "--all", "--format", "junit", "perm-octal")
	if !strings.Contains(xmlOut, `type="self-reported"`) {
		t.Errorf("junit:\n%s", xmlOut)
	}
	// Bad format: usage error.
	if code, _, errs := sysdojo(t, env, "", "lesson", "check", "--all", "--format", "xml"); code != 2 || !strings.Contains(errs, `unknown format "xml"`) {
		t.Errorf("--format xml: %d %q", code, errs)
	}
}

// solveRest does perm-octal's steps 3 to 5 as the student would.
func solveRest(t *testing.T, env map[string]string, ws string) {
	t.Helper()
	// The values are random per student: ask the lesson (hints never give the
	// solution; 'lesson solution' does, and records it).
	_, sol, _ := sysdojo(t, env, "", "lesson", "solution")
	m := regexp.MustCompile(`chmod (\d+) report.txt`).FindStringSubmatch(sol)
	if m == nil {
		t.Fatalf("no solution in %q", sol)
	}
	mode, _ := strconv.ParseUint(m[1], 8, 32)
	must(t, os.Chmod(filepath.Join(ws, "report.txt"), os.FileMode(mode)))
	if code, out, _ := sysdojo(t, env, "", "lesson", "check"); code != 0 {
		t.Fatalf("step 3: %s", out)
	}
	must(t, os.Chmod(filepath.Join(ws, "notes.txt"), 0o644))
	if code, out, _ := sysdojo(t, env, "", "lesson", "check"); code != 0 {
		t.Fatalf("step 4: %s", out)
	}
	_, sol, _ = sysdojo(t, env, "", "lesson", "solution")
	m = regexp.MustCompile(`sysdojo lesson answer (\S+)`).FindStringSubmatch(sol)
	if m == nil {
		t.Fatalf("no answer in %q", sol)
	}
	if code, out, _ := sysdojo(t, env, "", "lesson", "answer", m[1]); code != 0 {
		t.Fatalf("step 5: %s", out)
	}
}

func jsonUnmarshal(s string, v any) error { return json.Unmarshal([]byte(s), v) }

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// TestQuizScripted feeds a quiz right and wrong answers on stdin; the
// right answers are computed by the lessons package (the perm package for
// permission questions), as a script would get them from --key.
func TestQuizScripted(t *testing.T) {
	qs, err := lessons.NewQuiz("all", 8, 11, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var in strings.Builder
	want := 0
	for i, q := range qs {
		if i%3 == 1 {
			in.WriteString("definitely wrong\n")
			continue
		}
		if q.Kind == lessons.AnsOctal && i%2 == 0 {
			// The leading zero is optional.
			in.WriteString(strings.TrimLeft(q.Answer, "0") + "\n")
		} else {
			in.WriteString(q.Answer + "\n")
		}
		want++
	}
	code, out, _ := sysdojo(t, nil, in.String(), "quiz", "--seed", "11", "--count", "8", "--json")
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	var res struct {
		Score, Total int
		Questions    []struct {
			Answer  string `json:"answer"`
			Given   string `json:"given"`
			Correct bool   `json:"correct"`
		}
	}
	must(t, jsonUnmarshal(out, &res))
	if res.Score != want || res.Total != 8 {
		t.Fatalf("score %d/%d, want %d/8\n%s", res.Score, res.Total, want, out)
	}
	for i, q := range res.Questions {
		if q.Correct != (i%3 != 1) {
			t.Errorf("question %d: correct=%v for %q (answer %q)", i+1, q.Correct, q.Given, q.Answer)
		}
	}
	// The perm answers are the perm package's.
	for _, q := range qs {
		if q.Topic != "perm" || !strings.Contains(q.Text.En, "after `chmod") {
			continue
		}
		var from, change string
		fmt.Sscanf(q.Text.En[strings.Index(q.Text.En, "mode ")+5:], "%s", &from)
		change = q.Text.En[strings.Index(q.Text.En, "`chmod ")+7 : strings.Index(q.Text.En, " file`")]
		c, err := perm.Compile(change)
		must(t, err)
		f, _ := strconv.ParseUint(from, 8, 32)
		if got := c.Apply(perm.Mode(f), false, 0o022).String(); got != q.Answer {
			t.Errorf("%s: perm says %s, quiz says %s", q.Text.En, got, q.Answer)
		}
	}

	// Text mode, in Korean, with input ending early: the rest count as
	// unanswered.
	first := strings.SplitN(in.String(), "\n", 2)[0] + "\n"
	code, out, _ = sysdojo(t, nil, first, "--lang", "ko", "quiz", "--seed", "11", "--count", "8")
	if code != 0 || !strings.Contains(out, "점수: 1/8 (12%)") || strings.Count(out, "✗ 답하지 않았습니다") != 7 {
		t.Errorf("exit %d\n%s", code, out)
	}
}

// TestDemoExplainsRootSteps: when the demo does not run as root, a step
// that needs root is explained, not run.
func TestDemoExplainsRootSteps(t *testing.T) {
	// (containers-isolation: its cgroup limits need root; the steps of
	// "containers" run rootless too.)
	l, err := lessons.Get("containers-isolation")
	if err != nil {
		t.Fatal(err)
	}
	l = l.Bind(demoSeed, machineVars())
	for _, lang := range []string{"en", "ko"} {
		io, out, _ := term.Test("")
		io.Lang = i18n.Lang(lang)
		e := &env{io: io, getenv: func(string) string { return "" }}
		st := e.newStage(0, true, false)
		dir := t.TempDir()
		r := &lessons.Runner{Dir: dir, Root: false}
		n := 0
		for i, s := range l.Steps {
			if s.NeedsRoot {
				n = i + 1
				break
			}
		}
		if n == 0 {
			t.Fatal("containers-isolation has no root-only step")
		}
		if got := e.demoStep(context.Background(), st, r, l, n); got != demoExplained {
			t.Fatalf("%s: outcome %v, want explained", lang, got)
		}
		text := out.String()
		want := map[string]string{"en": "This step needs root, and this demo does not run as root", "ko": "이 단계는 root 권한이 필요한데"}[lang]
		if !strings.Contains(text, want) || !strings.Contains(text, strings.TrimSpace(strings.Fields(l.Steps[n-1].Explain.In(io.Lang))[0])) {
			t.Errorf("%s: no explanation:\n%s", lang, text)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Errorf("%s: the step ran: %v", lang, entries)
		}
	}
}
