package container_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/sysinfo"
	"github.com/sysdojo/sysdojo/internal/testenv"
)

func TestLimits(t *testing.T) {
	testRootfs(t)
	t.Run("memory hog is OOM-killed near the limit", func(t *testing.T) {
		const limit = 32 << 20
		res, _, _ := runIn(t, container.Config{Limits: container.Limits{Memory: limit},
			Args: []string{"dd", "if=/dev/zero", "of=/dev/null", "bs=128M", "count=1"}})
		if !res.OOM || res.ExitCode != 137 {
			t.Fatalf("hog: exit %d, OOM %v (stats %+v); want OOM-killed, exit 137", res.ExitCode, res.OOM, res.Stats)
		}
		if p := res.Stats.MemoryPeak; p != 0 && (p < limit*8/10 || p > limit*11/10) {
			t.Errorf("peak memory %d bytes, want near the %d limit", p, limit)
		}
	})
	t.Run("fork bomb is held at the pids limit", func(t *testing.T) {
		res, out, _ := runIn(t, container.Config{Limits: container.Limits{Pids: 10},
			Args: sh("(for i in $(seq 40); do sleep 3 & done) 2>/dev/null; set -- /proc/[0-9]*; echo $#")})
		n, err := strconv.Atoi(strings.TrimSpace(out))
		if err != nil || n > 10+1 || n < 5 { // init is not counted by the limit
			t.Errorf("processes inside during the bomb: %q, want at most 11: init and 10 (and some)", out)
		}
		if !res.PidsHit || res.Stats.PidsRefused == 0 {
			t.Errorf("no refused fork reported: %+v", res.Stats)
		}
	})
	t.Run("cpus throttles a busy loop", func(t *testing.T) {
		// 1.5 s of wall time for a busy loop at 0.2 CPUs: about 0.3 s of
		// CPU (30 ticks). Generous: anything under 0.6 CPUs passes.
		res, out, _ := runIn(t, container.Config{Limits: container.Limits{CPUs: 0.2},
			Args: sh("while :; do :; done & sleep 1.5; cat /proc/$!/stat; kill $!")})
		f := strings.Fields(out)
		if len(f) < 15 {
			t.Fatalf("no stat of the loop: %q", out)
		}
		ut, _ := strconv.Atoi(f[13])
		st, _ := strconv.Atoi(f[14])
		cpu := float64(ut+st) / 100 / 1.5
		t.Logf("busy loop used %.2f CPUs at --cpus 0.2 (throttled %d periods)", cpu, res.Stats.NrThrottled)
		if cpu > 0.6 || cpu < 0.05 {
			t.Errorf("busy loop used %.2f CPUs, want about 0.2", cpu)
		}
		if res.Stats.NrThrottled == 0 {
			t.Errorf("no throttling counted: %+v", res.Stats)
		}
	})
}

// killedSleep is how long the killed runs of TestLeaks sleep.
const killedSleep = "61.2345"

// TestLeaks runs 100 containers, 20 of them with the runtime SIGKILLed
// while the container runs, then GC: the host's mount table, cgroup
// directories and temporary directories are back to where they started.
func TestLeaks(t *testing.T) {
	rootfs := testRootfs(t)
	state := filepath.Join(t.TempDir(), "state")
	mountsBefore := hostMounts(t, rootfs, state)
	tmpBefore := tmpEntries()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for i := 0; i < 100; i++ {
		kill := i%5 == 4 // the last run is a killed one: GC, not the next run, cleans it
		args := []string{"true"}
		if kill {
			// (an odd duration, to tell its sleep from anyone else's)
			args = []string{"/bin/sh", "-c", "echo up; exec sleep " + killedSleep}
		}
		cmd := exec.Command(exe, args...)
		cmd.Env = append(os.Environ(), "SYSDOJO_TEST_RUNTIME="+rootfs+"|"+state)
		stdout, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		if kill {
			line, _ := bufio.NewReader(stdout).ReadString('\n')
			if line != "up\n" {
				t.Fatalf("run %d: container did not come up: %q", i, line)
			}
			ents, _ := os.ReadDir(state)
			for _, e := range ents {
				ids = append(ids, e.Name())
			}
			cmd.Process.Signal(syscall.SIGKILL)
		}
		err := cmd.Wait()
		if !kill && err != nil {
			t.Fatalf("run %d: %v", i, err)
		}
	}
	got, err := container.GC(state)
	if err != nil {
		t.Errorf("GC: %v", err)
	}
	t.Logf("GC collected %d things after the runs", len(got))
	if len(got) == 0 {
		t.Error("GC found nothing of the last, killed run")
	}
	if ents, _ := os.ReadDir(state); len(ents) != 0 {
		t.Errorf("%d state directories left after GC", len(ents))
	}
	if after := hostMounts(t, rootfs, state); strings.Count(after, "\n") != strings.Count(mountsBefore, "\n") || strings.Contains(after, state) {
		t.Errorf("the host's mount table changed:\n%s", after)
	}
	if tmp := tmpEntries(); tmp != tmpBefore {
		t.Errorf("sysdojo entries in %s: %d before, %d after", os.TempDir(), tmpBefore, tmp)
	}
	leftCgroups := 0
	filepath.WalkDir("/sys/fs/cgroup", func(p string, d os.DirEntry, err error) error {
		if err != nil || !d.IsDir() {
			return nil
		}
		for _, id := range ids {
			if d.Name() == id {
				leftCgroups++
				t.Errorf("cgroup left: %s", p)
			}
		}
		if strings.Count(p, "/") > 7 {
			return filepath.SkipDir
		}
		return nil
	})
	if len(ids) == 0 {
		t.Error("no killed run was seen")
	}
	// The kernel kills the rest of a PID namespace when its init dies;
	// give it a moment (a loaded CI machine may take a while).
	for i := 0; procRunning("sleep\x00" + killedSleep); i++ {
		if i == 1000 {
			t.Errorf("a killed container's sleep is still running:\n%s", procReport("sleep\x00"+killedSleep))
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func tmpEntries() int {
	ents, _ := os.ReadDir(os.TempDir())
	n := 0
	for _, e := range ents {
		// The runtime's own temporary names (other programs, and people
		// working on this machine, may make other sysdojo-* entries).
		if strings.HasPrefix(e.Name(), "sysdojo-oci-") || strings.HasPrefix(e.Name(), "rootfs-building-") {
			n++
		}
	}
	return n
}

// TestCgroupV2Real runs a container in a real cgroup2 hierarchy: a pure v2
// machine's, or the "unified" one of a hybrid machine (which has no
// controllers to limit with, but places and namespaces the same way).
func TestCgroupV2Real(t *testing.T) {
	testRootfs(t)
	layout, err := sysinfo.CgroupLayout()
	if err != nil || layout.V2 == "" {
		testenv.Skip(t, "no cgroup2 hierarchy mounted")
	}
	v2 := sysinfo.Cgroup{Layout: "v2", V2: layout.V2}
	res, out, _ := runIn(t, container.Config{CgroupLayout: &v2, Args: sh("cat /proc/self/cgroup")})
	if res.Cgroup == nil || res.Cgroup.Version != 2 {
		t.Fatalf("no v2 cgroup used: %+v", res.Cgroup)
	}
	// CLONE_INTO_CGROUP|CLONE_NEWCGROUP: the command starts in the
	// container's cgroup, and that is the root of its cgroup namespace.
	if !strings.Contains(out, "0::/\n") {
		t.Errorf("inside, /proc/self/cgroup = %q, want 0::/ (the container's own cgroup as root)", out)
	}
	if _, err := os.Stat(res.Cgroup.V2); err == nil {
		t.Errorf("cgroup %s left behind", res.Cgroup.V2)
	}
}
