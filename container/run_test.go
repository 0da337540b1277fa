package container_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/i18n"
)

func runIn(t *testing.T, cfg container.Config) (*container.Result, string, string) {
	t.Helper()
	if cfg.Rootfs == "" {
		cfg.Rootfs = testRootfs(t)
	}
	if cfg.StateRoot == "" {
		cfg.StateRoot = filepath.Join(t.TempDir(), "state")
	}
	if cfg.Init && cfg.Exe == "" {
		cfg.Exe = initExe(t)
	}
	var out, errb bytes.Buffer
	cfg.Stdout, cfg.Stderr = &out, &errb
	res, err := container.Run(cfg)
	if err != nil {
		t.Fatalf("Run(%q): %v (stderr %q)", cfg.Args, err, errb.String())
	}
	return res, out.String(), errb.String()
}

func sh(script string) []string { return []string{"/bin/sh", "-c", script} }

func mountinfo(t *testing.T) string {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// hostMounts is the host's mount table without the mounts other tests
// make meanwhile in their temporary directories (mmdebstrap's, in the
// packages tested in parallel): those of own (this test's directories)
// and everything outside the temporary directory stay.
func hostMounts(t *testing.T, own ...string) string {
	var keep []string
	for _, line := range strings.SplitAfter(mountinfo(t), "\n") {
		f := strings.Fields(line)
		mine := len(f) < 5 || !strings.HasPrefix(f[4], os.TempDir()+"/")
		for _, o := range own {
			mine = mine || strings.Contains(line, o)
		}
		if mine {
			keep = append(keep, line)
		}
	}
	return strings.Join(keep, "")
}

// TestIsolation is the isolation suite: each check runs inside a fresh
// container and is compared with the host.
func TestIsolation(t *testing.T) {
	for _, m := range initModes {
		t.Run(m.name, func(t *testing.T) { testIsolation(t, m.init) })
	}
}

// initModes are the two ways a container's PID 1 is: the command itself
// (as docker run) and sysdojo-init in front of it (--init).
var initModes = []struct {
	name string
	init bool
}{{"command as PID 1", false}, {"--init", true}}

func testIsolation(t *testing.T, init bool) {
	rootfs := testRootfs(t)
	hostName, _ := os.Hostname()
	state := filepath.Join(t.TempDir(), "state")
	mountsBefore := hostMounts(t, rootfs, state)

	t.Run("hostname", func(t *testing.T) {
		_, out, _ := runIn(t, container.Config{StateRoot: state, Init: init, Hostname: "iso-test", Args: sh("hostname; hostname other 2>/dev/null && echo SET; hostname")})
		if got := strings.TrimSpace(out); got != "iso-test\niso-test" {
			t.Errorf("inside: %q, want iso-test twice (sethostname must fail without CAP_SYS_ADMIN)", got)
		}
		if h, _ := os.Hostname(); h != hostName {
			t.Errorf("host name changed from %q to %q", hostName, h)
		}
	})
	t.Run("pid", func(t *testing.T) {
		_, out, _ := runIn(t, container.Config{StateRoot: state, Init: init, Args: []string{"ps", "-o", "pid,ppid,comm"}})
		ls := lines(out)[1:]
		if !init {
			if len(ls) != 1 || strings.Join(strings.Fields(ls[0]), " ") != "1 0 ps" {
				t.Errorf("ps inside shows:\n%s\nwant itself only, as PID 1 (as docker run)", out)
			}
			return
		}
		if len(ls) != 2 {
			t.Fatalf("ps inside shows %d processes, want 2 (init and ps):\n%s", len(ls), out)
		}
		f0, f1 := strings.Fields(ls[0]), strings.Fields(ls[1])
		if f0[0] != "1" || f0[2] != "sysdojo-init" {
			t.Errorf("PID 1 is %q, want sysdojo-init", ls[0])
		}
		if f1[1] != "1" || f1[2] != "ps" {
			t.Errorf("the command is %q, want ps, child of PID 1", ls[1])
		}
	})
	t.Run("init's command line", func(t *testing.T) {
		// --init's PID 1 is this program executed afresh: its command line
		// is its own (no host path), and its binary cannot be reached.
		_, out, _ := runIn(t, container.Config{StateRoot: state, Init: true, Args: sh("tr '\\0' ' ' </proc/1/cmdline; echo; cat /proc/1/exe >/dev/null 2>&1 || echo unreachable")})
		if got := lines(out); len(got) != 2 || !strings.HasPrefix(got[0], "sysdojo-init -- /bin/sh -c ") || got[1] != "unreachable" {
			t.Errorf("/proc/1 inside: %q, want \"sysdojo-init -- /bin/sh -c ...\" and an unreachable /proc/1/exe", out)
		}
	})
	t.Run("mounts", func(t *testing.T) {
		_, out, _ := runIn(t, container.Config{StateRoot: state, Init: init, Args: []string{"cat", "/proc/self/mountinfo"}})
		for _, l := range lines(out) {
			f := strings.Fields(l)
			if len(f) > 4 && (strings.HasPrefix(f[4], "/sys/fs/cgroup") || strings.HasPrefix(f[4], "/run") || strings.Contains(l, rootfs+" ")) {
				t.Errorf("a host mount is visible inside: %s", l)
			}
		}
		if !strings.Contains(out, " / / ") || !strings.Contains(out, "overlay") {
			t.Errorf("/ inside is not the overlay:\n%s", out)
		}
	})
	t.Run("network", func(t *testing.T) {
		_, out, _ := runIn(t, container.Config{StateRoot: state, Init: init, Args: sh("cat /proc/net/dev; ip -o link")})
		var ifs []string
		for _, l := range lines(out) {
			if n, _, ok := strings.Cut(l, ":"); ok && !strings.Contains(n, "|") && !strings.Contains(l, "mtu") {
				ifs = append(ifs, strings.TrimSpace(n))
			}
		}
		if strings.Join(ifs, ",") != "lo" {
			t.Errorf("interfaces inside: %v, want only lo", ifs)
		}
		if !strings.Contains(out, "lo: <LOOPBACK,UP") {
			t.Errorf("lo is not up:\n%s", out)
		}
	})
	t.Run("copy-on-write", func(t *testing.T) {
		_, out, _ := runIn(t, container.Config{StateRoot: state, Init: init, Args: sh("echo x > /written && rm /etc/hostname && mkdir /newdir && echo ok")})
		if strings.TrimSpace(out) != "ok" {
			t.Fatalf("writing inside failed: %q", out)
		}
		for _, p := range []string{"written", "newdir"} {
			if _, err := os.Lstat(filepath.Join(rootfs, p)); err == nil {
				t.Errorf("%s written inside appeared in the rootfs", p)
			}
		}
		if _, err := os.Stat(filepath.Join(rootfs, "etc/hostname")); err != nil {
			t.Errorf("removing /etc/hostname inside removed it from the rootfs: %v", err)
		}
	})
	t.Run("capabilities", func(t *testing.T) {
		_, out, _ := runIn(t, container.Config{StateRoot: state, Init: init, Args: sh(
			"grep -E 'CapEff|CapBnd|NoNewPrivs' /proc/self/status; mkdir -p /m; mount -t tmpfs none /m 2>/dev/null && echo MOUNTED;" +
				" ip link add d0 type dummy 2>/dev/null && echo NETADMIN;" +
				" cat /proc/kcore >/dev/null 2>&1; echo sysrq > /proc/sysrq-trigger 2>/dev/null && echo SYSRQ; echo done")})
		var mask uint64
		for _, c := range container.DefaultCaps {
			mask |= 1 << c
		}
		want := fmt.Sprintf("%016x", mask)
		for _, k := range []string{"CapEff", "CapBnd"} {
			if !strings.Contains(out, k+":\t"+want) {
				t.Errorf("%s is not the default set %s:\n%s", k, want, out)
			}
		}
		if !strings.Contains(out, "NoNewPrivs:\t1") {
			t.Errorf("no_new_privs is not 1:\n%s", out)
		}
		for _, bad := range []string{"MOUNTED", "NETADMIN", "SYSRQ"} {
			if strings.Contains(out, bad+"\n") {
				t.Errorf("%s succeeded inside, it must fail:\n%s", bad, out)
			}
		}
		if !strings.Contains(out, "done") {
			t.Errorf("the probe did not finish:\n%s", out)
		}
	})
	t.Run("chroot escape", func(t *testing.T) {
		if _, err := os.Stat(filepath.Join(rootfs, "escape")); err != nil {
			t.Skip("no go tool to build the escape program")
		}
		exe, _ := os.Executable()
		res, out, errs := runIn(t, container.Config{StateRoot: state, Init: init, Args: []string{"/escape", rootfs, exe, "/run/sysdojo"}})
		if res.ExitCode != 0 || strings.Contains(out, "ESCAPED") || !strings.Contains(out, "/linuxrc") {
			t.Errorf("chroot escape: exit %d, out %q, err %q; want to land in the container's own root", res.ExitCode, out, errs)
		}
	})
	t.Run("user", func(t *testing.T) {
		_, out, _ := runIn(t, container.Config{StateRoot: state, Init: init, User: "65534:65534", Dir: "/tmp", Env: []string{"GREETING=hi"},
			Args: sh("id -u; id -g; pwd; echo $GREETING; grep CapEff /proc/self/status")})
		if got := lines(out); len(got) < 5 || got[0] != "65534" || got[1] != "65534" || got[2] != "/tmp" || got[3] != "hi" || !strings.HasSuffix(got[4], "0000000000000000") {
			t.Errorf("--user 65534 -w /tmp -e GREETING=hi: %q", out)
		}
	})
	if after := hostMounts(t, rootfs, state); strings.Contains(after, state) || strings.Count(after, "\n") != strings.Count(mountsBefore, "\n") {
		t.Errorf("the host's mount table changed:\nbefore:\n%s\nafter:\n%s", mountsBefore, after)
	}
}

func TestExitStatusAndSignals(t *testing.T) {
	testRootfs(t)
	for _, c := range []struct {
		script    string
		code, sig int
	}{
		{"exit 0", 0, 0},
		{"exit 3", 3, 0},
		{"kill -9 $$", 137, 9},
		{"kill -TERM $$", 143, 15},
	} {
		res, _, _ := runIn(t, container.Config{Init: true, Args: sh(c.script)})
		if res.ExitCode != c.code || res.Signal != c.sig {
			t.Errorf("%q: exit %d signal %d, want %d %d", c.script, res.ExitCode, res.Signal, c.code, c.sig)
		}
	}
	t.Run("orphans are reaped", func(t *testing.T) {
		_, out, _ := runIn(t, container.Config{Init: true, Args: sh("(sleep 0.1 &); (sleep 0.1 &); sleep 0.6; ps -o stat,comm")})
		for _, l := range lines(out) {
			if strings.HasPrefix(strings.TrimSpace(l), "Z") {
				t.Errorf("zombie left inside:\n%s", out)
			}
		}
	})
	t.Run("SIGINT reaches the command", func(t *testing.T) {
		done := runSleeping(t, container.Config{Init: true}, "31.4159")
		syscall.Kill(os.Getpid(), syscall.SIGINT)
		res := <-done
		if res.ExitCode != 130 || res.Signal != 2 {
			t.Errorf("after SIGINT: exit %d signal %d, want 130 and 2", res.ExitCode, res.Signal)
		}
	})
	t.Run("as PID 1 (no --init), sleep ignores SIGINT; a second one kills it", func(t *testing.T) {
		dropped := make(chan syscall.Signal, 4)
		done := runSleeping(t, container.Config{Dropped: func(s syscall.Signal) { dropped <- s }}, "27.1828")
		syscall.Kill(os.Getpid(), syscall.SIGINT)
		select {
		case res := <-done:
			t.Fatalf("sleep as PID 1 ended at the first SIGINT: %+v", res)
		case <-time.After(300 * time.Millisecond):
		}
		syscall.Kill(os.Getpid(), syscall.SIGINT)
		if res := <-done; res.ExitCode != 137 || res.Signal != 9 {
			t.Errorf("after a second SIGINT: exit %d signal %d, want 137 and 9", res.ExitCode, res.Signal)
		}
		if n := len(dropped); n != 1 {
			t.Errorf("Dropped was told of %d signals, want SIGINT once", n)
		} else if s := <-dropped; s != syscall.SIGINT {
			t.Errorf("Dropped was told of %v, want SIGINT", s)
		}
	})
}

// runSleeping runs `sleep marker` in a container made with cfg, in the
// background, and returns once the sleep runs; its result comes on the
// channel.
func runSleeping(t *testing.T, cfg container.Config, marker string) <-chan *container.Result {
	t.Helper()
	done := make(chan *container.Result)
	cfg.Args = []string{"sleep", marker}
	go func() {
		res, _, _ := runIn(t, cfg)
		done <- res
	}()
	deadline := time.Now().Add(10 * time.Second)
	for !procRunning("sleep\x00" + marker) {
		if time.Now().After(deadline) {
			t.Fatal("the container's sleep never started")
		}
		time.Sleep(10 * time.Millisecond)
	}
	return done
}

// TestNoInit: without --init the command is PID 1 itself, as with docker
// run and runc, and the kernel's rule for a namespace's init applies to
// it: signals it has no handler for are dropped, even SIGKILL from inside.
// With and without a volume (more mounts before the command starts).
func TestNoInit(t *testing.T) {
	rootfs := testRootfs(t)
	vol, err := container.ParseVolume(t.TempDir() + ":/data")
	if err != nil {
		t.Fatal(err)
	}
	for _, init := range []struct {
		name  string
		hooks *container.Hooks
	}{{"no volume", nil}, {"a volume", &container.Hooks{Volumes: []container.Volume{vol}}}} {
		t.Run(init.name, func(t *testing.T) {
			cfg := func(args ...string) container.Config {
				return container.Config{Rootfs: rootfs, Hooks: init.hooks,
					Limits: container.Limits{Memory: 64 << 20, Pids: 32}, Args: args}
			}
			_, out, _ := runIn(t, cfg("ps", "-o", "pid,comm"))
			if got := lines(out); len(got) != 2 || strings.Join(strings.Fields(got[1]), " ") != "1 ps" {
				t.Errorf("ps as PID 1 shows:\n%s\nwant only itself, as PID 1", out)
			}
			for _, c := range []struct {
				script, out string
				code, sig   int
			}{
				{"exit 3", "", 3, 0},
				{"exit 0", "", 0, 0},
				{"kill -TERM $$; kill -9 $$; echo still here", "still here\n", 0, 0},
				{"trap 'exit 7' TERM; kill -TERM $$; sleep 5", "", 7, 0},
			} {
				res, out, _ := runIn(t, cfg("/bin/sh", "-c", c.script))
				if res.ExitCode != c.code || res.Signal != c.sig || out != c.out {
					t.Errorf("%q as PID 1: exit %d signal %d output %q, want %d %d %q", c.script, res.ExitCode, res.Signal, out, c.code, c.sig, c.out)
				}
			}
			res, _, _ := runIn(t, cfg("/bin/sh", "-c", "x=a; while true; do x=$x$x; done"))
			if !res.OOM || res.Signal != 9 {
				t.Errorf("memory hog as PID 1: %+v, want OOM-killed", res)
			}
		})
	}
}

func procRunning(cmdline string) bool { return len(procsWith(cmdline)) > 0 }

// procsWith returns the PIDs of the processes whose command line starts
// with cmdline.
func procsWith(cmdline string) []string {
	var pids []string
	ents, _ := os.ReadDir("/proc")
	for _, e := range ents {
		if _, err := strconv.Atoi(e.Name()); err != nil {
			continue
		}
		b, _ := os.ReadFile("/proc/" + e.Name() + "/cmdline")
		if strings.HasPrefix(string(b), cmdline) {
			pids = append(pids, e.Name())
		}
	}
	return pids
}

// procReport describes the processes whose command line starts with
// cmdline, and their parents: where a process that should be gone is.
func procReport(cmdline string) string {
	var out strings.Builder
	for _, p := range procsWith(cmdline) {
		for pid := p; pid != "0" && pid != "1"; {
			st, _ := os.ReadFile("/proc/" + pid + "/status")
			wchan, _ := os.ReadFile("/proc/" + pid + "/wchan")
			ns, _ := os.Readlink("/proc/" + pid + "/ns/pid")
			fmt.Fprintf(&out, "pid %s %s wchan=%s\n", pid, ns, wchan)
			ppid := ""
			for _, l := range strings.Split(string(st), "\n") {
				if strings.HasPrefix(l, "Name:") || strings.HasPrefix(l, "State:") || strings.HasPrefix(l, "Sig") || strings.HasPrefix(l, "ShdPnd") || strings.HasPrefix(l, "NSpid") {
					out.WriteString("  " + l + "\n")
				}
				if v, ok := strings.CutPrefix(l, "PPid:"); ok {
					ppid = strings.TrimSpace(v)
				}
			}
			if ppid == "" {
				break
			}
			pid = ppid
		}
	}
	return out.String()
}

func TestBadInput(t *testing.T) {
	rootfs := testRootfs(t)
	state := filepath.Join(t.TempDir(), "state")
	for _, c := range []struct {
		name string
		cfg  container.Config
		kind i18n.Kind
	}{
		{"missing rootfs", container.Config{Rootfs: "/nonexistent/rootfs", Args: []string{"true"}}, 2},
		{"rootfs /", container.Config{Rootfs: "/", Args: []string{"true"}}, 2},
		{"rootfs a file", container.Config{Rootfs: "/etc/passwd", Args: []string{"true"}}, 2},
		{"empty command", container.Config{Rootfs: rootfs}, 2},
		{"command not in rootfs", container.Config{Rootfs: rootfs, Args: []string{"no-such-command"}}, 127},
		{"path not in rootfs", container.Config{Rootfs: rootfs, Args: []string{"/usr/bin/go"}}, 127},
		{"not executable", container.Config{Rootfs: rootfs, Args: []string{"/etc/passwd"}}, 126},
		{"a directory", container.Config{Rootfs: rootfs, Args: []string{"/etc"}}, 126},
		{"bad env", container.Config{Rootfs: rootfs, Args: []string{"true"}, Env: []string{"NOEQUALS"}}, 2},
		{"bad net", container.Config{Rootfs: rootfs, Args: []string{"true"}, Net: "bridge"}, 2},
		{"bad user", container.Config{Rootfs: rootfs, Args: []string{"true"}, User: "nosuchuser"}, 2},
		{"relative workdir", container.Config{Rootfs: rootfs, Args: []string{"true"}, Dir: "tmp"}, 2},
		{"tiny memory", container.Config{Rootfs: rootfs, Args: []string{"true"}, Limits: container.Limits{Memory: 1024}}, 2},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.cfg.StateRoot = state
			_, err := container.Run(c.cfg)
			var le *i18n.Error
			if !errors.As(err, &le) || le.Kind != c.kind {
				t.Fatalf("err = %v, want an i18n.Error of kind %d", err, c.kind)
			}
			if le.Text.Ko == "" || strings.Contains(le.Text.En, "\n") {
				t.Errorf("message must be one line in both languages: %+v", le.Text)
			}
		})
	}
	if ents, _ := os.ReadDir(state); len(ents) != 0 {
		t.Errorf("bad input left %d entries in the state directory", len(ents))
	}
}

// TestOddPaths: commas, colons and backslashes in the rootfs's and the
// state's paths (the overlay's mount options are made of paths).
func TestOddPaths(t *testing.T) {
	testRootfs(t)
	odd := filepath.Join(t.TempDir(), `a,b:c\d`)
	rootfs := filepath.Join(odd, "rootfs")
	if _, err := container.Build(rootfs, container.BuildOptions{From: container.FromBusybox}); err != nil {
		t.Fatal(err)
	}
	for _, keep := range []bool{false, true} {
		res, out, _ := runIn(t, container.Config{Rootfs: rootfs, StateRoot: filepath.Join(odd, "state"), Keep: keep,
			Args: sh("echo ok > /f; cat /f")})
		if out != "ok\n" || res.ExitCode != 0 {
			t.Errorf("keep=%v: %q exit %d", keep, out, res.ExitCode)
		}
	}
}

func TestKeep(t *testing.T) {
	testRootfs(t)
	state := filepath.Join(t.TempDir(), "state")
	res, _, _ := runIn(t, container.Config{StateRoot: state, Name: "kept", Keep: true, Args: sh("echo data > /saved.txt")})
	if res.Kept == "" {
		t.Fatal("no kept upper layer reported")
	}
	if b, err := os.ReadFile(filepath.Join(res.Kept, "saved.txt")); err != nil || string(b) != "data\n" {
		t.Errorf("kept upper layer: %q, %v", b, err)
	}
	if got, _ := container.GC(state); len(got) != 0 {
		t.Errorf("GC removed a kept container: %v", got)
	}
	_, err := container.Run(container.Config{Rootfs: testRootfs(t), StateRoot: state, Name: "kept", Args: []string{"true"}})
	var le *i18n.Error
	if !errors.As(err, &le) || le.Kind != i18n.KindInvalid {
		t.Errorf("a second container named kept: %v, want bad input", err)
	}
}
