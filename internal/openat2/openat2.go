// Package openat2 opens a path with openat2(2) and its RESOLVE_* rules,
// retrying as the kernel asks: with RESOLVE_IN_ROOT or RESOLVE_BENEATH,
// openat2 fails with EAGAIN when a rename or a mount anywhere on the
// machine raced with the lookup. On a busy machine (a class server, a
// test suite building roots) that happens; a caller that took it for
// "not there" reported a command that exists as missing.
package openat2

import "golang.org/x/sys/unix"

// maxTries bounds the retries of one open; each raced with a rename or
// a mount elsewhere, so thousands in a row do not happen.
const maxTries = 10000

// Open is unix.Openat2, tried again on EAGAIN and EINTR.
func Open(dirfd int, path string, how *unix.OpenHow) (int, error) {
	for try := 1; ; try++ {
		fd, err := unix.Openat2(dirfd, path, how)
		if (err == unix.EAGAIN || err == unix.EINTR) && try < maxTries {
			continue
		}
		return fd, err
	}
}
