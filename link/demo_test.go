package link

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

// TestDemo runs the whole experiment for real: every action that should
// work works, and the ones that should fail fail with the real errno
// (ENOENT through the dangling link, EPERM for a directory, EXDEV across
// filesystems).
func TestDemo(t *testing.T) {
	d := &Demo{Dir: filepath.Join(t.TempDir(), "demo")}
	if err := d.Prepare(); err != nil {
		t.Fatal(err)
	}
	if otherFS(d.Dir) == "" {
		testenv.Skip(t, "no writable directory on another mount (like /dev/shm) for the EXDEV step")
	}
	want := map[string]error{"cat softlink": unix.ENOENT, "ln elsewhere elsewhere2": unix.EPERM}
	var sawEXDEV bool
	for _, s := range d.Steps() {
		for _, a := range s.Actions {
			out := a.Run()
			switch {
			case strings.HasPrefix(a.Line, "ln hardlink /"):
				sawEXDEV = errors.Is(out.Err, unix.EXDEV)
			case a.Fails:
				if !errors.Is(out.Err, want[a.Line]) {
					t.Errorf("%s: err %v, want %v", a.Line, out.Err, want[a.Line])
				}
			case out.Err != nil:
				t.Errorf("%s: %v", a.Line, out.Err)
			}
		}
		if s.Explain != nil && s.Explain().Ko == "" {
			t.Errorf("%s: no Korean explanation", s.Title.En)
		}
		if s.Title.Ko == "" {
			t.Errorf("%s: no Korean title", s.Title.En)
		}
	}
	if !sawEXDEV {
		t.Error("hard link to another mount did not fail with EXDEV")
	}
	// After the experiment: hardlink and elsewhere/basefile are one inode
	// with two names, softlink dangles.
	h, _ := Inspect(filepath.Join(d.Dir, "hardlink"))
	b, _ := Inspect(filepath.Join(d.Dir, "elsewhere/basefile"))
	s, _ := Inspect(filepath.Join(d.Dir, "softlink"))
	if h.Inode != b.Inode || h.Nlink != 2 || s.Symlink == nil || !s.Dangling {
		t.Errorf("after the demo: hardlink %+v, basefile %+v, softlink %+v", h, b, s)
	}
	// Nothing is left on the other filesystem.
	left, _ := filepath.Glob(filepath.Join(otherFS(d.Dir), fmt.Sprintf("sysdojo-hardlink-%d*", os.Getpid())))
	if len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
	// A second run in the same directory is refused.
	if err := d.Prepare(); !errors.Is(err, os.ErrExist) {
		t.Errorf("Prepare on a used directory: %v", err)
	}
}
