package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/sysdojo/sysdojo/class"
	"github.com/sysdojo/sysdojo/internal/testenv"
	"github.com/sysdojo/sysdojo/lessons"
)

// classStudent is a user made for the test, running sysdojo as
// themselves with setpriv.
type classStudent struct {
	name, home string
	uid, gid   int
}

// TestClassServeEndToEnd: `sysdojo class serve` as root; three students
// made with useradd run `sysdojo lesson start/check/hint` as themselves
// (setpriv) against it; one forges their progress file, one points their
// progress at another's workspace. The server's grid counts only what it
// saw.
func TestClassServeEndToEnd(t *testing.T) {
	testenv.NeedRoot(t)
	setpriv := testenv.NeedTool(t, "setpriv")
	useradd := testenv.NeedTool(t, "useradd")
	userdel := testenv.NeedTool(t, "userdel")
	base, err := os.MkdirTemp("", "sysdojo-class-e2e-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(base)
	os.Chmod(base, 0o755)
	// This test binary runs the CLI when it is called sysdojo; students
	// must be able to run it.
	exe, _ := os.Executable()
	bin := filepath.Join(base, "bin", "sysdojo")
	os.MkdirAll(filepath.Dir(bin), 0o755)
	if data, err := os.ReadFile(exe); err != nil || os.WriteFile(bin, data, 0o755) != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(base, "run", "class.sock")
	store := filepath.Join(base, "lib", "class.db")

	serve := exec.Command(bin, "class", "serve", "--class-socket", sock, "--store", store, "--http", "127.0.0.1:0")
	serve.Env = []string{"LANG=C.UTF-8", "PATH=" + os.Getenv("PATH")}
	out, _ := serve.StdoutPipe()
	serve.Stderr = os.Stderr
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	defer serve.Process.Kill()
	sc := bufio.NewScanner(out)
	dash := ""
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "Dashboard: "); ok {
			dash = u
			break
		}
	}
	if dash == "" {
		t.Fatal("class serve printed no dashboard address")
	}
	go io.Copy(io.Discard, out)

	var students []*classStudent
	for i := 1; i <= 3; i++ {
		name := fmt.Sprintf("sdcs%d-%d", os.Getpid()%100000, i)
		if out, err := exec.Command(useradd, "-M", "-N", "-s", "/bin/sh", name).CombinedOutput(); err != nil {
			t.Fatalf("useradd: %v\n%s", err, out)
		}
		defer exec.Command(userdel, "-f", name).Run()
		u, _ := user.Lookup(name)
		s := &classStudent{name: name, home: filepath.Join(base, name)}
		s.uid, _ = strconv.Atoi(u.Uid)
		s.gid, _ = strconv.Atoi(u.Gid)
		os.Mkdir(s.home, 0o755)
		os.Chown(s.home, s.uid, s.gid)
		students = append(students, s)
	}
	as := func(s *classStudent, args ...string) (int, string) {
		t.Helper()
		cmd := exec.Command(setpriv, append([]string{"--reuid=" + strconv.Itoa(s.uid), "--regid=" + strconv.Itoa(s.gid), "--clear-groups", "--"}, args...)...)
		cmd.Env = []string{"HOME=" + s.home, "PATH=" + filepath.Dir(bin) + ":/usr/bin:/bin", "LANG=C.UTF-8", "SYSDOJO_CLASS=" + sock}
		cmd.Dir = s.home
		b, err := cmd.CombinedOutput()
		code := 0
		if ee, ok := err.(*exec.ExitError); ok {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return code, string(b)
	}
	ws := func(s *classStudent) string { return filepath.Join(s.home, "sysdojo-lab", "perm-octal") }
	for _, s := range students {
		if code, out := as(s, "sysdojo", "lesson", "start", "perm-octal"); code != 0 {
			t.Fatalf("%s: start: %d\n%s", s.name, code, out)
		}
		if code, out := as(s, "sysdojo", "lesson", "check"); code != 1 || !strings.Contains(out, "Checked by the class server.") {
			t.Fatalf("%s: check before the task: %d\n%s", s.name, code, out)
		}
	}
	s1, s2, s3 := students[0], students[1], students[2]
	for _, s := range []*classStudent{s1, s3} {
		as(s, "chmod", "777", filepath.Join(ws(s), "sample.txt"))
		if code, out := as(s, "sysdojo", "lesson", "check"); code != 0 || !strings.Contains(out, "Checked and recorded by the class server (") {
			t.Fatalf("%s: check after the task: %d\n%s", s.name, code, out)
		}
	}
	if code, out := as(s2, "sysdojo", "lesson", "hint"); code != 0 || !strings.Contains(out, "Hint 1/") {
		t.Fatalf("hint: %d\n%s", code, out)
	}

	// s3 forges their progress: every step done, at the last step.
	progress := filepath.Join(s3.home, ".local", "state", "sysdojo", "progress.json")
	data, err := os.ReadFile(progress)
	if err != nil {
		t.Fatal(err)
	}
	var p lessons.Progress
	json.Unmarshal(data, &p)
	lp := p.Lessons["perm-octal"]
	lp.Done, lp.Step = []int{1, 2, 3, 4}, 5
	data, _ = json.Marshal(p)
	os.WriteFile(progress, data, 0o644)
	if code, out := as(s3, "sysdojo", "lesson", "check"); code != 1 {
		t.Fatalf("forged check: %d\n%s", code, out)
	}
	// s2 points their progress at s1's finished workspace.
	progress = filepath.Join(s2.home, ".local", "state", "sysdojo", "progress.json")
	data, _ = os.ReadFile(progress)
	json.Unmarshal(data, &p)
	p.Lessons["perm-octal"].Dir = ws(s1)
	data, _ = json.Marshal(p)
	os.WriteFile(progress, data, 0o644)
	if code, out := as(s2, "sysdojo", "lesson", "check"); code != 2 || !strings.Contains(out, "class server: the workspace "+ws(s1)+" is not yours") {
		t.Fatalf("s2 checking s1's workspace: %d\n%s", code, out)
	}

	// A quiz from the server, graded there.
	if code, out := as(s1, "sh", "-c", `printf 'x\ny\n' | sysdojo quiz perm --count 2`); code != 0 || !strings.Contains(out, "Graded and recorded by the class server (quiz 1).") {
		t.Errorf("s1's quiz: %d\n%s", code, out)
	}
	// A student sees their own records only.
	if code, out := as(s2, "sysdojo", "class", "results"); code != 0 || !strings.Contains(out, "for "+s2.name+":") ||
		!strings.Contains(out, "perm-octal       ✗ · · · ·  0 of 5 steps recorded") || strings.Contains(out, s1.name) {
		t.Errorf("s2's class results: %d\n%s", code, out)
	}

	resp, err := http.Get(dash)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		cookie = c
	}
	req, _ := http.NewRequest("GET", strings.Split(dash, "?")[0]+"grid.json", nil)
	req.AddCookie(cookie)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var g class.Grid
	json.NewDecoder(resp.Body).Decode(&g)
	resp.Body.Close()
	got := map[string]class.GridCell{}
	for _, row := range g.Students {
		got[row.Name] = row.Lessons["perm-octal"]
	}
	if c := got[s1.name]; c.Recorded != 1 || c.Claimed != 0 {
		t.Errorf("s1: %+v", c)
	}
	for _, row := range g.Students {
		if q := row.Quiz; (row.Name == s1.name) != (q.Quizzes == 1 && q.Total == 2 && q.Answered == 2) {
			t.Errorf("%s's quiz score: %+v", row.Name, q)
		}
	}
	if c := got[s2.name]; c.Recorded != 0 || c.Hints != 1 {
		t.Errorf("s2: %+v", c)
	}
	if c := got[s3.name]; c.Recorded != 1 || c.Claimed != 3 {
		t.Errorf("s3 after forging the progress file: %+v", c)
	}
	if t.Failed() {
		t.Logf("grid: %+v", g)
	}

	serve.Process.Signal(syscall.SIGTERM)
	if err := serve.Wait(); err != nil {
		t.Errorf("class serve after SIGTERM: %v", err)
	}
}
