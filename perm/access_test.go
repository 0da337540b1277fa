package perm

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

func TestDecide(t *testing.T) {
	const (
		dir  = unix.S_IFDIR
		file = unix.S_IFREG
	)
	alice := Cred{UID: 1000, GID: 1000, Groups: []uint32{1000, 27}}
	root := Cred{UID: 0, GID: 0}
	tests := []struct {
		name  string
		c     Cred
		mode  uint32
		uid   uint32
		gid   uint32
		mask  uint32
		ok    bool
		class string
	}{
		{"owner rw", alice, file | 0o644, 1000, 1000, 4, true, "owner"},
		{"owner with no bits is denied though others may", alice, file | 0o077, 1000, 1000, 4, false, "owner"},
		{"owner write denied by owner bits only", alice, file | 0o466, 1000, 1000, 2, false, "owner"},
		{"group member: group bits", alice, file | 0o640, 0, 1000, 4, true, "group"},
		{"group member with no group bits is denied", alice, file | 0o607, 0, 1000, 4, false, "group"},
		{"supplementary group counts", alice, file | 0o060, 0, 27, 6, true, "group"},
		{"other", alice, file | 0o604, 0, 0, 4, true, "other"},
		{"other denied", alice, file | 0o660, 0, 0, 4, false, "other"},
		{"other x on a directory", alice, dir | 0o751, 0, 0, 1, true, "other"},
		{"rw needs both bits", alice, file | 0o004, 0, 0, 6, false, "other"},
		{"root reads 0000", root, file | 0o000, 1000, 1000, 4, true, "root"},
		{"root writes 0000", root, file | 0o000, 1000, 1000, 2, true, "root"},
		{"root cannot execute 0644", root, file | 0o644, 1000, 1000, 1, false, "root"},
		{"root executes 0100", root, file | 0o100, 1000, 1000, 1, true, "root"},
		{"root executes 0010 (any x bit)", root, file | 0o010, 1000, 1000, 1, true, "root"},
		{"root in the other class with x", root, file | 0o001, 1000, 1000, 1, true, "other"},
		{"root searches a 0000 directory", root, dir | 0o000, 1000, 1000, 1, true, "root"},
		{"root writes a 0500 directory", root, dir | 0o500, 1000, 1000, 3, true, "root"},
		{"root owns and has the bits", root, file | 0o700, 0, 0, 1, true, "owner"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, class := Decide(tt.c, tt.mode, tt.uid, tt.gid, tt.mask)
			if ok != tt.ok || class != tt.class {
				t.Errorf("Decide(%+v, %o, %d:%d, %d) = %v %s, want %v %s", tt.c, tt.mode, tt.uid, tt.gid, tt.mask, ok, class, tt.ok, tt.class)
			}
		})
	}
}

func ExampleDecide() {
	alice := Cred{Name: "alice", UID: 1000, GID: 1000}
	// alice owns a ----rwxrwx file: the owner bits alone decide.
	ok, class := Decide(alice, unix.S_IFREG|0o077, 1000, 1000, 4)
	fmt.Println(ok, class)
	// root cannot execute a file without any x bit.
	ok, class = Decide(Cred{}, unix.S_IFREG|0o644, 1000, 1000, 1)
	fmt.Println(ok, class)
	// Output:
	// false owner
	// false root
}

// walkTree makes a small tree owned by the test's user, where another uid
// falls in the "other" class.
func walkTree(t *testing.T) (string, Cred, Cred) {
	t.Helper()
	top := t.TempDir()
	me := Cred{Name: "me", UID: uint32(os.Geteuid()), GID: uint32(os.Getegid())}
	stranger := Cred{Name: "stranger", UID: 123456, GID: 123456}
	mk := func(p string, mode uint32) {
		if err := os.Mkdir(filepath.Join(top, p), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := unix.Chmod(filepath.Join(top, p), mode); err != nil {
			t.Fatal(err)
		}
	}
	file := func(p string, mode uint32) {
		if err := os.WriteFile(filepath.Join(top, p), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := unix.Chmod(filepath.Join(top, p), mode); err != nil {
			t.Fatal(err)
		}
	}
	link := func(p, to string) {
		if err := os.Symlink(to, filepath.Join(top, p)); err != nil {
			t.Fatal(err)
		}
	}
	mk("pub", 0o755)
	file("pub/f", 0o644)
	file("pub/secret", 0o600)
	mk("pub/sub", 0o755)
	mk("priv", 0o700)
	file("priv/f", 0o644)
	mk("ronly", 0o744) // others may list but not search
	file("ronly/f", 0o644)
	mk("xonly", 0o711) // others may search but not list
	file("xonly/f", 0o644)
	mk("tmp", 0o1777)
	file("tmp/mine", 0o666)
	mk("wnox", 0o722) // w without x: useless
	link("self", "self")
	link("dangling", "nowhere")
	link("tosub", "pub/sub")
	link("abs", filepath.Join(top, "pub/f"))
	link("tmp/lnk", "../pub/f")
	link("tmp/dirlnk", "../pub")
	for i := 0; i < MaxSymlinks+1; i++ {
		link("c"+strconv.Itoa(i), "c"+strconv.Itoa(i+1))
	}
	file("c"+strconv.Itoa(MaxSymlinks+1), 0o644)
	if err := os.Chmod(top, 0o755); err != nil {
		t.Fatal(err)
	}
	// The temporary directory's parents must be searchable by the stranger.
	for d := filepath.Dir(top); d != "/"; d = filepath.Dir(d) {
		var st unix.Stat_t
		if unix.Stat(d, &st) != nil || st.Mode&1 == 0 {
			if err := os.Chmod(d, os.FileMode(st.Mode&0o777|0o001)); err != nil {
				t.Skipf("%s is not searchable by others", d)
			}
		}
	}
	return top, me, stranger
}

func TestCanWalk(t *testing.T) {
	top, me, stranger := walkTree(t)
	ck := &Checker{Dir: top}
	tests := []struct {
		c       Cred
		op      Op
		path    string
		allowed bool
		errno   string
	}{
		{stranger, OpRead, "pub/f", true, ""},
		{stranger, OpRead, top + "/pub/f", true, ""},
		{stranger, OpRead, "pub/secret", false, "EACCES"},
		{me, OpRead, "pub/secret", true, ""},
		{stranger, OpRead, "priv/f", false, "EACCES"},
		{stranger, OpList, "priv", false, "EACCES"},
		{stranger, OpEnter, "priv", false, "EACCES"},
		{stranger, OpList, "ronly", true, ""},
		{stranger, OpEnter, "ronly", false, "EACCES"},
		{stranger, OpRead, "ronly/f", false, "EACCES"}, // r alone: names, but no lookups
		{stranger, OpList, "xonly", false, "EACCES"},
		{stranger, OpRead, "xonly/f", true, ""},  // x alone: known names work
		{stranger, OpExecute, "xonly", true, ""}, // execute on a directory is entering it
		{stranger, OpWrite, "pub", false, "EACCES"},
		{stranger, OpWrite, "tmp", true, ""},
		{stranger, OpCreate, "wnox/new", false, "EACCES"},
		{Cred{UID: 0}, OpCreate, "wnox/new", true, ""},
		{me, OpCreate, "pub/new", true, ""},
		{me, OpCreate, "pub/f", false, "EEXIST"},
		{me, OpCreate, "dangling", false, "EEXIST"}, // a dangling link is still a name
		{me, OpCreate, "pub/new/", true, ""},        // mkdir pub/new/
		{me, OpDelete, "pub/f/", false, "ENOTDIR"},  // rmdir pub/f/
		{me, OpDelete, "pub/sub/", true, ""},
		{me, OpDelete, "pub/nope", false, "ENOENT"},
		{me, OpDelete, "pub/..", false, "ENOTEMPTY"},
		{me, OpDelete, "pub/.", false, "EINVAL"},
		{me, OpDelete, "/", false, "EBUSY"},
		{stranger, OpDelete, "tmp/mine", false, "EPERM"}, // sticky: not the entry's or the directory's owner
		{me, OpDelete, "tmp/mine", true, ""},
		{Cred{UID: 0}, OpDelete, "tmp/mine", true, ""}, // root (CAP_FOWNER)
		{me, OpRead, "nope", false, "ENOENT"},
		{me, OpRead, "nope/x", false, "ENOENT"},
		{me, OpRead, "pub/f/x", false, "ENOTDIR"},
		{me, OpRead, "pub/f/", false, "ENOTDIR"},
		{me, OpRead, "pub/f/.", false, "ENOTDIR"},
		{me, OpList, "pub/f", false, "ENOTDIR"},
		{me, OpRead, "self", false, "ELOOP"},
		{me, OpRead, "c1", true, ""},       // 40 links: fine
		{me, OpRead, "c0", false, "ELOOP"}, // 41: one too many
		{me, OpDelete, "self", true, ""},   // delete does not follow the last link
		{me, OpRead, "dangling", false, "ENOENT"},
		{me, OpList, "tosub", true, ""},
		{me, OpRead, "tosub/../f", true, ""}, // ".." from where the link led (pub), not lexically
		{me, OpRead, "./pub/./f", true, ""},
		{me, OpRead, "pub/sub/../../pub/f", true, ""},
		{me, OpRead, "abs", true, ""},
		{me, OpExecute, "pub/f", false, "EACCES"},
	}
	for _, tt := range tests {
		d, err := ck.Can(tt.c, tt.op, tt.path)
		if err != nil {
			t.Errorf("%s %s %s: %v", tt.c.Name, tt.op, tt.path, err)
			continue
		}
		if d.Allowed != tt.allowed || d.Errno != tt.errno {
			t.Errorf("%s %s %s: allowed %v %s, want %v %s\n%s", tt.c.Name, tt.op, tt.path, d.Allowed, d.Errno, tt.allowed, tt.errno, stepsText(d))
		}
		if !d.Allowed && d.Reason.En == "" {
			t.Errorf("%s %s %s: denied without a reason", tt.c.Name, tt.op, tt.path)
		}
		if len(d.Steps) == 0 && tt.path != "/" {
			t.Errorf("%s %s %s: no steps", tt.c.Name, tt.op, tt.path)
		}
	}
}

func TestCanProtectedSymlinks(t *testing.T) {
	testenv.NeedRoot(t) // the link must belong to someone else
	top, me, stranger := walkTree(t)
	if err := os.Lchown(filepath.Join(top, "tmp/lnk"), 4321, 4321); err != nil {
		t.Fatal(err)
	}
	for _, protected := range []bool{false, true} {
		ck := &Checker{Dir: top, ProtectedSymlinks: protected}
		// A link at the end of the path, in a sticky world-writable
		// directory, owned by neither the follower nor the directory's owner.
		d, _ := ck.Can(stranger, OpRead, "tmp/lnk")
		if d.Allowed == protected {
			t.Errorf("protected=%v: stranger read tmp/lnk: allowed=%v %s", protected, d.Allowed, d.Errno)
		}
		// Not even root.
		d, _ = ck.Can(Cred{UID: 654321}, OpRead, "tmp/lnk")
		if protected && d.Errno != "EACCES" {
			t.Errorf("protected: uid 654321 read tmp/lnk: %s", d.Errno)
		}
		// The owner of the link may follow it.
		if d, _ = ck.Can(Cred{UID: 4321, GID: 4321}, OpRead, "tmp/lnk"); !d.Allowed {
			t.Errorf("protected=%v: owner read tmp/lnk denied: %s", protected, d.Errno)
		}
		// The directory's owner may not: what counts is whether the
		// directory's owner owns the link.
		if d, _ = ck.Can(me, OpRead, "tmp/lnk"); d.Allowed == protected {
			t.Errorf("protected=%v: directory owner read tmp/lnk: allowed=%v", protected, d.Allowed)
		}
		// A link owned by the directory's owner: anyone may follow it.
		if d, _ = ck.Can(stranger, OpList, "tmp/dirlnk"); !d.Allowed {
			t.Errorf("protected=%v: stranger list tmp/dirlnk denied: %s", protected, d.Errno)
		}
		// A link in the middle of a path is not checked.
		if d, _ = ck.Can(stranger, OpRead, "tmp/dirlnk/f"); !d.Allowed {
			t.Errorf("protected=%v: stranger read tmp/dirlnk/f denied: %s\n%s", protected, d.Errno, stepsText(d))
		}
	}
}

func TestCanRelative(t *testing.T) {
	top, me, _ := walkTree(t)
	ck := &Checker{Dir: filepath.Join(top, "pub")}
	d, err := ck.Can(me, OpRead, "../pub/sub/../f")
	if err != nil || !d.Allowed {
		t.Fatalf("Can: %v %+v", err, d)
	}
	// A relative path is walked from /: the first step is /.
	if d.Steps[0].Path != "/" {
		t.Errorf("first step %s, want /", d.Steps[0].Path)
	}
	last := d.Steps[len(d.Steps)-1]
	if last.Path != filepath.Join(top, "pub/f") || last.Need != "r" {
		t.Errorf("last step %s need %s", last.Path, last.Need)
	}
	// Every step but the last is a search of a directory.
	for _, s := range d.Steps[:len(d.Steps)-1] {
		if s.Need != "x" || !strings.HasPrefix(s.Ls, "d") {
			t.Errorf("step %s %s need %s", s.Ls, s.Path, s.Need)
		}
	}
}
