// Package testenv lets tests that need root or an optional tool skip with a
// reason, except under SYSDOJO_REQUIRE_ALL=1 (set by .ci/run), where such a
// skip is a failure instead.
package testenv

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
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
		cmd := exec.Command(goTool, "build", "-o", static.path, "github.com/sysdojo/sysdojo/cmd/sysdojo")
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

// LoopSecret makes a loop device over a file that starts with a secret
// (detached when t ends), for tests that try to read a host disk from
// where they must not. It returns the device and the secret.
func LoopSecret(t testing.TB) (dev, secret string) {
	t.Helper()
	NeedRoot(t)
	losetup := NeedTool(t, "losetup")
	secret = fmt.Sprintf("host-secret-%d", os.Getpid()) // (short: tests read 20 bytes)
	img := filepath.Join(t.TempDir(), "disk.img")
	data := make([]byte, 1<<20)
	copy(data, secret)
	if err := os.WriteFile(img, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(losetup, "--find", "--show", img).Output()
	if err != nil {
		Skip(t, fmt.Sprintf("no loop device: %v", err))
	}
	dev = strings.TrimSpace(string(out))
	t.Cleanup(func() { exec.Command(losetup, "-d", dev).Run() })
	return dev, secret
}
