package lessons

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/sysdojo/sysdojo/internal/debtest"
	"github.com/sysdojo/sysdojo/internal/testenv"
)

// prepareLesson gives a lesson what its solutions need from the machine
// before they run: containers-apt's class mirror serves the .debs of a
// Debian root, fetched once from this machine's APT sources and cached
// (internal/debtest, as the end-to-end container test), in $SYSDOJO_POOL.
func prepareLesson(t *testing.T, id string) {
	if id != "containers-apt" {
		return
	}
	testenv.NeedRoot(t)
	testenv.NeedTool(t, "mmdebstrap")
	t.Setenv("SYSDOJO_POOL", debtest.Pool(t))
}

// The wrong places: a user added to the root on the host (it shows
// through the container's lower layer) is not a user added inside; a
// diff typed by hand is not the container's diff.
func TestVerdictContainersApt(t *testing.T) {
	testenv.NeedRoot(t)
	testenv.NeedTool(t, "useradd")
	needSysdojo(t)
	prepareLesson(t, "containers-apt")
	src, err := Get("containers-apt")
	if err != nil {
		t.Fatal(err)
	}
	l := src.Bind("0000000000000001", machine(t))
	dir := t.TempDir()
	if err := l.Setup(dir); err != nil {
		t.Fatal(err)
	}
	// (Registered first: a step that fails still leaves nothing running.)
	t.Cleanup(func() { cleanLive(t, l, dir) })
	n := stepTitled(t, l, "Add a user")
	for k := 1; k < n; k++ {
		solve(t, l, k, dir)
	}
	user := l.Value("newuser")
	shell(t, dir, "useradd -R \"$PWD/rootfs\" -m "+user)
	r := mustFail(t, l, n, Env{Dir: dir}, "useradd -R rootfs on the host")
	if len(r.Criteria) == 0 || !strings.Contains(r.Criteria[0].Line.En, user) {
		t.Errorf("the failure does not say what it saw: %+v", r.Criteria)
	}
	shell(t, dir, "userdel -R \"$PWD/rootfs\" -r "+user)
	solve(t, l, n, dir)
	mustPass(t, l, n, Env{Dir: dir}, "useradd inside")
	for k := n + 1; k < stepTitled(t, l, "What changed: container diff"); k++ {
		solve(t, l, k, dir)
	}
	n = stepTitled(t, l, "What changed: container diff")
	shell(t, dir, `printf 'A /usr/bin/sysdojo-hello\nC /var/lib/dpkg/status\n' > changes.txt`)
	mustFail(t, l, n, Env{Dir: dir}, "the two lines typed by hand")
	shell(t, dir, `printf 'A /usr/bin/sysdojo-hello\nC /var/lib/dpkg/status\nA /etc/made-up\n' > changes.txt`)
	mustFail(t, l, n, Env{Dir: dir}, "a line the diff does not print")
	solve(t, l, n, dir)
	mustPass(t, l, n, Env{Dir: dir}, "container diff > changes.txt")
}

func solve(t *testing.T, l *Lesson, n int, dir string) {
	t.Helper()
	var out bytes.Buffer
	if _, err := l.Solve(context.Background(), n, dir, &out); err != nil {
		t.Fatalf("step %d: %v\n%s", n, err, out.String())
	}
}
