package link

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

// makeTree builds the differential tests' tree under a new directory and
// returns its path: files, several hard links to some, relative and
// absolute symbolic links, dangling ones, loops, nested directories, and
// names with spaces and newlines.
func makeTree(t testing.TB) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "tree")
	mk := func(p string) string { return filepath.Join(root, p) }
	for _, d := range []string{"", "sub", "sub/deep", "a/b/c/d", "dir with space", "empty"} {
		if err := os.MkdirAll(mk(d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"f1": "one\n", "f2": "", "sub/f3": "three", "a/b/c/d/leaf": "leaf",
		"with space": "s", "new\nline": "n", "dir with space/x y": "xy", "sub/deep/f4": "four",
	}
	for p, c := range files {
		if err := os.WriteFile(mk(p), []byte(c), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	hard := [][2]string{
		{"f1", "sub/f1-hard"}, {"f1", "sub/deep/f1-hard2"}, {"f1", "a/b/f1 hard 3"},
		{"f2", "f2-hard"}, {"sub/f3", "dir with space/f3\nhard"}, {"a/b/c/d/leaf", "leaf-hard"},
	}
	for _, h := range hard {
		if err := os.Link(mk(h[0]), mk(h[1])); err != nil {
			t.Fatal(err)
		}
	}
	syms := [][2]string{
		{"f1", "s-rel"}, {"../f1", "sub/s-up"}, {"../../sub/f1-hard", "sub/deep/s-up2"},
		{mk("f1"), "s-abs"}, {mk("sub"), "s-abs-dir"}, {"sub", "s-dir"}, {"s-rel", "s-chain"},
		{"nope", "d-missing"}, {"../missing/x", "sub/d-missing-dir"}, {"f1/x", "d-notdir"},
		{"f1", "sub/d-wrong-dir"}, // relative to sub/, where there is no f1
		{mk("gone"), "d-abs"}, {"s-dir/../f1", "s-dotdot"}, {"d-missing", "d-chain"},
		{"l2", "l1"}, {"l1", "l2"}, {"self", "self"}, {"with space", "s to space"},
		{"new\nline", "s-newline"}, {"f1/", "d-trailing-slash"},
	}
	for _, s := range syms {
		if err := os.Symlink(s[0], mk(s[1])); err != nil {
			t.Fatal(err)
		}
	}
	// A hard link to a symbolic link: ln does not follow the source.
	if err := os.Link(mk("s-rel"), mk("sub/hard-to-symlink")); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mkfifo(mk("fifo"), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Lchown(mk("sub/f3"), 65534, 65534) // as root: an owner other than root
	os.Chmod(mk("a/b/c/d/leaf"), 0o4750)  // special bits in the mode
	return root
}

// entries lists every path under root (root included) with find -print0.
func entries(t testing.TB, root string) []string {
	out, err := exec.Command("find", root, "-print0").Output()
	if err != nil {
		t.Fatal(err)
	}
	return split0(out)
}

func split0(b []byte) []string {
	var out []string
	for _, p := range bytes.Split(b, []byte{0}) {
		if len(p) > 0 {
			out = append(out, string(p))
		}
	}
	return out
}

// TestInspectMatchesStat: inspect equals stat -c '%d %i %h %F %a %s %U %G' and
// readlink for every entry of the tree.
func TestInspectMatchesStat(t *testing.T) {
	testenv.NeedTool(t, "stat")
	testenv.NeedTool(t, "readlink")
	root := makeTree(t)
	paths := entries(t, root)
	cmd := exec.Command("stat", append([]string{"-c", "%d %i %h %F %a %s %U %G", "--"}, paths...)...)
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	want := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(want) != len(paths) {
		t.Fatalf("stat printed %d lines for %d paths", len(want), len(paths))
	}
	for i, p := range paths {
		in, err := Inspect(p)
		if err != nil {
			t.Fatalf("Inspect(%q): %v", p, err)
		}
		mode, _ := strconv.ParseUint(in.Mode, 8, 32)
		got := fmt.Sprintf("%d %d %d %s %o %d %s %s", in.Dev, in.Inode, in.Nlink, in.Type, mode, in.Size, in.Owner, in.Group)
		if got != want[i] {
			t.Errorf("%q: inspect %q, stat %q", p, got, want[i])
		}
		if len(in.Mode) != 4 {
			t.Errorf("%q: mode %q is not 4 octal digits", p, in.Mode)
		}
		if in.Type == "symbolic link" {
			rl, err := exec.Command("readlink", "-z", "--", p).Output()
			if err != nil {
				t.Fatal(err)
			}
			if in.Symlink == nil || in.Symlink.Target != strings.TrimSuffix(string(rl), "\x00") {
				t.Errorf("%q: target %+v, readlink %q", p, in.Symlink, rl)
			}
		} else if in.Symlink != nil {
			t.Errorf("%q: not a link but has link fields", p)
		}
	}
}

// TestResolveMatchesKernel: a link dangles or loops exactly when stat -L
// (the kernel) says so, and a link that resolves ends where readlink -e
// says.
func TestResolveMatchesKernel(t *testing.T) {
	root := makeTree(t)
	for _, p := range entries(t, root) {
		in, err := Inspect(p)
		if err != nil || in.Symlink == nil {
			continue
		}
		sl := in.Symlink
		var st unix.Stat_t
		kerr := unix.Stat(p, &st)
		switch {
		case errors.Is(kerr, unix.ELOOP):
			if !sl.Loop || sl.Dangling {
				t.Errorf("%q: kernel ELOOP, got loop=%v dangling=%v", p, sl.Loop, sl.Dangling)
			}
			if len(sl.Steps) != MaxSymlinks {
				t.Errorf("%q: loop after %d steps, want %d", p, len(sl.Steps), MaxSymlinks)
			}
		case kerr != nil:
			if !sl.Dangling || sl.Missing == "" {
				t.Errorf("%q: kernel %v, got dangling=%v missing=%q", p, kerr, sl.Dangling, sl.Missing)
			}
		default:
			if sl.Dangling || sl.Loop {
				t.Errorf("%q: resolves, got dangling=%v loop=%v", p, sl.Dangling, sl.Loop)
			}
			real, err := filepath.EvalSymlinks(p)
			if err != nil {
				t.Fatal(err)
			}
			if abs, _ := filepath.Abs(real); abs != sl.Resolved {
				t.Errorf("%q: resolved %q, want %q", p, sl.Resolved, abs)
			}
			if st.Ino != sl.TargetInode {
				t.Errorf("%q: target inode %d, want %d", p, sl.TargetInode, st.Ino)
			}
		}
	}
}

// TestRelativeFromLinkDir: a relative target starts from the link's own
// directory, not the current one.
func TestRelativeFromLinkDir(t *testing.T) {
	root := makeTree(t)
	in, err := Inspect(filepath.Join(root, "sub/d-wrong-dir"))
	if err != nil {
		t.Fatal(err)
	}
	if !in.Dangling || in.Missing != filepath.Join(root, "sub/f1") {
		t.Errorf("sub/d-wrong-dir -> f1: dangling=%v missing=%q, want missing sub/f1", in.Dangling, in.Missing)
	}
	in, _ = Inspect(filepath.Join(root, "sub/s-up"))
	if len(in.Steps) != 1 || in.Steps[0].Via != filepath.Join(root, "f1") {
		t.Errorf("sub/s-up -> ../f1: steps %+v", in.Steps)
	}
}

func findSamefile(t *testing.T, root, p string) []string {
	if fi, err := os.Lstat(p); err == nil && fi.Mode()&fs.ModeNamedPipe != 0 {
		// GNU find opens the reference file, which blocks on a FIFO
		// with no writer; a FIFO here has exactly one name.
		if strings.HasPrefix(p, strings.TrimSuffix(root, "/")+"/") {
			return []string{p}
		}
		return []string{}
	}
	out, err := exec.Command("find", root, "-samefile", p, "-print0").Output()
	if err != nil {
		t.Fatalf("find -samefile %q: %v", p, err)
	}
	got := split0(out)
	sort.Strings(got)
	if got == nil {
		got = []string{}
	}
	return got
}

// TestSameMatchesFind: same equals find DIR -samefile PATH for every
// inode, with getdents' d_ino and with lstat for every entry, on one
// worker and several, from the root and from a subdirectory.
func TestSameMatchesFind(t *testing.T) {
	testenv.NeedTool(t, "find")
	root := makeTree(t)
	opts := []SameOptions{
		{},
		{WalkOptions: WalkOptions{Workers: 1}},
		{WalkOptions: WalkOptions{Workers: 3, lstatAll: true}},
	}
	for _, dir := range []string{root, root + "/", filepath.Join(root, "sub")} {
		for _, p := range entries(t, root) {
			want := findSamefile(t, dir, p)
			for _, o := range opts {
				r, err := Same(p, dir, o)
				if err != nil {
					t.Fatalf("Same(%q, %q): %v", p, dir, err)
				}
				if strings.Join(r.Paths, "\x00") != strings.Join(want, "\x00") {
					t.Errorf("Same(%q, %q, %+v) = %q, find says %q", p, dir, o, r.Paths, want)
				}
				if len(r.Skipped) != 0 {
					t.Errorf("skipped %v", r.Skipped)
				}
			}
		}
	}
}

// TestBrokenMatchesFind: broken equals find DIR -xtype l, and its loops
// are the links find reports as "Too many levels of symbolic links".
func TestBrokenMatchesFind(t *testing.T) {
	testenv.NeedTool(t, "find")
	root := makeTree(t)
	cmd := exec.Command("find", root, "-xtype", "l", "-print0")
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, _ := cmd.Output() // exit 1 because of the loops
	wantDangling := split0(out)
	sort.Strings(wantDangling)
	var wantLoops []string
	for _, l := range strings.Split(stderr.String(), "\n") {
		if strings.HasSuffix(l, "': Too many levels of symbolic links") {
			l = strings.TrimSuffix(strings.TrimPrefix(l, "find: '"), "': Too many levels of symbolic links")
			wantLoops = append(wantLoops, l)
		}
	}
	sort.Strings(wantLoops)
	if len(wantLoops) != 3 {
		t.Fatalf("find reported loops %q (stderr %q)", wantLoops, stderr.String())
	}
	for _, o := range []WalkOptions{{}, {Workers: 1, lstatAll: true}} {
		r, err := FindBroken(root, o)
		if err != nil {
			t.Fatal(err)
		}
		var dangling, loops []string
		for _, b := range r.Links {
			if b.Loop {
				loops = append(loops, b.Path)
			} else {
				dangling = append(dangling, b.Path)
				if b.Missing == "" {
					t.Errorf("%q: no missing component", b.Path)
				}
			}
			rl, _ := os.Readlink(b.Path)
			if rl != b.Target {
				t.Errorf("%q: target %q, readlink %q", b.Path, b.Target, rl)
			}
		}
		if strings.Join(dangling, "\x00") != strings.Join(wantDangling, "\x00") {
			t.Errorf("dangling %q, find -xtype l %q", dangling, wantDangling)
		}
		if strings.Join(loops, "\x00") != strings.Join(wantLoops, "\x00") {
			t.Errorf("loops %q, find %q", loops, wantLoops)
		}
	}
}

func TestBadInput(t *testing.T) {
	root := makeTree(t)
	var pe *fs.PathError
	if _, err := Inspect(filepath.Join(root, "no such")); !errors.As(err, &pe) || !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Inspect(missing) = %v", err)
	}
	if _, err := Same(filepath.Join(root, "no such"), root, SameOptions{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Same(missing) = %v", err)
	}
	if _, err := Same(filepath.Join(root, "f1"), filepath.Join(root, "f2"), SameOptions{}); !errors.Is(err, unix.ENOTDIR) {
		t.Errorf("Same(f1, file) = %v", err)
	}
	if _, err := Same(filepath.Join(root, "d-missing"), root, SameOptions{Follow: true}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Same(dangling, follow) = %v", err)
	}
	if _, err := Same(filepath.Join(root, "l1"), root, SameOptions{Follow: true}); !errors.Is(err, unix.ELOOP) {
		t.Errorf("Same(loop, follow) = %v", err)
	}
	if _, err := FindBroken(filepath.Join(root, "nope"), WalkOptions{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("FindBroken(missing) = %v", err)
	}
}

func TestSplitPath(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string
	}{
		{"", ""}, {"/", ""}, {"a", "a"}, {"/a//b/", "a|b|."}, {"./a/../b", ".|a|..|b"}, {"a/", "a|."},
	} {
		if got := strings.Join(splitPath(c.in), "|"); got != c.want {
			t.Errorf("splitPath(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// FuzzResolve makes a symbolic link with the fuzzed target text in a
// small tree and checks Resolve against the kernel: it dangles or loops
// exactly when stat fails, and otherwise ends where realpath does.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"f", "../f", "d/f", "/", ".", "..", "d/../f", "f/", "f/x", "d/", "x", "l", "loop",
		"d//f", "./d/./f", "d/up", "/nonexistent/x", "../../../../../../..", "d/up/d/up/f"} {
		f.Add(s)
	}
	root := f.TempDir()
	os.MkdirAll(filepath.Join(root, "w/d"), 0o755)
	os.WriteFile(filepath.Join(root, "w/f"), nil, 0o644)
	os.Symlink("..", filepath.Join(root, "w/d/up"))
	os.Symlink("loop", filepath.Join(root, "w/loop"))
	n := 0
	f.Fuzz(func(t *testing.T, target string) {
		if target == "" || strings.ContainsRune(target, 0) || len(target) > 200 {
			return
		}
		n++
		l := filepath.Join(root, "w", fmt.Sprintf("l%d", n))
		if err := os.Symlink(target, l); err != nil {
			return
		}
		defer os.Remove(l)
		sl := Resolve(l)
		var st unix.Stat_t
		kerr := unix.Stat(l, &st)
		switch {
		case errors.Is(kerr, unix.ELOOP):
			if !sl.Loop {
				t.Errorf("%q: kernel ELOOP, Resolve %+v", target, sl)
			}
		case errors.Is(kerr, unix.ENOENT) || errors.Is(kerr, unix.ENOTDIR):
			if !sl.Dangling {
				t.Errorf("%q: kernel %v, Resolve %+v", target, kerr, sl)
			}
		case kerr == nil:
			real, err := filepath.EvalSymlinks(l)
			if err != nil {
				return
			}
			if sl.Dangling || sl.Loop || sl.Resolved != real {
				t.Errorf("%q: resolves to %q, Resolve %+v", target, real, sl)
			}
		}
	})
}

// TestSameStaysOnDevice: with a tmpfs mounted inside the tree, same and
// broken go into it (as find does) and find what find finds; with
// OneFileSystem (du -x, find -xdev) they stay out of it.
func TestSameStaysOnDevice(t *testing.T) {
	testenv.NeedRoot(t)
	root := makeTree(t)
	mnt := filepath.Join(root, "mnt")
	if err := os.Mkdir(mnt, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mount("tmpfs", mnt, "tmpfs", 0, "size=1m"); err != nil {
		testenv.Skip(t, "cannot mount a tmpfs: "+err.Error())
	}
	defer unix.Unmount(mnt, unix.MNT_DETACH)
	f := filepath.Join(mnt, "f")
	os.WriteFile(f, []byte("x"), 0o644)
	os.Link(f, filepath.Join(mnt, "g"))
	os.Symlink("nope", filepath.Join(mnt, "dangling"))

	r, err := Same(f, root, SameOptions{WalkOptions: WalkOptions{OneFileSystem: true}})
	if err != nil || len(r.Paths) != 0 {
		t.Errorf("with OneFileSystem: %q, %v", r.Paths, err)
	}
	r, err = Same(f, root, SameOptions{})
	if want := findSamefile(t, root, f); err != nil || strings.Join(r.Paths, "|") != strings.Join(want, "|") || len(want) != 2 {
		t.Errorf("by default: %q, %v; find %q", r.Paths, err, want)
	}
	b, _ := FindBroken(root, WalkOptions{OneFileSystem: true})
	for _, l := range b.Links {
		if strings.HasPrefix(l.Path, mnt) {
			t.Errorf("broken went into the mount: %s", l.Path)
		}
	}
	b, _ = FindBroken(root, WalkOptions{})
	found := false
	for _, l := range b.Links {
		found = found || l.Path == filepath.Join(mnt, "dangling")
	}
	if !found {
		t.Error("broken by default missed the mount's dangling link")
	}
}

// TestSameDeepTree: paths longer than PATH_MAX (4096 bytes) are walked
// too, as find walks them.
func TestSameDeepTree(t *testing.T) {
	testenv.NeedTool(t, "find")
	root := t.TempDir()
	name := strings.Repeat("d", 200)
	fd, err := unix.Open(root, unix.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "f"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for range 30 { // 30 * 201 bytes > 4096
		if err := unix.Mkdirat(fd, name, 0o755); err != nil {
			t.Fatal(err)
		}
		next, err := unix.Openat(fd, name, unix.O_RDONLY|unix.O_DIRECTORY, 0)
		unix.Close(fd)
		if err != nil {
			t.Fatal(err)
		}
		fd = next
	}
	if err := unix.Linkat(unix.AT_FDCWD, filepath.Join(root, "f"), fd, "deep-hard", 0); err != nil {
		t.Fatal(err)
	}
	unix.Close(fd)
	r, err := Same(filepath.Join(root, "f"), root, SameOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := findSamefile(t, root, filepath.Join(root, "f"))
	if len(want) != 2 || strings.Join(r.Paths, "|") != strings.Join(want, "|") || len(r.Skipped) != 0 {
		t.Errorf("deep tree: %d paths, %v skipped; find %d paths", len(r.Paths), r.Skipped, len(want))
	}
	// Clean up from the bottom, since RemoveAll cannot take such paths
	// in one go either.
	os.RemoveAll(filepath.Join(root, name))
}
