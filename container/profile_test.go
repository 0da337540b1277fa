package container_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/testenv"
)

// The container's default profile, attack by attack: each test does what
// a curious root user inside a default container would try, and fails if
// it reaches the host.

// loopSecret makes a loop device over a file holding a secret, and
// returns the device's path and numbers and the secret.
func loopSecret(t *testing.T) (dev string, major, minor uint32, secret string) {
	t.Helper()
	dev, secret = testenv.LoopSecret(t)
	var st unix.Stat_t
	if err := unix.Stat(dev, &st); err != nil {
		t.Fatal(err)
	}
	// The host can read it: the attack below is real.
	if b, err := os.ReadFile(dev); err != nil || !strings.HasPrefix(string(b), secret) {
		t.Fatalf("reading %s on the host: %v", dev, err)
	}
	return dev, unix.Major(st.Rdev), unix.Minor(st.Rdev), secret
}

// TestHostDiskUnreachable: root inside cannot read a host disk, neither
// through a node it makes (no CAP_MKNOD; with --cap-add MKNOD the device
// rules of its cgroup refuse the open) nor through the host's node bound
// in as a volume (nodev, and the device rules).
func TestHostDiskUnreachable(t *testing.T) {
	rootfs := testRootfs(t)
	dev, major, minor, secret := loopSecret(t)
	mk := fmt.Sprintf("mknod /tmp/d b %d %d", major, minor)
	for _, c := range []struct {
		name string
		cfg  container.Config
	}{
		{"mknod, default capabilities", container.Config{Args: sh(mk + " && head -c 40 /tmp/d; echo status=$?")}},
		{"mknod with --cap-add MKNOD", container.Config{CapAdd: []string{"MKNOD"}, Args: sh(mk + " && head -c 40 /tmp/d; echo status=$?")}},
		{"the host's node as a volume", container.Config{Hooks: &container.Hooks{Volumes: []container.Volume{{Host: dev, Container: "/disk"}}},
			Args: sh("head -c 40 /disk; echo status=$?")}},
		{"the host's node as a volume, --cap-add MKNOD", container.Config{CapAdd: []string{"MKNOD"},
			Hooks: &container.Hooks{Volumes: []container.Volume{{Host: dev, Container: "/disk"}}}, Args: sh("head -c 40 /disk; echo status=$?")}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.Rootfs = rootfs
			_, out, errs := runIn(t, c.cfg)
			if strings.Contains(out, secret) || !strings.Contains(out, "status=1") {
				t.Errorf("read the host's disk %s from inside:\nout: %q\nerr: %q", dev, out, errs)
			}
		})
	}
	t.Run("the standard devices still work", func(t *testing.T) {
		_, out, _ := runIn(t, container.Config{Rootfs: rootfs, Args: sh("head -c 4 /dev/zero | wc -c; echo x > /dev/null && echo null-ok; head -c 8 /dev/urandom | wc -c")})
		if got := strings.Fields(out); strings.Join(got, " ") != "4 null-ok 8" {
			t.Errorf("standard devices: %q", out)
		}
	})
}

// TestSeccompDefault: the default filter closes what Docker's default
// profile closes (new user namespaces, mount, keyctl, bpf ...), and
// SeccompUnconfined shows why it is there.
func TestSeccompDefault(t *testing.T) {
	rootfs := testRootfs(t)
	probe := "unshare -Urm sh -c 'mount -t tmpfs none /tmp && echo MOUNTED'; echo unshare=$?"
	_, out, _ := runIn(t, container.Config{Rootfs: rootfs, Args: sh(probe)})
	if strings.Contains(out, "MOUNTED") || strings.Contains(out, "unshare=0") {
		t.Errorf("unshare -Urm then mount worked in a default container:\n%s", out)
	}
	_, out, _ = runIn(t, container.Config{Rootfs: rootfs, SeccompUnconfined: true, Args: sh(probe)})
	if !strings.Contains(out, "MOUNTED") {
		t.Errorf("with seccomp=unconfined, unshare -Urm then mount failed (the default filter's test above proves nothing):\n%s", out)
	}
	_, out, _ = runIn(t, container.Config{Rootfs: rootfs, Args: sh("grep Seccomp: /proc/self/status")})
	if !strings.Contains(out, "Seccomp:\t2") {
		t.Errorf("no seccomp filter on the command: %q", out)
	}
}

// TestForkBombHeld: without --pids a fork bomb stops at the default limit.
func TestForkBombHeld(t *testing.T) {
	rootfs := testRootfs(t)
	// Far more sleeps than the default limit allows, each long enough to
	// outlast the loop however slow the machine; the shell notes each
	// refused fork, then kills them all.
	script := "i=0; n=0; while [ $i -lt 2600 ]; do sleep 3600 2>/dev/null & [ $? -eq 0 ] || n=$((n+1)); i=$((i+1)); done; echo started; kill -9 -1 2>/dev/null; true"
	res, _, _ := runIn(t, container.Config{Rootfs: rootfs, Init: true, Args: sh(script)})
	if res.Limits.Pids != container.DefaultPids {
		t.Errorf("limits %+v, want the default pids limit %d", res.Limits, container.DefaultPids)
	}
	if !res.PidsHit || res.Stats.PidsRefused == 0 {
		t.Errorf("2600 forks were not held at the default pids limit: %+v", res.Stats)
	}
	if res.Stats.PidsPeak > container.DefaultPids {
		t.Errorf("pids peak %d above the limit", res.Stats.PidsPeak)
	}
}

// TestPathsStayInRoot: -w and volume targets through an absolute symbolic
// link in the rootfs are made inside the container's root, never on the
// host (before pivot_root the host's tree is in view).
func TestPathsStayInRoot(t *testing.T) {
	rootfs := testRootfs(t)
	hostDir := filepath.Join(t.TempDir(), "host-side")
	link := filepath.Join(rootfs, "evil-"+filepath.Base(filepath.Dir(hostDir)))
	if err := os.Symlink(hostDir, link); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Remove(link) })
	name := "/" + filepath.Base(link)
	vol := t.TempDir()
	os.WriteFile(filepath.Join(vol, "f"), []byte("vol"), 0o644)
	_, out, _ := runIn(t, container.Config{Rootfs: rootfs, Dir: name + "/work",
		Hooks: &container.Hooks{Volumes: []container.Volume{{Host: vol, Container: name + "/data"}}},
		Args:  sh("pwd; cat " + name + "/data/f; echo; ls -d " + hostDir + "/work " + hostDir + "/data")})
	if _, err := os.Lstat(hostDir); err == nil {
		t.Errorf("-w and -v through the rootfs's link %s -> %s made %s on the host", name, hostDir, hostDir)
	}
	// Inside, the link leads where it says, within the container's root.
	if got := lines(out); len(got) != 4 || got[0] != hostDir+"/work" || got[1] != "vol" {
		t.Errorf("inside: %q, want the working directory %s/work (the link followed inside the root) and the volume's file", out, hostDir)
	}
}

// TestExecProfile: a command run with exec gets the container's profile
// too (Docker applies it to exec as well): the seccomp filter, the
// capabilities, no_new_privs.
func TestExecProfile(t *testing.T) {
	_, root := detach(t, container.Config{Name: "prof", Args: sh("echo ready; exec sleep 1000")})
	waitFor(t, "the container", func() bool { return strings.Contains(logs(t, root, "prof"), "ready") })
	_, out := execIn(t, root, "prof", "sh", "-c", "grep -E '^(Seccomp|NoNewPrivs|CapEff):' /proc/self/status; unshare -Urm sh -c 'mount -t tmpfs none /tmp && echo MOUNTED'; echo unshare=$?")
	for _, want := range []string{"Seccomp:\t2", "NoNewPrivs:\t1", "CapEff:\t00000000a00425fb", "unshare=1"} {
		if !strings.Contains(out, want) {
			t.Errorf("exec inside: %q, want %q", out, want)
		}
	}
	if strings.Contains(out, "MOUNTED") {
		t.Errorf("unshare -Urm then mount worked in exec: %q", out)
	}
}
