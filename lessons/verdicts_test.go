package lessons

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

// The negative tests of issue 16: each performs a wrong action a student
// took and asserts the step does not pass, and that the right action
// does. Each failed on the code before the issue (see the list).

// upTo sets lesson id up for seed in a fresh workspace and solves the
// steps before step n; it returns the bound lesson and the workspace.
func upTo(t *testing.T, id, seed string, n int) (*Lesson, string) {
	t.Helper()
	src, err := Get(id)
	if err != nil {
		t.Fatal(err)
	}
	l := src.Bind(seed, machine(t))
	dir := t.TempDir()
	if err := l.Setup(dir); err != nil {
		t.Fatal(err)
	}
	for k := 1; k < n; k++ {
		var out bytes.Buffer
		if _, err := l.Solve(context.Background(), k, dir, &out); err != nil {
			t.Fatalf("step %d: %v\n%s", k, err, out.String())
		}
	}
	return l, dir
}

func shell(t *testing.T, dir, script string) {
	t.Helper()
	cmd := exec.Command("/bin/sh", "-c", script)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("%s: %v\n%s", script, err, out)
	}
}

func mustFail(t *testing.T, l *Lesson, n int, env Env, what string) StepResult {
	t.Helper()
	r := l.CheckStep(n, env)
	if r.Passed {
		t.Errorf("%s step %d passes after the wrong action: %s", l.ID, n, what)
	}
	return r
}

func mustPass(t *testing.T, l *Lesson, n int, env Env, what string) {
	t.Helper()
	if r := l.CheckStep(n, env); !r.Passed {
		var lines []string
		for _, c := range r.Criteria {
			lines = append(lines, c.Line.En)
		}
		t.Errorf("%s step %d fails after the right action (%s):\n  %s", l.ID, n, what, strings.Join(lines, "\n  "))
	}
}

// The security line moved to the mirror too: the task said to keep it.
func TestVerdictSecurityLine(t *testing.T) {
	for _, seed := range []string{"0000000000000001", "00000000000000ff"} {
		l, dir := upTo(t, "apt-mirror", seed, 3)
		url := l.Value("url")
		shell(t, dir, `sed -i 's|http://[a-z.]*\.ubuntu\.com/ubuntu/|`+url+`/|' sandbox/etc/apt/sources.list`)
		mustFail(t, l, 3, Env{Dir: dir}, "every line, security too, switched")
		shell(t, dir, `sed -i '/security/d' sandbox/etc/apt/sources.list`)
		mustFail(t, l, 3, Env{Dir: dir}, "the security line deleted")

		l, dir = upTo(t, "apt-mirror", seed, 4)
		shell(t, dir, `sed -i 's|http://[^ ]*|http://archive.ubuntu.com/ubuntu/|' sandbox-back/etc/apt/sources.list`)
		mustFail(t, l, 4, Env{Dir: dir}, "the security line moved to archive.ubuntu.com")
		shell(t, dir, `sed -i 's|http://archive.ubuntu.com/ubuntu/ jammy-security|http://security.ubuntu.com/ubuntu/ jammy-security|' sandbox-back/etc/apt/sources.list`)
		mustPass(t, l, 4, Env{Dir: dir}, "main lines back, security line kept")
	}
}

// ps run on the host, not inside the container.
func TestVerdictHostPS(t *testing.T) {
	testenv.NeedTool(t, "ps")
	l, dir := upTo(t, "containers", "0000000000000001", 1)
	n := stepTitled(t, l, "Its own process tree (PID namespace)")
	shell(t, dir, "ps > ps.txt")
	mustFail(t, l, n, Env{Dir: dir}, "ps run on the host")
	shell(t, dir, "ps -e > ps.txt")
	mustFail(t, l, n, Env{Dir: dir}, "ps -e run on the host")
	// What busybox ps prints inside a new PID namespace, written on the
	// host: read from the host, it is no evidence either
	// (TestVerdictHostMadeContainerEvidence).
	os.WriteFile(filepath.Join(dir, "ps.txt"), []byte("PID   USER     COMMAND\n    1 root     ps\n"), 0o644)
	mustFail(t, l, n, Env{Dir: dir}, "an inside-looking list written on the host")

	l, dir = upTo(t, "containers-isolation", "0000000000000001", 1)
	n = stepTitled(t, l, "The network namespace")
	if data, _ := os.ReadFile("/proc/net/dev"); strings.Count(string(data), ":") > 1 {
		shell(t, dir, "cat /proc/net/dev > netdev.txt")
		mustFail(t, l, n, Env{Dir: dir}, "/proc/net/dev read on the host")
	}
	os.WriteFile(filepath.Join(dir, "netdev.txt"), []byte("Inter-|   Receive\n face |bytes\n    lo:       0       0    0    0\n"), 0o644)
	mustPass(t, l, n, Env{Dir: dir}, "/proc/net/dev read inside")
}

func stepTitled(t *testing.T, l *Lesson, title string) int {
	t.Helper()
	for i, s := range l.Steps {
		if s.Title.En == title {
			return i + 1
		}
	}
	t.Fatalf("%s has no step %q", l.ID, title)
	return 0
}

// A working absolute link repairs the experiment as well as a relative
// one; a link to the other (unmoved) basefile does not.
func TestVerdictAbsoluteLink(t *testing.T) {
	l, dir := upTo(t, "links-experiment", "0000000000000001", 6)
	n := stepTitled(t, l, "Repair the symbolic link")
	shell(t, dir, `ln -sf ../basefile trial/softlink`)
	mustFail(t, l, n, Env{Dir: dir}, "a link to the original basefile, not the moved one")
	shell(t, dir, `ln -sf "$PWD/trial/other/basefile" trial/softlink`)
	mustPass(t, l, n, Env{Dir: dir}, "an absolute link to the moved file")
	shell(t, dir, `ln -sf ./other/basefile trial/softlink`)
	mustPass(t, l, n, Env{Dir: dir}, "./other/basefile")
}

// "Undo the 777" does not pass before anything is done, nor after a
// chmod of every file.
func TestVerdictUndoBeforeDoing(t *testing.T) {
	l, dir := upTo(t, "perm-octal", "0000000000000001", 4)
	n := stepTitled(t, l, "Undo the 777")
	mustFail(t, l, n, Env{Dir: dir}, "nothing done")
	shell(t, dir, "chmod 644 *")
	mustFail(t, l, n, Env{Dir: dir}, "chmod 644 * (backup.sh lost its x)")
	shell(t, dir, "chmod 755 backup.sh")
	mustPass(t, l, n, Env{Dir: dir}, "only notes.txt changed")
}

// The symbolic steps: the octal shortcut breaks the files whose other
// bits differ.
func TestVerdictOctalInSymbolicStep(t *testing.T) {
	l, dir := upTo(t, "perm-symbolic", "0000000000000001", 1)
	shell(t, dir, "chmod 744 bin/*.sh")
	mustFail(t, l, 1, Env{Dir: dir}, "chmod 744 bin/*.sh")
	shell(t, dir, "chmod 644 bin/*.sh && chmod u+x bin/*.sh")
	mustFail(t, l, 1, Env{Dir: dir}, "u+x after an octal chmod that lost the other bits")

	l, dir = upTo(t, "perm-symbolic", "0000000000000001", 2)
	shell(t, dir, "chmod 644 shared/*")
	mustFail(t, l, 2, Env{Dir: dir}, "chmod 644 shared/*")
	shell(t, dir, "chmod 622 shared/log.txt; chmod 666 shared/todo.txt; chmod 664 shared/plan.txt; chmod go-w shared/*")
	mustPass(t, l, 2, Env{Dir: dir}, "go-w")
}

// A failure message says what is missing, never the mode to type.
func TestModeFailureGivesNoAnswer(t *testing.T) {
	for _, seed := range []string{"0000000000000001", "00000000000000ff", "0000000000000abc"} {
		l, dir := upTo(t, "perm-octal", seed, 3)
		n := stepTitled(t, l, "Work out the number yourself")
		want := l.Value("rmode")
		m, _ := parseMode(want)
		shell(t, dir, "chmod 0751 report.txt")
		r := mustFail(t, l, n, Env{Dir: dir}, "a wrong mode")
		for _, c := range r.Criteria {
			for _, line := range []string{c.Line.En, c.Line.Ko, c.Want} {
				if strings.Contains(line, want) || strings.Contains(line, want[1:]) || strings.Contains(line, lsBits(m)) {
					t.Errorf("seed %s: the failure gives the answer %s away: %q", seed, want, line)
				}
			}
			if !strings.Contains(c.Line.En, "0751") || !strings.Contains(c.Line.En, "cannot") && !strings.Contains(c.Line.En, "still") {
				t.Errorf("seed %s: the failure does not say what it saw and what is missing: %q", seed, c.Line.En)
			}
		}
	}
}

// A file made on the host, in rootfs/tmp, shows through the container's
// lower layer; it is not "made inside with exec".
func TestVerdictHostMadeFile(t *testing.T) {
	testenv.NeedRoot(t)
	needSysdojo(t)
	l, dir := upTo(t, "containers-run", "0000000000000001", 3)
	t.Cleanup(func() { cleanLive(t, l, dir) })
	n := stepTitled(t, l, "Get inside: exec")
	note := l.Value("note")
	shell(t, dir, "touch rootfs/tmp/"+note)
	mustFail(t, l, n, Env{Dir: dir}, "the file made on the host in rootfs/tmp")
	shell(t, dir, "rm rootfs/tmp/"+note)
	var out bytes.Buffer
	if _, err := l.Solve(context.Background(), n, dir, &out); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	mustPass(t, l, n, Env{Dir: dir}, "exec touch inside")
}

// Evidence of the container lessons made on the host, as a student who
// skipped the container would: the output files the old steps checked
// (hostname.txt, ps.txt, pid1.txt, mounts.txt), the same files in the
// workspace's tmp/, and in rootfs/tmp (the container's lower layer). None
// passes; the step's own solution, run in a real container, does. On the
// code before, the host-made hostname.txt, ps.txt, pid1.txt and
// mounts.txt passed (the checks read those files).
func TestVerdictHostMadeContainerEvidence(t *testing.T) {
	testenv.NeedRoot(t)
	needSysdojo(t)
	const seed = "0000000000000001"
	solve := func(t *testing.T, l *Lesson, dir string, n int) {
		t.Helper()
		var out bytes.Buffer
		if _, err := l.Solve(context.Background(), n, dir, &out); err != nil {
			t.Fatalf("step %d: %v\n%s", n, err, out.String())
		}
	}
	t.Run("hostname", func(t *testing.T) {
		l, dir := upTo(t, "containers", seed, 3)
		t.Cleanup(func() { cleanLive(t, l, dir) })
		n := stepTitled(t, l, "Its own host name (UTS namespace)")
		host := l.Value("host")
		shell(t, dir, "echo "+host+" > hostname.txt")
		mustFail(t, l, n, Env{Dir: dir}, "hostname.txt written on the host")
		// A container of that name with another host name.
		shell(t, dir, "sysdojo container run -d --rootfs rootfs --name "+l.Value("name")+" --hostname not-"+host+" -- sleep 60 >/dev/null")
		mustFail(t, l, n, Env{Dir: dir}, "the container runs, with another host name")
		shell(t, dir, "sysdojo container rm -f "+l.Value("name")+" >/dev/null")
		solve(t, l, dir, n)
		mustPass(t, l, n, Env{Dir: dir}, "run -d --hostname")
	})
	t.Run("PID 1", func(t *testing.T) {
		l, dir := upTo(t, "containers", seed, 1)
		t.Cleanup(func() { cleanLive(t, l, dir) })
		ps := stepTitled(t, l, "Its own process tree (PID namespace)")
		for k := 1; k < ps; k++ {
			solve(t, l, dir, k)
		}
		// What the old step's `container run -- ps` printed, and what ps
		// run inside this container prints.
		const old = "PID   USER     COMMAND\n    1 root     ps\n"
		const inside = "PID   USER     COMMAND\n    1 root     sleep 3600\n    7 root     ps\n"
		os.MkdirAll(filepath.Join(dir, "tmp"), 0o755)
		for _, text := range []string{old, inside} {
			for _, f := range []string{"ps.txt", "tmp/ps.txt"} {
				os.WriteFile(filepath.Join(dir, f), []byte(text), 0o644)
			}
			mustFail(t, l, ps, Env{Dir: dir}, "ps.txt made on the host")
		}
		os.WriteFile(filepath.Join(dir, "rootfs/tmp/ps.txt"), []byte(inside), 0o644)
		mustFail(t, l, ps, Env{Dir: dir}, "rootfs/tmp/ps.txt made on the host (the lower layer)")
		os.Remove(filepath.Join(dir, "rootfs/tmp/ps.txt"))
		solve(t, l, dir, ps)
		mustPass(t, l, ps, Env{Dir: dir}, "ps inside, with exec")

		pid1 := stepTitled(t, l, "PID 1 is special")
		for k := ps + 1; k < pid1; k++ {
			solve(t, l, dir, k)
		}
		shell(t, dir, "echo still alive > pid1.txt")
		os.WriteFile(filepath.Join(dir, "rootfs/tmp/after-kill.txt"), []byte(inside), 0o644)
		mustFail(t, l, pid1, Env{Dir: dir}, "pid1.txt and rootfs/tmp/after-kill.txt made on the host")
		os.Remove(filepath.Join(dir, "rootfs/tmp/after-kill.txt"))
		solve(t, l, dir, pid1)
		mustPass(t, l, pid1, Env{Dir: dir}, "kill -9 1 inside")
	})
	t.Run("mounts", func(t *testing.T) {
		l, dir := upTo(t, "containers-isolation", seed, 3)
		t.Cleanup(func() { cleanLive(t, l, dir) })
		n := stepTitled(t, l, "The mount namespace")
		const mounts = "overlay / overlay rw,relatime 0 0\nproc /proc proc rw 0 0\n"
		os.WriteFile(filepath.Join(dir, "mounts.txt"), []byte(mounts), 0o644)
		os.MkdirAll(filepath.Join(dir, "proc"), 0o755)
		os.WriteFile(filepath.Join(dir, "proc/mounts"), []byte(mounts), 0o644)
		mustFail(t, l, n, Env{Dir: dir}, "mounts.txt made on the host")
		solve(t, l, dir, n)
		mustPass(t, l, n, Env{Dir: dir}, "run -d, mounts read inside")
	})
}

// A student's container is theirs: any program in it can be replaced.
// A check that looks inside (here `hostname`, for the host-name step)
// must not hang the checker, nor fill its memory, whatever runs in
// there: a hostname that prints without end, and one that never ends,
// each fail the step with a line that says so, and the check returns.
// On the code before, the first grew the checker's memory until the
// machine ran out, and the second never returned.
func TestVerdictHostileContainer(t *testing.T) {
	testenv.NeedRoot(t)
	needSysdojo(t)
	defer func(d time.Duration) { InsideTimeout = d }(InsideTimeout)
	InsideTimeout = 2 * time.Second
	l, dir := upTo(t, "containers", "0000000000000001", 3)
	t.Cleanup(func() { cleanLive(t, l, dir) })
	n := stepTitled(t, l, "Its own host name (UTS namespace)")
	name, host := l.Value("name"), l.Value("host")
	for _, c := range []struct{ what, script, says string }{
		{"a hostname that prints without end", "exec cat /dev/zero", "printed more than"},
		{"a hostname that never ends (and leaves a child)", "sleep 1000 & exec sleep 1000", "did not end within"},
	} {
		shell(t, dir, "rm -f rootfs/bin/hostname && printf '#!/bin/sh\\n"+c.script+"\\n' > rootfs/bin/hostname && chmod 755 rootfs/bin/hostname")
		shell(t, dir, "sysdojo container run -d --rootfs rootfs --name "+name+" --hostname "+host+" -- sleep 600 >/dev/null")
		r := mustFail(t, l, n, Env{Dir: dir}, c.what)
		said := false
		for _, cr := range r.Criteria {
			said = said || strings.Contains(cr.Line.En, c.says)
		}
		if !said {
			t.Errorf("%s: the check does not say %q: %+v", c.what, c.says, r.Criteria)
		}
		out, _ := exec.Command("sysdojo", "container", "exec", name, "--", "ps").CombinedOutput()
		if strings.Count(string(out), "sleep 1000") > 0 {
			t.Errorf("%s: what the check started still runs inside:\n%s", c.what, out)
		}
		shell(t, dir, "sysdojo container rm -f "+name+" >/dev/null")
	}
}
