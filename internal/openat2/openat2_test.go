package openat2

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"

	"golang.org/x/sys/unix"
)

// While another goroutine renames a file between directories as fast as
// it can, every open
// with RESOLVE_IN_ROOT succeeds through Open; the raw call, beside it,
// is allowed to see EAGAIN (and usually does, which the test logs).
func TestOpenRetriesRaces(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "usr/sbin"), 0o755); err != nil {
		t.Fatal(err)
	}
	// As in a busybox root: a link whose target climbs with "..", the
	// step at which the kernel checks for a race.
	os.MkdirAll(filepath.Join(dir, "bin"), 0o755)
	os.WriteFile(filepath.Join(dir, "bin/busybox"), []byte("x"), 0o755)
	os.Symlink("../../bin/busybox", filepath.Join(dir, "usr/sbin/httpd"))
	root, err := unix.Open(dir, unix.O_PATH|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer unix.Close(root)
	how := &unix.OpenHow{Flags: unix.O_PATH | unix.O_CLOEXEC, Resolve: unix.RESOLVE_IN_ROOT}
	if _, err := unix.Openat2(root, "usr/sbin/httpd", how); err == unix.ENOSYS {
		t.Skip("openat2 is not in this kernel")
	}
	var stop atomic.Bool
	done := make(chan struct{})
	go func() {
		defer close(done)
		os.Mkdir(filepath.Join(dir, "x"), 0o755)
		a, b := filepath.Join(dir, "a"), filepath.Join(dir, "x", "b")
		os.WriteFile(a, nil, 0o644)
		for !stop.Load() {
			os.Rename(a, b)
			os.Rename(b, a)
		}
	}()
	raw := 0
	for range 20000 {
		fd, err := Open(root, "usr/sbin/httpd", how)
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		unix.Close(fd)
		if fd, err := unix.Openat2(root, "usr/sbin/httpd", how); err == unix.EAGAIN {
			raw++
		} else if err == nil {
			unix.Close(fd)
		}
	}
	stop.Store(true)
	<-done
	t.Logf("the raw openat2 failed with EAGAIN %d times in 20000", raw)
}
