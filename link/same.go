package link

import (
	"errors"
	"io/fs"
	"sort"
	"sync"

	"golang.org/x/sys/unix"
)

// SameResult is every name of one inode found under a directory.
type SameResult struct {
	Dev   uint64   `json:"dev"`
	Inode uint64   `json:"inode"`
	Nlink uint64   `json:"nlink"`
	Type  string   `json:"type"`
	Paths []string `json:"paths"`
	// Skipped are directories that could not be read; names in them may
	// be missing from Paths.
	Skipped []Skipped `json:"skipped"`
}

// SameOptions control Same.
type SameOptions struct {
	WalkOptions
	// Follow makes Same look for the inode PATH leads to when PATH is a
	// symbolic link (like find -L's reference file). By default the link
	// itself is the reference, as with find -samefile.
	Follow bool
}

// ErrNotDir is returned by Same and Broken when the directory to search
// is not a directory.
var ErrNotDir = errors.New("not a directory")

// rootDir lstats dir, following it when it is a symbolic link (like find
// -H follows a starting point), and checks that it is a directory.
func rootDir(dir string) (unix.Stat_t, error) {
	var st unix.Stat_t
	if err := unix.Stat(dir, &st); err != nil {
		return st, &fs.PathError{Op: "stat", Path: dir, Err: err}
	}
	if st.Mode&unix.S_IFMT != unix.S_IFDIR {
		return st, &fs.PathError{Op: "search", Path: dir, Err: unix.ENOTDIR}
	}
	return st, nil
}

// Same finds every name under dir of the inode path names: the set find
// DIR -samefile PATH prints. It does not follow symbolic links below dir
// and, with opts.OneFileSystem, stays on dir's filesystem. Directories it
// cannot read are listed in Skipped and the walk carries on. The error is
// a *fs.PathError when path or dir cannot be used.
func Same(path, dir string, opts SameOptions) (SameResult, error) {
	var st unix.Stat_t
	var err error
	if opts.Follow {
		err = unix.Stat(path, &st)
	} else {
		err = unix.Lstat(path, &st)
	}
	if err != nil {
		op := "lstat"
		if opts.Follow {
			op = "stat"
		}
		return SameResult{}, &fs.PathError{Op: op, Path: path, Err: err}
	}
	rst, err := rootDir(dir)
	if err != nil {
		return SameResult{}, err
	}
	r := SameResult{Dev: st.Dev, Inode: st.Ino, Nlink: uint64(st.Nlink), Type: TypeName(st.Mode, st.Size), Paths: []string{}, Skipped: []Skipped{}}
	if rst.Dev == st.Dev && rst.Ino == st.Ino {
		r.Paths = append(r.Paths, dir)
	}
	var mu sync.Mutex
	r.Skipped = append(r.Skipped, walk(dir, rst.Dev, opts.WalkOptions, func(dirfd int, d string, name []byte, ino uint64, _ uint8) {
		if ino != st.Ino {
			return
		}
		var est unix.Stat_t
		if unix.Fstatat(dirfd, string(name), &est, unix.AT_SYMLINK_NOFOLLOW) != nil || est.Dev != st.Dev || est.Ino != st.Ino {
			return
		}
		p := join(d, name)
		mu.Lock()
		r.Paths = append(r.Paths, p)
		mu.Unlock()
	})...)
	sort.Strings(r.Paths)
	return r, nil
}
