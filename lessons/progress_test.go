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

func TestProgressCorrupt(t *testing.T) {
	dir := t.TempDir()
	s := &Store{Path: filepath.Join(dir, "progress.json")}
	for _, bad := range []string{"{not json", `{"version":1}`, ""} {
		os.WriteFile(s.Path, []byte(bad), 0o644)
		p, n, err := s.Load()
		if err != nil || n == nil || p == nil || p.Seed == "" {
			t.Fatalf("%q: Load = %v, %v, %v; want a fresh start with a notice", bad, p, n, err)
		}
		if !strings.Contains(n.En, "kept as") || !strings.Contains(n.Ko, "옮겨 두고") {
			t.Errorf("notice %+v", n)
		}
		if _, err := os.Stat(s.Path); !os.IsNotExist(err) {
			t.Errorf("%q: the corrupt file is still in place", bad)
		}
	}
	aside, _ := filepath.Glob(s.Path + ".corrupt-*")
	if len(aside) == 0 {
		t.Error("nothing kept aside")
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
				lp := p.Lessons["x"]
				if lp == nil {
					lp = &LessonProgress{Hints: map[int]int{}}
					p.Lessons["x"] = lp
				}
				lp.Hints[1]++
				lp.Done = append(lp.Done, i)
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
	if got := p.Lessons["x"].Hints[1]; got != n || len(p.Lessons["x"].Done) != n {
		t.Errorf("after %d updates: count %d, done %v", n, got, p.Lessons["x"].Done)
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
