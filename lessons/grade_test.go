package lessons

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/testenv"
)

// TestGradeForgedProgress is the attack of the issue: a progress file
// edited to say every step of perm-octal is done, over an untouched
// workspace. The old grade said "ok" for each step the check did not see
// (a step "recorded as passed, with a later step reached"); now only
// what passes now is ok, and the rest is "not ok (self-reported)".
func TestGradeForgedProgress(t *testing.T) {
	src, err := Get("perm-octal")
	if err != nil {
		t.Fatal(err)
	}
	l := src.Bind("0000000000000001", machine(t))
	dir := t.TempDir()
	if err := l.Setup(dir); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	lp := &LessonProgress{Dir: dir, Step: len(l.Steps) + 1, Finished: &now}
	for n := 1; n <= len(l.Steps); n++ {
		lp.Done = append(lp.Done, n)
	}
	cases := Grade(l, lp, GradeOptions{Root: isRoot()})
	for _, c := range cases {
		live := l.CheckStep(c.Step, Env{Dir: dir})
		if (c.Status == StatusPass) != live.Passed {
			t.Errorf("step %d: status %s, but the check now says passed=%v", c.Step, c.Status, live.Passed)
		}
		if !live.Passed && (!c.SelfReported || !strings.Contains(c.Note.En, "self-reported") || !strings.Contains(c.Note.Ko, "자기 신고")) {
			t.Errorf("step %d: not marked self-reported: %+v", c.Step, c)
		}
	}
	if AllPassed(cases) {
		t.Fatal("a forged progress file passes the lesson")
	}
	for _, lang := range []i18n.Lang{i18n.EN, i18n.KO} {
		var tap bytes.Buffer
		if err := WriteTAP(&tap, cases, lang); err != nil {
			t.Fatal(err)
		}
		oks := 0
		for _, line := range strings.Split(tap.String(), "\n") {
			if strings.HasPrefix(line, "ok ") {
				oks++
			}
			if strings.HasPrefix(line, "not ok ") && !strings.Contains(line, t2(lang, "(self-reported)", "(자기 신고)")) {
				t.Errorf("a not ok line without the self-reported label: %q", line)
			}
		}
		passing := 0
		for _, c := range cases {
			if c.Status == StatusPass {
				passing++
			}
		}
		if oks != passing {
			t.Errorf("%d ok lines for %d steps that pass now:\n%s", oks, passing, tap.String())
		}
		var ju bytes.Buffer
		if err := WriteJUnit(&ju, cases, lang); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(ju.String(), `type="self-reported"`) {
			t.Errorf("JUnit without self-reported failures:\n%s", ju.String())
		}
	}
}

func t2(l i18n.Lang, en, ko string) string { return i18n.T(en, ko).In(l) }

// TestGradeQuizRecomputed: a quiz step passes on the recorded answer
// only when it is the right one for this student's seed.
func TestGradeQuizRecomputed(t *testing.T) {
	src, err := Get("perm-ls")
	if err != nil {
		t.Fatal(err)
	}
	l := src.Bind("0000000000000001", machine(t))
	dir := t.TempDir()
	l.Setup(dir)
	n := 0
	for i := range l.Steps {
		if l.Steps[i].IsQuiz() && answerOnly(&l.Steps[i]) {
			n = i + 1
			break
		}
	}
	if n == 0 {
		t.Skip("perm-ls has no quiz step")
	}
	right := l.Steps[n-1].Answer
	for _, tt := range []struct {
		answer string
		pass   bool
	}{{right, true}, {right + "x", false}, {"", false}} {
		lp := &LessonProgress{Dir: dir, Step: n + 1, Done: []int{n}, Answers: map[int]string{n: tt.answer}}
		c := Grade(l, lp, GradeOptions{Root: isRoot()})[n-1]
		if (c.Status == StatusPass) != tt.pass || (!tt.pass && !c.SelfReported) {
			t.Errorf("answer %q: %s self-reported=%v, want pass=%v", tt.answer, c.Status, c.SelfReported, tt.pass)
		}
	}
}

// TestGradeAsOwnerSecret: root grades a workspace owned by nobody in
// which the student made the step's file a symbolic link to a file only
// root may read. The old grader read it as root: the step passed when
// the secret held the wanted text, and its first line was printed in the
// report when it did not. Now the workspace is read with its owner's
// rights: the step fails and the secret appears nowhere.
func TestGradeAsOwnerSecret(t *testing.T) {
	testenv.NeedRoot(t)
	const nobody = 65534
	src, err := Get("links-relative")
	if err != nil {
		t.Fatal(err)
	}
	l := src.Bind("0000000000000001", machine(t))
	base := t.TempDir()
	// t.TempDir's directories are 0700: let nobody reach the workspace.
	os.Chmod(base, 0o755)
	os.Chmod(filepath.Dir(base), 0o755)
	secretDir := filepath.Join(base, "root-only")
	os.Mkdir(secretDir, 0o700)
	for _, content := range []string{"color=blue\nSECRET-7d1f\n", "SECRET-7d1f top secret\n"} {
		secret := filepath.Join(secretDir, "shadow")
		if err := os.WriteFile(secret, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		ws := filepath.Join(base, "ws")
		os.RemoveAll(ws)
		if err := l.Setup(ws); err != nil {
			t.Fatal(err)
		}
		link := filepath.Join(ws, "project/app/config-abs")
		if err := os.Symlink(secret, link); err != nil {
			t.Fatal(err)
		}
		filepath.Walk(ws, func(p string, _ os.FileInfo, _ error) error { return os.Lchown(p, nobody, nobody) })
		lp := &LessonProgress{Dir: ws, Step: 4, Done: []int{1, 2, 3}}
		cases := Grade(l, lp, GradeOptions{Root: true})
		if cases[1].Status == StatusPass {
			t.Errorf("secret %q: step 2 passed through a link to a root-only file", content)
		}
		var out bytes.Buffer
		WriteTAP(&out, cases, i18n.EN)
		WriteTAP(&out, cases, i18n.KO)
		WriteJUnit(&out, cases, i18n.EN)
		js, _ := json.Marshal(cases)
		out.Write(js)
		if strings.Contains(out.String(), "SECRET") {
			t.Errorf("the report shows the secret:\n%s", out.String())
		}
		if got, _ := os.ReadFile(secret); string(got) != content {
			t.Fatal("the secret changed")
		}
	}
}

// TestCredsDo: the rights are taken on one thread only; the rest of the
// process keeps its own.
func TestCredsDo(t *testing.T) {
	testenv.NeedRoot(t)
	f := filepath.Join(t.TempDir(), "root-only")
	os.WriteFile(f, []byte("x"), 0o600)
	var err error
	if derr := OwnerCreds(65534, 65534).Do(func() { _, err = os.ReadFile(f) }); derr != nil {
		t.Fatal(derr)
	}
	if !os.IsPermission(err) {
		t.Errorf("as nobody, reading a root-only file: %v, want permission denied", err)
	}
	if _, err := os.ReadFile(f); err != nil {
		t.Errorf("after Do, the process lost its rights: %v", err)
	}
}

// TestReadUserFile: FIFOs and devices are refused at once (no hang), big
// files with a clear error, final symbolic links when asked.
func TestReadUserFile(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "fifo")
	if err := unix.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	zero := filepath.Join(dir, "zero")
	os.Symlink("/dev/zero", zero)
	big := filepath.Join(dir, "big")
	os.WriteFile(big, bytes.Repeat([]byte("x"), 101), 0o644)
	ok := filepath.Join(dir, "ok")
	os.WriteFile(ok, []byte("fine"), 0o644)
	link := filepath.Join(dir, "link")
	os.Symlink(ok, link)
	done := make(chan bool)
	go func() {
		defer close(done)
		for _, tt := range []struct {
			path     string
			noFollow bool
			want     error
		}{
			{fifo, false, ErrNotRegular}, {zero, false, ErrNotRegular}, {dir, false, ErrNotRegular},
			{big, false, ErrTooBig}, {link, true, ErrSymlink}, {link, false, nil}, {ok, true, nil},
		} {
			_, err := ReadUserFile(tt.path, 100, tt.noFollow)
			if (tt.want == nil && err != nil) || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("%s (noFollow %v): %v, want %v", tt.path, tt.noFollow, err, tt.want)
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(time.Minute): // a guard against a hang, not a timing assertion
		t.Fatal("ReadUserFile hangs")
	}
}

func TestPrintableAndCSV(t *testing.T) {
	for in, want := range map[string]string{
		"김민지":                 "김민지",
		"kim\x1b]0;pwned\x07": `kim\x1b]0;pwned\x07`,
		"a\nb\tc":             `a\x0ab\x09c`,
		"rtl\u202etxt":        `rtl\u202etxt`,
		"bad\xffutf8":         `bad\xffutf8`,
		`back\slash`:          `back\\slash`,
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+1": "'+1", "-1": "'-1", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\rx",
		"kim": "kim", "": "",
	} {
		if got := CSVCell(in); got != want {
			t.Errorf("CSVCell(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzProgressLoad: any bytes as a progress file (loaded or imported)
// give a valid progress or an error, never a panic; a loaded progress
// holds only known lessons with steps in range.
func FuzzProgressLoad(f *testing.F) {
	f.Add([]byte(`{"version":1,"seed":"ab","current":"perm-ls","lessons":{"perm-ls":{"dir":"/x","step":3,"done":[1,2]}}}`))
	f.Add([]byte(`{"seed":"ab","lessons":{"perm-ls":{"step":0}}}`))
	f.Add([]byte(`{"seed":"ab","lessons":{"perm-ls":{"step":-1,"done":[-5]}}}`))
	f.Add([]byte(`{"seed":"ab","lessons":{"perm-ls":{"step":2,"hints":{"0":1},"answers":{"-1":"x"}}}}`))
	f.Add([]byte(`{"seed":"ab","lessons":{"nope":{"step":1}}}`))
	f.Add([]byte(`{"seed":"ab","lessons":{"perm-ls":null}}`))
	f.Add([]byte("\x1b[2J"))
	all, err := All()
	if err != nil {
		f.Fatal(err)
	}
	steps := map[string]int{}
	for _, l := range all {
		steps[l.ID] = len(l.Steps)
	}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "p.json")
		os.WriteFile(path, data, 0o644)
		s := &Store{Path: path}
		p, _, err := s.Load()
		if err != nil {
			if got, _ := os.ReadFile(path); !bytes.Equal(got, data) {
				t.Fatal("Load changed the file")
			}
		} else {
			for id, lp := range p.Lessons {
				n, ok := steps[id]
				if !ok || lp == nil || lp.Step < 1 || lp.Step > n+1 {
					t.Fatalf("loaded an invalid entry %q: %+v", id, lp)
				}
				for _, d := range append(append([]int{}, lp.Done...), lp.Skipped...) {
					if d < 1 || d > n {
						t.Fatalf("%s: step %d out of range", id, d)
					}
				}
				// What lesson show and check do with it must not panic.
				l, _ := Get(id)
				b := l.Bind(p.Seed, nil)
				if lp.Step <= n {
					_ = b.Steps[lp.Step-1].Title
				}
				Grade(b, lp, GradeOptions{Dir: dir})
			}
		}
		imp := &Store{Path: filepath.Join(dir, "imported.json")}
		os.Remove(imp.Path)
		if err := imp.Import(data); err == nil {
			if _, _, err := imp.Load(); err != nil {
				t.Fatalf("an imported file does not load: %v", err)
			}
		}
	})
}

// TestGradeHostileWorkspace: a workspace that is a symbolic link is not
// followed; a FIFO, or a link to /dev/zero, where a check reads a file is
// refused at once (the old check hung on the FIFO and read /dev/zero
// without end).
func TestGradeHostileWorkspace(t *testing.T) {
	src, err := Get("links-relative")
	if err != nil {
		t.Fatal(err)
	}
	l := src.Bind("0000000000000001", machine(t))
	base := t.TempDir()
	real := filepath.Join(base, "real")
	if err := l.Setup(real); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(base, "link")
	must(t, os.Symlink(real, link))
	for _, c := range Grade(l, &LessonProgress{Dir: link, Step: 1}, GradeOptions{Root: isRoot()}) {
		if c.Status != StatusFail || !strings.Contains(c.Note.En, "is a symbolic link") {
			t.Errorf("step %d through a workspace link: %s %q", c.Step, c.Status, c.Note.En)
		}
	}
	abs := filepath.Join(real, "project/app/config-abs")
	done := make(chan bool)
	go func() {
		defer close(done)
		for _, mk := range []func() error{
			func() error { return unix.Mkfifo(abs, 0o644) },
			func() error { return os.Symlink("/dev/zero", abs) },
		} {
			os.Remove(abs)
			must(t, mk())
			c := Grade(l, &LessonProgress{Dir: real, Step: 3}, GradeOptions{Root: isRoot()})[1]
			var lines []string
			for _, cr := range c.Result.Criteria {
				lines = append(lines, cr.Line.En)
			}
			if c.Status == StatusPass || !strings.Contains(strings.Join(lines, "\n"), "not a regular file") {
				t.Errorf("step 2 over a FIFO or /dev/zero: %s %q", c.Status, lines)
			}
		}
	}()
	select {
	case <-done:
	case <-time.After(time.Minute): // a guard against a hang, not a timing assertion
		t.Fatal("grading hangs on a FIFO in the workspace")
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
