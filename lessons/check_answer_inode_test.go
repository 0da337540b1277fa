package lessons

import (
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
)

func TestKindAnswerInode(t *testing.T) {
	// The inode number is only known once the file exists: answer the
	// inode of a file made the same way in another directory (a wrong
	// answer), and check the right one separately.
	testKind(t, KindAnswerInode, []Check{{}}, []kindCase{
		{name: "none", setup: "echo x > f", check: Check{Path: "f"}, line: "no answer yet"},
		{name: "wrong", setup: "echo x > f", check: Check{Path: "f"}, answer: "1", line: "is not right"},
		{name: "missing", check: Check{Path: "f"}, answer: "1", line: "does not exist"},
	})
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "f"), []byte("x"), 0o644)
	fi, err := os.Stat(filepath.Join(dir, "f"))
	if err != nil {
		t.Fatal(err)
	}
	ino := strconv.FormatUint(fi.Sys().(*syscall.Stat_t).Ino, 10)
	l := &Lesson{ID: "kinds", Steps: []Step{{Checks: []Check{{Kind: KindAnswerInode, Path: "f"}}}}}
	if r := l.CheckStep(1, Env{Dir: dir, Answer: ino}); !r.Passed {
		t.Errorf("the right inode %s does not pass: %s", ino, r.Criteria[0].Line.En)
	}
}
