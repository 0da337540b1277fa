package lessons

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"testing/fstest"
	"time"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/testenv"
)

var pathOnce sync.Once

// needSysdojo puts a build of sysdojo on PATH (made once, removed by
// TestMain): some solutions run it (sysdojo apt switch --root sandbox ...,
// sysdojo container run). It is the static build, which --init needs too.
func needSysdojo(t *testing.T) {
	dir := filepath.Dir(testenv.StaticSysdojo(t))
	pathOnce.Do(func() { os.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH")) })
}

func TestMain(m *testing.M) {
	code := m.Run()
	testenv.RemoveStatic()
	os.Exit(code)
}

func machine(t testing.TB) map[string]string {
	u, err := user.Current()
	if err != nil {
		t.Fatal(err)
	}
	g, err := user.LookupGroupId(u.Gid)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"user": u.Username, "group": g.Name}
}

// TestEmbeddedLessons checks the whole course is well formed and as big
// as the issue asks: every text in both languages, every step solvable
// and checked.
func TestEmbeddedLessons(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	steps := 0
	topics := map[string]int{}
	for _, l := range all {
		steps += len(l.Steps)
		topics[l.Topic]++
		for i, s := range l.Steps {
			for _, h := range s.Hints {
				if h.En == "" || h.Ko == "" {
					t.Errorf("%s step %d: hint without both languages", l.ID, i+1)
				}
			}
			if s.NeedsRoot && s.Explain.IsZero() {
				t.Errorf("%s step %d: needs_root without explain (what a student who is not root would have seen)", l.ID, i+1)
			}
		}
	}
	t.Logf("%d lessons, %d steps, topics %v", len(all), steps, topics)
	if testing.Short() {
		return
	}
	if len(all) < 12 || steps < 60 {
		t.Errorf("the course has %d lessons and %d steps; the issue asks for at least 12 and 60", len(all), steps)
	}
}

// TestEverySolution is the key test: for every step of every lesson, in a
// fresh workspace (after the previous steps' solutions), the check fails
// before the step's solution and passes after it, for two student seeds.
func TestEverySolution(t *testing.T) {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	m := machine(t)
	needSysdojo(t)
	for _, src := range all {
		for _, seed := range []string{"0000000000000001", "00000000000000ff"} {
			t.Run(src.ID+"/"+seed, func(t *testing.T) {
				if src.NeedsRoot() {
					testenv.NeedRoot(t)
				}
				prepareLesson(t, src.ID) // containers_apt_test.go
				// Lessons with live things (containers, servers on fixed
				// ports) run one at a time: two seeds may pick one name.
				if !usesLive(src) {
					t.Parallel()
				}
				l := src.Bind(seed, m)
				dir := t.TempDir()
				if err := l.Setup(dir); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { cleanLive(t, l, dir) })
				ctx := context.Background()
				answers := map[int]string{}
				for n := 1; n <= len(l.Steps); n++ {
					var out bytes.Buffer
					before := l.CheckStep(n, Env{Dir: dir})
					if before.Passed {
						t.Errorf("step %d (%s): check passes before the solution", n, l.Steps[n-1].Title.En)
					}
					for _, c := range before.Criteria {
						if c.Line.En == "" || c.Line.Ko == "" {
							t.Errorf("step %d: a criterion line lacks a language: %+v", n, c.Line)
						}
					}
					answer, err := l.Solve(ctx, n, dir, &out)
					if err != nil {
						t.Fatalf("%v\n%s", err, out.String())
					}
					answers[n] = answer
					after := l.CheckStep(n, Env{Dir: dir, Answer: answer})
					// A server a solution starts in the background may take a
					// while on a loaded machine; a student would check again.
					for deadline := time.Now().Add(15 * time.Second); !after.Passed && usesLive(src) && time.Now().Before(deadline); {
						time.Sleep(200 * time.Millisecond)
						after = l.CheckStep(n, Env{Dir: dir, Answer: answer})
					}
					if !after.Passed {
						var lines []string
						for _, c := range after.Criteria {
							lines = append(lines, c.Line.En)
						}
						t.Fatalf("step %d (%s): check fails after the solution:\n  %s\nsolution output: %s",
							n, l.Steps[n-1].Title.En, strings.Join(lines, "\n  "), out.String())
					}
				}
				// A finished workspace shows every step's result: a live
				// grade of it is complete (no later step undoes an earlier).
				// Live state (a container, a server) is the exception: a
				// lesson stops what it started, by design.
				for n := 1; n <= len(l.Steps); n++ {
					r := l.CheckStep(n, Env{Dir: dir, Answer: answers[n]})
					var lines []string
					for i, c := range r.Criteria {
						if !c.OK && isFileKind(l.Steps[n-1].Checks[i].Kind) {
							lines = append(lines, c.Line.En)
						}
					}
					if len(lines) > 0 {
						t.Errorf("step %d (%s) no longer passes in the finished workspace:\n  %s",
							n, l.Steps[n-1].Title.En, strings.Join(lines, "\n  "))
					}
				}
			})
		}
	}
}

func TestSeedDeterminism(t *testing.T) {
	l, err := Get("perm-octal")
	if err != nil {
		t.Fatal(err)
	}
	a1 := l.Bind("aaaaaaaaaaaaaaaa", nil).Value("rmode")
	a2 := l.Bind("aaaaaaaaaaaaaaaa", nil).Value("rmode")
	if a1 == "" || a1 != a2 {
		t.Fatalf("same seed gave %q and %q", a1, a2)
	}
	// Among several students, values differ.
	seen := map[string]bool{}
	for i := 0; i < 20; i++ {
		seen[l.Bind(NewSeed(), nil).Value("rmode")] = true
	}
	if len(seen) < 2 {
		t.Errorf("20 students all got %v", seen)
	}
	// Two fixed seeds used by the solution test differ somewhere.
	diff := false
	for _, l := range mustAll(t) {
		a, b := l.Bind("0000000000000001", nil), l.Bind("00000000000000ff", nil)
		for k := range a.vars {
			diff = diff || a.vars[k] != b.vars[k]
		}
	}
	if !diff {
		t.Error("the two test seeds give the same values everywhere")
	}
}

func mustAll(t *testing.T) []*Lesson {
	all, err := All()
	if err != nil {
		t.Fatal(err)
	}
	return all
}

func TestGetUnknown(t *testing.T) {
	_, err := Get("nope")
	var le *i18n.Error
	if err == nil || !asErr(err, &le) || le.Kind != i18n.KindInvalid {
		t.Fatalf("Get(nope) = %v, want an invalid-input error", err)
	}
}

func asErr(err error, le **i18n.Error) bool {
	e, ok := err.(*i18n.Error)
	*le = e
	return ok
}

func TestValidateRejects(t *testing.T) {
	good := `
id: x
title: {en: X, ko: 엑스}
intro: {en: I, ko: 소개}
steps:
  - title: {en: S, ko: 단계}
    text: {en: T, ko: 설명}
    task: {en: K, ko: 과제}
    solution: ["touch a"]
    checks: [{kind: exists, path: a}]
    hints: [{en: H, ko: 힌트}]
`
	if _, err := Parse("good.yaml", []byte(good)); err != nil {
		t.Fatalf("good lesson rejected: %v", err)
	}
	bad := map[string]string{
		"missing ko":      strings.Replace(good, "ko: 단계", "ko: ''", 1),
		"unknown kind":    strings.Replace(good, "kind: exists", "kind: nope", 1),
		"no solution":     strings.Replace(good, `solution: ["touch a"]`, "", 1),
		"no hints":        strings.Replace(good, "hints: [{en: H, ko: 힌트}]", "", 1),
		"unknown field":   strings.Replace(good, "id: x", "id: x\ncolour: red", 1),
		"bad placeholder": strings.Replace(good, "touch a", "touch ${nope}", 1),
		"bad id":          strings.Replace(good, "id: x", "id: X_1", 1),
		"absolute file":   strings.Replace(good, "steps:", "files: [{path: /etc/passwd}]\nsteps:", 1),
		"quiz no answer":  strings.Replace(good, "kind: exists, path: a", "kind: answer, want: a", 1),
	}
	for name, src := range bad {
		if _, err := Parse(name, []byte(src)); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	// Load rejects duplicate ids.
	fsys := fstest.MapFS{"c/a.yaml": {Data: []byte(good)}, "c/b.yaml": {Data: []byte(good)}}
	if _, err := Load(fsys, "c"); err == nil {
		t.Error("duplicate ids accepted")
	}
}

func TestModeMessage(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(dir+"/report.txt", nil, 0o644)
	os.Chmod(dir+"/report.txt", 0o644)
	cr := runCheck(Check{Kind: KindMode, Path: "report.txt", Want: "0640"}, Env{Dir: dir}, nil)
	want := "report.txt is 0644 (rw-r--r--): others may still read"
	if cr.OK || cr.Line.En != want {
		t.Errorf("got %q\nwant %q", cr.Line.En, want)
	}
	if wantKo := "report.txt: 지금 권한은 0644 (rw-r--r--). 그 외 사용자에게 아직 읽기 권한이 남아 있습니다"; cr.Line.Ko != wantKo {
		t.Errorf("ko: %q\nwant %q", cr.Line.Ko, wantKo)
	}
	// A directory's x is entering (and searching), not executing.
	os.Mkdir(dir+"/box", 0o700)
	os.Chmod(dir+"/box", 0o700)
	cr = runCheck(Check{Kind: KindMode, Path: "box", Want: "0711"}, Env{Dir: dir}, nil)
	if !strings.Contains(cr.Line.En, "the group cannot enter or search it yet") || !strings.Contains(cr.Line.Ko, "들어가기·찾아보기(x) 권한이 없습니다") {
		t.Errorf("directory x: %q / %q", cr.Line.En, cr.Line.Ko)
	}
}

// usesLive reports whether a lesson starts containers or servers.
func usesLive(l *Lesson) bool {
	for _, s := range l.Steps {
		for _, c := range s.Checks {
			if registry[c.Kind].Live {
				return true
			}
		}
	}
	return false
}

// cleanLive removes what a lesson's solutions started, even when the
// test failed half way: its containers (sysdojo container rm -f) and the
// background servers whose PIDs it saved in *.pid files.
func cleanLive(t *testing.T, l *Lesson, dir string) {
	seen := map[string]bool{}
	for _, s := range l.Steps {
		for _, c := range s.Checks {
			if c.Container != "" && !seen[c.Container] {
				seen[c.Container] = true
				exec.Command("sysdojo", "container", "rm", "-f", c.Container).Run()
			}
		}
	}
	pids, _ := filepath.Glob(filepath.Join(dir, "*.pid"))
	for _, f := range pids {
		b, err := os.ReadFile(f)
		if err != nil {
			continue
		}
		pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
		if err != nil || pid <= 1 {
			continue
		}
		syscall.Kill(pid, syscall.SIGTERM)
		// Wait until it is gone, so that the next seed can use the port.
		for i := 0; i < 50; i++ {
			if b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat"); err != nil || strings.Contains(string(b), ") Z ") {
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
}

// TestLiveKindsValidate: the live kinds are rejected without their
// arguments.
func TestLiveKindsValidate(t *testing.T) {
	base := `
id: x
title: {en: X, ko: 엑스}
intro: {en: I, ko: 소개}
steps:
  - title: {en: S, ko: 단계}
    text: {en: T, ko: 설명}
    task: {en: K, ko: 과제}
    solution: ["true"]
    checks: [CHECK]
    hints: [{en: H, ko: 힌트}]
`
	for _, tc := range []struct {
		check string
		ok    bool
	}{
		{"{kind: container, container: c, want: running}", true},
		{"{kind: container, container: c, want: sleeping}", false},
		{"{kind: container, want: running}", false},
		{"{kind: hostname, container: c, want: h}", true},
		{"{kind: hostname, container: c}", false},
		{"{kind: in_container, container: c, path: /tmp/x}", true},
		{"{kind: in_container, container: c, path: tmp/x}", false},
		{"{kind: volume_file, container: c, path: /www/a.html, want: hi}", true},
		{"{kind: port, container: c, want: '8080'}", true},
		{"{kind: port, container: c, want: http}", false},
		{"{kind: limit, container: c, path: memory, want: 64m}", true},
		{"{kind: limit, container: c, path: disk, want: 1g}", false},
		{"{kind: http, want: 'http://127.0.0.1:1/'}", true},
		{"{kind: http}", false},
		{"{kind: fastest_mirror, path: sandbox, paths: ['http://127.0.0.1:1/ubuntu/']}", true},
		{"{kind: fastest_mirror, path: sandbox}", false},
	} {
		_, err := Parse("x.yaml", []byte(strings.Replace(base, "CHECK", tc.check, 1)))
		if (err == nil) != tc.ok {
			t.Errorf("%s: err = %v, want ok %v", tc.check, err, tc.ok)
		}
	}
}

// TestLiveKindLines: what the live kinds say when there is nothing to
// see, in both languages.
func TestLiveKindLines(t *testing.T) {
	dir := t.TempDir()
	stateRoot := t.TempDir() // no containers in it
	for _, tc := range []struct {
		c    Check
		want string
	}{
		{Check{Kind: KindContainer, Container: "ghost", Want: "running"}, "there is no container named ghost yet: the task asks for it running"},
		{Check{Kind: KindContainer, Container: "ghost", Want: "absent"}, "there is no container named ghost any more"},
		{Check{Kind: KindHostname, Container: "ghost", Want: "h"}, "there is no container named ghost yet"},
		{Check{Kind: KindHTTP, Want: "http://example.com/"}, "is not on this machine"},
		{Check{Kind: KindHTTP, Want: "http://127.0.0.1:1/x"}, "nothing answers at http://127.0.0.1:1/x yet (connection refused)"},
		{Check{Kind: KindFastestMirror, Path: "sb", Paths: []string{"http://127.0.0.1:1/ubuntu/"}}, "none of the 1 mirrors answers"},
	} {
		if !isRoot() && tc.c.Container != "" {
			continue // the state root is readable, but say so for clarity
		}
		cr := runCheck(tc.c, Env{Dir: dir, ContainerRoot: stateRoot}, nil)
		if !strings.Contains(cr.Line.En, tc.want) || cr.Line.Ko == "" {
			t.Errorf("%s: got %q / %q, want %q", tc.c.Kind, cr.Line.En, cr.Line.Ko, tc.want)
		}
		if cr.OK != (tc.c.Want == "absent") {
			t.Errorf("%s: OK = %v", tc.c.Kind, cr.OK)
		}
	}
}

// TestNoSeedInText: lessons speak of Linux and the lesson, never of the
// documents this course came from ("the seed", 교재): the reader has none.
func TestNoSeedInText(t *testing.T) {
	ents, err := content.ReadDir("content")
	if err != nil {
		t.Fatal(err)
	}
	bad := regexp.MustCompile(`(?i)\bthe seed\b|\bseed's\b|교재의|교재는|교재가|교재처럼`)
	for _, e := range ents {
		b, err := content.ReadFile("content/" + e.Name())
		if err != nil {
			t.Fatal(err)
		}
		for i, l := range strings.Split(string(b), "\n") {
			if bad.MatchString(l) {
				t.Errorf("%s:%d speaks of the course's sources: %s", e.Name(), i+1, strings.TrimSpace(l))
			}
		}
	}
}
