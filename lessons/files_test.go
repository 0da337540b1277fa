package lessons

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

const fileLesson = `id: drop-test
order: 5000
topic: perm
title: {en: "A file lesson", ko: "파일 레슨"}
intro: {en: "intro", ko: "소개"}
files:
  - {path: notes.txt, content: "notes\n", mode: "0666"}
steps:
  - title: {en: "go-w", ko: "go-w"}
    text: {en: "t", ko: "t"}
    task: {en: "t", ko: "t"}
    solution: ["chmod go-w notes.txt"]
    checks:
      - {kind: mode, path: notes.txt, want: "0644"}
    hints:
      - {en: "h", ko: "h"}
  - title: {en: "script", ko: "스크립트"}
    text: {en: "t", ko: "t"}
    task: {en: "t", ko: "t"}
    solution: ["echo done > done.txt"]
    checks:
      - kind: script
        want: |
          grep -qx done done.txt 2>/dev/null || { echo "done.txt does not say done yet"; exit 1; }
          echo "done.txt says done, checked as uid $(id -u)"
    hints:
      - {en: "h", ko: "h"}
`

func lessonDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadDirAndProve(t *testing.T) {
	dir := lessonDir(t, map[string]string{"drop.yaml": fileLesson, "README": "not a lesson"})
	ls, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(ls) != 1 || ls[0].ID != "drop-test" || !ls[0].FromFile() {
		t.Fatalf("loaded %v", ls)
	}
	for _, seed := range []string{"0000000000000001", "00000000000000ff"} {
		ps, _ := Prove(context.Background(), ls[0], seed, machine(t), t.TempDir(), true)
		if len(ps) > 0 {
			t.Errorf("prove: %v", ps)
		}
	}
	// A step whose check passes before anything is done is caught.
	lazy := strings.Replace(fileLesson, `grep -qx done done.txt 2>/dev/null || { echo "done.txt does not say done yet"; exit 1; }`, `true`, 1)
	ls, err = LoadDir(lessonDir(t, map[string]string{"lazy.yaml": lazy}))
	if err != nil {
		t.Fatal(err)
	}
	ps, _ := Prove(context.Background(), ls[0], "0000000000000001", machine(t), t.TempDir(), true)
	if len(ps) != 1 || ps[0].Step != 2 || !strings.Contains(ps[0].What, "passes before") {
		t.Errorf("a check that proves nothing was not caught: %v", ps)
	}
	// In the course: Get finds it; a clash with a built-in id is refused.
	UseFileLessons(ls)
	defer UseFileLessons(nil)
	if _, err := Get("drop-test"); err != nil {
		t.Error(err)
	}
	clash := strings.Replace(fileLesson, "id: drop-test", "id: perm-octal", 1)
	if _, err := LoadDir(lessonDir(t, map[string]string{"x.yaml": clash})); err == nil || !strings.Contains(err.Error(), "already used") {
		t.Errorf("a built-in id taken by a file: %v", err)
	}
}

// An instructor's lesson directory is untrusted input: what another user
// could have written, a link, a huge file, an invalid lesson are refused.
func TestLoadDirRefuses(t *testing.T) {
	t.Run("writable by others", func(t *testing.T) {
		dir := lessonDir(t, map[string]string{"drop.yaml": fileLesson})
		os.Chmod(dir, 0o777)
		if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "writable by others") {
			t.Errorf("a world-writable lesson directory was read: %v", err)
		}
		os.Chmod(dir, 0o755)
		os.Chmod(filepath.Join(dir, "drop.yaml"), 0o666)
		if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "writable by others") {
			t.Errorf("a world-writable lesson file was read: %v", err)
		}
	})
	t.Run("another user's file", func(t *testing.T) {
		testenv.NeedRoot(t)
		dir := lessonDir(t, map[string]string{"drop.yaml": fileLesson})
		os.Chown(filepath.Join(dir, "drop.yaml"), 65534, 65534)
		if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "uid 65534") {
			t.Errorf("nobody's lesson file was read by root: %v", err)
		}
	})
	t.Run("a link", func(t *testing.T) {
		dir := lessonDir(t, nil)
		other := filepath.Join(t.TempDir(), "real.yaml")
		os.WriteFile(other, []byte(fileLesson), 0o644)
		os.Symlink(other, filepath.Join(dir, "drop.yaml"))
		if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), "not a regular file") {
			t.Errorf("a linked lesson file was read: %v", err)
		}
	})
	t.Run("too big", func(t *testing.T) {
		dir := lessonDir(t, map[string]string{"drop.yaml": fileLesson + "# " + strings.Repeat("x", MaxLessonFile) + "\n"})
		if _, err := LoadDir(dir); err == nil {
			t.Error("a lesson file over the limit was read")
		}
	})
	t.Run("invalid", func(t *testing.T) {
		dir := lessonDir(t, map[string]string{"drop.yaml": strings.Replace(fileLesson, "kind: script", "kind: rm-rf", 1)})
		if _, err := LoadDir(dir); err == nil || !strings.Contains(err.Error(), `unknown kind "rm-rf"`) {
			t.Errorf("an invalid lesson was read: %v", err)
		}
	})
}

// A script check never runs as root on a student's work: root grading a
// workspace that belongs to nobody runs it as nobody.
func TestScriptRunsAsTheStudent(t *testing.T) {
	testenv.NeedRoot(t)
	dir := t.TempDir()
	os.Chmod(dir, 0o755)
	os.Chmod(filepath.Dir(dir), 0o755) // the test's own temp root: nobody must pass it
	ws := filepath.Join(dir, "ws")
	os.Mkdir(ws, 0o755)
	os.WriteFile(filepath.Join(ws, "done.txt"), []byte("done\n"), 0o644)
	if out, err := exec.Command("chown", "-R", "65534:65534", ws).CombinedOutput(); err != nil {
		t.Fatalf("%v %s", err, out)
	}
	c := Check{Kind: KindScript, Want: `echo "uid $(id -u)"; touch /root/sysdojo-script-was-root 2>/dev/null && echo WROTE-AS-ROOT; true`}
	cr := runScript(c, Env{Dir: ws}, nil)
	if !cr.OK || !strings.Contains(cr.Line.En, "uid 65534") || strings.Contains(cr.Line.En, "WROTE-AS-ROOT") {
		t.Errorf("script as root on nobody's workspace: %+v", cr)
	}
	os.Remove("/root/sysdojo-script-was-root")
	// With Env.As (a grader's creds), those are used.
	cr = runScript(Check{Kind: KindScript, Want: `id -u`}, Env{Dir: ws, As: &Creds{UID: 65534, GID: 65534}}, nil)
	if !strings.Contains(cr.Line.En, "65534") {
		t.Errorf("with As: %+v", cr)
	}
}

// A script that hangs, or leaves a process behind, is stopped: the check
// fails with a clear line and nothing of it stays running.
func TestScriptTimeout(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for the script timeout")
	}
	dir := t.TempDir()
	pidfile := filepath.Join(dir, "pid")
	cr := runScript(Check{Kind: KindScript, Want: `sleep 300 & echo $! > pid; wait`}, Env{Dir: dir}, nil)
	if cr.OK || cr.Saw != "timeout" {
		t.Fatalf("a hanging script: %+v", cr)
	}
	data, _ := os.ReadFile(pidfile)
	pid := strings.TrimSpace(string(data))
	if pid == "" {
		t.Fatal("no pid")
	}
	// The group was killed: the sleep is gone (or a zombie for init to
	// reap). SIGKILL lands asynchronously: look again for a while (a hang
	// guard, not a timing assertion).
	alive := func() bool {
		st, err := os.ReadFile("/proc/" + pid + "/stat")
		return err == nil && !strings.Contains(string(st), ") Z")
	}
	for i := 0; i < 50 && alive(); i++ {
		time.Sleep(100 * time.Millisecond)
	}
	if alive() {
		exec.Command("kill", "-9", pid).Run()
		t.Errorf("the script's background process %s outlived the check", pid)
	}
}

// TestFormatExample: the full example in FORMAT.md loads and proves.
func TestFormatExample(t *testing.T) {
	doc, err := os.ReadFile("FORMAT.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(doc)
	i := strings.Index(s, "# DIR/drop-box.yaml")
	if i < 0 {
		t.Fatal("FORMAT.md has no full example")
	}
	j := strings.Index(s[i:], "```")
	dir := lessonDir(t, map[string]string{"drop-box.yaml": s[i : i+j]})
	ls, err := LoadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, seed := range []string{"0000000000000001", "00000000000000ff"} {
		if ps, _ := Prove(context.Background(), ls[0], seed, machine(t), t.TempDir(), true); len(ps) > 0 {
			t.Errorf("the FORMAT.md example does not prove: %v", ps)
		}
	}
}
