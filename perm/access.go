package perm

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Op is something a user may try on a path.
type Op string

// The operations `perm can` answers for.
const (
	OpRead    Op = "read"    // open for reading; on a directory, list it
	OpWrite   Op = "write"   // open for writing; on a directory, add or remove entries
	OpExecute Op = "execute" // run it; on a directory, enter it
	OpList    Op = "list"    // read a directory's names
	OpEnter   Op = "enter"   // cd into a directory
	OpCreate  Op = "create"  // make PATH as a new entry of its directory
	OpDelete  Op = "delete"  // remove the entry PATH from its directory
)

// Ops lists every Op.
var Ops = []Op{OpRead, OpWrite, OpExecute, OpList, OpEnter, OpCreate, OpDelete}

// ParseOp accepts an Op's name.
func ParseOp(s string) (Op, error) {
	for _, o := range Ops {
		if string(o) == s {
			return o, nil
		}
	}
	return "", fmt.Errorf("unknown operation %s", quote(s))
}

// Words returns the operation as a student would say it.
func (o Op) Words() i18n.Text {
	switch o {
	case OpRead:
		return i18n.T("read", "읽기")
	case OpWrite:
		return i18n.T("write", "쓰기")
	case OpExecute:
		return i18n.T("execute", "실행하기")
	case OpList:
		return i18n.T("list", "목록 보기")
	case OpEnter:
		return i18n.T("enter (cd into)", "들어가기(cd)")
	case OpCreate:
		return i18n.T("create", "만들기")
	case OpDelete:
		return i18n.T("delete", "지우기")
	}
	return i18n.T(string(o), string(o))
}

// AccessStep is one permission decision on the way: searching a directory,
// following a symbolic link, or the final check.
type AccessStep struct {
	Path    string    `json:"path"`
	Type    string    `json:"type"` // stat's %F words; "missing" for a name that does not exist
	Mode    Mode      `json:"mode"`
	Ls      string    `json:"ls"`
	UID     uint32    `json:"uid"`
	GID     uint32    `json:"gid"`
	Owner   string    `json:"owner"`
	Group   string    `json:"group"`
	Need    string    `json:"need"`  // "x", "r", "w", "wx", "owner" (sticky rule); "" for a symlink followed or a name looked up
	Class   string    `json:"class"` // "owner", "group", "other", "root", ""
	Allowed bool      `json:"allowed"`
	Rule    i18n.Text `json:"rule"`
	Target  string    `json:"target,omitempty"` // a symlink's stored text
	ACL     bool      `json:"acl,omitempty"`    // the inode has a POSIX ACL, which this check does not evaluate
}

// Decision is the kernel's answer for one user, operation and path.
type Decision struct {
	User    Cred         `json:"user"`
	Op      Op           `json:"op"`
	Path    string       `json:"path"`
	Allowed bool         `json:"allowed"`
	Errno   string       `json:"errno,omitempty"` // EACCES, ENOENT, ...
	Steps   []AccessStep `json:"steps"`
	Reason  i18n.Text    `json:"reason"`
}

// Checker walks paths as the kernel's path lookup does.
type Checker struct {
	DB *DB
	// ProtectedSymlinks is fs.protected_symlinks: following a symlink in a
	// sticky world-writable directory as the last component of a path
	// needs owning the link or the directory. See ReadProtectedSymlinks.
	ProtectedSymlinks bool
	// Dir is where relative paths start; "" means the current directory.
	Dir string
}

// ReadProtectedSymlinks reads /proc/sys/fs/protected_symlinks.
func ReadProtectedSymlinks() bool {
	b, err := os.ReadFile("/proc/sys/fs/protected_symlinks")
	return err == nil && strings.TrimSpace(string(b)) != "0"
}

// MaxSymlinks is the kernel's MAXSYMLINKS: a path lookup follows at most
// this many symbolic links in all, then fails with ELOOP. (The kernel keeps
// its count when it restarts a lookup from RCU-walk in ref-walk mode, which
// happens when the mount table changes meanwhile; so a path of more than
// 20 links can now and then fail with ELOOP sooner. Can answers for the
// usual, undisturbed lookup.)
const MaxSymlinks = 40

// errStop ends a walk whose decision is already made.
var errStop = errors.New("decided")

// node is an inode reached on the walk, with the path that names it
// without symbolic links.
type node struct {
	path string
	st   unix.Stat_t
}

func (n *node) isDir() bool { return TypeLetterStat(n.st.Mode) == TypeDir }

type walker struct {
	ck    *Checker
	cred  Cred
	d     *Decision
	links int
}

// Can answers whether cred may do op on path, deciding each step as Linux
// does (fs/namei.c): search (x) on every directory a name is looked up
// in; symbolic links followed (at most MaxSymlinks; fs.protected_symlinks
// for a final link in a sticky world-writable directory); ".." taken from
// where the walk really is, not from the text. Each permission is
// generic_permission: the owner bits when the caller owns the inode, else
// the group bits when the caller is in its group, else the other bits (the
// first class that matches decides); root's capabilities override, except
// that executing a regular file needs at least one x bit. Create and
// delete need w and x on the directory, and in a sticky directory only the
// entry's or the directory's owner (or root) may delete. A relative path is
// walked from / through Checker.Dir (or the current directory), as by a
// process that had to get there.
//
// Can lstats every component, so it answers only for what its own process
// can see; a lookup it cannot do is returned as an error. A path the
// kernel would reject (missing, not a directory, a loop) is a Decision
// with its errno, not an error.
func (ck *Checker) Can(cred Cred, op Op, path string) (Decision, error) {
	w := &walker{ck: ck, cred: cred, d: &Decision{User: cred, Op: op, Path: path, Steps: []AccessStep{}}}
	if path == "" {
		w.fail(unix.ENOENT, i18n.T("an empty path names nothing", "빈 경로는 아무것도 가리키지 않습니다"))
		return *w.d, nil
	}
	text := path
	if !strings.HasPrefix(path, "/") {
		dir := ck.Dir
		if dir == "" {
			wd, err := unix.Getwd()
			if err != nil {
				return Decision{}, fmt.Errorf("finding the current directory: %w", err)
			}
			dir = wd
		} else if !filepath.IsAbs(dir) {
			abs, err := filepath.Abs(dir)
			if err != nil {
				return Decision{}, fmt.Errorf("resolving %s: %w", dir, err)
			}
			dir = abs
		}
		text = dir + "/" + path
	}
	root, err := lstatNode("/")
	if err != nil {
		return Decision{}, err
	}
	err = w.run(op, text, root)
	if errors.Is(err, errStop) {
		return *w.d, nil
	}
	if err != nil {
		return Decision{}, err
	}
	return *w.d, nil
}

func (w *walker) run(op Op, text string, root *node) error {
	if op == OpCreate || op == OpDelete {
		// "create d/" is mkdir d/; "delete d/" is rmdir d/, which fails
		// with ENOTDIR unless d is a directory.
		dir, last, slash, err := w.lookupParent(text, root)
		if err != nil {
			return err
		}
		switch last {
		case "":
			return w.fail(unix.EBUSY, i18n.T("/ is no entry of any directory", "/는 어떤 디렉터리의 항목도 아닙니다"))
		case ".", "..":
			if op == OpCreate {
				return w.fail(unix.EEXIST, i18n.T("%q always exists in a directory", "디렉터리에는 %q가 늘 있습니다").F(last))
			}
			errno := unix.EINVAL // rmdir(".")
			if last == ".." {
				errno = unix.ENOTEMPTY // rmdir("..")
			}
			return w.fail(errno, i18n.T("%q cannot be deleted; name the directory itself", "%q 자체는 지울 수 없습니다. 디렉터리 이름을 직접 쓰세요").F(last))
		}
		return w.entry(op, dir, last, slash)
	}
	dir, last, mustDir, err := w.lookupParent(text, root)
	if err != nil {
		return err
	}
	final := dir
	if last != "" {
		if final, err = w.component(dir, last, true); err != nil {
			return err
		}
	}
	if mustDir && !final.isDir() {
		return w.failAt(final, unix.ENOTDIR, i18n.T("%s is not a directory, but the path ends in /", "경로가 /로 끝나는데 %s: 디렉터리가 아닙니다").F(final.path))
	}
	return w.final(op, final)
}

func lstatNode(p string) (*node, error) {
	n := &node{path: p}
	if err := unix.Lstat(p, &n.st); err != nil {
		return nil, &os.PathError{Op: "lstat", Path: p, Err: err}
	}
	return n, nil
}

// split returns the components of p and whether it ends in a slash after
// a component.
func split(p string) ([]string, bool) {
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" {
			out = append(out, c)
		}
	}
	return out, len(out) > 0 && strings.HasSuffix(p, "/")
}

func (w *walker) fail(errno unix.Errno, why i18n.Text) error {
	w.d.Allowed = false
	w.d.Errno = ErrnoName(errno)
	w.d.Reason = why
	return errStop
}

// ErrnoName returns the symbolic name of an errno ("EACCES").
func ErrnoName(e unix.Errno) string {
	if n := unix.ErrnoName(e); n != "" {
		return n
	}
	return e.Error()
}

// failAt records n as the step where the walk stopped, with why as its
// rule, and fails.
func (w *walker) failAt(n *node, errno unix.Errno, why i18n.Text) error {
	s := w.step(n)
	s.Rule = why
	w.add(s)
	return w.fail(errno, why)
}

func (w *walker) add(s AccessStep) { w.d.Steps = append(w.d.Steps, s) }

func (w *walker) step(n *node) AccessStep {
	db := w.ck.DB
	typ := TypeLetterStat(n.st.Mode)
	m := FromStatMode(n.st.Mode)
	s := AccessStep{Path: n.path, Type: TypeName(typ), Mode: m, Ls: LsString(m, typ), UID: n.st.Uid, GID: n.st.Gid}
	if db != nil {
		s.Owner, s.Group = db.UserName(n.st.Uid), db.GroupName(n.st.Gid)
	} else {
		s.Owner, s.Group = fmt.Sprint(n.st.Uid), fmt.Sprint(n.st.Gid)
	}
	if typ != TypeSymlink {
		if sz, err := unix.Lgetxattr(n.path, "system.posix_acl_access", nil); err == nil && sz > 0 {
			s.ACL = true
		}
	}
	return s
}

// lookupParent walks every component of p but the last, as the kernel's
// link_path_walk: search permission on the directory each component is
// looked up in (the last one's too), symbolic links on the way followed.
// It returns the directory holding the last component and that component
// ("" when p names / itself), and whether p ends in a slash.
func (w *walker) lookupParent(p string, from *node) (*node, string, bool, error) {
	comps, slash := split(p)
	cur := from
	if strings.HasPrefix(p, "/") && from.path != "/" {
		root, err := lstatNode("/")
		if err != nil {
			return nil, "", false, err
		}
		cur = root
	}
	for i, c := range comps {
		if err := w.search(cur); err != nil {
			return nil, "", false, err
		}
		if i == len(comps)-1 {
			return cur, c, slash, nil
		}
		next, err := w.component(cur, c, false)
		if err != nil {
			return nil, "", false, err
		}
		if !next.isDir() {
			return nil, "", false, w.failAt(next, unix.ENOTDIR, i18n.T("%s is not a directory, so nothing can be looked up in it",
				"%s: 디렉터리가 아니므로 그 안에서 이름을 찾을 수 없습니다").F(next.path))
		}
		cur = next
	}
	return cur, "", slash, nil
}

// search records the search (x) permission check on the directory dir.
func (w *walker) search(dir *node) error {
	s := w.step(dir)
	s.Need = "x"
	s.Allowed, s.Class, s.Rule = w.decide(dir, needSearch)
	w.add(s)
	if !s.Allowed {
		return w.fail(unix.EACCES, s.Rule)
	}
	return nil
}

// component looks name up in dir (already searched) and follows it when
// it is a symbolic link. trailing marks the last component of the path
// (or of a final link's target), where fs.protected_symlinks applies.
func (w *walker) component(dir *node, name string, trailing bool) (*node, error) {
	switch name {
	case ".":
		return dir, nil
	case "..":
		if dir.path == "/" {
			return dir, nil
		}
		return lstatNode(filepath.Dir(dir.path))
	}
	p := filepath.Join(dir.path, name)
	n := &node{path: p}
	if err := unix.Lstat(p, &n.st); err != nil {
		if errors.Is(err, unix.ENOENT) {
			s := AccessStep{Path: p, Type: "missing", Ls: "(none)", Rule: i18n.T("%s does not exist: there is no %q in %s",
				"없는 경로입니다: %[3]s 안에 %[2]q라는 이름이 없습니다").F(p, name, dir.path)}
			w.add(s)
			return nil, w.fail(unix.ENOENT, s.Rule)
		}
		return nil, &os.PathError{Op: "lstat", Path: p, Err: err}
	}
	if TypeLetterStat(n.st.Mode) != TypeSymlink {
		return n, nil
	}
	target, err := os.Readlink(p)
	if err != nil {
		return nil, fmt.Errorf("reading link %s: %w", p, err)
	}
	s := w.step(n)
	s.Target = target
	s.Allowed = true
	s.Rule = i18n.T("symbolic link to %q: followed (a link's own rwxrwxrwx bits are never checked)",
		"%q를 가리키는 심볼릭 링크: 따라갑니다 (링크 자체의 rwxrwxrwx 권한은 검사하지 않습니다)").F(target)
	w.links++
	if w.links > MaxSymlinks {
		s.Allowed = false
		s.Rule = i18n.T("a path may follow at most %d symbolic links in all; this is one too many (a loop?)",
			"경로 하나에서 심볼릭 링크는 모두 %d번까지만 따라갑니다. 이번이 그 한도를 넘습니다 (순환 링크일까요?)").F(MaxSymlinks)
		w.add(s)
		return nil, w.fail(unix.ELOOP, s.Rule)
	}
	if trailing && w.ck.ProtectedSymlinks && dir.st.Mode&uint32(Sticky) != 0 && dir.st.Mode&0o002 != 0 &&
		w.cred.UID != n.st.Uid && dir.st.Uid != n.st.Uid {
		s.Allowed = false
		s.Need = "owner"
		s.Rule = i18n.T("fs.protected_symlinks: %[1]s is sticky and world-writable, so a link at the end of a path there may be followed only by the link's owner (%[2]s), or by anyone when the directory's owner (%[3]s) owns the link; not even root is exempt",
			"fs.protected_symlinks: %[1]s 디렉터리는 sticky가 걸려 있고 누구나 쓸 수 있으므로, 경로 끝의 링크는 링크 주인(%[2]s)만 따라갈 수 있습니다 (디렉터리 주인(%[3]s)의 링크라면 누구나 됩니다). root도 예외가 아닙니다").F(dir.path, s.Owner, w.step(dir).Owner)
		w.add(s)
		return nil, w.fail(unix.EACCES, s.Rule)
	}
	w.add(s)
	dir2, last, slash, err := w.lookupParent(target, dir)
	if err != nil {
		return nil, err
	}
	res := dir2
	if last != "" {
		if res, err = w.component(dir2, last, trailing); err != nil {
			return nil, err
		}
	}
	if slash && !res.isDir() {
		return nil, w.failAt(res, unix.ENOTDIR, i18n.T("%s is not a directory, but the link's target ends in /", "링크 대상이 /로 끝나는데 %s: 디렉터리가 아닙니다").F(res.path))
	}
	return res, nil
}

// final decides read, write, execute, list and enter on the inode reached.
func (w *walker) final(op Op, n *node) error {
	dir := n.isDir()
	typ := TypeLetterStat(n.st.Mode)
	switch op {
	case OpRead:
		if dir {
			return w.check(n, needList)
		}
		return w.check(n, needRead)
	case OpWrite:
		if dir { // adding or removing entries: x to look a name up, then w and x
			if err := w.search(n); err != nil {
				return err
			}
			if err := w.readOnly(n); err != nil {
				return err
			}
			w.d.Steps = w.d.Steps[:len(w.d.Steps)-1]
			return w.check(n, needEntries)
		}
		if typ != TypeRegular {
			return w.check(n, needWrite)
		}
		// A read-only filesystem refuses before the mode is looked at; a
		// mount made read-only (mount --bind -o ro) only after it.
		if ro, _ := mountFlag(n.path, unix.ST_RDONLY); ro && !superReadOnly(n.path, n.st.Dev) {
			if err := w.check(n, needWrite); err != nil {
				return err
			}
			w.d.Allowed = false
		}
		if err := w.readOnly(n); err != nil {
			return err
		}
		return w.check(n, needWrite)
	case OpList, OpEnter, OpExecute:
		if op == OpExecute && !dir {
			break
		}
		if !dir {
			return w.failAt(n, unix.ENOTDIR, typed(i18n.T("%s is a %s, not a directory", "%s: 디렉터리가 아니라 %s입니다"), n.path, typ))
		}
		if op == OpList {
			return w.check(n, needList)
		}
		return w.check(n, needEnter)
	}
	// Execute a non-directory.
	if typ != TypeRegular {
		return w.failAt(n, unix.EACCES, typed(i18n.T("only regular files can be executed; %s is a %s", "일반 파일만 실행할 수 있는데 %s: %s입니다"), n.path, typ))
	}
	if noexec, _ := mountFlag(n.path, unix.ST_NOEXEC); noexec {
		s := w.step(n)
		s.Need = "x"
		s.Rule = i18n.T("%s is on a filesystem mounted noexec: nothing on it can be executed, whatever its mode",
			"%s: noexec로 마운트된 파일시스템에 있어서 모드와 상관없이 실행할 수 없습니다").F(n.path)
		w.add(s)
		return w.fail(unix.EACCES, s.Rule)
	}
	return w.check(n, needExec)
}

// readOnly fails with EROFS when n is on a read-only filesystem.
func (w *walker) readOnly(n *node) error {
	if ro, _ := mountFlag(n.path, unix.ST_RDONLY); ro {
		s := w.step(n)
		s.Need = "w"
		s.Rule = i18n.T("%s is on a read-only filesystem: no mode lets anyone write there, not even root",
			"%s: 읽기 전용 파일시스템에 있어서 모드와 상관없이 누구도(root도) 쓸 수 없습니다").F(n.path)
		w.add(s)
		return w.fail(unix.EROFS, s.Rule)
	}
	return nil
}

// entry decides create and delete of name in the directory dir, whose
// search permission lookupParent has checked.
func (w *walker) entry(op Op, dir *node, name string, mustDir bool) error {
	target := filepath.Join(dir.path, name)
	var est unix.Stat_t
	lerr := unix.Lstat(target, &est)
	exists := lerr == nil
	if lerr != nil && !errors.Is(lerr, unix.ENOENT) {
		return &os.PathError{Op: "lstat", Path: target, Err: lerr}
	}
	en := &node{path: target, st: est}
	if op == OpCreate {
		if exists {
			s := w.step(en)
			s.Rule = i18n.T("%s already exists (even a dangling symbolic link counts)", "이미 있는 이름입니다: %s (끊어진 심볼릭 링크도 있는 것으로 칩니다)").F(target)
			w.add(s)
			return w.fail(unix.EEXIST, s.Rule)
		}
		if err := w.readOnly(dir); err != nil {
			return err
		}
		return w.check(dir, needEntries)
	}
	// unlink/rmdir: read-only is seen before the name is looked up.
	if err := w.readOnly(dir); err != nil {
		return err
	}
	if !exists {
		s := AccessStep{Path: target, Type: "missing", Ls: "(none)", Rule: i18n.T("%s does not exist: there is no %q in %s",
			"없는 경로입니다: %[3]s 안에 %[2]q라는 이름이 없습니다").F(target, name, dir.path)}
		w.add(s)
		return w.fail(unix.ENOENT, s.Rule)
	}
	if err := w.check(dir, needEntries); err != nil {
		return err
	}
	if dir.st.Mode&uint32(Sticky) != 0 {
		if err := w.sticky(dir, en); err != nil {
			return err
		}
	}
	if mustDir && !en.isDir() {
		return w.failAt(en, unix.ENOTDIR, typed(i18n.T("%s is a %s, not a directory, but the path ends in / (rmdir)",
			"경로가 /로 끝나는데(rmdir) %s: 디렉터리가 아니라 %s입니다"), target, TypeLetterStat(en.st.Mode)))
	}
	return nil
}

// sticky applies the sticky-directory rule to deleting the entry en of dir.
func (w *walker) sticky(dir, en *node) error {
	est := &en.st
	// The sticky rule (/tmp): own the entry or the directory, or be root.
	es := w.step(en)
	es.Need = "owner"
	dirOwner := w.step(dir).Owner
	switch {
	case w.cred.UID == est.Uid:
		es.Allowed, es.Class = true, "owner"
		es.Rule = i18n.T("sticky directory: %s owns this entry, so may delete it",
			"sticky 디렉터리: 이 항목의 주인이 %s이므로 지울 수 있습니다").F(w.who())
	case w.cred.UID == dir.st.Uid:
		es.Allowed, es.Class = true, "owner"
		es.Rule = i18n.T("sticky directory: %s owns the directory, so may delete any entry in it",
			"sticky 디렉터리: 디렉터리의 주인이 %s이므로 안의 어떤 항목이든 지울 수 있습니다").F(w.who())
	case w.cred.UID == 0:
		es.Allowed, es.Class = true, "root"
		es.Rule = i18n.T("sticky directory: root may delete any entry (CAP_FOWNER)",
			"sticky 디렉터리: root는 CAP_FOWNER 덕분에 어떤 항목이든 지울 수 있습니다")
	default:
		es.Allowed, es.Class = false, "other"
		es.Rule = i18n.T("sticky directory (t, like /tmp): only the entry's owner (%s), the directory's owner (%s) or root may delete it; w on the directory is not enough",
			"sticky 디렉터리(t, /tmp처럼): 항목 주인(%s), 디렉터리 주인(%s), root만 지울 수 있습니다. 디렉터리에 w가 있어도 안 됩니다").F(es.Owner, dirOwner)
	}
	w.add(es)
	if !es.Allowed {
		return w.fail(unix.EPERM, es.Rule)
	}
	w.d.Reason = es.Rule
	return nil
}

// need is a permission asked of an inode: a mask of r (4), w (2), x (1)
// and what it is for.
type need struct {
	mask  uint32
	short string
	what  i18n.Text
}

var (
	needSearch  = need{1, "x", i18n.T("x (search)", "x(검색)")}
	needEnter   = need{1, "x", i18n.T("x (enter it with cd)", "x(cd로 들어가기)")}
	needList    = need{4, "r", i18n.T("r (list the names)", "r(이름 목록 읽기)")}
	needEntries = need{3, "wx", i18n.T("w and x (add or remove entries)", "w와 x(항목 만들기·지우기)")}
	needRead    = need{4, "r", i18n.T("r (read)", "r(읽기)")}
	needWrite   = need{2, "w", i18n.T("w (write)", "w(쓰기)")}
	needExec    = need{1, "x", i18n.T("x (execute)", "x(실행)")}
)

// check records the final permission decision on n.
func (w *walker) check(n *node, nd need) error {
	s := w.step(n)
	s.Need = nd.short
	s.Allowed, s.Class, s.Rule = w.decide(n, nd)
	w.add(s)
	if !s.Allowed {
		return w.fail(unix.EACCES, s.Rule)
	}
	w.d.Allowed = true
	w.d.Errno = ""
	w.d.Reason = s.Rule
	return nil
}

func (w *walker) who() string {
	if w.cred.Name != "" {
		return w.cred.Name
	}
	return fmt.Sprintf("uid %d", w.cred.UID)
}

// Decide is the kernel's generic_permission for cred on an inode with
// st_mode mode, owner uid and group gid, asking for mask (r 4, w 2, x 1).
// It returns whether access is allowed and the class that decided:
// "owner", "group", "other", or "root" when root's capabilities did.
func Decide(c Cred, mode, uid, gid, mask uint32) (bool, string) {
	ok, class, _ := (&walker{cred: c, ck: &Checker{}}).decide(&node{st: unix.Stat_t{Mode: mode, Uid: uid, Gid: gid}}, need{mask: mask})
	return ok, class
}

// decide is generic_permission for n and nd, with the rule in words.
func (w *walker) decide(n *node, nd need) (bool, string, i18n.Text) {
	c, st, mask := w.cred, &n.st, nd.mask
	mode := st.Mode & 0o7777
	var owner, group string
	if db := w.ck.DB; db != nil {
		owner, group = db.UserName(st.Uid), db.GroupName(st.Gid)
	} else {
		owner, group = fmt.Sprint(st.Uid), fmt.Sprint(st.Gid)
	}
	var bits uint32
	var class string
	var why i18n.Text
	switch {
	case c.UID == st.Uid:
		bits, class = mode>>6&7, "owner"
		why = i18n.T("%[1]s is the owner, so only the owner bits %[4]s count", "소유자가 %[1]s이므로 소유자 권한 %[4]s만 봅니다")
	case c.InGroup(st.Gid):
		bits, class = mode>>3&7, "group"
		why = i18n.T("%[1]s is not the owner but is in group %[3]s, so only the group bits %[4]s count",
			"%[1]s 사용자는 소유자가 아니지만 %[3]s 그룹에 속하므로 그룹 권한 %[4]s만 봅니다")
	default:
		bits, class = mode&7, "other"
		why = i18n.T("%[1]s is neither the owner (%[2]s) nor in group %[3]s, so the other bits %[4]s count",
			"%[1]s 사용자는 소유자(%[2]s)도 아니고 %[3]s 그룹에도 없으므로 기타 사용자 권한 %[4]s만 봅니다")
	}
	rwx := rwxString(bits)
	why = why.F(w.who(), owner, group, rwx)
	if bits&mask == mask {
		return true, class, i18n.Text{En: why.En + ": " + nd.what.En + " allowed", Ko: why.Ko + ": " + nd.what.Ko + " 허용"}
	}
	if c.UID == 0 {
		isDir := st.Mode&0o170000 == 0o040000
		classKo := map[string]string{"owner": "소유자", "group": "그룹", "other": "기타 사용자"}[class]
		if isDir || mask&1 == 0 || mode&0o111 != 0 {
			capName := "CAP_DAC_OVERRIDE"
			if mask&2 == 0 && (isDir || mask == 4) {
				capName = "CAP_DAC_READ_SEARCH"
			}
			return true, "root", i18n.Text{
				En: fmt.Sprintf("root: the %s bits %s do not give %s, but root's capability %s overrides them", class, rwx, nd.what.En, capName),
				Ko: fmt.Sprintf("root: %s 권한 %s로는 %s가 안 되지만, root는 %s 덕분에 권한 비트와 상관없이 통과합니다", classKo, rwx, nd.what.Ko, capName),
			}
		}
		return false, "root", i18n.T("root: the mode %s has no x bit at all, and even root cannot execute a regular file without one",
			"root: 모드 %s에는 x 비트가 하나도 없습니다. x가 하나도 없는 일반 파일은 root라도 실행할 수 없습니다").F(LsString(Mode(mode), TypeRegular)[1:])
	}
	denied := i18n.Text{En: why.En + ": " + nd.what.En + " denied", Ko: why.Ko + ": " + nd.what.Ko + " 거부"}
	// The lesson people miss: a later class that would allow is never asked.
	type class2 struct {
		en, ko string
		bits   uint32
	}
	var later []class2
	switch class {
	case "owner":
		later = []class2{{"group", "그룹", mode >> 3 & 7}, {"other", "기타 사용자", mode & 7}}
	case "group":
		later = []class2{{"other", "기타 사용자", mode & 7}}
	}
	for _, l := range later {
		if l.bits&mask == mask {
			denied.En += fmt.Sprintf(", even though the %s bits %s would allow it: the first class that matches decides", l.en, rwxString(l.bits))
			denied.Ko += fmt.Sprintf(". %s 권한 %s라면 되겠지만, 처음 해당하는 분류 하나만 봅니다", l.ko, rwxString(l.bits))
			break
		}
	}
	return false, class, denied
}

// typed fills a "PATH ... TYPE" text with the type's name in each language.
func typed(t i18n.Text, path string, typ byte) i18n.Text {
	return i18n.Text{En: fmt.Sprintf(t.En, path, TypeName(typ)), Ko: fmt.Sprintf(t.Ko, path, typeKo(typ))}
}

// typeKo is TypeName in Korean.
func typeKo(t byte) string {
	switch t {
	case TypeDir:
		return "디렉터리"
	case TypeSymlink:
		return "심볼릭 링크"
	case TypeChar:
		return "문자 장치 파일"
	case TypeBlock:
		return "블록 장치 파일"
	case TypeFIFO:
		return "FIFO(이름 있는 파이프)"
	case TypeSocket:
		return "소켓"
	}
	return "일반 파일"
}

func rwxString(bits uint32) string {
	b := []byte("---")
	for i, c := range "rwx" {
		if bits&(4>>uint(i)) != 0 {
			b[i] = byte(c)
		}
	}
	return string(b)
}

// superReadOnly reports whether the filesystem on device dev that holds
// path is itself read-only, not just mounted read-only there, from the
// super options in /proc/thread-self/mountinfo. When it cannot tell, it
// says yes.
func superReadOnly(path string, dev uint64) bool {
	data, err := os.ReadFile("/proc/thread-self/mountinfo")
	if err != nil {
		return true
	}
	id := fmt.Sprintf("%d:%d", unix.Major(dev), unix.Minor(dev))
	best, ro := -1, true
	for _, line := range strings.Split(string(data), "\n") {
		// id parent major:minor root mountpoint options [tags...] - fstype source superoptions
		f := strings.Fields(line)
		sep := -1
		for i := 6; i < len(f); i++ {
			if f[i] == "-" {
				sep = i
				break
			}
		}
		if sep < 0 || sep+3 >= len(f) || f[2] != id {
			continue
		}
		mp := unescapeMount(f[4])
		if mp != "/" && path != mp && !strings.HasPrefix(path, mp+"/") {
			continue
		}
		if len(mp) >= best {
			best = len(mp)
			ro = false
			for _, o := range strings.Split(f[sep+3], ",") {
				if o == "ro" {
					ro = true
				}
			}
		}
	}
	return ro
}

// unescapeMount undoes mountinfo's octal escapes (\040 for a space).
func unescapeMount(s string) string {
	if !strings.Contains(s, "\\") {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+3 < len(s) {
			var v byte
			ok := true
			for _, c := range []byte(s[i+1 : i+4]) {
				if c < '0' || c > '7' {
					ok = false
				}
				v = v*8 + c - '0'
			}
			if ok {
				b.WriteByte(v)
				i += 3
				continue
			}
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func mountFlag(path string, flag int64) (bool, error) {
	var s unix.Statfs_t
	if err := unix.Statfs(path, &s); err != nil {
		return false, err
	}
	return s.Flags&flag != 0, nil
}
