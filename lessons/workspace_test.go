package lessons

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"syscall"
	"testing"

	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/testenv"
)

const nobody = 65534

func bind(t *testing.T, id string) *Lesson {
	t.Helper()
	l, err := Get(id)
	if err != nil {
		t.Fatal(err)
	}
	return l.Bind("00000000000000ff", map[string]string{"user": "root", "group": "root"})
}

func write(t *testing.T, p, s string, mode os.FileMode) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(p, mode); err != nil {
		t.Fatal(err)
	}
}

func modeOf(t *testing.T, p string) (os.FileMode, uint32) {
	t.Helper()
	st, err := os.Lstat(p)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode(), st.Sys().(*syscall.Stat_t).Uid
}

func readOf(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func bothResolvers(t *testing.T, f func(t *testing.T)) {
	t.Run("openat2", f)
	t.Run("openat-per-component", func(t *testing.T) {
		noOpenat2.Store(true)
		defer noOpenat2.Store(false)
		f(t)
	})
}

// The attack: root sets a lesson up where a student planted links to
// another user's directory, in place of the lesson's directories (shared,
// 0777) and of a directory a starting file goes into (names/a.txt). The
// other user's directory and file must keep their modes and content.
func TestSetupNeverFollowsLinks(t *testing.T) {
	testenv.NeedRoot(t)
	bothResolvers(t, func(t *testing.T) {
		tmp := t.TempDir()
		foreign := filepath.Join(tmp, "foreign")
		if err := os.Mkdir(foreign, 0o700); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(foreign, "a.txt"), "not yours\n", 0o600)
		for _, p := range []string{foreign, filepath.Join(foreign, "a.txt")} {
			if err := os.Chown(p, nobody, nobody); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct{ lesson, link string }{
			{"perm-special", "shared"}, // a directory the lesson makes 0777
			{"perm-dirs", "names"},     // names/a.txt is written into it
		} {
			ws := filepath.Join(tmp, c.lesson)
			if err := os.Mkdir(ws, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(foreign, filepath.Join(ws, c.link)); err != nil {
				t.Fatal(err)
			}
			err := bind(t, c.lesson).Setup(ws)
			var ie *i18n.Error
			if !errors.As(err, &ie) || ie.Kind != i18n.KindInvalid {
				t.Errorf("%s: Setup with %s a link out: %v, want an in-the-way error", c.lesson, c.link, err)
			}
			if m, uid := modeOf(t, foreign); m.Perm() != 0o700 || uid != nobody {
				t.Errorf("%s: the other user's directory is now %v uid %d", c.lesson, m, uid)
			}
			if m, uid := modeOf(t, filepath.Join(foreign, "a.txt")); m.Perm() != 0o600 || uid != nobody {
				t.Errorf("%s: the other user's file is now %v uid %d", c.lesson, m, uid)
			}
			if s := readOf(t, filepath.Join(foreign, "a.txt")); s != "not yours\n" {
				t.Errorf("%s: the other user's file now holds %q", c.lesson, s)
			}
			if l, err := os.Readlink(filepath.Join(ws, c.link)); err != nil || l != foreign {
				t.Errorf("%s: the planted link is gone or changed: %q %v", c.lesson, l, err)
			}
		}
	})
}

// A link swapped in for a recorded directory between start and reset:
// reset stops, nothing outside changes.
func TestResetNeverFollowsLinks(t *testing.T) {
	bothResolvers(t, func(t *testing.T) {
		tmp := t.TempDir()
		foreign := filepath.Join(tmp, "foreign")
		if err := os.Mkdir(foreign, 0o700); err != nil {
			t.Fatal(err)
		}
		write(t, filepath.Join(foreign, "a.txt"), "not yours\n", 0o600)
		w, err := LoadWorkspaces(filepath.Join(tmp, "state", "p.workspaces.json"))
		if err != nil {
			t.Fatal(err)
		}
		l := bind(t, "perm-dirs")
		ws := filepath.Join(tmp, "ws")
		if _, err := w.Start(l, ws); err != nil {
			t.Fatal(err)
		}
		if err := os.RemoveAll(filepath.Join(ws, "names")); err != nil {
			t.Fatal(err)
		}
		if err := os.Symlink(foreign, filepath.Join(ws, "names")); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Reset(l, ws); err == nil {
			t.Error("reset went on with names a link out of the workspace")
		}
		if m, _ := modeOf(t, foreign); m.Perm() != 0o700 {
			t.Errorf("the directory the link leads to is now %v", m)
		}
		if s := readOf(t, filepath.Join(foreign, "a.txt")); s != "not yours\n" {
			t.Errorf("the file the link leads to now holds %q", s)
		}
	})
}

func TestStartRefusesNonEmpty(t *testing.T) {
	tmp := t.TempDir()
	w, err := LoadWorkspaces(filepath.Join(tmp, "p.workspaces.json"))
	if err != nil {
		t.Fatal(err)
	}
	ws := filepath.Join(tmp, "ws")
	os.Mkdir(ws, 0o755)
	write(t, filepath.Join(ws, "thesis.txt"), "years of work\n", 0o644)
	write(t, filepath.Join(ws, "sample.txt"), "mine\n", 0o600)
	_, err = w.Start(bind(t, "perm-octal"), ws)
	var ie *i18n.Error
	if !errors.As(err, &ie) || ie.Kind != i18n.KindInvalid {
		t.Fatalf("Start on a directory with someone's files: %v, want it refused", err)
	}
	if s := readOf(t, filepath.Join(ws, "sample.txt")); s != "mine\n" {
		t.Errorf("sample.txt now holds %q", s)
	}
	if m, _ := modeOf(t, filepath.Join(ws, "sample.txt")); m.Perm() != 0o600 {
		t.Errorf("sample.txt is now %v", m)
	}
	if _, err := os.Stat(filepath.Join(ws, "report.txt")); err == nil {
		t.Error("a starting file was written next to the student's files")
	}
}

func TestResetKeepsWhatSysdojoDidNotMake(t *testing.T) {
	tmp := t.TempDir()
	rec := filepath.Join(tmp, "p.workspaces.json")
	w, _ := LoadWorkspaces(rec)
	l := bind(t, "perm-dirs")
	ws := filepath.Join(tmp, "ws")
	if _, err := w.Start(l, ws); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(ws, "thesis.txt"), "years of work\n", 0o644)
	write(t, filepath.Join(ws, "names", "b.txt"), "mine too\n", 0o644)
	os.Chmod(filepath.Join(ws, "names", "a.txt"), 0o777)
	w, _ = LoadWorkspaces(rec)
	prep, err := w.Reset(l, ws)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"names/b.txt", "thesis.txt"}; !slices.Equal(prep.Kept, want) {
		t.Errorf("kept %q, want %q", prep.Kept, want)
	}
	if s := readOf(t, filepath.Join(ws, "thesis.txt")); s != "years of work\n" {
		t.Errorf("thesis.txt now holds %q", s)
	}
	if s := readOf(t, filepath.Join(ws, "names", "b.txt")); s != "mine too\n" {
		t.Errorf("names/b.txt now holds %q", s)
	}
	if m, _ := modeOf(t, filepath.Join(ws, "names", "a.txt")); m.Perm() != 0o644 {
		t.Errorf("a.txt, sysdojo's, was not made afresh: %v", m)
	}
	// Again: names stayed (it holds b.txt) and is still sysdojo's.
	w, _ = LoadWorkspaces(rec)
	if _, err := w.Reset(l, ws); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(ws, "names", "b.txt"))
	w, _ = LoadWorkspaces(rec)
	if prep, err := w.Reset(l, ws); err != nil || !slices.Equal(prep.Kept, []string{"thesis.txt"}) {
		t.Errorf("third reset: %v, kept %q", err, prep.Kept)
	}
}

// forge writes a workspace record for ws naming made, as a student could.
func forge(t *testing.T, rec, ws, lesson string, made []Made) {
	t.Helper()
	var st syscall.Stat_t
	if err := syscall.Stat(ws, &st); err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(map[string]any{"workspaces": map[string]any{
		ws: Workspace{Lesson: lesson, Dev: st.Dev, Ino: st.Ino, Made: made}}})
	write(t, rec, string(data), 0o600)
}

// A record that names paths outside the workspace, or through a link out
// of it, removes none of them, even when it is the user's own.
func TestForgedRecordOutside(t *testing.T) {
	bothResolvers(t, func(t *testing.T) {
		tmp := t.TempDir()
		ws := filepath.Join(tmp, "ws")
		out := filepath.Join(tmp, "out")
		os.Mkdir(ws, 0o755)
		os.Mkdir(out, 0o755)
		write(t, filepath.Join(tmp, "precious.txt"), "keep me\n", 0o644)
		write(t, filepath.Join(out, "precious.txt"), "keep me\n", 0o644)
		os.Symlink(out, filepath.Join(ws, "link"))
		rec := filepath.Join(tmp, "p.workspaces.json")
		var made []Made
		for _, p := range []string{"../precious.txt", tmp + "/precious.txt", "link/precious.txt", "x/../../precious.txt", "link/"} {
			made = append(made, Made{Path: p, Type: "file"})
		}
		made = append(made, Made{Path: "link", Type: "dir"}) // a link, recorded as a directory
		forge(t, rec, ws, "perm-octal", made)
		w, _ := LoadWorkspaces(rec)
		if !w.trusted {
			t.Fatal("the user's own record (0600) is not trusted: the test would prove nothing")
		}
		prep, err := w.Reset(bind(t, "perm-octal"), ws)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []string{filepath.Join(tmp, "precious.txt"), filepath.Join(out, "precious.txt")} {
			if s := readOf(t, p); s != "keep me\n" {
				t.Errorf("%s now holds %q", p, s)
			}
		}
		if _, err := os.Readlink(filepath.Join(ws, "link")); err != nil {
			t.Errorf("the link was removed: %v", err)
		}
		if !slices.Contains(prep.Kept, "link") {
			t.Errorf("kept %q, want link listed", prep.Kept)
		}
	})
}

// A record another user could have written (group- or world-writable, or
// not the user's) counts a name as sysdojo's only when its inode is the
// one recorded: a forged entry for the student's thesis is not enough.
func TestUntrustedRecordNeedsInodes(t *testing.T) {
	tmp := t.TempDir()
	ws := filepath.Join(tmp, "ws")
	rec := filepath.Join(tmp, "p.workspaces.json")
	w, _ := LoadWorkspaces(rec)
	l := bind(t, "perm-octal")
	if _, err := w.Start(l, ws); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(ws, "thesis.txt"), "years of work\n", 0o644)
	var rw struct {
		Workspaces map[string]*Workspace `json:"workspaces"`
	}
	if err := json.Unmarshal([]byte(readOf(t, rec)), &rw); err != nil {
		t.Fatal(err)
	}
	rw.Workspaces[ws].Made = append(rw.Workspaces[ws].Made, Made{Path: "thesis.txt", Type: "file", Dev: 1, Ino: 1})
	data, _ := json.Marshal(rw)
	write(t, rec, string(data), 0o666)
	w, _ = LoadWorkspaces(rec)
	if w.trusted {
		t.Fatal("a world-writable record is trusted")
	}
	prep, err := w.Reset(l, ws)
	if err != nil {
		t.Fatal(err)
	}
	if s := readOf(t, filepath.Join(ws, "thesis.txt")); s != "years of work\n" {
		t.Errorf("thesis.txt now holds %q", s)
	}
	if !slices.Equal(prep.Kept, []string{"thesis.txt"}) {
		t.Errorf("kept %q", prep.Kept)
	}
	// The real entries still match by inode: the starting files are made
	// afresh.
	if m, _ := modeOf(t, filepath.Join(ws, "sample.txt")); m.Perm() != 0o644 {
		t.Errorf("sample.txt: %v", m)
	}
}

// A record that is a FIFO, a link or garbage is no record: nothing is
// taken to be sysdojo's, and reading it does not hang.
func TestRecordNotARegularFile(t *testing.T) {
	tmp := t.TempDir()
	fifo := filepath.Join(tmp, "fifo.json")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(tmp, "link.json")
	os.Symlink("/dev/zero", link)
	garbage := filepath.Join(tmp, "garbage.json")
	write(t, garbage, "{", 0o600)
	for _, p := range []string{fifo, link, garbage} {
		w, err := LoadWorkspaces(p)
		if err != nil || len(w.Dirs) != 0 || w.trusted {
			t.Errorf("%s: %v %+v", p, err, w)
		}
	}
}

// After a student did every step, reset still works: what the lesson's
// tasks changed in sysdojo's files (modes, owners, a sources file
// rewritten by apt switch) is sysdojo's to make afresh, and every
// starting file is back with its mode.
func TestResetAfterEverySolution(t *testing.T) {
	m := machine(t)
	needSysdojo(t)
	for _, src := range mustAll(t) {
		if usesLive(src) {
			continue // containers and servers: TestEverySolution covers them
		}
		t.Run(src.ID, func(t *testing.T) {
			if src.NeedsRoot() {
				testenv.NeedRoot(t)
			}
			t.Parallel()
			l := src.Bind("00000000000000ff", m)
			tmp := t.TempDir()
			ws := filepath.Join(tmp, "ws")
			rec := filepath.Join(tmp, "p.workspaces.json")
			w, _ := LoadWorkspaces(rec)
			if _, err := w.Start(l, ws); err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			for n := 1; n <= len(l.Steps); n++ {
				if _, err := l.Solve(context.Background(), n, ws, &out); err != nil {
					t.Fatalf("%v\n%s", err, out.String())
				}
			}
			w, _ = LoadWorkspaces(rec)
			prep, err := w.Reset(l, ws)
			if err != nil {
				t.Fatal(err)
			}
			wants, _ := l.wants()
			for _, wt := range wants {
				st, err := os.Lstat(filepath.Join(ws, wt.rel))
				if err != nil {
					t.Errorf("%s: %v", wt.rel, err)
					continue
				}
				if wt.typ != "symlink" && (wt.typ == "file" || wt.explicit) && st.Mode()&(os.ModePerm|os.ModeSetuid|os.ModeSetgid|os.ModeSticky) != modeBits(wt.mode) {
					t.Errorf("%s: %v after reset, want %o", wt.rel, st.Mode(), wt.mode)
				}
			}
			t.Logf("kept: %q", prep.Kept)
		})
	}
}

func modeBits(m uint32) os.FileMode {
	out := os.FileMode(m & 0o777)
	for bit, fm := range map[uint32]os.FileMode{0o4000: os.ModeSetuid, 0o2000: os.ModeSetgid, 0o1000: os.ModeSticky} {
		if m&bit != 0 {
			out |= fm
		}
	}
	return out
}
