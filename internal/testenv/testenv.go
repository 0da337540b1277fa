// Package testenv lets tests that need root or an optional tool skip with a
// reason, except under SYSDOJO_REQUIRE_ALL=1 (set by .ci/run), where such a
// skip is a failure instead.
package testenv

import (
	"os"
	"os/exec"
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
