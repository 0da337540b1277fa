package container_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
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
	"github.com/sysdojo/sysdojo/internal/testenv"
)

// A detached container's monitor is this test binary re-executed (see
// container.Detach); it takes over before TestMain.
func init() {
	if container.IsMonitor() {
		os.Exit(container.RunMonitor())
	}
}

// detach starts cfg in the background under a fresh state root and makes
// sure it is gone (and its state with it) when the test ends.
func detach(t *testing.T, cfg container.Config) (*container.Info, string) {
	t.Helper()
	if cfg.Rootfs == "" {
		cfg.Rootfs = testRootfs(t)
	}
	if cfg.StateRoot == "" {
		cfg.StateRoot = filepath.Join(t.TempDir(), "state")
	}
	if cfg.Hooks == nil {
		cfg.Hooks = &container.Hooks{}
	}
	if cfg.Init && cfg.Exe == "" {
		cfg.Exe = initExe(t)
	}
	cfg.Hooks.Detached = true
	in, err := container.Detach(cfg)
	if err != nil {
		t.Fatalf("Detach(%q): %v", cfg.Args, err)
	}
	root := cfg.StateRoot
	t.Cleanup(func() {
		if _, err := container.Remove(root, in.Name, true); err != nil && kind(err) != i18n.KindInvalid {
			t.Errorf("cleanup: %v", err)
		}
	})
	return in, root
}

func kind(err error) i18n.Kind {
	var le *i18n.Error
	if errors.As(err, &le) {
		return le.Kind
	}
	return 0
}

func find(t *testing.T, root, name string) *container.Info {
	t.Helper()
	in, err := container.Find(root, name)
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// waitFor polls cond (readiness, not timing: the deadline only stops a
// test that would hang).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for end := time.Now().Add(20 * time.Second); time.Now().Before(end); time.Sleep(20 * time.Millisecond) {
		if cond() {
			return
		}
	}
	t.Fatalf("gave up waiting for %s", what)
}

func logs(t *testing.T, root, name string) string {
	var b bytes.Buffer
	if err := container.Logs(root, name, false, &b, nil); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

func execIn(t *testing.T, root, name string, args ...string) (int, string) {
	t.Helper()
	var out bytes.Buffer
	code, err := container.Exec(name, container.ExecOptions{StateRoot: root, Args: args, Stdout: &out, Stderr: &out})
	if err != nil {
		t.Fatalf("Exec(%q): %v", args, err)
	}
	return code, out.String()
}

// traces lists what a container could leave on the host: mounts naming
// the state root, cgroup directories named after sysdojo, veths.
func traces(t *testing.T, root string) []string {
	var out []string
	for _, l := range strings.Split(mountinfo(t), "\n") {
		if strings.Contains(l, filepath.Dir(root)) {
			out = append(out, "mount: "+l)
		}
	}
	ents, _ := os.ReadDir(root)
	for _, e := range ents {
		out = append(out, "state: "+e.Name())
	}
	logs, _ := os.ReadDir(container.LogDir(root))
	for _, e := range logs {
		out = append(out, "log: "+e.Name())
	}
	return out
}

func TestDetachedLifecycle(t *testing.T) {
	for _, m := range initModes {
		t.Run(m.name, func(t *testing.T) { testDetachedLifecycle(t, m.init) })
	}
}

func testDetachedLifecycle(t *testing.T, init bool) {
	in, root := detach(t, container.Config{Name: "life", Init: init, Limits: container.Limits{Pids: 64},
		Args: sh(`echo started; trap 'echo got-term; exit 7' TERM; while true; do sleep 0.05; done`)})
	if in.Name != "life" {
		t.Fatalf("name %q, want life", in.Name)
	}
	got := find(t, root, "life")
	if !got.Running() || got.PID <= 0 || got.Limits.Pids != 64 {
		t.Fatalf("ps: %+v, want running with its PID and limits", got)
	}
	waitFor(t, "the output in the log", func() bool { return strings.Contains(logs(t, root, "life"), "started") })

	// A second container of that name is refused while the first exists.
	_, err := container.Detach(container.Config{Rootfs: testRootfs(t), StateRoot: root, Name: "life",
		Args: []string{"true"}, Hooks: &container.Hooks{Detached: true}})
	if kind(err) != i18n.KindInvalid || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("duplicate name: %v, want bad input", err)
	}

	was, err := container.Stop(root, "life", 10*time.Second)
	if err != nil || !was {
		t.Fatalf("Stop: %v %v", was, err)
	}
	got = find(t, root, "life")
	if got.Running() || got.ExitCode == nil || *got.ExitCode != 7 {
		t.Fatalf("after stop: %+v, want exited (7) from the TERM trap", got)
	}
	if !strings.Contains(logs(t, root, "life"), "got-term") {
		t.Errorf("log %q lacks the trap's output", logs(t, root, "life"))
	}
	code, err := container.Exec("life", container.ExecOptions{StateRoot: root, Args: []string{"true"}})
	if kind(err) != i18n.KindFailed || code != 0 || !strings.Contains(err.Error(), "exited with status 7") {
		t.Errorf("exec into a stopped container: %d %v, want a failure saying it exited", code, err)
	}
	if _, err := container.Remove(root, "life", false); err != nil {
		t.Fatal(err)
	}
	if tr := traces(t, root); len(tr) > 0 {
		t.Errorf("left behind: %q", tr)
	}
	if _, err := container.Find(root, "life"); kind(err) != i18n.KindInvalid {
		t.Errorf("Find after rm: %v, want bad input", err)
	}
}

func TestStopKillsWhatIgnoresTerm(t *testing.T) {
	_, root := detach(t, container.Config{Name: "stubborn", Args: sh(`trap '' TERM; echo ready; while true; do sleep 0.05; done`)})
	waitFor(t, "the trap", func() bool { return strings.Contains(logs(t, root, "stubborn"), "ready") })
	if _, err := container.Stop(root, "stubborn", 200*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	got := find(t, root, "stubborn")
	if got.Running() || got.ExitCode == nil || *got.ExitCode != 137 {
		t.Fatalf("after stop: %+v, want exited (137): SIGKILL after the grace period", got)
	}
	// rm of a running container needs -f; of a stopped one it does not.
	_, root2 := detach(t, container.Config{Name: "busy", Args: []string{"sleep", "1000"}})
	if _, err := container.Remove(root2, "busy", false); kind(err) != i18n.KindFailed {
		t.Errorf("rm of a running container: %v, want a failure", err)
	}
	if _, err := container.Remove(root2, "busy", true); err != nil {
		t.Fatal(err)
	}
	if tr := traces(t, root2); len(tr) > 0 {
		t.Errorf("left behind: %q", tr)
	}
}

// TestExec: what exec runs sees the container, not the host.
func TestExec(t *testing.T) {
	_, root := detach(t, container.Config{Name: "box", Hostname: "exec-box", Limits: container.Limits{Memory: 64 << 20, Pids: 64},
		Args: sh(`cat /proc/self/cgroup; grep -E '^(CapEff|NoNewPrivs)' /proc/self/status; echo ready; exec sleep 1000`)})
	waitFor(t, "the container", func() bool { return strings.Contains(logs(t, root, "box"), "ready") })
	mainView := strings.TrimSuffix(logs(t, root, "box"), "ready\n")

	hostName, _ := os.Hostname()
	if _, out := execIn(t, root, "box", "hostname"); strings.TrimSpace(out) != "exec-box" {
		t.Errorf("hostname inside: %q, want exec-box (host: %q)", out, hostName)
	}
	_, out := execIn(t, root, "box", "ps", "-o", "pid,comm")
	ps := lines(out)
	if len(ps) != 3 || !strings.Contains(out, "1 sleep") {
		t.Errorf("ps inside:\n%s\nwant the header, sleep (PID 1) and ps only", out)
	}
	if strings.Contains(out, strconv.Itoa(os.Getpid())+" ") && !strings.Contains(out, "  "+strconv.Itoa(os.Getpid())) {
		t.Logf("ps: %s", out)
	}
	_, out = execIn(t, root, "box", "ls", "/")
	if !strings.Contains(out, "linuxrc") {
		t.Errorf("/ inside: %q, want the busybox rootfs (with linuxrc)", out)
	}
	if _, err := os.Stat("/linuxrc"); err == nil {
		t.Log("the host has /linuxrc too; the root check is weaker")
	}
	_, out = execIn(t, root, "box", "cat", "/proc/net/dev")
	if !strings.Contains(out, "lo:") || strings.Count(out, ":") != 1 {
		t.Errorf("network inside:\n%s\nwant only lo", out)
	}
	// Same cgroups (seen from the container's cgroup namespace), same
	// capabilities and no_new_privs as the container's own command.
	_, out = execIn(t, root, "box", "sh", "-c", `cat /proc/self/cgroup; grep -E '^(CapEff|NoNewPrivs)' /proc/self/status`)
	if out != mainView {
		t.Errorf("exec's cgroups and privileges:\n%s\nthe container's:\n%s", out, mainView)
	}
	if !strings.Contains(out, "NoNewPrivs:\t1") {
		t.Errorf("no_new_privs not set: %s", out)
	}
	// The exit status is the command's; env and working directory apply.
	var b bytes.Buffer
	code, err := container.Exec("box", container.ExecOptions{StateRoot: root, Env: []string{"GREETING=hi"}, Dir: "/tmp",
		Args: sh(`echo $GREETING; pwd; exit 5`), Stdout: &b})
	if err != nil || code != 5 || b.String() != "hi\n/tmp\n" {
		t.Errorf("exec -e -w: %d %v %q", code, err, b.String())
	}
	// A command that is not there: 127, like a shell.
	_, err = container.Exec("box", container.ExecOptions{StateRoot: root, Args: []string{"no-such-cmd"}})
	if kind(err) != 127 {
		t.Errorf("missing command: %v, want exit 127", err)
	}
	if _, err := container.Exec("nobody", container.ExecOptions{StateRoot: root, Args: []string{"true"}}); kind(err) != i18n.KindInvalid {
		t.Errorf("unknown container: %v, want bad input", err)
	}
	// A command past its Timeout is killed with the processes of its
	// group, and its output copies do not hold Exec.
	code, err = container.Exec("box", container.ExecOptions{StateRoot: root, Timeout: time.Second,
		Args: sh(`sleep 1001 & echo started; exec sleep 1001`), Stdout: &b})
	if !errors.Is(err, container.ErrExecTimeout) || code != 128+9 {
		t.Errorf("exec past its timeout: %d %v, want 137 and ErrExecTimeout", code, err)
	}
	if _, out := execIn(t, root, "box", "ps", "-o", "pid,args"); strings.Contains(out, "sleep 1001") {
		t.Errorf("the timed-out command's processes still run:\n%s", out)
	}
	// Host name and mounts of the host untouched.
	if h, _ := os.Hostname(); h != hostName {
		t.Errorf("host name changed to %q", h)
	}
}

func TestVolumes(t *testing.T) {
	rootfs := testRootfs(t)
	host := t.TempDir()
	os.WriteFile(filepath.Join(host, "from-host"), []byte("hello\n"), 0o644)
	before := hostMounts(t, rootfs, host)
	rw, err := container.ParseVolume(host + ":/data")
	if err != nil {
		t.Fatal(err)
	}
	ro, _ := container.ParseVolume(host + ":/ro:ro")
	_, out, _ := runIn(t, container.Config{Rootfs: rootfs, Hooks: &container.Hooks{Volumes: []container.Volume{rw, ro}},
		Args: sh(`cat /data/from-host; echo inside > /data/from-ctr; echo x > /ro/nope 2>/dev/null || echo ro-refused; grep -c ' /ro ' /proc/self/mountinfo`)})
	if out != "hello\nro-refused\n1\n" {
		t.Errorf("inside: %q", out)
	}
	if b, err := os.ReadFile(filepath.Join(host, "from-ctr")); err != nil || string(b) != "inside\n" {
		t.Errorf("the file written inside, on the host: %q %v", b, err)
	}
	if _, err := os.Stat(filepath.Join(host, "nope")); err == nil {
		t.Error("a write through :ro reached the host")
	}
	if _, err := os.Stat(filepath.Join(rootfs, "data")); err == nil {
		t.Error("the mount point was made in the rootfs itself")
	}
	if after := hostMounts(t, rootfs, host); after != before {
		t.Errorf("the host's mount table changed")
	}
	// A host path that does not exist: bad input, nothing started.
	_, err = container.Run(container.Config{Rootfs: rootfs, StateRoot: filepath.Join(t.TempDir(), "s"), Args: []string{"true"},
		Hooks: &container.Hooks{Volumes: []container.Volume{{Host: "/no/such/dir", Container: "/x"}}}})
	if kind(err) != i18n.KindInvalid {
		t.Errorf("missing host dir: %v, want bad input", err)
	}
}

func TestParseVolume(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // Volume.String(), or "" for an error
	}{
		{"/srv:/data", "/srv:/data"},
		{"/srv:/data:ro", "/srv:/data:ro"},
		{"/srv:/data:rw", "/srv:/data"},
		{"/srv:/data/../x/", "/srv:/x"},
		{"/srv:data", ""},
		{"/srv:/", ""},
		{"/srv:/proc/x", ""},
		{"/srv:/dev", ""},
		{"/srv:/data:rx", ""},
		{"/srv", ""},
		{":/data", ""},
		{"/a:/b:ro:x", ""},
	} {
		v, err := container.ParseVolume(c.in)
		switch {
		case c.want == "" && err == nil:
			t.Errorf("ParseVolume(%q) = %v, want an error", c.in, v)
		case c.want == "" && kind(err) != i18n.KindInvalid:
			t.Errorf("ParseVolume(%q): %v, want bad input", c.in, err)
		case c.want != "" && (err != nil || v.String() != c.want):
			t.Errorf("ParseVolume(%q) = %v, %v; want %s", c.in, v, err, c.want)
		}
	}
}

func FuzzParseVolume(f *testing.F) {
	for _, s := range []string{"/a:/b", "/a:/b:ro", "a:/b", "/a:b", "::", "/a:/proc", "/a:/b:ro:ro", "\x00:/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := container.ParseVolume(s)
		if err != nil {
			if kind(err) != i18n.KindInvalid {
				t.Fatalf("%q: %v is not bad input", s, err)
			}
			return
		}
		if !filepath.IsAbs(v.Container) || v.Container == "/" || v.Container == "/proc" || strings.HasPrefix(v.Container, "/proc/") || !filepath.IsAbs(v.Host) {
			t.Fatalf("%q accepted as %+v", s, v)
		}
	})
}

func TestParsePort(t *testing.T) {
	for in, want := range map[string]string{"8080:80": "127.0.0.1:8080->80/tcp", "80": "127.0.0.1:80->80/tcp",
		"0:80": "", "70000:80": "", "a:b": "", "": "", "80:": "", "+1:2": "", "1:-2": ""} {
		p, err := container.ParsePort(in)
		if want == "" {
			if kind(err) != i18n.KindInvalid {
				t.Errorf("ParsePort(%q) = %v, %v; want bad input", in, p, err)
			}
			continue
		}
		if err != nil || p.String() != want {
			t.Errorf("ParsePort(%q) = %v, %v; want %s", in, p, err, want)
		}
	}
}

func FuzzParsePort(f *testing.F) {
	for _, s := range []string{"8080:80", "1", "65535:65535", "0:0", "x", "1:2:3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := container.ParsePort(s)
		if err == nil && (p.Host < 1 || p.Host > 65535 || p.Container < 1 || p.Container > 65535) {
			t.Fatalf("%q accepted as %+v", s, p)
		}
	})
}

func TestParseSubnet(t *testing.T) {
	for in, ok := range map[string]bool{"10.203.0.0/24": true, "192.168.77.0/28": true, "10.203.0.5/24": true,
		"8.8.8.0/24": false, "10.0.0.0/8": false, "10.203.0.0/30": false, "fd00::/64": false, "x": false} {
		_, err := container.ParseSubnet(in)
		if (err == nil) != ok {
			t.Errorf("ParseSubnet(%q): %v, want ok=%v", in, err, ok)
		}
	}
}

func freePort(t *testing.T) int {
	l, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

func get(url string) (string, error) {
	c := http.Client{Timeout: 2 * time.Second}
	r, err := c.Get(url)
	if err != nil {
		return "", err
	}
	defer r.Body.Close()
	b, err := io.ReadAll(r.Body)
	return string(b), err
}

// TestPorts: a server in the container answers on the host's loopback,
// with --net none and --net bridge; the port is free again after stop.
func TestPorts(t *testing.T) {
	for _, mode := range []string{"none", "bridge"} {
		t.Run(mode, func(t *testing.T) {
			port := freePort(t)
			h := &container.Hooks{Ports: []container.Port{{Host: port, Container: 8080}}}
			if mode == "bridge" {
				h.Bridge = &container.Bridge{}
			}
			in, root := detach(t, container.Config{Name: "web-" + mode, Hooks: h,
				Args: sh(`mkdir -p /www && echo "hello from $(hostname)" > /www/index.html && exec httpd -f -p 8080 -h /www`)})
			url := fmt.Sprintf("http://127.0.0.1:%d/", port)
			var body string
			waitFor(t, "the server", func() bool {
				var err error
				body, err = get(url)
				return err == nil
			})
			if body != "hello from web-"+mode+"\n" {
				t.Errorf("GET %s: %q", url, body)
			}
			// A second container cannot take the same port.
			_, err := container.Detach(container.Config{Rootfs: testRootfs(t), StateRoot: root, Args: []string{"true"},
				Hooks: &container.Hooks{Detached: true, Ports: []container.Port{{Host: port, Container: 1}}}})
			if kind(err) != i18n.KindInvalid || !strings.Contains(err.Error(), "already in use") {
				t.Errorf("port in use: %v", err)
			}
			if mode == "bridge" {
				got := find(t, root, in.Name)
				if got.Net == nil {
					t.Fatal("no network recorded")
				}
				if b, err := get("http://" + got.Net.ContainerIP + ":8080/"); err != nil || b != body {
					t.Errorf("the container's own address %s: %q %v", got.Net.ContainerIP, b, err)
				}
				if _, err := os.Stat("/sys/class/net/" + got.Net.HostIf); err != nil {
					t.Errorf("host veth %s: %v", got.Net.HostIf, err)
				}
				_, out := execIn(t, root, in.Name, "ip", "route")
				if !strings.Contains(out, "default via "+got.Net.HostIP) || strings.Count(strings.TrimSpace(out), "\n") != 1 {
					t.Errorf("routes inside: %q, want the /30 link and the default route through the host's end", out)
				}
				defer func() {
					if _, err := os.Stat("/sys/class/net/" + got.Net.HostIf); err == nil {
						t.Errorf("veth %s left after rm", got.Net.HostIf)
					}
				}()
			}
			container.Stop(root, in.Name, time.Second)
			if _, err := net.DialTimeout("tcp4", fmt.Sprintf("127.0.0.1:%d", port), time.Second); err == nil {
				t.Errorf("port %d still answers after stop", port)
			}
			l, err := net.Listen("tcp4", fmt.Sprintf("127.0.0.1:%d", port))
			if err != nil {
				t.Errorf("port %d not released: %v", port, err)
			} else {
				l.Close()
			}
			if _, err := container.Remove(root, in.Name, false); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestRuntimeKilled: the runtime SIGKILLed while a detached container
// runs; ps says so, and gc cleans everything.
func TestRuntimeKilled(t *testing.T) {
	_, root := detach(t, container.Config{Name: "crash", Limits: container.Limits{Memory: 32 << 20},
		Hooks: &container.Hooks{Bridge: &container.Bridge{}}, Args: []string{"sleep", "1000"}})
	dirs, _ := os.ReadDir(root)
	if len(dirs) != 1 {
		t.Fatalf("state dirs: %v", dirs)
	}
	st, err := container.ReadState(filepath.Join(root, dirs[0].Name()))
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(st.RuntimePID, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "ps to see it ended", func() bool { return !find(t, root, "crash").Running() })
	if len(rulesOf(t, st.ID)) == 0 {
		t.Errorf("no NAT rules of the killed container before gc: the test cannot see a leak")
	}
	if got := find(t, root, "crash"); got.ExitCode != nil {
		t.Errorf("exit code %d reported, but nobody saw it end", *got.ExitCode)
	}
	got, err := container.GCAll(root)
	if err != nil {
		t.Fatal(err)
	}
	what := map[string]bool{}
	for _, g := range got {
		what[g.What] = true
	}
	if !what["dir"] || !what["cgroup"] || !what["log"] || !what["nat"] || !what["resolv.conf"] || !what["hosts"] {
		t.Errorf("gc removed %+v, want the state dir, cgroup, log, NAT rules, resolv.conf and hosts", got)
	}
	if left := rulesOf(t, st.ID); len(left) > 0 {
		t.Errorf("NAT rules left after gc: %q", left)
	}
	if tr := traces(t, root); len(tr) > 0 {
		t.Errorf("left behind: %q", tr)
	}
	for _, d := range st.Cgroup.Dirs() {
		if _, err := os.Stat(d); err == nil {
			t.Errorf("cgroup %s left behind", d)
		}
	}
}

// TestBundleRunc: runc runs the exported bundle with the same isolation.
func TestBundleRunc(t *testing.T) {
	rootfs := testRootfs(t)
	runc := testenv.NeedTool(t, "runc")
	out := filepath.Join(t.TempDir(), "bundle")
	rep, err := container.Bundle(out, container.BundleOptions{Rootfs: rootfs, Hostname: "oci-box", Limits: container.Limits{Memory: 64 << 20, Pids: 32},
		Args: sh(`hostname; cat /proc/1/comm; grep -E '^(CapEff|NoNewPrivs)' /proc/self/status; cat /proc/net/dev | grep -c :; mount -t tmpfs x /tmp 2>/dev/null && echo MOUNTED; echo x > /probe && echo wrote`)})
	if err != nil {
		t.Fatal(err)
	}
	state := t.TempDir()
	id := fmt.Sprintf("sysdojo-test-%d", os.Getpid())
	t.Cleanup(func() { exec.Command(runc, "--root", state, "delete", "-f", id).Run() })
	cmd := exec.Command(runc, "--root", state, "run", "--bundle", rep.Dir, id)
	var b, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &b, &e
	if err := cmd.Run(); err != nil {
		t.Fatalf("runc run: %v\n%s", err, e.String())
	}
	caps := uint64(0)
	for _, c := range container.DefaultCaps {
		caps |= 1 << c
	}
	want := fmt.Sprintf("oci-box\nsh\nCapEff:\t%016x\nNoNewPrivs:\t1\n1\nwrote\n", caps)
	if b.String() != want {
		t.Errorf("inside runc:\n%s\nwant:\n%s", b.String(), want)
	}
	if _, err := os.Stat(filepath.Join(rootfs, "probe")); err == nil {
		t.Error("the write reached sysdojo's rootfs, not the bundle's copy")
	}
}

func TestSpec(t *testing.T) {
	s, err := container.Spec(container.BundleOptions{Args: []string{"sh"}, Limits: container.Limits{Memory: 1 << 26, Pids: 10, CPUs: 0.5}})
	if err != nil {
		t.Fatal(err)
	}
	var ns []string
	for _, n := range s.Linux.Namespaces {
		ns = append(ns, string(n.Type))
	}
	if got := strings.Join(ns, ","); got != "pid,network,ipc,uts,mount,cgroup" {
		t.Errorf("namespaces %s", got)
	}
	if !s.Process.NoNewPrivileges || len(s.Process.Capabilities.Bounding) != len(container.DefaultCaps) {
		t.Errorf("process %+v", s.Process)
	}
	r := s.Linux.Resources
	if *r.Memory.Limit != 1<<26 || r.Pids.Limit != 10 || *r.CPU.Quota != 50000 {
		t.Errorf("resources %+v", r)
	}
	if _, err := container.Spec(container.BundleOptions{}); kind(err) != i18n.KindInvalid {
		t.Errorf("no command: %v", err)
	}
}

func ExampleParsePort() {
	p, _ := container.ParsePort("8080:80")
	fmt.Println(p)
	_, err := container.ParsePort("8080:http")
	fmt.Println(err)
	// Output:
	// 127.0.0.1:8080->80/tcp
	// bad port "8080:http" (use HOSTPORT:CTRPORT, each 1-65535, e.g. 8080:80)
}

func ExampleParseVolume() {
	v, _ := container.ParseVolume("/srv/www:/var/www:ro")
	fmt.Println(v.Host, "->", v.Container, "read-only:", v.ReadOnly)
	_, err := container.ParseVolume("/srv/www:var/www")
	fmt.Println(err)
	// Output:
	// /srv/www -> /var/www read-only: true
	// bad volume "/srv/www:var/www": the container path must be absolute
}
