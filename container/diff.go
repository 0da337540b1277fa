package container

import (
	"errors"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Change is one path a container changed in its root, as docker diff
// shows it.
type Change struct {
	Kind string `json:"kind"` // "A" added, "C" changed, "D" deleted
	Path string `json:"path"` // inside the container
}

// Diff lists what the container called name (or with that ID) changed in
// its root filesystem. When its writes are on disk (the overlay's upper
// layer of a --keep or detached run) they are read from there: a file in
// it is added or changed, a whiteout (a 0/0 character device) deleted,
// and an opaque directory's lower contents deleted. Otherwise, while it
// runs, its root as it sees it is compared with the rootfs it started
// from. Every directory above a change is listed as changed, as docker
// diff does. The kernel's own mounts (/proc, /sys, /dev) and volumes are
// not the container's root and are left out.
func Diff(root, name string) ([]Change, error) {
	in, err := Find(root, name)
	if err != nil {
		return nil, err
	}
	ch, _, err := diffOf(in)
	return ch, err
}

// diffOf is in's changes, and the directory their new contents are in
// (its upper layer, or its root as it sees it).
func diffOf(in *Info) ([]Change, string, error) {
	upper := filepath.Join(in.dir, "upper")
	if fi, err := os.Lstat(upper); err == nil && fi.IsDir() {
		ch, err := diffUpper(upper, in.Rootfs)
		return ch, upper, err
	}
	if !in.Running() {
		return nil, "", i18n.Invalid(i18n.T("container %q has exited and its writes went with it: run it with -d or --keep to look at them after it ends",
			"컨테이너 %q는 끝났고 쓴 내용도 함께 사라졌습니다: 끝난 뒤에도 보려면 -d나 --keep으로 실행하세요").F(in.Name))
	}
	var skip []string
	for _, v := range in.Volumes {
		skip = append(skip, path.Clean("/"+v.Container))
	}
	merged := "/proc/" + strconv.Itoa(in.PID) + "/root"
	ch, err := diffTrees(merged, in.Rootfs, skip)
	return ch, merged, err
}

// node is what a diff compares of a file.
type node struct {
	mode     fs.FileMode
	uid, gid uint32
	size     int64
	mtime    int64
	link     string
	dev      uint64
	rdev     uint64
	whiteout bool
}

func nodeOf(root *os.Root, name string) (node, error) {
	fi, err := root.Lstat(name)
	if err != nil {
		return node{}, err
	}
	n := node{mode: fi.Mode(), size: fi.Size()}
	if st, ok := fi.Sys().(*unix.Stat_t); ok {
		n.uid, n.gid, n.dev, n.rdev = st.Uid, st.Gid, st.Dev, st.Rdev
		n.mtime = st.Mtim.Nano()
	}
	if fi.Mode()&fs.ModeSymlink != 0 {
		n.link, _ = root.Readlink(name)
	}
	n.whiteout = fi.Mode()&fs.ModeCharDevice != 0 && n.rdev == 0
	return n, nil
}

// same reports whether a file of the container is its rootfs's file
// unchanged.
func (a node) same(b node) bool {
	if a.mode != b.mode || a.uid != b.uid || a.gid != b.gid || a.link != b.link {
		return false
	}
	if a.mode.IsDir() {
		return a.mtime == b.mtime
	}
	return a.size == b.size && a.mtime == b.mtime
}

// walk lists every path under root ("/x/y"), with its node; the
// directories in skip are left out, and so is whatever is on another
// file system than root (the kernel's mounts).
func walk(root *os.Root, skip []string) (map[string]node, error) {
	top, err := nodeOf(root, ".")
	if err != nil {
		return nil, err
	}
	out := map[string]node{}
	var rec func(dir string) error
	rec = func(dir string) error {
		f, err := root.Open(dir)
		if err != nil {
			return err
		}
		ents, err := f.ReadDir(-1)
		f.Close()
		if err != nil {
			return err
		}
		for _, e := range ents {
			rel := path.Join(dir, e.Name())
			p := "/" + rel
			if slices.Contains(skip, p) {
				continue
			}
			n, err := nodeOf(root, rel)
			if err != nil {
				if errors.Is(err, fs.ErrNotExist) {
					continue // (gone while we looked)
				}
				return err
			}
			if n.mode.IsDir() && n.dev != top.dev {
				continue // another file system mounted here
			}
			out[p] = n
			if n.mode.IsDir() {
				if err := rec(rel); err != nil {
					return err
				}
			}
		}
		return nil
	}
	return out, rec(".")
}

func openTree(dir string) (*os.Root, error) {
	r, err := os.OpenRoot(dir)
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot open %s", "%s를 열 수 없습니다").F(dir), err)
	}
	return r, nil
}

// diffTrees compares a running container's root with its rootfs.
func diffTrees(merged, lower string, skip []string) ([]Change, error) {
	mr, err := openTree(merged)
	if err != nil {
		return nil, err
	}
	defer mr.Close()
	lr, err := openTree(lower)
	if err != nil {
		return nil, err
	}
	defer lr.Close()
	skip = append(skip, "/proc", "/sys", "/dev")
	m, err := walk(mr, skip)
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot read the container's root", "컨테이너의 루트를 읽을 수 없습니다"), err)
	}
	l, err := walk(lr, skip)
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot read the rootfs %s", "rootfs %s를 읽을 수 없습니다").F(lower), err)
	}
	ch := map[string]string{}
	for p, n := range m {
		o, ok := l[p]
		switch {
		case !ok:
			ch[p] = "A"
		case !n.same(o):
			ch[p] = "C"
		}
	}
	for p := range l {
		if _, ok := m[p]; !ok {
			ch[p] = "D"
		}
	}
	return changes(ch, func(p string) bool { _, ok := l[p]; return ok }), nil
}

// diffUpper reads an overlay's upper layer against its lower rootfs.
func diffUpper(upper, lower string) ([]Change, error) {
	ur, err := openTree(upper)
	if err != nil {
		return nil, err
	}
	defer ur.Close()
	lr, err := openTree(lower)
	if err != nil {
		return nil, err
	}
	defer lr.Close()
	u, err := walk(ur, nil)
	if err != nil {
		return nil, i18n.Failed(i18n.T("cannot read the container's writes in %s", "컨테이너가 쓴 내용(%s)을 읽을 수 없습니다").F(upper), err)
	}
	inLower := func(p string) bool {
		_, err := lr.Lstat(strings.TrimPrefix(p, "/"))
		return err == nil
	}
	ch := map[string]string{}
	for p, n := range u {
		switch {
		case n.whiteout:
			if inLower(p) {
				ch[p] = "D"
				deleteUnder(lr, p, ch)
			}
		case !inLower(p):
			ch[p] = "A"
		default:
			ch[p] = "C"
			if n.mode.IsDir() && opaque(filepath.Join(upper, p)) {
				// Its lower contents are hidden: what the upper layer
				// does not have again is deleted.
				hidden := map[string]string{}
				deleteUnder(lr, p, hidden)
				for q := range hidden {
					if _, ok := u[q]; !ok {
						ch[q] = "D"
					}
				}
			}
		}
	}
	return changes(ch, inLower), nil
}

// deleteUnder marks everything of the lower tree under p as deleted.
func deleteUnder(lr *os.Root, p string, ch map[string]string) {
	fs.WalkDir(lr.FS(), strings.TrimPrefix(p, "/"), func(q string, d fs.DirEntry, err error) error {
		if err == nil && "/"+q != p {
			ch["/"+q] = "D"
		}
		return nil
	})
}

// opaque reports whether an upper directory is marked opaque (overlayfs:
// the trusted.overlay.opaque, or in a user namespace user.overlay.opaque,
// attribute "y").
func opaque(dir string) bool {
	buf := make([]byte, 8)
	for _, a := range []string{"trusted.overlay.opaque", "user.overlay.opaque"} {
		if n, err := unix.Lgetxattr(dir, a, buf); err == nil && n >= 1 && buf[0] == 'y' {
			return true
		}
	}
	return false
}

// changes sorts the changes by path, with every directory above one (that
// the rootfs has) marked as changed.
func changes(ch map[string]string, inLower func(string) bool) []Change {
	for p := range ch {
		for d := path.Dir(p); d != "/"; d = path.Dir(d) {
			if _, ok := ch[d]; !ok && inLower(d) {
				ch[d] = "C"
			}
		}
	}
	out := make([]Change, 0, len(ch))
	for p, k := range ch {
		out = append(out, Change{Kind: k, Path: p})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out
}

// onOverlay reports whether dir is on overlayfs, which cannot hold an
// overlay's upper layer.
func onOverlay(dir string) bool {
	var st unix.Statfs_t
	return unix.Statfs(dir, &st) == nil && st.Type == unix.OVERLAYFS_SUPER_MAGIC
}
