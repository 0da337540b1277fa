package container_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/sysinfo"
	"github.com/sysdojo/sysdojo/internal/testenv"
)

func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
		ok   bool
	}{
		{"64m", 64 << 20, true}, {"64M", 64 << 20, true}, {"64MiB", 64 << 20, true}, {"64mb", 64 << 20, true},
		{"1g", 1 << 30, true}, {"512k", 512 << 10, true}, {"1048576", 1 << 20, true}, {"1.5g", 3 << 29, true},
		{"12X", 0, false}, {"", 0, false}, {"m", 0, false}, {"-5m", 0, false}, {"0", 0, false}, {"1e9", 0, false},
		{"99999999999t", 0, false},
	} {
		got, err := container.ParseSize(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d (ok %v)", c.in, got, err, c.want, c.ok)
		}
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"64m", "1g", "12X", "1.5k", "", "0", "9223372036854775807"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := container.ParseSize(s)
		if err == nil && n <= 0 {
			t.Errorf("ParseSize(%q) = %d without an error", s, n)
		}
	})
}

func ExampleParseSize() {
	n, _ := container.ParseSize("64m")
	fmt.Println(n)
	_, err := container.ParseSize("12X")
	fmt.Println(err)
	// Output:
	// 67108864
	// malformed size "12X" (use a number with k, m or g, e.g. 64m)
}

// hybrid is this machine's mountinfo: cgroup v1 controllers and a cgroup2
// mount with no controllers that matter.
const hybrid = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`

func TestPlanCgroupV1Hybrid(t *testing.T) {
	layout, err := sysinfo.ParseCgroupLayout(strings.NewReader(hybrid))
	if err != nil {
		t.Fatal(err)
	}
	self := container.SelfCgroups(strings.NewReader("4:memory:/user/a\n8:pids:/\n1:cpu:/\n0::/\n"))
	cg, err := container.PlanCgroup(layout, self, "abc", container.Limits{Memory: 1 << 30, Pids: 5, CPUs: 1})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"memory": "/sys/fs/cgroup/memory/user/a/sysdojo/abc", "pids": "/sys/fs/cgroup/pids/sysdojo/abc", "cpu": "/sys/fs/cgroup/cpu/sysdojo/abc"}
	if cg.Version != 1 || fmt.Sprint(cg.V1) != fmt.Sprint(want) {
		t.Errorf("plan = %+v, want v1 %v", cg, want)
	}
	if cg.Home["/sys/fs/cgroup/memory/user/a/sysdojo/abc"] != "/sys/fs/cgroup/memory/user/a" {
		t.Errorf("home = %v", cg.Home)
	}
}

// TestCgroupV2Fake plans, creates and reads a container's cgroup in a
// faithful fake cgroup2 tree (plain files), as on a pure v2 machine.
func TestCgroupV2Fake(t *testing.T) {
	mnt := t.TempDir()
	os.WriteFile(filepath.Join(mnt, "cgroup.controllers"), []byte("cpuset cpu io memory hugetlb pids rdma misc\n"), 0o644)
	os.WriteFile(filepath.Join(mnt, "cgroup.subtree_control"), nil, 0o644)
	layout, err := sysinfo.ParseCgroupLayout(strings.NewReader("30 23 0:26 / " + mnt + " rw - cgroup2 cgroup2 rw,nsdelegate\n"))
	if err != nil || layout.Layout != "v2" {
		t.Fatalf("layout %+v, %v", layout, err)
	}
	lim := container.Limits{Memory: 64 << 20, Pids: 20, CPUs: 0.5}
	cg, err := container.PlanCgroup(layout, map[string]string{"": "/user.slice"}, "c1", lim)
	if err != nil {
		t.Fatal(err)
	}
	if cg.Version != 2 || cg.V2 != filepath.Join(mnt, "sysdojo/c1") {
		t.Fatalf("plan = %+v", cg)
	}
	if err := cg.Create(lim); err != nil {
		t.Fatal(err)
	}
	for f, want := range map[string]string{
		"cgroup.subtree_control":         "+memory +pids +cpu",
		"sysdojo/cgroup.subtree_control": "+memory +pids +cpu",
		"sysdojo/c1/memory.max":          "67108864",
		"sysdojo/c1/memory.swap.max":     "0",
		"sysdojo/c1/pids.max":            "20",
		"sysdojo/c1/cpu.max":             "50000 100000",
	} {
		b, _ := os.ReadFile(filepath.Join(mnt, f))
		if string(b) != want {
			t.Errorf("%s = %q, want %q", f, b, want)
		}
	}
	os.WriteFile(filepath.Join(cg.V2, "memory.events"), []byte("low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n"), 0o644)
	os.WriteFile(filepath.Join(cg.V2, "pids.events"), []byte("max 7\n"), 0o644)
	os.WriteFile(filepath.Join(cg.V2, "cpu.stat"), []byte("usage_usec 10\nnr_throttled 4\nthrottled_usec 900\n"), 0o644)
	if s := cg.Stats(); s.OOMKills != 1 || s.PidsRefused != 7 || s.NrThrottled != 4 || s.ThrottledUs != 900 {
		t.Errorf("stats = %+v", s)
	}
}

func TestBuildBusybox(t *testing.T) {
	testenv.NeedTool(t, "busybox")
	dir := filepath.Join(t.TempDir(), "rf")
	rep, err := container.Build(dir, container.BuildOptions{From: container.FromBusybox})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Applets < 50 {
		t.Errorf("%d applets linked", rep.Applets)
	}
	for _, p := range []string{"bin/sh", "bin/ls", "etc/passwd", "etc/group", "etc/hostname"} {
		if _, err := os.Stat(filepath.Join(dir, p)); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if l, _ := os.Readlink(filepath.Join(dir, "bin/sh")); l != "busybox" {
		t.Errorf("bin/sh -> %q, want busybox", l)
	}
	if _, err := container.Build(dir, container.BuildOptions{}); err == nil {
		t.Error("building into a non-empty directory succeeded")
	}
}

// TestBuildHost builds a rootfs from this machine's own binaries and runs
// them in it: the libraries and loader found from the ELF headers are
// enough (the real loader is the oracle).
func TestBuildHost(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "rf")
	rep, err := container.Build(dir, container.BuildOptions{From: container.FromHost, Tools: []string{"sh", "ls", "cat"}})
	if err != nil {
		t.Fatal(err)
	}
	libs := 0
	for _, c := range rep.Copied {
		if strings.Contains(c.Path, ".so") {
			libs++
		}
	}
	if libs < 2 {
		t.Errorf("only %d libraries/loader copied: %+v", libs, rep.Copied)
	}
	testenv.NeedRoot(t) // to run the result
	_, out, _ := runIn(t, container.Config{Rootfs: dir, Args: []string{"/bin/sh", "-c", "ls /bin; cat /etc/hostname"}})
	if !strings.Contains(out, "cat") || !strings.Contains(out, "sysdojo") {
		t.Errorf("host-built rootfs: %q", out)
	}
	if _, err := exec.LookPath("chroot"); err == nil {
		// Differential: the same tree works under plain chroot too.
		if out, err := exec.Command("chroot", dir, "/bin/ls", "/etc").CombinedOutput(); err != nil || !strings.Contains(string(out), "passwd") {
			t.Errorf("chroot %s /bin/ls: %v %s", dir, err, out)
		}
	}
}

func TestELFDeps(t *testing.T) {
	ls, err := exec.LookPath("ls")
	if err != nil {
		t.Skip("no ls")
	}
	interp, libs, err := container.ELFDeps(ls)
	if err != nil {
		t.Fatal(err)
	}
	if interp == "" || !strings.Contains(strings.Join(libs, " "), "libc.so") {
		t.Errorf("ls: loader %q, libraries %v; want a loader and libc", interp, libs)
	}
}

func TestGCLeavesLiveAndEmpty(t *testing.T) {
	got, err := container.GC(filepath.Join(t.TempDir(), "none"))
	if err != nil || len(got) != 0 {
		t.Errorf("GC of a missing root = %v, %v", got, err)
	}
}
