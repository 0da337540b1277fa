package class

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/internal/testenv"
	"github.com/sysdojo/sysdojo/lessons"
)

// TestDashboardToken: without the token nothing is served, not even on
// loopback (students are local users of the lab machine); with it, the
// page sets a cookie that the grid and the exports accept.
func TestDashboardToken(t *testing.T) {
	srv := startServer(t, Config{})
	d := &Dashboard{Server: srv, Token: "s3cret"}
	hs := httptest.NewServer(d)
	defer hs.Close()
	for _, p := range []string{"/", "/grid.json", "/events", "/export.csv", "/export.json", "/?token=wrong"} {
		resp, err := http.Get(hs.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s without the token: %s", p, resp.Status)
		}
	}
	resp, err := http.Get(hs.URL + "/?token=s3cret&lang=ko")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Contains(body, []byte(`<html lang="ko">`)) {
		t.Fatalf("page: %s %.200s", resp.Status, body)
	}
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == cookieName {
			cookie = c
		}
	}
	if cookie == nil || !cookie.HttpOnly {
		t.Fatalf("cookie: %+v", resp.Cookies())
	}
	req, _ := http.NewRequest("GET", hs.URL+"/grid.json", nil)
	req.AddCookie(cookie)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("grid with the cookie: %s", resp.Status)
	}
	if !IsLoopback("127.0.0.1:8080") || !IsLoopback("[::1]:80") || IsLoopback("0.0.0.0:8080") || IsLoopback("192.168.0.3:80") {
		t.Error("IsLoopback")
	}
}

// TestPageSelfContained: the page loads nothing from anywhere: no URL
// with a scheme or a host, no external script, style or font.
func TestPageSelfContained(t *testing.T) {
	for _, bad := range []string{"://", "<link", "src=", "@import", "url(", "@font-face"} {
		if bytes.Contains(page, []byte(bad)) {
			t.Errorf("the page refers to something outside: it contains %q", bad)
		}
	}
}

// readEvent reads one server-sent event's data.
func readEvent(t *testing.T, r *bufio.Reader) *Grid {
	t.Helper()
	var data string
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("event stream: %v", err)
		}
		line = strings.TrimRight(line, "\n")
		if line == "" && data != "" {
			break
		}
		if d, ok := strings.CutPrefix(line, "data: "); ok {
			data += d
		}
	}
	var g Grid
	if err := json.Unmarshal([]byte(data), &g); err != nil {
		t.Fatal(err)
	}
	return &g
}

// TestDashboardLive: the event stream sends the grid at once and again
// after a student's check, with the pass recorded.
func TestDashboardLive(t *testing.T) {
	srv := startServer(t, Config{})
	hs := httptest.NewServer(&Dashboard{Server: srv, Tick: time.Hour})
	defer hs.Close()
	resp, err := http.Get(hs.URL + "/events")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	r := bufio.NewReader(resp.Body)
	if g := readEvent(t, r); len(g.Students) != 0 {
		t.Fatalf("first grid: %+v", g)
	}
	base := reachableDir(t)
	s1 := newStudent(t, base)
	l := getLesson(t, "perm-octal")
	ws := s1.workspace(t, l, s1.call(t, srv.socket(), Request{Op: OpHello}).Seed)
	os.Chmod(filepath.Join(ws, "sample.txt"), 0o777)
	s1.call(t, srv.socket(), Request{Op: OpCheck, Lesson: l.ID, Step: 1, Dir: ws})
	for {
		g := readEvent(t, r)
		if len(g.Students) == 1 && len(g.Students[0].Lessons) == 1 {
			c := g.Students[0].Lessons[l.ID]
			if c.Steps[0].Kind != KindRecorded || c.Recorded != 1 || g.Lessons[0].Steps[0].Passed != 1 {
				t.Fatalf("after the check: %+v", c)
			}
			break
		}
	}
}

// TestGridStuckAndCSV: stuck students come first by failed checks; the
// CSV escapes control characters and neutralises formulas in names.
func TestGridStuckAndCSV(t *testing.T) {
	all, err := lessons.All()
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	passed := now.Add(-time.Hour)
	snap := &Snapshot{
		Students: []Student{{UID: 1001, Name: "=HYPERLINK(\"http://x\")"}, {UID: 1002, Name: "evil\x1b[31m"}, {UID: 1003, Name: "kim"}},
		Steps: map[int]map[string]map[int]StepRecord{
			1001: {"perm-octal": {1: {Passed: &passed, Checks: 1}, 2: {Checks: 3, Fails: 3, Hints: 2}}},
			1002: {"perm-octal": {1: {Checks: 9, Fails: 9, Hints: 3, Solution: true}}},
			1003: {"perm-octal": {1: {Claimed: true}, 2: {Checks: 1, Fails: 1}}},
		},
		Current: map[int]map[string]Current{
			1001: {"perm-octal": {Step: 2, Since: now.Add(-20 * time.Minute)}},
			1002: {"perm-octal": {Step: 1, Since: now.Add(-15 * time.Minute)}},
			1003: {"perm-octal": {Step: 2, Since: now.Add(-2 * time.Minute)}},
		},
	}
	g := NewGrid(snap, all, now, 10*time.Minute)
	if len(g.Stuck) != 2 || g.Stuck[0].UID != 1002 || g.Stuck[1].UID != 1001 || g.Stuck[0].Fails != 9 {
		t.Fatalf("stuck: %+v", g.Stuck)
	}
	if len(g.Lessons) != 1 || g.Lessons[0].Steps[0].Passed != 1 || g.Lessons[0].Steps[0].Tried != 2 || g.Lessons[0].Steps[0].Solutions != 1 {
		t.Fatalf("pass rate: %+v", g.Lessons[0].Steps[0])
	}
	var b bytes.Buffer
	if err := g.WriteCSV(&b); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b.Bytes(), []byte("\ufeff")) {
		t.Error("no byte order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(b.String(), "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	names := map[string]bool{}
	kinds := map[string]string{}
	for _, r := range recs[1:] {
		names[r[0]] = true
		kinds[r[0]+"/"+r[3]] = r[4]
	}
	if !names[`'=HYPERLINK("http://x")`] || !names[`evil\x1b[31m`] {
		t.Errorf("names in the CSV: %v", names)
	}
	if kinds["kim/1"] != KindSelfReported || kinds[`'=HYPERLINK("http://x")/1`] != KindRecorded {
		t.Errorf("kinds: %v", kinds)
	}
}

// TestDashboardChromium loads the page in headless Chromium, sees a
// student's check arrive live, switches language, and keeps a screenshot
// ($SYSDOJO_ARTIFACTS/class-dashboard.png when set).
func TestDashboardChromium(t *testing.T) {
	chrome := testenv.NeedTool(t, "chromium")
	srv := startServer(t, Config{})
	base := reachableDir(t)
	s1, s2 := newStudent(t, base), newStudent(t, base)
	l := getLesson(t, "perm-octal")
	ws1 := s1.workspace(t, l, s1.call(t, srv.socket(), Request{Op: OpHello}).Seed)
	ws2 := s2.workspace(t, l, s2.call(t, srv.socket(), Request{Op: OpHello}).Seed)
	s2.call(t, srv.socket(), Request{Op: OpCheck, Lesson: l.ID, Step: 1, Dir: ws2})
	s2.call(t, srv.socket(), Request{Op: OpHint, Lesson: l.ID, Step: 1})
	s1.call(t, srv.socket(), Request{Op: OpCheck, Lesson: l.ID, Step: 1, Dir: ws1})
	hs := httptest.NewServer(&Dashboard{Server: srv, Token: "tok", Lang: "ko"})
	t.Cleanup(hs.Close) // after the browser is gone: its event stream stays open until then

	b := openBrowser(t, chrome, hs.URL+"/?token=tok")
	html := b.waitText(t, s1.name, s2.name, "● 실시간", "힌트 1 · 풀이 0", "0% (0/2)")
	if strings.Contains(html, `class="m-rec`) {
		t.Fatal("a pass shown before anyone passed")
	}
	// A student's check arrives while the page is open.
	os.Chmod(filepath.Join(ws1, "sample.txt"), 0o777)
	if r := s1.call(t, srv.socket(), Request{Op: OpCheck, Lesson: l.ID, Step: 1, Dir: ws1}); !r.Result.Passed {
		t.Fatalf("%+v", r)
	}
	b.waitText(t, `class="m-rec`, "50% (1/2)")
	out := t.TempDir()
	if a := os.Getenv("SYSDOJO_ARTIFACTS"); a != "" {
		out = a
	}
	b.screenshot(t, filepath.Join(out, "class-dashboard.png"))
	b.eval(t, `document.getElementById("lang").click()`)
	b.waitText(t, "Pass rate per step", "hints 1 · solutions 0", "● live")
	b.screenshot(t, filepath.Join(out, "class-dashboard-en.png"))
	t.Logf("screenshots: %s/class-dashboard.png, class-dashboard-en.png", out)
}
