package perm

import (
	"os"
	"testing"
)

// helperEnv names the helper a re-executed test binary runs instead of the
// tests: a process with other credentials asks the real kernel.
const helperEnv = "SYSDOJO_PERM_HELPER"

// testHelpers are the helpers the test binary can run as a child process,
// by the value of $SYSDOJO_PERM_HELPER. Each exits the process itself.
var testHelpers = map[string]func(){}

func TestMain(m *testing.M) {
	if name := os.Getenv(helperEnv); name != "" {
		h, ok := testHelpers[name]
		if !ok {
			os.Stderr.WriteString("unknown test helper " + name + "\n")
			os.Exit(3)
		}
		h()
		os.Exit(0)
	}
	os.Exit(m.Run())
}
