package perm

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/sys/unix"

	"sysdojo/internal/i18n"
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

// AccessStep is one permission decision on the way: searching a directory,
// following a symbolic link, or the final check.
type AccessStep struct {
	Path    string    `json:"path"`
	Type    string    `json:"type"`
	Mode    Mode      `json:"mode"`
	Ls      string    `json:"ls"`
	UID     uint32    `json:"uid"`
	GID     uint32    `json:"gid"`
	Owner   string    `json:"owner"`
	Group   string    `json:"group"`
	Need    string    `json:"need"`  // "x", "r", "w", "wx"; "" for a symlink followed
	Class   string    `json:"class"` // "owner", "group", "other", "root", ""
	Allowed bool      `json:"allowed"`
	Rule    i18n.Text `json:"rule"`
	Target  string    `json:"target,omitempty"` // a symlink's stored text
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
	// sticky world-writable directory needs owning the link or the
	// directory. See ReadProtectedSymlinks.
	ProtectedSymlinks bool
}

// ReadProtectedSymlinks reads /proc/sys/fs/protected_symlinks.
func ReadProtectedSymlinks() bool {
	b, err := os.ReadFile("/proc/sys/fs/protected_symlinks")
	return err == nil && strings.TrimSpace(string(b)) == "1"
}

const maxSymlinks = 40 // the kernel's MAXSYMLINKS

type walker struct {
	ck    *Checker
	cred  Cred
	d     *Decision
	links int
}

// Can answers whether cred may do op on path, deciding each step as Linux's
// generic_permission does: search (x) on every directory looked in; the
// owner bits when the caller owns the inode, else the group bits when the
// caller is in its group, else the other bits — the first class that
// matches decides; root's capabilities override, except that executing a
// regular file needs at least one x bit; creating and deleting need w and x
// on the directory, and a sticky directory lets only the entry's or the
// directory's owner delete. A relative path is taken from the current
// directory. Can lstats every component, so it answers only what its own
// process can see.
func (ck *Checker) Can(cred Cred, op Op, path string) (Decision, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Decision{}, fmt.Errorf("resolving %s: %w", path, err)
	}
	w := &walker{ck: ck, cred: cred, d: &Decision{User: cred, Op: op, Path: path}}
	parentOnly := op == OpCreate || op == OpDelete
	if parentOnly && abs == "/" {
		return w.fail(unix.EBUSY, i18n.T("/ is no entry of a directory", "/는 어떤 디렉터리의 항목도 아닙니다")), nil
	}
	var comps []string
	if parentOnly {
		comps = split(filepath.Dir(abs))
	} else {
		comps = split(abs)
	}
	dir, st, ok, err := w.walk(comps, !parentOnly)
	if err != nil || !ok {
		return *w.d, err
	}
	switch op {
	case OpCreate, OpDelete:
		return w.entry(op, dir, st, filepath.Base(abs))
	}
	return w.final(op, dir, st)
}

func split(p string) []string {
	var out []string
	for _, c := range strings.Split(p, "/") {
		if c != "" {
			out = append(out, c)
		}
	}
	return out
}

func (w *walker) fail(errno unix.Errno, why i18n.Text) Decision {
	w.d.Allowed = false
	w.d.Errno = errnoName(errno)
	w.d.Reason = why
	return *w.d
}

func errnoName(e unix.Errno) string {
	if n := unix.ErrnoName(e); n != "" {
		return n
	}
	return e.Error()
}

func (w *walker) step(path string, st *unix.Stat_t) AccessStep {
	var db = w.ck.DB
	typ := TypeLetterStat(st.Mode)
	s := AccessStep{Path: path, Type: TypeName(typ), Mode: FromStatMode(st.Mode),
		Ls: LsString(FromStatMode(st.Mode), typ), UID: st.Uid, GID: st.Gid}
	if db != nil {
		s.Owner, s.Group = db.UserName(st.Uid), db.GroupName(st.Gid)
	} else {
		s.Owner, s.Group = fmt.Sprint(st.Uid), fmt.Sprint(st.Gid)
	}
	return s
}

// walk resolves comps from /, searching each directory on the way and
// following symbolic links (the last one only when followLast). It returns
// the resolved path and its stat, or ok=false with the decision filled in.
func (w *walker) walk(comps []string, followLast bool) (string, *unix.Stat_t, bool, error) {
	cur := "/"
	var st unix.Stat_t
	if err := unix.Lstat(cur, &st); err != nil {
		return "", nil, false, &os.PathError{Op: "lstat", Path: cur, Err: err}
	}
	queue := append([]string(nil), comps...)
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		if name == "." {
			continue
		}
		// Looking a name up in cur needs search permission on cur.
		s := w.step(cur, &st)
		s.Need = "x"
		s.Allowed, s.Class, s.Rule = decide(w.cred, &st, 1)
		w.d.Steps = append(w.d.Steps, s)
		if !s.Allowed {
			return "", nil, false, nil
		}
		var next string
		if name == ".." {
			next = filepath.Dir(cur)
		} else {
			next = filepath.Join(cur, name)
		}
		var nst unix.Stat_t
		if err := unix.Lstat(next, &nst); err != nil {
			if errors.Is(err, unix.ENOENT) {
				w.fail(unix.ENOENT, i18n.T("%s does not exist", "%s가 없습니다").F(next))
				return "", nil, false, nil
			}
			if errors.Is(err, unix.EACCES) {
				return "", nil, false, &os.PathError{Op: "lstat", Path: next, Err: err}
			}
			return "", nil, false, &os.PathError{Op: "lstat", Path: next, Err: err}
		}
		last := len(queue) == 0
		if TypeLetterStat(nst.Mode) == TypeSymlink && (!last || followLast) {
			target, err := os.Readlink(next)
			if err != nil {
				return "", nil, false, fmt.Errorf("reading link %s: %w", next, err)
			}
			ls := w.step(next, &nst)
			ls.Target = target
			ls.Allowed = true
			ls.Rule = i18n.T("symbolic link to %q: followed (a link's own rwxrwxrwx bits are never checked)",
				"%q를 가리키는 심볼릭 링크: 따라갑니다 (링크 자체의 rwxrwxrwx 권한은 검사하지 않습니다)").F(target)
			w.links++
			if w.links > maxSymlinks {
				ls.Allowed = false
				w.d.Steps = append(w.d.Steps, ls)
				w.fail(unix.ELOOP, i18n.T("more than %d symbolic links on the way", "심볼릭 링크를 %d번 넘게 따라가야 합니다").F(maxSymlinks))
				return "", nil, false, nil
			}
			if w.ck.ProtectedSymlinks && st.Mode&uint32(Sticky) != 0 && st.Mode&0o002 != 0 &&
				w.cred.UID != nst.Uid && st.Uid != nst.Uid {
				ls.Allowed = false
				ls.Rule = i18n.T("fs.protected_symlinks: in a sticky world-writable directory only the link's owner or the directory's owner may follow it",
					"fs.protected_symlinks: sticky가 걸린 누구나 쓰는 디렉터리에서는 링크 주인이나 디렉터리 주인만 링크를 따라갈 수 있습니다")
				w.d.Steps = append(w.d.Steps, ls)
				w.fail(unix.EACCES, ls.Rule)
				return "", nil, false, nil
			}
			w.d.Steps = append(w.d.Steps, ls)
			if strings.HasPrefix(target, "/") {
				cur = "/"
				if err := unix.Lstat(cur, &st); err != nil {
					return "", nil, false, &os.PathError{Op: "lstat", Path: cur, Err: err}
				}
			}
			queue = append(split(target), queue...)
			if len(queue) == 0 { // a link to "/"
				return cur, &st, true, nil
			}
			continue
		}
		if !last && TypeLetterStat(nst.Mode) != TypeDir {
			w.fail(unix.ENOTDIR, i18n.T("%s is not a directory", "%s는 디렉터리가 아닙니다").F(next))
			return "", nil, false, nil
		}
		cur, st = next, nst
	}
	return cur, &st, true, nil
}

// final decides read, write, execute, list and enter on the resolved path.
func (w *walker) final(op Op, path string, st *unix.Stat_t) (Decision, error) {
	dir := TypeLetterStat(st.Mode) == TypeDir
	switch op {
	case OpRead:
		if dir {
			op = OpList
		}
	case OpWrite:
		if dir { // adding or removing entries: w and x on the directory
			return w.check(path, st, 3, "wx")
		}
	case OpExecute:
		if dir {
			op = OpEnter
		}
	}
	switch op {
	case OpList, OpEnter:
		if !dir {
			w.d.Steps = append(w.d.Steps, w.step(path, st))
			return w.fail(unix.ENOTDIR, i18n.T("%s is not a directory", "%s는 디렉터리가 아닙니다").F(path)), nil
		}
		if op == OpList {
			return w.check(path, st, 4, "r")
		}
		return w.check(path, st, 1, "x")
	case OpRead:
		return w.check(path, st, 4, "r")
	case OpWrite:
		if ro, _ := mountFlag(path, unix.ST_RDONLY); ro {
			w.d.Steps = append(w.d.Steps, w.step(path, st))
			return w.fail(unix.EROFS, i18n.T("%s is on a read-only filesystem", "%s는 읽기 전용 파일시스템에 있습니다").F(path)), nil
		}
		return w.check(path, st, 2, "w")
	}
	// Execute a non-directory.
	if TypeLetterStat(st.Mode) != TypeRegular {
		w.d.Steps = append(w.d.Steps, w.step(path, st))
		return w.fail(unix.EACCES, i18n.T("only regular files can be executed", "일반 파일만 실행할 수 있습니다")), nil
	}
	if noexec, _ := mountFlag(path, unix.ST_NOEXEC); noexec {
		w.d.Steps = append(w.d.Steps, w.step(path, st))
		return w.fail(unix.EACCES, i18n.T("%s is on a filesystem mounted noexec", "%s는 noexec로 마운트된 파일시스템에 있습니다").F(path)), nil
	}
	return w.check(path, st, 1, "x")
}

// entry decides create and delete of name in the directory dir.
func (w *walker) entry(op Op, dir string, st *unix.Stat_t, name string) (Decision, error) {
	if TypeLetterStat(st.Mode) != TypeDir {
		w.d.Steps = append(w.d.Steps, w.step(dir, st))
		return w.fail(unix.ENOTDIR, i18n.T("%s is not a directory", "%s는 디렉터리가 아닙니다").F(dir)), nil
	}
	// The last component is looked up in dir: search permission first.
	s := w.step(dir, st)
	s.Need = "x"
	s.Allowed, s.Class, s.Rule = decide(w.cred, st, 1)
	if !s.Allowed {
		w.d.Steps = append(w.d.Steps, s)
		return w.fail(unix.EACCES, s.Rule), nil
	}
	target := filepath.Join(dir, name)
	var est unix.Stat_t
	lerr := unix.Lstat(target, &est)
	exists := lerr == nil
	if lerr != nil && !errors.Is(lerr, unix.ENOENT) {
		return Decision{}, &os.PathError{Op: "lstat", Path: target, Err: lerr}
	}
	if op == OpCreate && exists {
		w.d.Steps = append(w.d.Steps, s)
		return w.fail(unix.EEXIST, i18n.T("%s already exists", "%s가 이미 있습니다").F(target)), nil
	}
	if op == OpDelete && !exists {
		w.d.Steps = append(w.d.Steps, s)
		return w.fail(unix.ENOENT, i18n.T("%s does not exist", "%s가 없습니다").F(target)), nil
	}
	if ro, _ := mountFlag(dir, unix.ST_RDONLY); ro {
		w.d.Steps = append(w.d.Steps, s)
		return w.fail(unix.EROFS, i18n.T("%s is on a read-only filesystem", "%s는 읽기 전용 파일시스템에 있습니다").F(dir)), nil
	}
	d, err := w.check(dir, st, 3, "wx")
	if err != nil || !d.Allowed || op == OpCreate {
		return d, err
	}
	if st.Mode&uint32(Sticky) == 0 {
		return d, nil
	}
	// The sticky rule (/tmp): own the entry or the directory, or be root.
	es := w.step(target, &est)
	es.Need = "owner"
	switch {
	case w.cred.UID == est.Uid:
		es.Allowed, es.Class = true, "owner"
		es.Rule = i18n.T("sticky directory: you own this entry, so you may delete it",
			"sticky 디렉터리: 이 항목의 주인이므로 지울 수 있습니다")
	case w.cred.UID == st.Uid:
		es.Allowed, es.Class = true, "owner"
		es.Rule = i18n.T("sticky directory: you own the directory, so you may delete entries in it",
			"sticky 디렉터리: 디렉터리의 주인이므로 안의 항목을 지울 수 있습니다")
	case w.cred.UID == 0:
		es.Allowed, es.Class = true, "root"
		es.Rule = i18n.T("sticky directory: root (CAP_FOWNER) may delete any entry",
			"sticky 디렉터리: root는 CAP_FOWNER 덕분에 아무 항목이나 지울 수 있습니다")
	default:
		es.Allowed, es.Class = false, "other"
		es.Rule = i18n.T("sticky directory (like /tmp): only the entry's owner, the directory's owner or root may delete it",
			"sticky 디렉터리(/tmp처럼): 항목의 주인, 디렉터리의 주인, root만 지울 수 있습니다")
	}
	w.d.Steps = append(w.d.Steps, es)
	if !es.Allowed {
		return w.fail(unix.EPERM, es.Rule), nil
	}
	return *w.d, nil
}

// check records the final permission decision on path for mask (4 r, 2 w, 1 x).
func (w *walker) check(path string, st *unix.Stat_t, mask uint32, need string) (Decision, error) {
	s := w.step(path, st)
	s.Need = need
	s.Allowed, s.Class, s.Rule = decide(w.cred, st, mask)
	w.d.Steps = append(w.d.Steps, s)
	if !s.Allowed {
		return w.fail(unix.EACCES, s.Rule), nil
	}
	w.d.Allowed = true
	w.d.Reason = s.Rule
	return *w.d, nil
}

// decide is the kernel's generic_permission for one inode and a mask of
// r (4), w (2) and x (1) bits.
func decide(c Cred, st *unix.Stat_t, mask uint32) (bool, string, i18n.Text) {
	mode := st.Mode & 0o7777
	var bits uint32
	var class string
	var who i18n.Text
	switch {
	case c.UID == st.Uid:
		bits, class = mode>>6&7, "owner"
		who = i18n.T("you are the owner, so only the owner bits %s count", "소유자이므로 소유자 권한 %s만 봅니다")
	case c.InGroup(st.Gid):
		bits, class = mode>>3&7, "group"
		who = i18n.T("you are in the file's group, so only the group bits %s count", "파일의 그룹에 속하므로 그룹 권한 %s만 봅니다")
	default:
		bits, class = mode&7, "other"
		who = i18n.T("neither owner nor in the group, so the other bits %s count", "소유자도 그룹도 아니므로 기타 사용자 권한 %s를 봅니다")
	}
	rwx := rwxString(bits)
	need := rwxNeed(mask)
	if bits&mask == mask {
		return true, class, i18n.Text{
			En: fmt.Sprintf(who.En, rwx) + ": " + need + " allowed",
			Ko: fmt.Sprintf(who.Ko, rwx) + ": " + need + " 허용",
		}
	}
	if c.UID == 0 {
		isDir := st.Mode&0o170000 == 0o040000
		if isDir || mask&1 == 0 || mode&0o111 != 0 {
			return true, "root", i18n.T("root: the %s bits %s deny %s, but root's capabilities (CAP_DAC_OVERRIDE) override them",
				"root: %s 권한 %s로는 %s가 안 되지만 root는 CAP_DAC_OVERRIDE로 무시하고 통과합니다").F(class, rwx, need)
		}
		return false, "root", i18n.T("root: even root cannot execute a regular file that has no x bit at all",
			"root: x 비트가 하나도 없는 일반 파일은 root도 실행할 수 없습니다")
	}
	denied := i18n.Text{
		En: fmt.Sprintf(who.En, rwx) + ": " + need + " denied",
		Ko: fmt.Sprintf(who.Ko, rwx) + ": " + need + " 거부",
	}
	if class != "other" {
		denied.En += " (the kernel does not go on to the next class)"
		denied.Ko += " (다음 분류로 넘어가서 다시 보지 않습니다)"
	}
	return false, class, denied
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

func rwxNeed(mask uint32) string {
	var s string
	for i, c := range "rwx" {
		if mask&(4>>uint(i)) != 0 {
			s += string(c)
		}
	}
	return s
}

func mountFlag(path string, flag int64) (bool, error) {
	var s unix.Statfs_t
	if err := unix.Statfs(path, &s); err != nil {
		return false, err
	}
	return s.Flags&flag != 0, nil
}
