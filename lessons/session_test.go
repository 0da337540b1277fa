package lessons

import (
	"os"
	"path/filepath"
	"testing"
)

// TestSessionRunner drives the runner as the command line does, without
// it: start, a failing check, the hint ladder, the solution (recorded),
// a passing check that advances, and the workspace the student is in
// deciding the lesson.
func TestSessionRunner(t *testing.T) {
	tmp := t.TempDir()
	store := &Store{Path: filepath.Join(tmp, "progress.json")}
	os.WriteFile(store.Path, []byte(`{"version": 1, "seed": "0000000000000001", "lessons": {}}`), 0o600)
	s := &Session{Store: store, Vars: machine(t), Home: tmp}
	st, err := s.Start("perm-octal", "")
	if err != nil {
		t.Fatal(err)
	}
	ws := filepath.Join(tmp, "sysdojo-lab", "perm-octal")
	if st.Progress.Dir != ws || st.Resumed {
		t.Fatalf("started in %s (resumed %v)", st.Progress.Dir, st.Resumed)
	}
	ck, err := s.Check("", nil)
	if err != nil || ck.Result.Passed {
		t.Fatalf("check before doing anything: %+v, %v", ck, err)
	}
	h1, _ := s.Hint()
	h2, _ := s.Hint()
	h3, _ := s.Hint()
	if h1.Shown != 1 || h2.Shown != 2 || h3.Shown != h3.Total {
		t.Errorf("hint ladder: %d, %d, %d of %d", h1.Shown, h2.Shown, h3.Shown, h3.Total)
	}
	sol, err := s.Solution()
	if err != nil || len(sol.Commands) == 0 || sol.Commands[0] != "chmod 777 sample.txt" {
		t.Fatalf("solution: %+v, %v", sol, err)
	}
	os.Chmod(filepath.Join(ws, "sample.txt"), 0o777)
	ck, err = s.Check("", nil)
	if err != nil || !ck.Result.Passed || ck.Progress.Step != 2 {
		t.Fatalf("check after the task: %+v, %v", ck, err)
	}
	p, _ := s.Load()
	lp := p.Lesson("perm-octal")
	if lp.Hints[1] != h3.Total || !contains(lp.Solutions, 1) {
		t.Errorf("help not recorded: hints %v, solutions %v", lp.Hints, lp.Solutions)
	}
	// Another lesson becomes current; inside perm-octal's workspace,
	// perm-octal is still the one checked.
	if _, err := s.Start("links-count", ""); err != nil {
		t.Fatal(err)
	}
	s.Cwd = ws
	ck, _ = s.Check("", nil)
	if ck.Lesson.ID != "perm-octal" {
		t.Errorf("in perm-octal's workspace, %s was checked", ck.Lesson.ID)
	}
	s.Cwd = tmp
	ck, _ = s.Check("", nil)
	if ck.Lesson.ID != "links-count" {
		t.Errorf("outside any workspace, %s was checked", ck.Lesson.ID)
	}
	// The entry point for a class server: a workspace and its owner.
	r, err := CheckWorkspace("perm-octal", 1, "0000000000000001", machine(t), StudentWorkspace{Dir: ws, UID: uint32(os.Getuid()), GID: uint32(os.Getgid())}, "")
	if err != nil || !r.Passed {
		t.Errorf("CheckWorkspace step 1: %+v, %v", r, err)
	}
	if _, err := CheckWorkspace("perm-octal", 99, "0000000000000001", nil, StudentWorkspace{Dir: ws}, ""); err == nil {
		t.Error("step 99 accepted")
	}
}
