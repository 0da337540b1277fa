package perm

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

// The differential test of Checker.Can against the kernel: a random tree of
// directories, files, fifos and symbolic links with random modes and owners;
// for every path and every Op, a helper process running with another
// user's credentials does the real operation, and its outcome (allowed, or
// the errno) must equal Can's.

func init() { testHelpers["access"] = accessHelper }

const probeName = ".sdprobe"

// accessHelper serves "OP\tKIND\tPATH" lines on stdin, doing each
// operation for real, and answers "OK" or the errno name. KIND is "dir"
// when the parent saw a directory there: delete of a directory is rmdir.
func accessHelper() {
	home, err := unix.Open(".", unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper:", err)
		os.Exit(3)
	}
	in := bufio.NewScanner(os.Stdin)
	out := bufio.NewWriter(os.Stdout)
	for in.Scan() {
		f := strings.SplitN(in.Text(), "\t", 3)
		if len(f) != 3 {
			fmt.Fprintln(os.Stderr, "helper: bad request", in.Text())
			os.Exit(3)
		}
		err := kernelOp(f[0], f[1], f[2], home)
		if err == nil {
			out.WriteString("OK\n")
		} else {
			var errno unix.Errno
			if !errors.As(err, &errno) {
				fmt.Fprintln(os.Stderr, "helper:", err)
				os.Exit(3)
			}
			out.WriteString(ErrnoName(errno) + "\n")
		}
		out.Flush()
	}
}

func readAll(fd int) error {
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	buf := make([]byte, 4096)
	if st.Mode&unix.S_IFMT == unix.S_IFDIR {
		_, err := unix.Getdents(fd, buf)
		return err
	}
	if st.Mode&unix.S_IFMT == unix.S_IFREG {
		_, err := unix.Read(fd, buf)
		return err
	}
	return nil
}

func kernelOp(op, kind, p string, home int) error {
	const cl = unix.O_CLOEXEC | unix.O_NONBLOCK
	switch Op(op) {
	case OpRead:
		fd, err := unix.Open(p, unix.O_RDONLY|cl, 0)
		if err != nil {
			return err
		}
		return readAll(fd)
	case OpList:
		fd, err := unix.Open(p, unix.O_RDONLY|unix.O_DIRECTORY|cl, 0)
		if err != nil {
			return err
		}
		return readAll(fd)
	case OpWrite:
		fd, err := unix.Open(p, unix.O_WRONLY|cl, 0)
		if err == unix.EISDIR { // writing a directory: adding an entry
			fd, err = unix.Open(p+"/"+probeName, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|cl, 0o600)
		}
		if err == unix.ENXIO { // a fifo without a reader: the permission was granted
			return nil
		}
		if err == nil {
			unix.Close(fd)
		}
		return err
	case OpExecute:
		// Executing a directory means entering it: the helper's own stat
		// (with its own credentials) tells.
		var st unix.Stat_t
		if unix.Stat(p, &st) == nil && st.Mode&unix.S_IFMT == unix.S_IFDIR {
			return kernelOp(string(OpEnter), kind, p, home)
		}
		pid, err := syscall.ForkExec(p, []string{p}, &syscall.ProcAttr{Env: []string{}})
		if err == nil {
			var ws unix.WaitStatus
			unix.Wait4(pid, &ws, 0, nil)
			return nil
		}
		if err == syscall.ENOEXEC { // the kernel let us try: not ELF, no #!
			return nil
		}
		return err
	case OpEnter:
		if err := unix.Chdir(p); err != nil {
			return err
		}
		return unix.Fchdir(home)
	case OpCreate:
		if strings.HasSuffix(p, "/") {
			return unix.Mkdir(p, 0o700)
		}
		fd, err := unix.Open(p, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|cl, 0o600)
		if err == nil {
			unix.Close(fd)
		}
		return err
	case OpDelete:
		if kind == "dir" || strings.HasSuffix(p, "/") {
			err := unix.Rmdir(p)
			dots := strings.HasSuffix(p, "/.") || strings.HasSuffix(p, "/..") || p == "." || p == ".."
			if (err == unix.ENOTEMPTY || err == unix.EEXIST) && !dots { // past every permission check
				return nil
			}
			return err
		}
		return unix.Unlink(p)
	}
	return fmt.Errorf("unknown op %q", op)
}

// Who the tree's inodes belong to, and who asks.
const (
	uidNobody = 65534
	uidOther  = 65533
	gidSupp   = 4242
)

var (
	treeUIDs = []uint32{0, uidNobody, uidOther}
	treeGIDs = []uint32{0, uidNobody, gidSupp, uidOther}
	askers   = []Cred{
		{Name: "nobody+supp", UID: uidNobody, GID: uidNobody, Groups: []uint32{uidNobody, gidSupp}},
		{Name: "other", UID: uidOther, GID: gidSupp, Groups: []uint32{gidSupp}},
		{Name: "root", UID: 0, GID: 0, Groups: []uint32{0}},
	}
	dirModes = []uint32{0o755, 0o700, 0o711, 0o751, 0o770, 0o775, 0o777, 0o1777, 0o1770, 0o1733, 0o500,
		0o400, 0o100, 0o300, 0o200, 0o600, 0o000, 0o070, 0o007, 0o077, 0o2775, 0o705, 0o750, 0o507, 0o057, 0o010, 0o001}
	fileModes = []uint32{0o644, 0o600, 0o000, 0o777, 0o755, 0o700, 0o100, 0o111, 0o010, 0o001, 0o444, 0o222,
		0o070, 0o007, 0o077, 0o4755, 0o2755, 0o4000, 0o6711, 0o640, 0o604, 0o460, 0o046, 0o404, 0o1644}
)

// tree is a random directory tree under root/t.
type tree struct {
	t       *testing.T
	rng     *rand.Rand
	top     string // the tree: the helper's working directory
	backup  string // hard links kept while an entry is deleted
	entries []string
	dirs    []string
	files   []string
	links   []string
}

func (tr *tree) owner(p string, link bool) {
	uid := treeUIDs[tr.rng.IntN(len(treeUIDs))]
	gid := treeGIDs[tr.rng.IntN(len(treeGIDs))]
	var err error
	if link {
		err = os.Lchown(p, int(uid), int(gid))
	} else {
		err = os.Chown(p, int(uid), int(gid))
	}
	if err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *tree) pick(modes []uint32) uint32 {
	if tr.rng.IntN(3) == 0 {
		return tr.rng.Uint32() & 0o7777
	}
	return modes[tr.rng.IntN(len(modes))]
}

// chmod sets all 12 bits (os.Chmod would drop setuid without os.ModeSetuid).
func (tr *tree) chmod(p string, m uint32) {
	if err := unix.Chmod(p, m); err != nil {
		tr.t.Fatal(err)
	}
}

func (tr *tree) mkdir(rel string, mode uint32) {
	p := filepath.Join(tr.top, rel)
	if err := os.Mkdir(p, 0o700); err != nil {
		tr.t.Fatal(err)
	}
	tr.owner(p, false)
	tr.chmod(p, mode)
	tr.dirs = append(tr.dirs, rel)
	tr.entries = append(tr.entries, rel)
}

func (tr *tree) file(rel string, mode uint32) {
	p := filepath.Join(tr.top, rel)
	if tr.rng.IntN(12) == 0 {
		if err := unix.Mkfifo(p, 0o600); err != nil {
			tr.t.Fatal(err)
		}
	} else if err := os.WriteFile(p, []byte("sysdojo test data, not a program\n"), 0o600); err != nil {
		tr.t.Fatal(err)
	}
	tr.owner(p, false)
	tr.chmod(p, mode)
	tr.files = append(tr.files, rel)
	tr.entries = append(tr.entries, rel)
}

func (tr *tree) symlink(rel, target string) {
	p := filepath.Join(tr.top, rel)
	if err := os.Symlink(target, p); err != nil {
		tr.t.Fatal(err)
	}
	tr.owner(p, true)
	tr.links = append(tr.links, rel)
	tr.entries = append(tr.entries, rel)
}

// build makes nested directories with random modes and owners, a sticky
// world-writable directory with entries of different owners, files,
// fifos, and symbolic links of every kind.
func (tr *tree) build() {
	var walk func(dir string, depth int)
	n := 0
	name := func(prefix string) string { n++; return prefix + strconv.Itoa(n) }
	walk = func(dir string, depth int) {
		for i := 0; i < 1+tr.rng.IntN(3); i++ {
			tr.file(filepath.Join(dir, name("f")), tr.pick(fileModes))
		}
		if depth < 3 {
			for i := 0; i < tr.rng.IntN(3); i++ {
				d := filepath.Join(dir, name("d"))
				tr.mkdir(d, tr.pick(dirModes))
				walk(d, depth+1)
			}
		}
		if tr.rng.IntN(3) == 0 {
			d := filepath.Join(dir, name("e")) // an empty directory: rmdir really removes it
			tr.mkdir(d, tr.pick(dirModes))
		}
	}
	for i := 0; i < 3; i++ {
		d := name("d")
		tr.mkdir(d, tr.pick(dirModes))
		walk(d, 1)
	}
	// /tmp-like: sticky and world-writable, entries of every owner.
	tr.mkdir("tmp", []uint32{0o1777, 0o1777, 0o1773, 0o1757}[tr.rng.IntN(4)])
	for i := 0; i < 4; i++ {
		tr.file(filepath.Join("tmp", name("f")), tr.pick(fileModes))
	}
	for i := 0; i < 2; i++ {
		d := filepath.Join("tmp", name("d"))
		tr.mkdir(d, tr.pick(dirModes))
		walk(d, 3)
	}
	nonLinks := append([]string(nil), tr.entries...)
	// Symbolic links, placed in random directories, to random entries.
	places := append([]string{".", "tmp", "tmp", "tmp"}, tr.dirs...)
	for i := 0; i < 14+tr.rng.IntN(8); i++ {
		dir := places[tr.rng.IntN(len(places))]
		l := filepath.Join(dir, name("l"))
		var target string
		switch k := tr.rng.IntN(10); {
		case k < 4: // relative, to a file or directory
			to := nonLinks[tr.rng.IntN(len(nonLinks))]
			target, _ = filepath.Rel(dir, to)
		case k < 6: // absolute
			target = filepath.Join(tr.top, nonLinks[tr.rng.IntN(len(nonLinks))])
		case k < 7: // dangling
			target = "missing" + strconv.Itoa(i)
		case k < 8 && len(tr.links) > 0: // to another link
			target, _ = filepath.Rel(dir, tr.links[tr.rng.IntN(len(tr.links))])
		case k < 9: // through a link and ".."
			if len(tr.links) > 0 {
				target = filepath.Join(tr.top, tr.links[tr.rng.IntN(len(tr.links))]) + "/.."
			} else {
				target = ".."
			}
		default: // itself: a loop
			target = filepath.Base(l)
		}
		tr.symlink(l, target)
	}
	// A two-link loop and a chain longer than the kernel follows.
	tr.symlink("loopa", "loopb")
	tr.symlink("loopb", "loopa")
	for i := 0; i < MaxSymlinks+1; i++ {
		tr.symlink("chain"+strconv.Itoa(i), "chain"+strconv.Itoa(i+1))
	}
	tr.file("chain"+strconv.Itoa(MaxSymlinks+1), 0o644)
}

// queries returns the paths to ask about: every entry, absolute and
// relative, and paths that go through links, "..", ".", a trailing
// slash, a missing name, or a file used as a directory.
func (tr *tree) queries() []string {
	var qs []string
	add := func(rel string) {
		if tr.rng.IntN(2) == 0 {
			qs = append(qs, filepath.Join(tr.top, rel)+map[bool]string{true: "/", false: ""}[strings.HasSuffix(rel, "/")])
		} else {
			qs = append(qs, rel)
		}
	}
	for _, e := range tr.entries {
		add(e)
	}
	for _, d := range tr.dirs {
		add(d + "/new")
		if tr.rng.IntN(3) == 0 {
			add(d + "/")
		}
		if tr.rng.IntN(4) == 0 {
			add(d + "/.")
		}
		if tr.rng.IntN(4) == 0 {
			add(d + "/../" + tr.entries[tr.rng.IntN(len(tr.entries))])
		}
	}
	for _, f := range tr.files {
		if tr.rng.IntN(4) == 0 {
			add(f + "/x")
		}
		if tr.rng.IntN(6) == 0 {
			add(f + "/")
		}
	}
	for _, l := range tr.links {
		switch tr.rng.IntN(5) {
		case 0:
			add(l + "/")
		case 1:
			add(l + "/..")
		case 2:
			add(l + "/" + filepath.Base(tr.entries[tr.rng.IntN(len(tr.entries))]))
		case 3:
			add(l + "/new")
		}
	}
	add("nope/x")
	add("new")
	add(".")
	add("chain0")
	add("chain1")
	return qs
}

// helper is a running accessHelper with some credentials.
type helper struct {
	cmd *exec.Cmd
	in  io.WriteCloser
	out *bufio.Reader
}

func startHelper(t *testing.T, bin, dir string, c Cred) *helper {
	cmd := exec.Command(bin, "-test.run=^$")
	cmd.Dir = dir
	cmd.Env = []string{helperEnv + "=access"}
	cmd.Stderr = os.Stderr
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: c.UID, Gid: c.GID, Groups: c.Groups}}
	in, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	h := &helper{cmd: cmd, in: in, out: bufio.NewReader(out)}
	t.Cleanup(func() { in.Close(); cmd.Wait() })
	return h
}

func (h *helper) do(op Op, kind, path string) (string, error) {
	if _, err := fmt.Fprintf(h.in, "%s\t%s\t%s\n", op, kind, path); err != nil {
		return "", err
	}
	line, err := h.out.ReadString('\n')
	return strings.TrimSpace(line), err
}

// diffTree builds one random tree and compares every query, Op and asker.
// It returns the number of cases and the mismatches.
func diffTree(t *testing.T, bin, base string, seed uint64, protected bool, seen map[string]int) (int, []string) {
	top := filepath.Join(base, fmt.Sprintf("t%d", seed))
	backup := filepath.Join(base, fmt.Sprintf("b%d", seed))
	for _, d := range []string{top, backup} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	tr := &tree{t: t, rng: rand.New(rand.NewPCG(seed, 0xacce55)), top: top, backup: backup}
	tr.build()
	return compareTree(t, bin, tr, tr.queries(), &Checker{ProtectedSymlinks: protected, Dir: top}, seen)
}

// compareTree asks Can and the kernel about every query, Op and asker.
func compareTree(t *testing.T, bin string, tr *tree, queries []string, ck *Checker, seen map[string]int) (int, []string) {
	top := tr.top
	var mismatches []string
	cases := 0
	for _, c := range askers {
		h := startHelper(t, bin, top, c)
		for _, q := range queries {
			full := q
			if !filepath.IsAbs(q) {
				full = top + "/" + q
			}
			for _, op := range Ops {
				d, err := ck.Can(c, op, q)
				if err != nil {
					t.Fatalf("Can(%s, %s, %s): %v", c.Name, op, q, err)
				}
				kind, restore := tr.prepare(op, full)
				got, err := h.do(op, kind, q)
				if err != nil {
					t.Fatalf("helper as %s: %v", c.Name, err)
				}
				tr.cleanup(op, full, got == "OK", restore)
				cases++
				seen[got]++
				if len(d.Steps) > 0 && d.Steps[len(d.Steps)-1].Class == "root" {
					seen["decided by root's rules"]++
				}
				if d.Errno == "EACCES" && strings.HasPrefix(d.Reason.En, "fs.protected_symlinks") {
					seen["protected_symlinks"]++
				}
				want := "OK"
				if !d.Allowed {
					want = d.Errno
				}
				if got != want && got == "ELOOP" && 2*followed(d) > MaxSymlinks {
					// The kernel counts links across its restart from
					// RCU-walk to ref-walk (set_nameidata resets the
					// count once per lookup), so when another process
					// changes the mount table mid-lookup, a path of more
					// than 20 links may fail with ELOOP before 40.
					seen["ELOOP early (kernel retried the walk)"]++
					continue
				}
				if got != want {
					mismatches = append(mismatches, fmt.Sprintf("%s %s %s: kernel %s, Can %s\n%s", c.Name, op, q, got, want, stepsText(d)))
				}
			}
		}
	}
	return cases, mismatches
}

// followed counts the symbolic links d's walk followed.
func followed(d Decision) int {
	n := 0
	for _, s := range d.Steps {
		if s.Type == "symbolic link" {
			n++
		}
	}
	return n
}

func stepsText(d Decision) string {
	var b strings.Builder
	for _, s := range d.Steps {
		fmt.Fprintf(&b, "    %v %s %d:%d %-5s %s  %s\n", s.Allowed, s.Ls, s.UID, s.GID, s.Need, s.Path, s.Rule.En)
	}
	return b.String()
}

// prepare tells the helper what the parent sees at full (a directory or
// not) and, before a delete, keeps what the helper may remove.
func (tr *tree) prepare(op Op, full string) (kind string, restore func()) {
	switch op {
	case OpDelete:
		p := strings.TrimRight(full, "/")
		var st unix.Stat_t
		if unix.Lstat(p, &st) != nil {
			return "", nil
		}
		if st.Mode&unix.S_IFMT == unix.S_IFDIR {
			return "dir", func() {
				if err := unix.Mkdir(p, 0o700); err != nil {
					tr.t.Fatalf("restoring %s: %v", p, err)
				}
				if err := os.Chown(p, int(st.Uid), int(st.Gid)); err != nil {
					tr.t.Fatal(err)
				}
				tr.chmod(p, st.Mode&0o7777)
			}
		}
		keep := filepath.Join(tr.backup, "keep")
		if err := os.Link(p, keep); err != nil {
			if errors.Is(err, unix.EROFS) { // nothing will be deleted there
				return "", nil
			}
			tr.t.Fatalf("keeping %s: %v", p, err)
		}
		return "", func() {
			if err := os.Link(keep, p); err != nil {
				tr.t.Fatalf("restoring %s: %v", p, err)
			}
		}
	}
	return kind, nil
}

// cleanup undoes what an allowed operation changed.
func (tr *tree) cleanup(op Op, full string, ok bool, restore func()) {
	switch op {
	case OpCreate:
		if ok {
			os.Remove(strings.TrimRight(full, "/"))
		}
	case OpWrite:
		if ok {
			os.Remove(full + "/" + probeName)
		}
	case OpDelete:
		var st unix.Stat_t
		if ok && restore != nil && unix.Lstat(strings.TrimRight(full, "/"), &st) != nil {
			restore()
		}
		os.Remove(filepath.Join(tr.backup, "keep"))
	}
}

// kernelBase makes a directory every asker can reach, and a copy of the
// test binary they can run.
func kernelBase(t *testing.T) (base, bin string) {
	testenv.NeedRoot(t)
	base, err := os.MkdirTemp("", "sysdojo-access-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(base) })
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	for d := filepath.Dir(base); ; d = filepath.Dir(d) {
		var st unix.Stat_t
		if err := unix.Stat(d, &st); err != nil || st.Mode&0o001 == 0 {
			t.Fatalf("%s is not searchable by everyone; set TMPDIR to a directory that is", d)
		}
		if d == "/" {
			break
		}
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	bin = filepath.Join(base, "helper.test")
	if err := os.WriteFile(bin, data, 0o755); err != nil {
		t.Fatal(err)
	}
	return base, bin
}

// TestAccessKernel compares Checker.Can with the real kernel on random
// trees, for every Op, as nobody (with a supplementary group), as another
// user whose login group is that group, and as root. With
// /proc/sys/fs/protected_symlinks writable, one more tree runs with the
// setting flipped (and restored).
//
// SYSDOJO_ACCESS_SEED picks another first seed; SYSDOJO_ACCESS_TREES the
// number of trees.
func TestAccessKernel(t *testing.T) {
	base, bin := kernelBase(t)
	seed := uint64(20260515)
	if s := os.Getenv("SYSDOJO_ACCESS_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("SYSDOJO_ACCESS_SEED=%q: %v", s, err)
		}
		seed = v
	}
	trees := 3
	if testing.Short() {
		trees = 1
	}
	if s := os.Getenv("SYSDOJO_ACCESS_TREES"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			t.Fatalf("SYSDOJO_ACCESS_TREES=%q: want a positive number", s)
		}
		trees = v
	}
	// fs.protected_symlinks is one setting for the whole machine: hold a
	// lock so that two runs of this test do not flip it under each other.
	lock, err := os.OpenFile(filepath.Join(os.TempDir(), "sysdojo-protected-symlinks.lock"), os.O_CREATE|os.O_RDWR, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Close()
	if err := unix.Flock(int(lock.Fd()), unix.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	protected := ReadProtectedSymlinks()
	seen := map[string]int{}
	total := 0
	var all []string
	for i := 0; i < trees; i++ {
		n, m := diffTree(t, bin, base, seed+uint64(i), protected, seen)
		total += n
		all = append(all, m...)
	}
	const sysctl = "/proc/sys/fs/protected_symlinks"
	if old, err := os.ReadFile(sysctl); err == nil {
		flipped := "1"
		if protected {
			flipped = "0"
		}
		if os.WriteFile(sysctl, []byte(flipped), 0o644) == nil {
			defer func() { // also when the tree fails the test
				if err := os.WriteFile(sysctl, old, 0o644); err != nil {
					t.Errorf("restoring %s: %v", sysctl, err)
				}
			}()
			n, m := diffTree(t, bin, base, seed+uint64(trees), !protected, seen)
			total += n
			all = append(all, m...)
			t.Logf("also ran a tree with fs.protected_symlinks=%s", flipped)
		}
	}
	t.Logf("seed %d: %d trees, %d cases compared with the kernel, %d mismatches", seed, trees, total, len(all))
	t.Logf("outcomes: %v", seen)
	for i, m := range all {
		if i == 40 {
			t.Errorf("... and %d more", len(all)-i)
			break
		}
		t.Error(m)
	}
}

// TestAccessKernelMounts compares Can with the kernel on a read-only tmpfs,
// a noexec tmpfs and a tmpfs made read-only by a bind mount, mounted in a private mount namespace of this test's
// thread (the helpers, forked from it, share it).
func TestAccessKernelMounts(t *testing.T) {
	base, bin := kernelBase(t)
	runtime.LockOSThread() // never unlocked: the thread and its namespace end with the test
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		testenv.Skip(t, "cannot make a mount namespace: "+err.Error())
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_PRIVATE, ""); err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	total := 0
	var all []string
	for i, m := range []struct {
		name  string
		flags uintptr
		ro    bool
		bind  bool // read-only by a bind mount: the filesystem itself stays writable
	}{{"ro", 0, true, false}, {"noexec", unix.MS_NOEXEC, false, false}, {"bindro", 0, true, true}} {
		top := filepath.Join(base, m.name)
		if err := os.Mkdir(top, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := unix.Mount("sysdojo-"+m.name, top, "tmpfs", m.flags, "mode=0755,size=1m"); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { // before the directory is removed; on this thread
			for unix.Unmount(top, unix.MNT_DETACH) == nil {
			}
		})
		backup := filepath.Join(top, ".keep")
		if err := os.Mkdir(backup, 0o700); err != nil {
			t.Fatal(err)
		}
		tr := &tree{t: t, rng: rand.New(rand.NewPCG(uint64(i), 0x50f7)), top: top, backup: backup}
		tr.mkdir("d", 0o777)
		tr.mkdir("d/sub", 0o755)
		tr.mkdir("empty", 0o777)
		for j, mode := range []uint32{0o777, 0o755, 0o644, 0o666, 0o600, 0o000, 0o100, 0o4755} {
			tr.file(fmt.Sprintf("d/f%d", j), mode)
		}
		tr.symlink("l", "d/f0")
		if m.bind {
			if err := unix.Mount(top, top, "", unix.MS_BIND, ""); err != nil {
				t.Fatal(err)
			}
			if err := unix.Mount("", top, "", unix.MS_BIND|unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
				t.Fatal(err)
			}
		} else if m.ro {
			if err := unix.Mount("", top, "", unix.MS_REMOUNT|unix.MS_RDONLY, ""); err != nil {
				t.Fatal(err)
			}
		}
		queries := append([]string{"d/new", "new", "d/sub/", "d/nope"}, tr.entries...)
		n, mm := compareTree(t, bin, tr, queries, &Checker{ProtectedSymlinks: ReadProtectedSymlinks(), Dir: top}, seen)
		total += n
		all = append(all, mm...)
	}
	t.Logf("%d cases on ro, noexec and bind-ro mounts compared with the kernel, %d mismatches; outcomes %v", total, len(all), seen)
	if seen["EROFS"] == 0 {
		t.Error("no EROFS seen: the read-only mount did not work")
	}
	for _, m := range all {
		t.Error(m)
	}
}
