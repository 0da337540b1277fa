// Package testenv lets tests that need root or an optional tool skip with a
// reason, except under SYSDOJO_REQUIRE_ALL=1 (set by .ci/run), where such a
// skip is a failure instead.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
)

// RequireAll reports whether SYSDOJO_REQUIRE_ALL=1: nothing may be skipped.
func RequireAll() bool { return os.Getenv("SYSDOJO_REQUIRE_ALL") == "1" }

// Skip skips t with reason, or fails it under SYSDOJO_REQUIRE_ALL=1.
func Skip(t testing.TB, reason string) {
	t.Helper()
	if RequireAll() {
		t.Fatalf("SYSDOJO_REQUIRE_ALL=1 but this test cannot run: %s", reason)
	}
	t.Skip(reason)
}

// NeedRoot skips t unless it runs as root.
func NeedRoot(t testing.TB) {
	t.Helper()
	if os.Geteuid() != 0 {
		Skip(t, "needs root")
	}
}

// NeedTool skips t unless name is on PATH, and returns its path.
func NeedTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		Skip(t, name+" is not installed")
	}
	return p
}

var static struct {
	once sync.Once
	path string
	err  error
}

// StaticSysdojo returns a statically linked build of cmd/sysdojo (made
// once per test binary), for what must run inside a container's root:
// container run --init executes sysdojo itself as PID 1 there.
func StaticSysdojo(t testing.TB) string {
	t.Helper()
	goTool := NeedTool(t, "go")
	static.once.Do(func() {
		dir, err := os.MkdirTemp("", "sysdojo-static-")
		if err != nil {
			static.err = err
			return
		}
		static.path = filepath.Join(dir, "sysdojo")
		cmd := exec.Command(goTool, "build", "-o", static.path, "sysdojo/cmd/sysdojo")
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
		if out, err := cmd.CombinedOutput(); err != nil {
			static.err = fmt.Errorf("building a static sysdojo: %v\n%s", err, out)
		}
	})
	if static.err != nil {
		t.Fatal(static.err)
	}
	return static.path
}

// RemoveStatic removes what StaticSysdojo built; call it from TestMain
// after the tests ran.
func RemoveStatic() {
	if static.path != "" {
		os.RemoveAll(filepath.Dir(static.path))
	}
}
