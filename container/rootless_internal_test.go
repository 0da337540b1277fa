package container

import (
	"errors"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestRootlessSetupError: the overlay and /proc refusals a kernel gives a
// user namespace are explained; other failures are left as they are.
func TestRootlessSetupError(t *testing.T) {
	p := &spawnProg{overlayStep: 7, procStep: 12}
	base := errors.New("mounting")
	if e := rootlessSetupError(p, 7, unix.EPERM, base); e == nil || !strings.Contains(e.Text.En, "needs Linux 5.11 or later") || !strings.Contains(e.Text.Ko, "5.11 이상") {
		t.Errorf("overlay EPERM: %v", e)
	}
	if e := rootlessSetupError(p, 7, unix.EINVAL, base); e == nil {
		t.Error("overlay EINVAL not explained")
	}
	if e := rootlessSetupError(p, 12, unix.EPERM, base); e == nil || !strings.Contains(e.Text.En, "hidden under other mounts") {
		t.Errorf("/proc EPERM: %v", e)
	}
	for _, c := range []struct {
		step  int
		errno unix.Errno
	}{{7, unix.ENOENT}, {12, unix.EINVAL}, {3, unix.EPERM}} {
		if e := rootlessSetupError(p, c.step, c.errno, base); e != nil {
			t.Errorf("step %d %v explained as %q", c.step, c.errno, e.Text.En)
		}
	}
}

// TestSubIDRange reads /etc/subuid's format: by name or by uid, the first
// range with a count.
func TestSubIDRange(t *testing.T) {
	f := t.TempDir() + "/subuid"
	writeFile(f, "alice:100000:65536\n# comment\nbob:0:0\nbob:200000:1000\n1003:300000:10\nbad line\n")
	for _, c := range []struct {
		name string
		uid  int
		want [2]uint64
	}{{"alice", 1000, [2]uint64{100000, 65536}}, {"bob", 1001, [2]uint64{200000, 1000}}, {"carol", 1003, [2]uint64{300000, 10}}, {"dave", 1004, [2]uint64{}}} {
		if got := SubIDRange(f, c.name, c.uid); got != c.want {
			t.Errorf("%s/%d: %v, want %v", c.name, c.uid, got, c.want)
		}
	}
}
