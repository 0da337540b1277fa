package lessons

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestProgressRoundTrip(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "missing", "dir", "progress.json")}
	p, n, err := s.Load()
	if err != nil || n != nil || p.Seed == "" {
		t.Fatalf("fresh Load = %+v, %v, %v", p, n, err)
	}
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p.Current = "perm-ls"
	p.Lessons["perm-ls"] = &LessonProgress{Dir: "/w", Step: 3, Done: []int{1, 2},
		Hints: map[int]int{3: 2}, Answers: map[int]string{1: "rwx"}, Started: now, Updated: now}
	if err := s.Save(p); err != nil {
		t.Fatal(err)
	}
	q, _, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	lp := q.Lesson("perm-ls")
	if q.Seed != p.Seed || q.Current != "perm-ls" || lp.Step != 3 || !lp.IsDone(2) || lp.IsDone(3) ||
		lp.Hints[3] != 2 || lp.Answers[1] != "rwx" || !lp.Started.Equal(now) {
		t.Errorf("round trip lost something: %+v %+v", q, lp)
	}
}

// TestProgressCorrupt: a file that is not a valid progress file is an
// error that says so, and is left where and as it is (the old code moved
// it aside: a read-only command renamed a user's file).
func TestProgressCorrupt(t *testing.T) {
	dir := t.TempDir()
	s := &Store{Path: filepath.Join(dir, "progress.json")}
	for _, bad := range []string{"{not json", `{"version":1}`, "", "my thesis\n",
		`{"seed":"ab","lessons":{"perm-ls":{"step":0}}}`,
		`{"seed":"ab","lessons":{"perm-ls":{"step":-1}}}`,
		`{"seed":"ab","lessons":{"perm-ls":{"step":99}}}`,
		`{"seed":"ab","lessons":{"perm-ls":{"step":2,"done":[0]}}}`,
		`{"seed":"ab","lessons":{"perm-ls":null}}`,
		`{"seed":"ab","lessons":{"no-such-lesson":{"step":1}}}`,
		`{"seed":"ab","current":"nope","lessons":{}}`,
	} {
		os.WriteFile(s.Path, []byte(bad), 0o644)
		p, _, err := s.Load()
		if err == nil || p != nil {
			t.Errorf("%q: Load = %v, %v; want an error", bad, p, err)
			continue
		}
		if !strings.Contains(err.Error(), "not a valid sysdojo progress file") {
			t.Errorf("%q: error %v", bad, err)
		}
		if got, _ := os.ReadFile(s.Path); string(got) != bad {
			t.Errorf("%q: the file changed to %q", bad, got)
		}
		if _, err := s.Update(func(*Progress) error { return nil }); err == nil {
			t.Errorf("%q: Update went ahead over it", bad)
		}
		if got, _ := os.ReadFile(s.Path); string(got) != bad {
			t.Errorf("%q: Update changed the file to %q", bad, got)
		}
	}
	if aside, _ := filepath.Glob(s.Path + ".*"); len(aside) > 1 {
		t.Errorf("files made beside it: %v", aside)
	}
}

// TestProgressConcurrent: many quick updates from several goroutines (as
// from several commands at once) lose nothing.
func TestProgressConcurrent(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "p", "progress.json")}
	var wg sync.WaitGroup
	const n = 20
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			_, err := s.Update(func(p *Progress) error {
				lp := p.Lessons["perm-ls"]
				if lp == nil {
					lp = &LessonProgress{Step: 1, Hints: map[int]int{}, Answers: map[int]string{}}
					p.Lessons["perm-ls"] = lp
				}
				lp.Hints[1]++
				lp.Answers[1] += "x"
				return nil
			})
			if err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	p, _, err := s.Load()
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Lessons["perm-ls"].Hints[1]; got != n || len(p.Lessons["perm-ls"].Answers[1]) != n {
		t.Errorf("after %d updates: count %d, answer %q", n, got, p.Lessons["perm-ls"].Answers[1])
	}
}

func TestDefaultPath(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	for _, tt := range []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"SYSDOJO_PROGRESS": "/x/p.json", "XDG_STATE_HOME": "/s"}, "/x/p.json"},
		{map[string]string{"XDG_STATE_HOME": "/s", "HOME": "/h"}, "/s/sysdojo/progress.json"},
		{map[string]string{"XDG_STATE_HOME": "relative", "HOME": "/h"}, "/h/.local/state/sysdojo/progress.json"},
		{map[string]string{"HOME": "/h"}, "/h/.local/state/sysdojo/progress.json"},
	} {
		if got := DefaultPath(env(tt.env)); got != tt.want {
			t.Errorf("DefaultPath(%v) = %s, want %s", tt.env, got, tt.want)
		}
	}
}

func TestImportRejects(t *testing.T) {
	s := &Store{Path: filepath.Join(t.TempDir(), "p.json")}
	if err := s.Import([]byte(`{"lessons":{}}`)); err == nil {
		t.Error("a file without a seed was imported")
	}
	if err := s.Import([]byte(`{"version":1,"seed":"ab","current":"perm-ls"}`)); err != nil {
		t.Fatal(err)
	}
	p, _, _ := s.Load()
	if p.Seed != "ab" || p.Current != "perm-ls" || p.Lessons == nil {
		t.Errorf("imported %+v", p)
	}
}

// TestWaitChange: a chmod in the workspace (which changes no content)
// wakes the watcher; so does a change to a watched single file.
func TestWaitChange(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "f")
	os.WriteFile(f, nil, 0o644)
	prog := filepath.Join(t.TempDir(), "progress.json")
	os.WriteFile(prog, []byte("{}"), 0o644)
	for _, change := range []func(){
		func() { os.Chmod(f, 0o600) },
		func() { os.WriteFile(prog, []byte(`{"a":1}`), 0o644) },
		func() { os.Mkdir(filepath.Join(dir, "d"), 0o755) },
	} {
		dirs := []string{dir, prog}
		before := Snap(dirs...)
		done := make(chan error)
		go func() {
			_, err := WaitChange(context.Background(), before, dirs, 20*time.Millisecond)
			done <- err
		}()
		change()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
	}
	// A change made before WaitChange starts is not missed either.
	before := Snap(dir)
	os.Chmod(f, 0o640)
	if _, err := WaitChange(context.Background(), before, []string{dir}, 20*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	// ctx ends the wait.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := WaitChange(ctx, Snap(dir), []string{dir}, 20*time.Millisecond); err == nil {
		t.Error("WaitChange ignored a cancelled context")
	}
}
