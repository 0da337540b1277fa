package container

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/sysinfo"
	"github.com/sysdojo/sysdojo/internal/testenv"
)

func TestDeviceRuleStrings(t *testing.T) {
	var got []string
	for _, r := range DefaultDevices {
		got = append(got, r.String())
	}
	want := "c *:* m|b *:* m|c 1:3 rwm|c 1:5 rwm|c 1:7 rwm|c 1:8 rwm|c 1:9 rwm|c 5:0 rwm|c 5:1 rwm|c 5:2 rwm|c 136:* rwm"
	if s := strings.Join(got, "|"); s != want {
		t.Errorf("rules:\n got %s\nwant %s", s, want)
	}
	for _, bad := range []DeviceRule{{Type: "a", Major: -1, Minor: -1, Access: "r"}, {Type: "c", Major: 1, Minor: 3, Access: "x"}} {
		if _, err := deviceFilter([]DeviceRule{bad}); err == nil {
			t.Errorf("deviceFilter accepted %q", bad)
		}
	}
}

// secretDisk makes a loop device over a file that starts with a secret
// and returns the device's numbers and the secret.
func secretDisk(t *testing.T) (major, minor uint32, secret string) {
	t.Helper()
	dev, secret := testenv.LoopSecret(t)
	var st unix.Stat_t
	if err := unix.Stat(dev, &st); err != nil {
		t.Fatal(err)
	}
	return unix.Major(st.Rdev), unix.Minor(st.Rdev), secret
}

// attackScript uses the standard devices, then makes a node for the
// host's disk and reads it: the attack of a root process in a container
// that has CAP_MKNOD. join, when set, moves the shell into a cgroup first.
func attackScript(join string, major, minor uint32, node string) string {
	s := ""
	if join != "" {
		s = "echo $$ > " + join + " && "
	}
	return s + "echo hi > /dev/null && head -c 3 /dev/zero | wc -c && head -c 3 /dev/urandom | wc -c && " +
		"mknod " + node + " b " + strconv.Itoa(int(major)) + " " + strconv.Itoa(int(minor)) + " && echo made && exec head -c 20 " + node
}

type attackResult struct {
	stdout, stderr string
	err            error
}

func runAttack(t *testing.T, cmd *exec.Cmd) attackResult {
	t.Helper()
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	t.Logf("%v: stdout %q stderr %q err %v", cmd.Args[len(cmd.Args)-1], o.String(), e.String(), err)
	return attackResult{o.String(), e.String(), err}
}

func lines(s string) []string { return strings.Split(s, "\n") }

// checkBlocked: the standard devices worked, mknod worked, the read of
// the disk was refused by the kernel.
func checkBlocked(t *testing.T, r attackResult, secret string) {
	t.Helper()
	if strings.Contains(r.stdout, secret) {
		t.Fatalf("the host's secret was read through a device node: %q", r.stdout)
	}
	if r.stdout != "3\n3\nmade\n" {
		t.Errorf("standard devices or mknod failed: stdout %q, stderr %q", r.stdout, r.stderr)
	}
	if r.err == nil || !strings.Contains(r.stderr, "Operation not permitted") {
		t.Errorf("reading the disk: err %v, stderr %q; want Operation not permitted", r.err, r.stderr)
	}
}

func checkRead(t *testing.T, r attackResult, secret string) {
	t.Helper()
	if r.err != nil || !strings.Contains(r.stdout, secret) {
		t.Fatalf("control: without the rules the disk should be readable: err %v, stdout %q, stderr %q", r.err, r.stdout, r.stderr)
	}
}

func cgroupLayout(t *testing.T) (sysinfo.Cgroup, map[string]string) {
	t.Helper()
	layout, err := sysinfo.CgroupLayout()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open("/proc/self/cgroup")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return layout, SelfCgroups(f)
}

// tempCgroup makes a cgroup directory under parent, removed at the end.
func tempCgroup(t testing.TB, parent string) string {
	t.Helper()
	d, err := os.MkdirTemp(parent, "sysdojo-test-devices-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := removeCgroupDir(d); err != nil {
			t.Error(err)
		}
	})
	return d
}

// TestDeviceRulesV1: in a v1 devices cgroup with the default rules, root
// can make a node for a host disk but not read it.
func TestDeviceRulesV1(t *testing.T) {
	major, minor, secret := secretDisk(t)
	layout, self := cgroupLayout(t)
	mnt, ok := layout.V1["devices"]
	if !ok {
		testenv.Skip(t, "no cgroup v1 devices controller on this machine")
	}
	parent := filepath.Join(mnt, self["devices"])
	tmp := t.TempDir()

	control := tempCgroup(t, parent)
	checkRead(t, runAttack(t, exec.Command("sh", "-c",
		attackScript(filepath.Join(control, "cgroup.procs"), major, minor, filepath.Join(tmp, "d0")))), secret)

	limited := tempCgroup(t, parent)
	if err := writeDeviceRulesV1(limited); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(limited, "devices.list"))
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, r := range DefaultDevices {
		want = append(want, r.String())
	}
	got := lines(strings.TrimSpace(string(b)))
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("devices.list: %q, want %q", got, want)
	}
	checkBlocked(t, runAttack(t, exec.Command("sh", "-c",
		attackScript(filepath.Join(limited, "cgroup.procs"), major, minor, filepath.Join(tmp, "d1")))), secret)
}

// TestDeviceFilterV2: a child started straight into a cgroup v2
// directory with the device program (CLONE_INTO_CGROUP) can make a node
// for a host disk but not read it. On a hybrid machine this is the
// cgroup2 mount beside the v1 controllers: the kernel runs the program
// of the process's cgroup on the unified hierarchy there too.
func TestDeviceFilterV2(t *testing.T) {
	major, minor, secret := secretDisk(t)
	layout, self := cgroupLayout(t)
	if layout.V2 == "" {
		testenv.Skip(t, "no cgroup2 file system mounted")
	}
	parent := filepath.Join(layout.V2, self[""])
	tmp := t.TempDir()
	start := func(dir, node string) attackResult {
		fd, err := unix.Open(dir, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			t.Fatal(err)
		}
		defer unix.Close(fd)
		cmd := exec.Command("sh", "-c", attackScript("", major, minor, node))
		cmd.SysProcAttr = &syscall.SysProcAttr{UseCgroupFD: true, CgroupFD: fd}
		return runAttack(t, cmd)
	}

	control := tempCgroup(t, parent)
	checkRead(t, start(control, filepath.Join(tmp, "d0")), secret)

	limited := tempCgroup(t, parent)
	fd, err := unix.Open(limited, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		t.Fatal(err)
	}
	err = attachDeviceFilterV2(fd)
	unix.Close(fd)
	if err != nil {
		t.Fatal(err)
	}
	// Nothing of the program is held open any more: the cgroup keeps it.
	runtime.GC()
	runtime.GC()
	checkBlocked(t, start(limited, filepath.Join(tmp, "d1")), secret)
}

// BenchmarkDeviceFilterV2 loads and attaches the device program to a
// new cgroup (one per iteration: a cgroup takes at most 64 programs;
// mkdir and rmdir are not timed).
func BenchmarkDeviceFilterV2(b *testing.B) {
	testenv.NeedRoot(b)
	layout, err := sysinfo.CgroupLayout()
	if err != nil || layout.V2 == "" {
		testenv.Skip(b, "no cgroup2 file system mounted")
	}
	parent := tempCgroup(b, layout.V2)
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		d := filepath.Join(parent, strconv.Itoa(i))
		if err := os.Mkdir(d, 0o755); err != nil {
			b.Fatal(err)
		}
		fd, err := unix.Open(d, unix.O_DIRECTORY|unix.O_RDONLY|unix.O_CLOEXEC, 0)
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := attachDeviceFilterV2(fd); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		unix.Close(fd)
		if err := unix.Rmdir(d); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkDeviceRulesV1 writes the rules into a new v1 devices cgroup
// (mkdir and rmdir are not timed).
func BenchmarkDeviceRulesV1(b *testing.B) {
	testenv.NeedRoot(b)
	layout, err := sysinfo.CgroupLayout()
	if err != nil || layout.V1["devices"] == "" {
		testenv.Skip(b, "no cgroup v1 devices controller")
	}
	parent := tempCgroup(b, layout.V1["devices"])
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		d := filepath.Join(parent, strconv.Itoa(i))
		if err := os.Mkdir(d, 0o755); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := writeDeviceRulesV1(d); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := unix.Rmdir(d); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// The rules as cgroup v1's devices.allow takes them (and as explain
// lists them): mknod of anything, open of the standard set only.
func ExampleDeviceRule_String() {
	for _, r := range DefaultDevices[:4] {
		fmt.Println(strings.TrimSpace(fmt.Sprintf("%-12s %s", r, r.Path)))
	}
	// Output:
	// c *:* m
	// b *:* m
	// c 1:3 rwm    /dev/null
	// c 1:5 rwm    /dev/zero
}

// A program the verifier refuses comes back with the verifier's reason.
func TestDeviceProgramRefused(t *testing.T) {
	testenv.NeedRoot(t)
	fd, err := loadDeviceProgram(bpfProg{bpfExit()}.bytes())
	if err == nil {
		unix.Close(fd)
		t.Fatal("the kernel loaded a program that returns an unset R0")
	}
	if !strings.Contains(err.Error(), "R0") {
		t.Errorf("error without the verifier's reason: %v", err)
	}
	t.Log(err)
}
