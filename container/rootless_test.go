package container_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/sysinfo"
	"github.com/sysdojo/sysdojo/internal/testenv"
)

// rootlessRuntime runs one rootless container as a separate process, run
// by an unprivileged user: SYSDOJO_TEST_ROOTLESS=ROOTFS|OPTIONS (options
// comma-separated: single, host, pids=N, hostname=NAME, gc), the command
// in os.Args[1:]. The state goes where a user's goes by default.
func rootlessRuntime() int {
	rootfs, opts, _ := strings.Cut(os.Getenv("SYSDOJO_TEST_ROOTLESS"), "|")
	cfg := container.Config{Rootfs: rootfs, Args: os.Args[1:], Stdout: os.Stdout, Stderr: os.Stderr,
		Warn: func(t i18n.Text) { fmt.Fprintf(os.Stderr, "warning: %s\n", t.En) }, Hooks: &container.Hooks{}}
	if os.Getenv("SYSDOJO_TEST_ROOTLESS_BRIDGE") != "" {
		cfg.Hooks = &container.Hooks{Bridge: &container.Bridge{}}
	}
	for _, o := range strings.Split(opts, ",") {
		k, v, _ := strings.Cut(o, "=")
		switch k {
		case "single":
			cfg.NoSubIDs = true
		case "copy":
			cfg.CopyRoot = true
		case "host":
			cfg.Net = "host"
		case "pids":
			cfg.Limits.Pids, _ = strconv.ParseInt(v, 10, 64)
		case "hostname":
			cfg.Hostname = v
		case "name":
			cfg.Name = v
		case "vol":
			vol, err := container.ParseVolume(v)
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 99
			}
			cfg.Hooks.Volumes = append(cfg.Hooks.Volumes, vol)
		case "exec":
			code, err := container.Exec(v, container.ExecOptions{Args: os.Args[1:], Stdout: os.Stdout, Stderr: os.Stderr})
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 99
			}
			return code
		case "gc":
			got, err := container.GCAll("")
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				return 99
			}
			fmt.Println(len(got))
			return 0
		}
	}
	res, err := container.Run(cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 99
	}
	return res.ExitCode
}

var rootlessUsers int

// rootlessEnv is an unprivileged user made for the test (with a
// subordinate id range), a busybox rootfs of theirs, and this test binary
// where they can run it.
type rootlessEnv struct {
	name     string
	uid, gid uint32
	dir      string // reachable by the user (0755)
	rootfs   string
	exe      string
	runtime  string // the user's XDG_RUNTIME_DIR
}

func newRootlessEnv(t *testing.T) *rootlessEnv {
	t.Helper()
	testenv.NeedRoot(t)
	testenv.NeedTool(t, "busybox")
	useradd := testenv.NeedTool(t, "useradd")
	userdel := testenv.NeedTool(t, "userdel")
	rootlessUsers++
	e := &rootlessEnv{name: fmt.Sprintf("sdrl%d-%d", os.Getpid()%100000, rootlessUsers)}
	if out, err := exec.Command(useradd, "-M", "-N", "-s", "/bin/sh", e.name).CombinedOutput(); err != nil {
		t.Fatalf("useradd: %v\n%s", err, out)
	}
	t.Cleanup(func() { exec.Command(userdel, "-f", e.name).Run() })
	if container.SubIDRange("/etc/subuid", e.name, -1)[1] == 0 || container.SubIDRange("/etc/subgid", e.name, -1)[1] == 0 {
		usermod := testenv.NeedTool(t, "usermod")
		if out, err := exec.Command(usermod, "--add-subuids", "300000-365535", "--add-subgids", "300000-365535", e.name).CombinedOutput(); err != nil {
			t.Fatalf("usermod: %v\n%s", err, out)
		}
	}
	out, err := exec.Command("id", "-u", e.name).Output()
	if err != nil {
		t.Fatal(err)
	}
	uid, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	e.uid, e.gid = uint32(uid), uint32(uid)
	if out, err := exec.Command("id", "-g", e.name).Output(); err == nil {
		g, _ := strconv.Atoi(strings.TrimSpace(string(out)))
		e.gid = uint32(g)
	}
	e.dir, err = os.MkdirTemp("", "sysdojo-rootless-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(e.dir) })
	os.Chmod(e.dir, 0o755)
	e.rootfs = filepath.Join(e.dir, "rootfs")
	if _, err := container.Build(e.rootfs, container.BuildOptions{From: container.FromBusybox}); err != nil {
		t.Fatal(err)
	}
	// The rootfs is the user's, as one they built themselves: root inside.
	filepath.Walk(e.rootfs, func(p string, _ os.FileInfo, _ error) error { return os.Lchown(p, uid, int(e.gid)) })
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(self)
	if err != nil {
		t.Fatal(err)
	}
	e.exe = filepath.Join(e.dir, "runtime")
	if err := os.WriteFile(e.exe, b, 0o755); err != nil {
		t.Fatal(err)
	}
	e.runtime = filepath.Join(e.dir, "xdg")
	os.Mkdir(e.runtime, 0o700)
	os.Chown(e.runtime, uid, int(e.gid))
	return e
}

// cmd is the test runtime run as the user, with opts and args.
func (e *rootlessEnv) cmd(opts string, args ...string) *exec.Cmd {
	c := exec.Command(e.exe, args...)
	c.Dir = "/"
	c.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/nonexistent", "XDG_RUNTIME_DIR=" + e.runtime,
		"SYSDOJO_TEST_ROOTLESS=" + e.rootfs + "|" + opts}
	c.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: e.uid, Gid: e.gid, Groups: []uint32{}}}
	return c
}

// startSleeping starts a container of the user's with opts that runs
// "sleep marker", and returns once the sleep runs; it is killed when t
// ends.
func (e *rootlessEnv) startSleeping(t *testing.T, opts, marker string) {
	t.Helper()
	c := e.cmd(opts, "/bin/sh", "-c", "echo up; exec sleep "+marker)
	stdout, _ := c.StdoutPipe()
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		c.Process.Kill()
		c.Wait()
	})
	if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "up\n" {
		t.Fatalf("the container did not come up: %q", line)
	}
	// ("up" comes just before the exec of sleep.)
	for deadline := time.Now().Add(10 * time.Second); !procRunning("sleep\x00" + marker); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("the container's sleep is not seen on the host")
		}
	}
}

func (e *rootlessEnv) run(t *testing.T, opts string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	c := e.cmd(opts, args...)
	var out, errb bytes.Buffer
	c.Stdout, c.Stderr = &out, &errb
	err := c.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	if code == 99 {
		t.Fatalf("rootless run %q failed: %s", args, errb.String())
	}
	return out.String(), errb.String(), code
}

// TestRootless: an unprivileged user's containers, with the user's own
// subordinate ids and without them.
func TestRootless(t *testing.T) {
	e := newRootlessEnv(t)
	host, _ := os.Hostname()

	t.Run("root inside, own host name", func(t *testing.T) {
		out, errs, _ := e.run(t, "hostname=rlbox", "/bin/sh", "-c", "id -u; id -g; hostname; cat /proc/self/uid_map; touch /x && chown 42:42 /x && stat -c %u /x")
		l := lines(out)
		if len(l) < 6 || l[0] != "0" || l[1] != "0" || l[2] != "rlbox" || l[len(l)-1] != "42" {
			t.Fatalf("inside: %q (stderr %q), want uid 0, gid 0, host name rlbox and a chown to 42", out, errs)
		}
		if host == "rlbox" {
			t.Fatal("the host is called rlbox too: cannot tell")
		}
		if !strings.Contains(out, strconv.Itoa(int(e.uid))) || strings.Count(strings.Join(l[3:len(l)-1], "\n"), "\n") != 1 {
			t.Errorf("uid_map: %q, want 0 -> %d and the subordinate range", l[3:], e.uid)
		}
		if strings.Contains(errs, "warning") {
			t.Errorf("a warning with subordinate ids and no limits: %q", errs)
		}
	})

	t.Run("host root not visible", func(t *testing.T) {
		// A file in the host's /root (the user cannot read it there: /root
		// is 0700) and one the user can read on the host (a 0755
		// directory in /tmp): inside, neither is there at all. "No such
		// file", not "Permission denied", is what tells the root switch
		// from the host's modes.
		marker := fmt.Sprintf("/root/sysdojo-rootless-%d", os.Getpid())
		if err := os.WriteFile(marker, []byte("host secret\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.Remove(marker)
		open, err := os.MkdirTemp("", "sysdojo-rootless-open-")
		if err != nil {
			t.Fatal(err)
		}
		defer os.RemoveAll(open)
		os.Chmod(open, 0o755)
		readable := filepath.Join(open, "f")
		if err := os.WriteFile(readable, []byte("host file\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		out, errs, _ := e.run(t, "", "/bin/sh", "-c", "cat "+marker+" 2>&1; cat /proc/1/root"+marker+" 2>&1; cat "+readable+" 2>&1; grep -c ' / / ' /proc/self/mountinfo")
		if strings.Contains(out, "host secret") || strings.Contains(out, "host file") {
			t.Fatalf("the host's files are readable inside: %q", out)
		}
		if n := strings.Count(out, "No such file"); n != 3 {
			t.Errorf("inside: %q (stderr %q), want no such file, three times", out, errs)
		}
	})

	t.Run("pids limit", func(t *testing.T) {
		// 60 sleepers started, then the processes counted from inside.
		out, errs, _ := e.run(t, "pids=20", "/bin/sh", "-c",
			"i=0; while [ $i -lt 60 ]; do sleep 1000 2>/dev/null & i=$((i+1)); done; ls /proc | grep -c '^[0-9]'")
		if strings.Contains(errs, "not enforced") {
			if n := strings.Count(errs, "warning: "); n != 1 || !strings.Contains(errs, "--pids is not enforced") {
				t.Errorf("want one line on what is not enforced, got %q", errs)
			}
			t.Logf("no cgroup v2 subtree is delegated to %s on this machine: the fork bomb cannot be held here, not checked (%s)", e.name, strings.TrimSpace(errs))
			return
		}
		n, _ := strconv.Atoi(strings.TrimSpace(out))
		if n == 0 || n > 20 {
			t.Errorf("%d processes inside with --pids 20 (stderr %q)", n, errs)
		}
	})

	t.Run("second container cannot see the first", func(t *testing.T) {
		e.startSleeping(t, "", "1234.75")
		out, errs, _ := e.run(t, "", "/bin/sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '; echo; kill -0 $(pidof sleep) 2>&1 || echo none")
		if strings.Contains(out, "1234.75") || !strings.Contains(out, "none") {
			t.Errorf("the second container sees the first's processes: %q (stderr %q)", out, errs)
		}
	})

	t.Run("exec enters the user namespace and the rest", func(t *testing.T) {
		e.startSleeping(t, "name=rlx,hostname=rlx", "1234.5")
		out, errs, code := e.run(t, "exec=rlx", "/bin/sh", "-c", "id -u; hostname; tr '\\0' ' ' < /proc/1/cmdline; echo; ls /proc | grep -c '^[0-9]'; exit 3")
		l := lines(out)
		if code != 3 || len(l) != 4 || l[0] != "0" || l[1] != "rlx" || strings.TrimSpace(l[2]) != "sleep 1234.5" {
			t.Fatalf("exec: code %d, %q (stderr %q), want root, the container's host name and its PID 1", code, out, errs)
		}
		if n, _ := strconv.Atoi(l[3]); n > 5 {
			t.Errorf("exec sees %d processes: the host's?", n)
		}
	})

	t.Run("a copy of the rootfs instead of an overlay (kernels before 5.11)", func(t *testing.T) {
		out, errs, code := e.run(t, "copy", "/bin/sh", "-c", "echo new > /written; cat /written; grep ' / / ' /proc/self/mountinfo | grep -c overlay")
		if code != 1 || !strings.HasPrefix(out, "new\n0\n") { // (grep -c finds no overlay: exit 1)
			t.Fatalf("inside: %q (stderr %q, exit %d), want the write read back and no overlay as /", out, errs, code)
		}
		if _, err := os.Lstat(filepath.Join(e.rootfs, "written")); err == nil {
			t.Error("a write inside reached the rootfs")
		}
		if copies, _ := filepath.Glob(filepath.Join(e.runtime, "sysdojo", "*", "*", "rootfs")); len(copies) > 0 {
			t.Errorf("the rootfs's copy was left behind: %v", copies)
		}
	})

	t.Run("single mapping", func(t *testing.T) {
		out, errs, _ := e.run(t, "single", "/bin/sh", "-c", "id -u; cat /proc/self/uid_map; touch /x; chown 42:42 /x 2>/dev/null || echo chown-refused")
		l := lines(out)
		if len(l) != 3 || l[0] != "0" || !strings.HasSuffix(strings.Join(strings.Fields(l[1]), " "), " 1") || l[2] != "chown-refused" {
			t.Fatalf("inside: %q (stderr %q), want root, one id mapped and chown refused", out, errs)
		}
		if n := strings.Count(errs, "only your own user id is mapped"); n != 1 {
			t.Errorf("the single mapping said %d times: %q", n, errs)
		}
	})

	t.Run("net host, read-only /sys", func(t *testing.T) {
		out, errs, _ := e.run(t, "host", "/bin/sh", "-c", "ls /sys/class/net | grep -c .; touch /sys/x 2>/dev/null || echo ro")
		if l := lines(out); len(l) != 2 || l[1] != "ro" || l[0] == "0" {
			t.Errorf("inside with --net host: %q (stderr %q)", out, errs)
		}
	})

	t.Run("volume from a read-only, noexec, noatime mount", func(t *testing.T) {
		// A user namespace may not clear the flags of a mount it binds
		// (they are locked): a remount without them fails with EPERM.
		ro := filepath.Join(e.dir, "ro")
		os.Mkdir(ro, 0o755)
		if err := syscall.Mount("tmpfs", ro, "tmpfs", syscall.MS_RDONLY|syscall.MS_NOEXEC|syscall.MS_NOATIME, "mode=755"); err != nil {
			t.Fatal(err)
		}
		defer syscall.Unmount(ro, syscall.MNT_DETACH)
		out, errs, _ := e.run(t, "vol="+ro+":/data", "/bin/sh", "-c", "grep ' /data ' /proc/self/mountinfo; touch /data/x 2>/dev/null || echo refused")
		if !strings.Contains(out, "refused") || !strings.Contains(out, " ro,") && !strings.Contains(out, " ro ") {
			t.Errorf("inside: %q (stderr %q), want /data read-only", out, errs)
		}
	})

	t.Run("a host /proc with a hidden path", func(t *testing.T) {
		// As inside another container, which masks /proc paths: the
		// kernel refuses a user namespace a new /proc, and says nothing
		// more than EPERM; sysdojo says why.
		unshare := testenv.NeedTool(t, "unshare")
		setpriv := testenv.NeedTool(t, "setpriv")
		c := exec.Command(unshare, "-m", "/bin/sh", "-c", `mount --make-rprivate / && mount --bind /dev/null /proc/keys && exec "$@"`, "sh",
			setpriv, fmt.Sprintf("--reuid=%d", e.uid), fmt.Sprintf("--regid=%d", e.gid), "--clear-groups", e.exe, "true")
		c.Dir = "/"
		c.Env = e.cmd("").Env
		out, err := c.CombinedOutput()
		if err == nil || !strings.Contains(string(out), "the kernel refuses a new /proc here, because parts of this machine's /proc are hidden") {
			t.Errorf("with /proc/keys hidden: %v %q", err, out)
		}
	})

	t.Run("killed runtime leaves nothing gc cannot clear", func(t *testing.T) {
		state := filepath.Join(e.runtime, "sysdojo", "containers")
		c := e.cmd("", "/bin/sh", "-c", "echo up; exec sleep 1234.25")
		stdout, _ := c.StdoutPipe()
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		if line, _ := bufio.NewReader(stdout).ReadString('\n'); line != "up\n" {
			t.Fatalf("did not come up: %q", line)
		}
		if ents, _ := os.ReadDir(state); len(ents) != 1 {
			t.Fatalf("state under %s: %v", state, ents)
		}
		c.Process.Signal(syscall.SIGKILL)
		c.Wait()
		for i := 0; procRunning("sleep\x001234.25"); i++ {
			if i == 1000 {
				t.Fatalf("the killed runtime's container still runs:\n%s", procReport("sleep\x001234.25"))
			}
			time.Sleep(10 * time.Millisecond)
		}
		out, errs, code := e.run(t, "gc")
		if code != 0 || strings.TrimSpace(out) == "0" {
			t.Errorf("gc as the user: %q %q, want something collected", out, errs)
		}
		if ents, _ := os.ReadDir(state); len(ents) != 0 {
			t.Errorf("left after gc: %v", ents)
		}
	})
}

// TestRootlessRefusals: what needs root says so, before anything starts.
func TestRootlessRefusals(t *testing.T) {
	e := newRootlessEnv(t)
	_, errs, code := e.run(t, "single", "/bin/sh", "-c", "true")
	if code != 0 || strings.Count(errs, "warning: ") != 1 {
		t.Fatalf("code %d, stderr %q", code, errs)
	}
	// Another user made the state directory first, in the shared
	// temporary directory (no XDG_RUNTIME_DIR): refused, not used.
	tmp := filepath.Join(e.dir, "tmp")
	planted := filepath.Join(tmp, fmt.Sprintf("sysdojo-%d", e.uid))
	os.MkdirAll(planted, 0o777)
	os.Chmod(tmp, 0o1777)
	os.Chmod(planted, 0o777)
	c := e.cmd("single", "true")
	for i, kv := range c.Env {
		if strings.HasPrefix(kv, "XDG_RUNTIME_DIR=") {
			c.Env[i] = "XDG_RUNTIME_DIR="
		}
	}
	c.Env = append(c.Env, "TMPDIR="+tmp)
	out, err := c.CombinedOutput()
	if err == nil || !strings.Contains(string(out), "is not a private directory of yours") {
		t.Errorf("a state directory planted by another user: %v %q", err, out)
	}
	if ents, _ := os.ReadDir(planted); len(ents) != 0 {
		t.Errorf("used the planted directory: %v", ents)
	}

	c = e.cmd("", "true")
	c.Env = append(c.Env, "SYSDOJO_TEST_ROOTLESS_BRIDGE=1")
	var errb bytes.Buffer
	c.Stderr = &errb
	c.Stdout = io.Discard
	c.Run()
	if !strings.Contains(errb.String(), "need root") {
		t.Errorf("bridge rootless: %q", errb.String())
	}
}

// TestDelegatedCgroup finds the subtree systemd delegates to a user in a
// fake cgroup v2 tree: the highest directory above the caller's own that
// the caller owns and may write.
func TestDelegatedCgroup(t *testing.T) {
	testenv.NeedRoot(t) // (to give the fake tree's upper levels another owner)
	mnt := t.TempDir()
	uid := os.Geteuid()
	svc := filepath.Join(mnt, "user.slice/user-1000.slice/user@1000.service")
	own := filepath.Join(svc, "app.slice/term.scope")
	if err := os.MkdirAll(own, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{own, filepath.Dir(own), svc} {
		os.WriteFile(filepath.Join(d, "cgroup.procs"), nil, 0o644)
		os.WriteFile(filepath.Join(d, "cgroup.subtree_control"), nil, 0o644)
	}
	os.WriteFile(filepath.Join(svc, "cgroup.controllers"), []byte("cpu memory pids\n"), 0o644)
	// Above user@1000.service, systemd's (another owner).
	for _, d := range []string{filepath.Join(mnt, "user.slice"), filepath.Join(mnt, "user.slice/user-1000.slice")} {
		os.Chown(d, uid+1, uid+1)
	}
	self := map[string]string{"": strings.TrimPrefix(own, mnt)}
	v2 := sysinfo.Cgroup{Layout: "v2", V2: mnt}
	if d, missing := container.DelegatedCgroup(v2, self, []string{"memory", "pids"}); d != svc || len(missing) != 0 {
		t.Errorf("got %q (missing %v), want %s", d, missing, svc)
	}
	if _, missing := container.DelegatedCgroup(v2, self, []string{"pids", "io"}); len(missing) != 1 || missing[0] != "io" {
		t.Errorf("missing %v, want [io]", missing)
	}
	hybrid := sysinfo.Cgroup{Layout: "hybrid", V2: mnt}
	if d, _ := container.DelegatedCgroup(hybrid, self, nil); d != "" {
		t.Errorf("hybrid: %q, want none", d)
	}
	os.Chown(svc, uid+1, uid+1)
	if d, _ := container.DelegatedCgroup(v2, self, nil); d != filepath.Dir(own) {
		t.Errorf("with user@1000.service not the caller's: %q, want %s", d, filepath.Dir(own))
	}
}
