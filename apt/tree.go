package apt

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path"
	"regexp"
	"strconv"
	"strings"
	"syscall"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// MaxFileSize is the most apt reads of one file it is given (a sources
// file, os-release, a backup manifest or copy): a larger file is refused
// before it is read.
const MaxFileSize = 4 << 20

// tree is a --root directory opened so that no path leads out of it:
// every access goes through an os.Root, and symbolic links are resolved
// inside the root as the kernel's RESOLVE_IN_ROOT does (an absolute target
// starts again at the root, ".." stops at it). A link is therefore never
// followed to the host, whatever it says.
type tree struct {
	dir string // as the user gave it, for messages
	r   *os.Root
}

func openTree(dir string) (*tree, error) {
	if dir == "" {
		dir = "/"
	}
	r, err := os.OpenRoot(dir)
	if err != nil {
		e := i18n.Failed(i18n.T("cannot open --root %s", "--root %s를 열 수 없습니다").F(dir), err)
		e.Kind = i18n.KindInvalid
		return nil, e
	}
	return &tree{dir: dir, r: r}, nil
}

func (t *tree) Close() error { return t.r.Close() }

// rel turns an apt path (/etc/apt/sources.list) into a name inside the root.
func rel(p string) string {
	p = path.Clean("/" + p)
	if p == "/" {
		return "."
	}
	return p[1:]
}

// linkError is a path that reaches through a symbolic link to nothing
// inside the root (for example a link to /etc/shadow under --root DIR,
// which means DIR/etc/shadow).
type linkError struct {
	Root, Path, Link, Target string
}

func (e *linkError) Error() string {
	return fmt.Sprintf("%s: %s is a symbolic link to %s, which is not inside %s", e.Path, e.Link, e.Target, e.Root)
}

func (e *linkError) localized() *i18n.Error {
	return i18n.Invalid(i18n.T("%s is a symbolic link to %s, which is not inside --root %s (links are followed only inside it); nothing was read or written",
		"%s는 %s를 가리키는 심볼릭 링크인데, 그 대상이 --root %s 안에 없습니다 (링크는 그 안에서만 따라갑니다). 아무것도 읽거나 쓰지 않았습니다").F(e.Link, e.Target, e.Root))
}

// resolve returns the name inside the root that the apt path p leads to,
// with every symbolic link resolved inside the root; the last component is
// resolved only when followLast is set. A component that does not exist
// ends the walk: the name is returned as it is (the caller sees
// fs.ErrNotExist), unless a symbolic link led there, which is a
// *linkError.
func (t *tree) resolve(p string, followLast bool) (string, error) {
	todo := strings.Split(rel(p), "/")
	var done []string
	// The links being followed, each with the number of components left
	// after its target: while more are left, a component belongs to the
	// target.
	type following struct {
		link *linkError
		rest int
	}
	var links []following
	dangling := func() *linkError {
		for i := len(links) - 1; i >= 0; i-- {
			if len(todo) >= links[i].rest {
				return links[i].link
			}
		}
		return nil
	}
	for n := 0; len(todo) > 0; {
		c := todo[0]
		todo = todo[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			if len(done) > 0 {
				done = done[:len(done)-1]
			}
			continue
		}
		cur := path.Join(append(done, c)...)
		if len(todo) == 0 && !followLast {
			done = append(done, c)
			break
		}
		fi, err := t.r.Lstat(cur)
		if errors.Is(err, fs.ErrNotExist) {
			if le := dangling(); le != nil {
				return "", le
			}
		}
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				return path.Join(append(append(done, c), todo...)...), nil
			}
			return "", err
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			done = append(done, c)
			continue
		}
		if n++; n > 40 {
			return "", &fs.PathError{Op: "open", Path: p, Err: syscall.ELOOP}
		}
		target, err := t.r.Readlink(cur)
		if err != nil {
			return "", err
		}
		links = append(links, following{&linkError{Root: t.dir, Path: p, Link: "/" + cur, Target: target}, len(todo)})
		if path.IsAbs(target) {
			done = nil
		}
		todo = append(strings.Split(target, "/"), todo...)
	}
	if len(done) == 0 {
		return ".", nil
	}
	return path.Join(done...), nil
}

// tf formats t with args in each language: an i18n.Text argument gives
// its own language's text.
func tf(t i18n.Text, args ...any) i18n.Text {
	en, ko := make([]any, len(args)), make([]any, len(args))
	for i, a := range args {
		en[i], ko[i] = a, a
		if x, ok := a.(i18n.Text); ok {
			en[i], ko[i] = x.En, x.Ko
		}
	}
	return i18n.Text{En: fmt.Sprintf(t.En, en...), Ko: fmt.Sprintf(t.Ko, ko...)}
}

// kindOf names a file type in both languages.
func kindOf(m fs.FileMode) i18n.Text {
	switch {
	case m.IsDir():
		return i18n.T("a directory", "디렉터리")
	case m&fs.ModeNamedPipe != 0:
		return i18n.T("a named pipe (FIFO)", "이름 있는 파이프(FIFO)")
	case m&fs.ModeSocket != 0:
		return i18n.T("a socket", "소켓")
	case m&fs.ModeDevice != 0:
		return i18n.T("a device", "장치 파일")
	case m&fs.ModeSymlink != 0:
		return i18n.T("a symbolic link", "심볼릭 링크")
	}
	return i18n.T("not a regular file", "일반 파일이 아님")
}

func notRegular(p string, m fs.FileMode) error {
	k := kindOf(m)
	return i18n.Invalid(tf(i18n.T("%s is %s, not a regular file; not read", "%s는 일반 파일이 아니라 %s입니다. 읽지 않았습니다"), p, k))
}

func tooBig(p string) error {
	return i18n.Invalid(i18n.T("%s is larger than %d MiB; not read", "%s는 %d MiB보다 커서 읽지 않았습니다").F(p, MaxFileSize>>20))
}

// localize turns the errors of tree's methods into one clear line.
func localize(err error) error {
	var le *linkError
	if errors.As(err, &le) {
		return le.localized()
	}
	return err
}

// readFile reads the regular file at the apt path p. Anything but a
// regular file, or more than MaxFileSize bytes, is refused before a byte
// is read (a FIFO does not block, a device is not read); a missing file is
// fs.ErrNotExist.
func (t *tree) readFile(p string) ([]byte, fs.FileInfo, error) {
	name, err := t.resolve(p, true)
	if err != nil {
		return nil, nil, localize(err)
	}
	fi, err := t.r.Lstat(name)
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, notRegular(p, fi.Mode())
	}
	return t.readOpen(p, name)
}

// readOpen opens name (no symbolic link in it) and reads it as readFile does.
func (t *tree) readOpen(p, name string) ([]byte, fs.FileInfo, error) {
	f, err := t.r.OpenFile(name, os.O_RDONLY|syscall.O_NOFOLLOW|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, nil, notRegular(p, fi.Mode())
	}
	if fi.Size() > MaxFileSize {
		return nil, nil, tooBig(p)
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, nil, err
	}
	if len(data) > MaxFileSize {
		return nil, nil, tooBig(p)
	}
	return data, fi, nil
}

// readDir lists the directory at the apt path p.
func (t *tree) readDir(p string) ([]fs.DirEntry, error) {
	name, err := t.resolve(p, true)
	if err != nil {
		return nil, localize(err)
	}
	fi, err := t.r.Lstat(name)
	if err != nil {
		return nil, err
	}
	if !fi.IsDir() {
		return nil, &fs.PathError{Op: "open", Path: p, Err: syscall.ENOTDIR}
	}
	d, err := t.r.OpenFile(name, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.ReadDir(-1)
}

// parentName resolves the directory of the apt path p and returns the
// name of p inside the root, its last component unresolved.
func (t *tree) parentName(p string) (string, error) {
	dir, err := t.resolve(path.Dir(path.Clean("/"+p)), true)
	if err != nil {
		return "", localize(err)
	}
	return path.Join(dir, path.Base(p)), nil
}

// mkdirAll makes the directory at the apt path p and its parents.
func (t *tree) mkdirAll(p string, perm fs.FileMode) (string, error) {
	name, err := t.resolve(p, true)
	if err != nil {
		return "", localize(err)
	}
	return name, t.r.MkdirAll(name, perm)
}

// syncDir flushes the directory name (inside the root) to disk.
func (t *tree) syncDir(name string) error {
	d, err := t.r.OpenFile(name, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

// createExcl writes data to a new file name (inside the root; an existing
// file or link is never followed nor replaced), with the given mode and,
// when uid >= 0, owner; it is synced before it returns.
func (t *tree) createExcl(name string, data []byte, mode fs.FileMode, uid, gid int) error {
	f, err := t.r.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
	if err != nil {
		return err
	}
	err = fillFile(f, data, mode, uid, gid)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.r.Remove(name)
	}
	return err
}

func fillFile(f *os.File, data []byte, mode fs.FileMode, uid, gid int) error {
	if uid >= 0 && (os.Geteuid() == 0 || uid != os.Geteuid() || gid != os.Getegid()) {
		if err := f.Chown(uid, gid); err != nil {
			return err
		}
	}
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Chmod(mode.Perm()); err != nil {
		return err
	}
	return f.Sync()
}

// tempName matches the temporary files replace makes (and renameio made
// before): "." + name + digits. apt never reads them (they start with a
// dot); replace removes those an earlier killed run left.
func tempName(base string) *regexp.Regexp {
	return regexp.MustCompile(`^\.` + regexp.QuoteMeta(base) + `-?[0-9]+$`)
}

// replace atomically replaces the file at name (inside the root, its
// directory already resolved) with data, mode and owner: a temporary file
// in the same directory, fsync, rename, fsync of the directory. check runs
// just before the rename; an error from it leaves the file as it was.
func (t *tree) replace(name string, data []byte, mode fs.FileMode, uid, gid int, check func() error) error {
	dir, base := path.Dir(name), path.Base(name)
	if des, err := t.readDirName(dir); err == nil {
		re := tempName(base)
		for _, d := range des {
			if re.MatchString(d.Name()) {
				t.r.Remove(path.Join(dir, d.Name()))
			}
		}
	}
	var tmp string
	var f *os.File
	var err error
	for range 100 {
		tmp = path.Join(dir, "."+base+strconv.FormatUint(rand.Uint64()%1e12, 10))
		f, err = t.r.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL|syscall.O_NOFOLLOW, 0o600)
		if !errors.Is(err, fs.ErrExist) {
			break
		}
	}
	if err != nil {
		return err
	}
	renamed := false
	defer func() {
		if !renamed {
			t.r.Remove(tmp)
		}
	}()
	err = fillFile(f, data, mode, uid, gid)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	if check != nil {
		if err := check(); err != nil {
			return err
		}
	}
	if err := t.r.Rename(tmp, name); err != nil {
		return err
	}
	renamed = true
	return t.syncDir(dir)
}

func (t *tree) readDirName(name string) ([]fs.DirEntry, error) {
	d, err := t.r.OpenFile(name, os.O_RDONLY|syscall.O_DIRECTORY|syscall.O_NOFOLLOW, 0)
	if err != nil {
		return nil, err
	}
	defer d.Close()
	return d.ReadDir(-1)
}
