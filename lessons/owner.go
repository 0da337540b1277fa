package lessons

import (
	"fmt"
	"os/user"
	"runtime"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// Creds are the file-access rights a grader running as root takes on to
// read a student's workspace: the workspace owner's user, group and
// supplementary groups.
//
// They are applied with setfsuid, setfsgid and setgroups on one locked
// OS thread that is then thrown away: the file-system IDs are what the
// kernel checks on open, stat and readlink, and changing the fsuid from 0
// to the student's clears the thread's CAP_DAC_OVERRIDE and
// CAP_DAC_READ_SEARCH (capabilities(7)), so the thread can read exactly
// what the student can. These are raw per-thread system calls (Go's
// syscall.Setgroups and friends would change every thread), the
// goroutine never unlocks its thread (the runtime ends a thread whose
// goroutine exits locked, so no other goroutine ever runs with these
// rights), and the runtime starts new threads from its template thread
// rather than from a locked one, so the rights do not spread. The rest of
// the process stays root: container checks, which need root, still work.
// A helper process re-executed as the student would do the same at the
// cost of a fork and exec per workspace and a serialized result.
type Creds struct {
	UID, GID int
	Groups   []int
}

// OwnerCreds returns the rights of the owner of a file with uid and gid:
// that user's supplementary groups when the user is known here, none
// otherwise (a workspace unpacked from another machine).
func OwnerCreds(uid, gid uint32) *Creds {
	c := &Creds{UID: int(uid), GID: int(gid)}
	if u, err := user.LookupId(strconv.Itoa(int(uid))); err == nil {
		if ids, err := u.GroupIds(); err == nil {
			for _, s := range ids {
				if g, err := strconv.Atoi(s); err == nil {
					c.Groups = append(c.Groups, g)
				}
			}
		}
	}
	return c
}

// Do runs f with c's file-access rights on a thread of its own and waits
// for it; a nil c runs f as the process is. f must not start goroutines
// that touch files (they would run with the process's rights).
func (c *Creds) Do(f func()) error {
	if c == nil {
		f()
		return nil
	}
	errc := make(chan error, 1)
	go func() {
		// Never unlocked: the thread ends with this goroutine.
		runtime.LockOSThread()
		if err := c.apply(); err != nil {
			errc <- err
			return
		}
		f()
		errc <- nil
	}()
	return <-errc
}

func (c *Creds) apply() error {
	gids := make([]uint32, 0, len(c.Groups)+1)
	for _, g := range c.Groups {
		gids = append(gids, uint32(g))
	}
	var p unsafe.Pointer
	if len(gids) > 0 {
		p = unsafe.Pointer(&gids[0])
	}
	if _, _, e := unix.RawSyscall(unix.SYS_SETGROUPS, uintptr(len(gids)), uintptr(p), 0); e != 0 {
		return fmt.Errorf("setgroups: %w", e)
	}
	unix.RawSyscall(unix.SYS_SETFSGID, uintptr(c.GID), 0, 0)
	unix.RawSyscall(unix.SYS_SETFSUID, uintptr(c.UID), 0, 0)
	// setfsuid and setfsgid return the previous ID, never an error: ask
	// again to see that they took.
	if r, _, _ := unix.RawSyscall(unix.SYS_SETFSGID, uintptr(c.GID), 0, 0); int(r) != c.GID {
		return fmt.Errorf("setfsgid %d: still %d", c.GID, r)
	}
	if r, _, _ := unix.RawSyscall(unix.SYS_SETFSUID, uintptr(c.UID), 0, 0); int(r) != c.UID {
		return fmt.Errorf("setfsuid %d: still %d", c.UID, r)
	}
	return nil
}
