package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/debtest"
	"github.com/sysdojo/sysdojo/internal/testenv"
)

// TestContainerAptEndToEnd is issue 15's "done when", as a class with no
// internet lives it: the .debs of a Debian root (fetched once from this
// machine's APT sources at set-up, then cached) served by `apt serve
// --pool` on 127.0.0.1; a Debian root built from it by `container rootfs
// debian`; a container on the bridge that reaches a second `apt serve`
// listening on the bridge's address, its default route (never any
// address beyond this machine), runs apt-get update and install of the demo package,
// useradd and exec -d; `container diff` shows what that changed; rm,
// and gc after the runtime is SIGKILLed, leave no link, address, NAT
// rule or file behind.
func TestContainerAptEndToEnd(t *testing.T) {
	testenv.NeedRoot(t)
	testenv.NeedTool(t, "mmdebstrap")
	exe := testenv.StaticSysdojo(t)
	pool := debtest.Pool(t)
	suite := debtest.Suite(t)
	forwardBefore := readForward(t)

	mirror := debtest.Serve(t, exe, pool, "127.0.0.1:0")
	root := filepath.Join(t.TempDir(), "debian")
	debtest.Root(t, exe, mirror, root)
	if b, err := os.ReadFile(filepath.Join(root, "etc/apt/sources.list")); err != nil || !strings.Contains(string(b), mirror) {
		t.Errorf("the root's sources.list: %q %v, want the class mirror %s", b, err, mirror)
	}
	for _, f := range []string{"usr/bin/apt-get", "usr/sbin/useradd", "etc/apt/trusted.gpg.d/sysdojo-apt-serve.gpg"} {
		if _, err := os.Stat(filepath.Join(root, f)); err != nil {
			t.Errorf("the Debian root has no %s: %v", f, err)
		}
	}

	sd := func(args ...string) (string, error) {
		cmd := exec.Command(exe, args...)
		cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "SYSDOJO_CLASS=off")
		out, err := cmd.CombinedOutput()
		return string(out), err
	}
	must := func(args ...string) string {
		t.Helper()
		out, err := sd(args...)
		if err != nil {
			t.Fatalf("sysdojo %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return strings.TrimSpace(out)
	}
	name := fmt.Sprintf("e2e-apt-%d", os.Getpid())
	t.Cleanup(func() { sd("container", "rm", "-f", name) })
	must("container", "run", "-d", "--network", "bridge", "--rootfs", root, "--name", name, "--", "sleep", "600")
	id := must("container", "inspect", "-f", "{{.ID}}", name)
	gw := must("container", "inspect", "-f", "{{.Net.HostIP}}", name)
	hostIf := must("container", "inspect", "-f", "{{.Net.HostIf}}", name)

	// The container's class mirror: apt serve on the bridge's address
	// (the container's 127.0.0.1 is its own).
	inside := debtest.Serve(t, exe, pool, gw+":0")
	out := must("container", "exec", name, "--", "sh", "-c",
		"echo 'deb "+inside+"debian "+suite+" main' > /etc/apt/sources.list && apt-get update && apt-get install -y sysdojo-hello && sysdojo-hello")
	if !strings.Contains(out, "Setting up sysdojo-hello") {
		t.Errorf("apt-get install inside:\n%s", out)
	}
	must("container", "exec", name, "--", "useradd", "-m", "kim")
	if out := must("container", "exec", name, "--", "id", "-un", "kim"); out != "kim" {
		t.Errorf("id -un kim inside: %q", out)
	}
	must("container", "exec", "-d", name, "--", "sleep", "1234")
	procs := ""
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		procs = must("container", "exec", name, "--", "sh", "-c", `for p in /proc/[0-9]*; do tr '\0' ' ' < $p/cmdline; echo; done`)
		if strings.Contains(procs, "sleep 1234") {
			break
		}
	}
	if !strings.Contains(procs, "sleep 1234") {
		t.Errorf("exec -d sleep 1234: not among the container's processes:\n%s", procs)
	}
	diff := must("container", "diff", name)
	for _, want := range []string{"A /usr/bin/sysdojo-hello", "C /var/lib/dpkg/status", "A /home/kim", "C /etc/passwd"} {
		if !strings.Contains("\n"+diff+"\n", "\n"+want+"\n") {
			t.Errorf("container diff has no line %q", want)
		}
	}
	if _, err := os.Stat(filepath.Join(root, "usr/bin/sysdojo-hello")); err == nil {
		t.Errorf("the install inside reached the root on the host")
	}
	if len(natRulesOf(t, id)) == 0 || !linkUp(hostIf) {
		t.Fatalf("no NAT rules or link %s while %s runs: the leak test below could not see a leak", hostIf, name)
	}

	must("container", "rm", "-f", name)
	noTrace(t, id, hostIf, gw, forwardBefore)

	// gc after the runtime and the container were SIGKILLed: nobody
	// removed anything, gc does.
	name2 := name + "-k"
	t.Cleanup(func() { sd("container", "rm", "-f", name2) })
	must("container", "run", "-d", "--network", "bridge", "--rootfs", root, "--name", name2, "--", "sleep", "600")
	id2 := must("container", "inspect", "-f", "{{.ID}}", name2)
	gw2 := must("container", "inspect", "-f", "{{.Net.HostIP}}", name2)
	hostIf2 := must("container", "inspect", "-f", "{{.Net.HostIf}}", name2)
	pid, _ := strconv.Atoi(must("container", "inspect", "-f", "{{.PID}}", name2))
	if pid <= 1 {
		t.Fatalf("container %s has PID %d", name2, pid)
	}
	if rt := parentOf(pid); rt > 1 {
		syscall.Kill(rt, syscall.SIGKILL)
	}
	syscall.Kill(pid, syscall.SIGKILL)
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if unix.Kill(pid, 0) != nil {
			break
		}
	}
	if len(natRulesOf(t, id2)) == 0 {
		t.Errorf("no NAT rules of the killed container before gc: the test cannot see a leak")
	}
	must("container", "gc")
	noTrace(t, id2, hostIf2, gw2, forwardBefore)
}

func readForward(t *testing.T) string {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

func natRulesOf(t *testing.T, id string) []string {
	t.Helper()
	rules, err := container.NATRulesOf(id)
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

// addrTable is the bridge's address table (addresses.json): the
// containers on it now, this test's and others'.
func addrTable(t *testing.T) []map[string]string {
	var out []map[string]string
	if b, err := os.ReadFile(filepath.Join(filepath.Dir(container.DefaultStateRoot), "net", "addresses.json")); err == nil {
		if err := json.Unmarshal(b, &out); err != nil {
			t.Errorf("addresses.json: %v", err)
		}
	}
	return out
}

func linkUp(name string) bool { _, err := netlink.LinkByName(name); return err == nil }

func parentOf(pid int) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 2 {
		return 0
	}
	p, _ := strconv.Atoi(f[1])
	return p
}

// noTrace fails t if anything of container id's network is left: its
// link, its address in the pool, the bridge when nobody is on it, its NAT rules, its resolv.conf and
// hosts files; and, with no NAT rules of anyone left, forwarding as it
// was before the test and sysdojo's note of it gone.
func noTrace(t *testing.T, id, hostIf, addr, forwardBefore string) {
	t.Helper()
	if linkUp(hostIf) {
		t.Errorf("link %s left behind", hostIf)
	}
	others := addrTable(t)
	for _, o := range others {
		if o["id"] == id || o["ip"] == addr {
			t.Errorf("address %s still taken by %s", o["ip"], o["id"])
		}
	}
	if len(others) == 0 && linkUp(container.BridgeName) {
		t.Errorf("the bridge %s left with no container on it", container.BridgeName)
	}
	if left := natRulesOf(t, id); len(left) > 0 {
		t.Errorf("NAT rules left: %q", left)
	}
	net := filepath.Join(filepath.Dir(container.DefaultStateRoot), "net")
	for _, f := range []string{"resolv-" + id + ".conf", "hosts-" + id} {
		if _, err := os.Stat(filepath.Join(net, f)); err == nil {
			t.Errorf("%s left behind", filepath.Join(net, f))
		}
	}
	if all, _ := container.NATRules(); all == nil {
		if got := readForward(t); got != forwardBefore {
			t.Errorf("ip_forward %s with no container left, was %s", got, forwardBefore)
		}
		if _, err := os.Stat(container.ForwardingFile()); err == nil {
			t.Errorf("%s left with no container", container.ForwardingFile())
		}
	}
}
