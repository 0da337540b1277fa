package lessons

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// Snapshot is what a workspace looks like to a watcher: every name under
// it with its inode, mode, owner, size and change time. Two snapshots
// differ when anything a check could see has changed (ctime moves on
// chmod, chown and link count changes too).
type Snapshot map[string][6]int64

// Snap takes a snapshot of the trees under dirs (symbolic links are not
// followed); a dir may also be a single file, such as the progress file.
func Snap(dirs ...string) Snapshot {
	s := Snapshot{}
	for _, dir := range dirs {
		snapTree(s, dir)
	}
	return s
}

func snapTree(s Snapshot, dir string) {
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil
		}
		var st unix.Stat_t
		if unix.Lstat(p, &st) == nil {
			s[p] = [6]int64{int64(st.Ino), int64(st.Mode), int64(st.Uid)<<32 | int64(st.Gid), st.Size, st.Ctim.Nano(), st.Mtim.Nano()}
		}
		return nil
	})
}

func (s Snapshot) equal(o Snapshot) bool {
	if len(s) != len(o) {
		return false
	}
	for k, v := range s {
		if o[k] != v {
			return false
		}
	}
	return true
}

// WaitChange returns when something under dirs (the workspace: never the
// progress file, which every check rewrites) differs from before (a
// snapshot taken with Snap(dirs...) before the caller last looked), or
// when ctx is done. Taking the snapshot before looking means no change
// made in between is missed. It sleeps on inotify where it can (so a chmod is seen at once)
// and compares snapshots every poll interval in any case, which also
// covers filesystems where inotify says nothing (network mounts, some
// container setups). It reports whether inotify was used.
func WaitChange(ctx context.Context, before Snapshot, dirs []string, poll time.Duration) (inotify bool, err error) {
	fd, ierr := unix.InotifyInit1(unix.IN_CLOEXEC | unix.IN_NONBLOCK)
	if ierr == nil {
		defer unix.Close(fd)
		mask := uint32(unix.IN_ATTRIB | unix.IN_CREATE | unix.IN_DELETE | unix.IN_MODIFY |
			unix.IN_MOVED_FROM | unix.IN_MOVED_TO | unix.IN_CLOSE_WRITE | unix.IN_DELETE_SELF)
		for p := range before {
			if fi, err := os.Lstat(p); err == nil && fi.IsDir() {
				if _, err := unix.InotifyAddWatch(fd, p, mask); err != nil {
					unix.Close(fd)
					fd, ierr = -1, err
					break
				}
			}
		}
	}
	inotify = ierr == nil
	buf := make([]byte, 4096)
	for {
		if inotify {
			// Wait on the inotify fd up to one poll interval.
			fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
			n, err := unix.Poll(fds, int(poll/time.Millisecond))
			if err != nil && err != syscall.EINTR {
				inotify = false
			} else if n > 0 {
				unix.Read(fd, buf)
				// Debounce: a burst of events (an editor's save, cp -a)
				// is one change; wait until the tree is quiet.
				settle(fd, buf)
				if !Snap(dirs...).equal(before) {
					return true, nil
				}
				continue
			}
		} else {
			select {
			case <-ctx.Done():
				return inotify, ctx.Err()
			case <-time.After(poll):
			}
		}
		if ctx.Err() != nil {
			return inotify, ctx.Err()
		}
		if !Snap(dirs...).equal(before) {
			return inotify, nil
		}
	}
}

// settle reads inotify events until none come for 100 ms (at most 2 s).
func settle(fd int, buf []byte) {
	for i := 0; i < 20; i++ {
		fds := []unix.PollFd{{Fd: int32(fd), Events: unix.POLLIN}}
		n, err := unix.Poll(fds, 100)
		if err != nil && err != syscall.EINTR || n <= 0 {
			return
		}
		unix.Read(fd, buf)
	}
}
