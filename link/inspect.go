// Package link inspects inodes, hard links and symbolic links: what lstat
// says about a name, how the kernel resolves a symbolic link step by step,
// every name of one inode under a tree, dangling links, and the classic
// hard-versus-soft link experiment as data that a caller can run and show.
//
// The package never prints; it returns values and errors.
package link

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"sync"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/perm"
)

// MaxSymlinks is how many symbolic links the kernel follows in one path
// lookup before it gives up with ELOOP.
const MaxSymlinks = 40

// Info is what lstat says about one name, and for a symbolic link how it
// resolves.
type Info struct {
	Path  string `json:"path"`
	Dev   uint64 `json:"dev"`
	Inode uint64 `json:"inode"`
	Nlink uint64 `json:"nlink"`
	// Type is stat's %F words: "regular file", "regular empty file",
	// "directory", "symbolic link", "fifo", "socket", "character special
	// file", "block special file".
	Type string `json:"type"`
	Mode string `json:"mode"` // permission bits, 4-digit octal ("0644")
	// Symbolic is the mode as ls -l shows it ("-rw-r--r--").
	Symbolic string `json:"symbolic"`
	UID      uint32 `json:"uid"`
	GID      uint32 `json:"gid"`
	Owner    string `json:"owner"`
	Group    string `json:"group"`
	Size     int64  `json:"size"`
	// Major and minor device numbers of st_dev, as ls and mountinfo show.
	DevMajor uint32 `json:"dev_major"`
	DevMinor uint32 `json:"dev_minor"`

	*Symlink // set only for a symbolic link
}

// Symlink is how a symbolic link resolves.
type Symlink struct {
	// Target is the text stored in the link, as readlink prints it.
	Target string `json:"target"`
	// Resolved is the absolute, symlink-free path the link leads to (as
	// far as it could be followed when it dangles or loops).
	Resolved string `json:"resolved"`
	// Dangling is true when the final target does not exist (stat fails
	// with ENOENT or ENOTDIR): test -L is true, test -e is false.
	Dangling bool `json:"dangling"`
	// Loop is true when resolving needs more than MaxSymlinks links
	// (ELOOP), usually because links point at each other.
	Loop bool `json:"loop"`
	// Missing is the first path that does not exist on the way, when the
	// link dangles.
	Missing string `json:"missing,omitempty"`
	// Steps are the symbolic links followed, in order.
	Steps []Step `json:"steps"`
	// TargetInode and TargetType describe what the link finally leads to,
	// when it leads somewhere.
	TargetInode uint64 `json:"target_inode,omitempty"`
	TargetType  string `json:"target_type,omitempty"`
	// Err is why resolving stopped early, other than a missing component
	// or a loop (for example EACCES), as text.
	Err string `json:"error,omitempty"`
}

// Step is one symbolic link followed during a lookup.
type Step struct {
	Link   string `json:"link"`   // the link's own path (absolute)
	Target string `json:"target"` // the text stored in it
	// Via is the target text made absolute: relative targets are joined to
	// the directory holding the link, not to the current directory.
	Via string `json:"via"`
}

// TypeName returns stat's %F words for a file mode.
func TypeName(mode uint32, size int64) string {
	switch mode & unix.S_IFMT {
	case unix.S_IFREG:
		if size == 0 {
			return "regular empty file"
		}
		return "regular file"
	case unix.S_IFDIR:
		return "directory"
	case unix.S_IFLNK:
		return "symbolic link"
	case unix.S_IFIFO:
		return "fifo"
	case unix.S_IFSOCK:
		return "socket"
	case unix.S_IFCHR:
		return "character special file"
	case unix.S_IFBLK:
		return "block special file"
	}
	return "weird file"
}

// Inspect lstats path (a final symbolic link is not followed) and, for a
// symbolic link, resolves it step by step. The error is a *fs.PathError
// from lstat.
func Inspect(path string) (Info, error) {
	var st unix.Stat_t
	if err := unix.Lstat(path, &st); err != nil {
		return Info{}, &fs.PathError{Op: "lstat", Path: path, Err: err}
	}
	in := fromStat(path, &st)
	if st.Mode&unix.S_IFMT == unix.S_IFLNK {
		sl := Resolve(path)
		// The kernel has the last word on whether the link leads anywhere.
		var tst unix.Stat_t
		switch err := unix.Stat(path, &tst); {
		case err == nil:
			sl.Dangling, sl.Loop, sl.Missing = false, false, ""
			sl.TargetInode, sl.TargetType = tst.Ino, TypeName(tst.Mode, tst.Size)
		case errors.Is(err, unix.ELOOP):
			sl.Loop, sl.Dangling, sl.Missing = true, false, ""
		case errors.Is(err, unix.ENOENT), errors.Is(err, unix.ENOTDIR):
			sl.Dangling = true
		}
		in.Symlink = &sl
	}
	return in, nil
}

func fromStat(path string, st *unix.Stat_t) Info {
	return Info{
		Path: path, Dev: st.Dev, Inode: st.Ino, Nlink: uint64(st.Nlink),
		Type: TypeName(st.Mode, st.Size), Mode: fmt.Sprintf("%04o", st.Mode&07777),
		Symbolic: perm.LsString(perm.FromStatMode(st.Mode), perm.TypeLetterStat(st.Mode)),
		UID:      st.Uid, GID: st.Gid, Owner: userName(st.Uid), Group: groupName(st.Gid),
		Size: st.Size, DevMajor: unix.Major(st.Dev), DevMinor: unix.Minor(st.Dev),
	}
}

// LsLine is the line ls -li prints for in (name as given, with " -> target"
// for a symbolic link).
func LsLine(in Info) string {
	s := fmt.Sprintf("%d %s %d %s %s %d %s", in.Inode, in.Symbolic, in.Nlink, in.Owner, in.Group, in.Size, in.Path)
	if in.Symlink != nil {
		s += " -> " + in.Symlink.Target
	}
	return s
}

var (
	namesMu sync.Mutex
	users   = map[uint32]string{}
	groups  = map[uint32]string{}
)

func userName(uid uint32) string {
	namesMu.Lock()
	defer namesMu.Unlock()
	if n, ok := users[uid]; ok {
		return n
	}
	n := strconv.FormatUint(uint64(uid), 10)
	if u, err := user.LookupId(n); err == nil {
		n = u.Username
	}
	users[uid] = n
	return n
}

func groupName(gid uint32) string {
	namesMu.Lock()
	defer namesMu.Unlock()
	if n, ok := groups[gid]; ok {
		return n
	}
	n := strconv.FormatUint(uint64(gid), 10)
	if g, err := user.LookupGroupId(n); err == nil {
		n = g.Name
	}
	groups[gid] = n
	return n
}

// Resolve follows path the way the kernel's path walk does, one component
// at a time, recording every symbolic link it follows (including links in
// the middle of the path). It stops at a missing component (Dangling, with
// Missing set), after MaxSymlinks links (Loop), or at another error (Err).
// Target is the stored text of path itself when path is a symbolic link.
func Resolve(path string) Symlink {
	sl := Symlink{Steps: []Step{}}
	if t, err := os.Readlink(path); err == nil {
		sl.Target = t
	}
	start := path
	if !filepath.IsAbs(start) {
		wd, err := os.Getwd()
		if err != nil {
			sl.Err = err.Error()
			return sl
		}
		start = filepath.Join(wd, start)
	}
	cur := "/" // symlink-free, absolute
	rest := splitPath(start)
	followed := 0
	for len(rest) > 0 {
		c := rest[0]
		rest = rest[1:]
		switch c {
		case "", ".":
			continue
		case "..":
			cur = filepath.Dir(cur)
			continue
		}
		next := filepath.Join(cur, c)
		var st unix.Stat_t
		if err := unix.Lstat(next, &st); err != nil {
			sl.Resolved = filepath.Join(append([]string{next}, rest...)...)
			if errors.Is(err, unix.ENOENT) {
				sl.Dangling = true
				sl.Missing = next
			} else {
				sl.Err = (&fs.PathError{Op: "lstat", Path: next, Err: err}).Error()
			}
			return sl
		}
		switch st.Mode & unix.S_IFMT {
		case unix.S_IFLNK:
			followed++
			if followed > MaxSymlinks {
				sl.Loop = true
				sl.Resolved = filepath.Join(append([]string{next}, rest...)...)
				return sl
			}
			t, err := os.Readlink(next)
			if err != nil {
				sl.Err = err.Error()
				return sl
			}
			via := t
			if !filepath.IsAbs(t) {
				via = filepath.Join(cur, t)
			}
			sl.Steps = append(sl.Steps, Step{Link: next, Target: t, Via: via})
			if filepath.IsAbs(t) {
				cur = "/"
			}
			rest = append(splitPath(t), rest...)
			continue
		case unix.S_IFDIR:
		default:
			if len(rest) > 0 {
				// A file used as a directory: the kernel says ENOTDIR,
				// which stat -L and find -xtype count as dangling.
				sl.Dangling = true
				sl.Missing = filepath.Join(next, rest[0])
				sl.Resolved = filepath.Join(append([]string{next}, rest...)...)
				return sl
			}
		}
		cur = next
	}
	sl.Resolved = cur
	return sl
}

// splitPath splits p into its components; a trailing slash becomes a
// final "." so that "file/" fails like the kernel's ENOTDIR.
func splitPath(p string) []string {
	var out []string
	start := 0
	for i := 0; i <= len(p); i++ {
		if i == len(p) || p[i] == '/' {
			if i > start {
				out = append(out, p[start:i])
			}
			start = i + 1
		}
	}
	if len(p) > 1 && p[len(p)-1] == '/' {
		out = append(out, ".")
	}
	return out
}
