package lessons

import (
	"errors"
	"fmt"
	"os"
	"path"
	"sort"
	"strings"
	"sync/atomic"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/openat2"
)

// tree is a workspace directory opened once. Every operation names a path
// relative to it and is done on a descriptor of its parent directory,
// opened beneath the workspace without following a symbolic link in any
// component (openat2 RESOLVE_BENEATH|RESOLVE_NO_SYMLINKS, or one
// O_NOFOLLOW openat per component where openat2 is missing). The last
// component is never followed either: mkdirat, symlinkat, unlinkat,
// fstatat(AT_SYMLINK_NOFOLLOW) and openat(O_NOFOLLOW|O_EXCL) act on the
// name itself. So a link planted in a workspace, even one swapped in while
// sysdojo works, can only make an operation fail, never reach a file
// outside the workspace.
type tree struct {
	fd  int
	dir string
}

// openTree opens dir, which must be a directory.
func openTree(dir string) (*tree, error) {
	fd, err := unix.Open(dir, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, &os.PathError{Op: "open", Path: dir, Err: err}
	}
	return &tree{fd: fd, dir: dir}, nil
}

func (t *tree) Close() error { return unix.Close(t.fd) }

// stat is the workspace directory's own status.
func (t *tree) stat() (unix.Stat_t, error) {
	var st unix.Stat_t
	err := unix.Fstat(t.fd, &st)
	return st, err
}

// cleanRel checks that rel is a relative, slash-separated path that stays
// inside the workspace, and returns its clean form.
func cleanRel(rel string) (string, error) {
	c := path.Clean(rel)
	if rel == "" || path.IsAbs(c) || c == "." || c == ".." || strings.HasPrefix(c, "../") || strings.ContainsRune(rel, 0) {
		return "", fmt.Errorf("%q: not a path inside the workspace", rel)
	}
	return c, nil
}

// noOpenat2 is set once openat2 is found missing (Linux before 5.6).
var noOpenat2 atomic.Bool

// openDir opens the directory rel (relative, clean; "." for the workspace
// itself) beneath t without following any symbolic link.
func (t *tree) openDir(rel string) (int, error) {
	if rel == "." {
		return unix.Dup(t.fd)
	}
	if !noOpenat2.Load() {
		fd, err := openat2.Open(t.fd, rel, &unix.OpenHow{
			Flags:   unix.O_RDONLY | unix.O_DIRECTORY | unix.O_CLOEXEC,
			Resolve: unix.RESOLVE_BENEATH | unix.RESOLVE_NO_SYMLINKS | unix.RESOLVE_NO_MAGICLINKS,
		})
		if err != unix.ENOSYS {
			return fd, err
		}
		noOpenat2.Store(true)
	}
	// One component at a time, none of them followed.
	fd, err := unix.Dup(t.fd)
	if err != nil {
		return -1, err
	}
	for _, part := range strings.Split(rel, "/") {
		next, err := unix.Openat(fd, part, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		unix.Close(fd)
		if err != nil {
			return -1, err
		}
		fd = next
	}
	return fd, nil
}

// at runs f with a descriptor of rel's parent directory and rel's last
// component.
func (t *tree) at(rel string, f func(dirfd int, name string) error) error {
	c, err := cleanRel(rel)
	if err != nil {
		return err
	}
	dir, name := path.Split(c)
	if dir == "" {
		dir = "."
	}
	fd, err := t.openDir(path.Clean(dir))
	if err != nil {
		return &os.PathError{Op: "open", Path: dir, Err: err}
	}
	defer unix.Close(fd)
	return f(fd, name)
}

// lstat is rel's status, the link itself when rel is a link.
func (t *tree) lstat(rel string) (unix.Stat_t, error) {
	var st unix.Stat_t
	err := t.at(rel, func(dirfd int, name string) error {
		return unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW)
	})
	return st, err
}

// mkdir makes directory rel with mode (set with fchmod, so the umask does
// not change it) and returns what it made.
func (t *tree) mkdir(rel string, mode uint32) (Made, error) {
	m := Made{Path: rel, Type: "dir"}
	err := t.at(rel, func(dirfd int, name string) error {
		if err := unix.Mkdirat(dirfd, name, 0o700); err != nil {
			return err
		}
		fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		return fdDone(fd, mode, &m)
	})
	return m, err
}

// chmodDir sets the mode of the directory rel, which must be a directory
// and not a link.
func (t *tree) chmodDir(rel string, mode uint32) error {
	return t.at(rel, func(dirfd int, name string) error {
		fd, err := unix.Openat(dirfd, name, unix.O_RDONLY|unix.O_DIRECTORY|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0)
		if err != nil {
			return err
		}
		defer unix.Close(fd)
		return unix.Fchmod(fd, mode)
	})
}

// writeFile creates the regular file rel, which must not exist, with
// content and mode.
func (t *tree) writeFile(rel, content string, mode uint32) (Made, error) {
	m := Made{Path: rel, Type: "file"}
	err := t.at(rel, func(dirfd int, name string) error {
		fd, err := unix.Openat(dirfd, name, unix.O_WRONLY|unix.O_CREAT|unix.O_EXCL|unix.O_NOFOLLOW|unix.O_CLOEXEC, 0o600)
		if err != nil {
			return err
		}
		f := os.NewFile(uintptr(fd), rel)
		defer f.Close()
		if _, err := f.WriteString(content); err != nil {
			return err
		}
		return fdDone(int(f.Fd()), mode, &m)
	})
	return m, err
}

// fdDone sets the mode of an open file and records its identity in m.
func fdDone(fd int, mode uint32, m *Made) error {
	if err := unix.Fchmod(fd, mode); err != nil {
		return err
	}
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		return err
	}
	m.Dev, m.Ino = st.Dev, st.Ino
	return nil
}

// symlink makes rel a symbolic link to target.
func (t *tree) symlink(target, rel string) (Made, error) {
	m := Made{Path: rel, Type: "symlink"}
	err := t.at(rel, func(dirfd int, name string) error {
		if err := unix.Symlinkat(target, dirfd, name); err != nil {
			return err
		}
		var st unix.Stat_t
		if err := unix.Fstatat(dirfd, name, &st, unix.AT_SYMLINK_NOFOLLOW); err != nil {
			return err
		}
		m.Dev, m.Ino = st.Dev, st.Ino
		return nil
	})
	return m, err
}

// remove removes the name rel (an empty directory when dir is set).
func (t *tree) remove(rel string, dir bool) error {
	flags := 0
	if dir {
		flags = unix.AT_REMOVEDIR
	}
	return t.at(rel, func(dirfd int, name string) error { return unix.Unlinkat(dirfd, name, flags) })
}

// names lists the directory rel ("." for the workspace), sorted.
func (t *tree) names(rel string) ([]string, error) {
	fd, err := t.openDir(rel)
	if err != nil {
		return nil, err
	}
	f := os.NewFile(uintptr(fd), rel)
	defer f.Close()
	names, err := f.Readdirnames(-1)
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	return names, nil
}

// typeOf names a stat's file type as the record does.
func typeOf(st unix.Stat_t) string {
	switch st.Mode & unix.S_IFMT {
	case unix.S_IFREG:
		return "file"
	case unix.S_IFDIR:
		return "dir"
	case unix.S_IFLNK:
		return "symlink"
	}
	return "other"
}

func isNotExist(err error) bool {
	return errors.Is(err, unix.ENOENT) || errors.Is(err, os.ErrNotExist)
}
