package link

import (
	"encoding/binary"
	"errors"
	"io/fs"
	"runtime"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/sys/unix"
)

// WalkOptions control a tree walk.
type WalkOptions struct {
	// OneFileSystem keeps the walk on the filesystem of the starting
	// directory: it does not go into directories mounted below it, as
	// du -x, cp -x, rsync -x and find -xdev. By default it goes into
	// them, as find does.
	OneFileSystem bool
	// Workers is how many directories are read at once (default: the
	// number of CPUs, at most 4).
	Workers int
	// Progress, when set, is updated while the walk runs, so a caller can
	// show it.
	Progress *Progress

	// lstatAll makes the walk lstat every entry, as it does on
	// filesystems whose d_ino cannot be trusted (for tests).
	lstatAll bool
}

// Progress counts a walk's work so far; safe to read while it runs.
type Progress struct {
	Dirs    atomic.Int64
	Entries atomic.Int64
}

// Skipped is a directory the walk could not read (it carries on without
// it). Err is a *fs.PathError.
type Skipped struct {
	Path   string `json:"path"`
	Err    error  `json:"-"`
	Reason string `json:"error"` // Err's errno text ("permission denied")
}

// visitFunc is called for every entry below the root (never "." or
// ".."), possibly from several goroutines at once. name is only valid
// during the call. typ is a DT_* value (never DT_UNKNOWN) and ino the
// entry's inode number (trusted from getdents where the filesystem fills
// d_ino with st_ino, from lstat otherwise).
type visitFunc func(dirfd int, dir string, name []byte, ino uint64, typ uint8)

// Filesystems whose getdents d_ino is not guaranteed to equal lstat's
// st_ino (or whose d_type may lie): their entries are lstat-ed.
var untrustedFS = map[int64]bool{
	0x794c7630: true, // overlayfs
	0x65735546: true, // fuse
	0x6969:     true, // nfs
	0xFF534D42: true, // cifs
	0xFE534D42: true, // smb2
	0x01021997: true, // 9p
}

type walker struct {
	root  string
	opts  WalkOptions
	dev   uint64
	visit visitFunc

	mu      sync.Mutex
	cond    *sync.Cond
	stack   []string
	pending int
	skipped []Skipped

	trustMu sync.Mutex
	trust   map[uint64]bool
}

// walk reads every directory under root (root itself must be a directory
// on device dev) and calls visit for each entry. Symbolic links are never
// followed. It returns the directories it could not read, sorted.
func walk(root string, dev uint64, opts WalkOptions, visit visitFunc) []Skipped {
	w := &walker{root: root, opts: opts, dev: dev, visit: visit, trust: map[uint64]bool{}}
	w.cond = sync.NewCond(&w.mu)
	n := opts.Workers
	if n <= 0 {
		n = min(runtime.GOMAXPROCS(0), 4)
	}
	w.stack = []string{root}
	w.pending = 1
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			w.work()
		}()
	}
	wg.Wait()
	sort.Slice(w.skipped, func(i, j int) bool { return w.skipped[i].Path < w.skipped[j].Path })
	return w.skipped
}

func (w *walker) work() {
	buf := make([]byte, 64<<10)
	var children []string
	for {
		w.mu.Lock()
		for len(w.stack) == 0 && w.pending > 0 {
			w.cond.Wait()
		}
		if len(w.stack) == 0 {
			w.mu.Unlock()
			w.cond.Broadcast()
			return
		}
		dir := w.stack[len(w.stack)-1]
		w.stack = w.stack[:len(w.stack)-1]
		w.mu.Unlock()

		children = w.readDir(dir, buf, children[:0])

		w.mu.Lock()
		w.stack = append(w.stack, children...)
		w.pending += len(children) - 1
		done := w.pending == 0
		w.mu.Unlock()
		if done || len(children) > 0 {
			w.cond.Broadcast()
		}
	}
}

func (w *walker) skip(path string, err error) {
	w.mu.Lock()
	reason := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		reason = pe.Err.Error()
	}
	w.skipped = append(w.skipped, Skipped{Path: path, Err: err, Reason: reason})
	w.mu.Unlock()
}

func (w *walker) trusted(fd int, dev uint64) bool {
	w.trustMu.Lock()
	defer w.trustMu.Unlock()
	t, ok := w.trust[dev]
	if !ok {
		var sfs unix.Statfs_t
		t = unix.Fstatfs(fd, &sfs) == nil && !untrustedFS[int64(sfs.Type)]
		w.trust[dev] = t
	}
	return t
}

func join(dir string, name []byte) string {
	if len(dir) > 0 && dir[len(dir)-1] == '/' {
		return dir + string(name)
	}
	return dir + "/" + string(name)
}

// readDir reads one directory with getdents64 and appends the paths of
// its subdirectories to children.
func (w *walker) readDir(dir string, buf []byte, children []string) []string {
	fd, err := unix.Open(dir, dirFlags, 0)
	if err == unix.ENAMETOOLONG {
		fd, err = w.openLong(dir)
	}
	if err != nil {
		w.skip(dir, &fs.PathError{Op: "open", Path: dir, Err: err})
		return children
	}
	defer unix.Close(fd)
	var st unix.Stat_t
	if err := unix.Fstat(fd, &st); err != nil {
		w.skip(dir, &fs.PathError{Op: "fstat", Path: dir, Err: err})
		return children
	}
	if st.Dev != w.dev && w.opts.OneFileSystem {
		return children
	}
	trusted := !w.opts.lstatAll && w.trusted(fd, st.Dev)
	if w.opts.Progress != nil {
		w.opts.Progress.Dirs.Add(1)
	}
	var count int64
	for {
		n, err := unix.Getdents(fd, buf)
		if err != nil {
			if err == unix.EINTR {
				continue
			}
			w.skip(dir, &fs.PathError{Op: "getdents", Path: dir, Err: err})
			break
		}
		if n <= 0 {
			break
		}
		for off := 0; off < n; {
			// struct linux_dirent64: d_ino u64, d_off s64, d_reclen u16,
			// d_type u8, d_name (NUL-terminated).
			rec := buf[off:]
			reclen := int(binary.NativeEndian.Uint16(rec[16:]))
			if reclen == 0 {
				break
			}
			off += reclen
			ino := binary.NativeEndian.Uint64(rec[0:])
			typ := rec[18]
			name := rec[19:reclen]
			for i, c := range name {
				if c == 0 {
					name = name[:i]
					break
				}
			}
			if (len(name) == 1 && name[0] == '.') || (len(name) == 2 && name[0] == '.' && name[1] == '.') {
				continue
			}
			count++
			if typ == unix.DT_UNKNOWN || !trusted {
				var est unix.Stat_t
				if err := unix.Fstatat(fd, string(name), &est, unix.AT_SYMLINK_NOFOLLOW); err != nil {
					continue // gone since getdents
				}
				ino = est.Ino
				typ = dtype(est.Mode)
			}
			w.visit(fd, dir, name, ino, typ)
			if typ == unix.DT_DIR {
				children = append(children, join(dir, name))
			}
		}
	}
	if w.opts.Progress != nil {
		w.opts.Progress.Entries.Add(count)
	}
	return children
}

const dirFlags = unix.O_RDONLY | unix.O_DIRECTORY | unix.O_NOFOLLOW | unix.O_CLOEXEC | unix.O_NONBLOCK

// openLong opens a directory whose path is longer than the kernel takes
// in one call (PATH_MAX), one component at a time from the root of the
// walk, as find does for deep trees.
func (w *walker) openLong(dir string) (int, error) {
	rest, ok := strings.CutPrefix(dir, w.root)
	if !ok {
		return -1, unix.ENAMETOOLONG
	}
	fd, err := unix.Open(w.root, dirFlags&^unix.O_NOFOLLOW, 0)
	if err != nil {
		return -1, err
	}
	for _, c := range strings.Split(rest, "/") {
		if c == "" {
			continue
		}
		next, err := unix.Openat(fd, c, dirFlags, 0)
		unix.Close(fd)
		if err != nil {
			return -1, err
		}
		fd = next
	}
	return fd, nil
}

func dtype(mode uint32) uint8 {
	switch mode & unix.S_IFMT {
	case unix.S_IFREG:
		return unix.DT_REG
	case unix.S_IFDIR:
		return unix.DT_DIR
	case unix.S_IFLNK:
		return unix.DT_LNK
	case unix.S_IFIFO:
		return unix.DT_FIFO
	case unix.S_IFSOCK:
		return unix.DT_SOCK
	case unix.S_IFCHR:
		return unix.DT_CHR
	case unix.S_IFBLK:
		return unix.DT_BLK
	}
	return unix.DT_UNKNOWN
}
