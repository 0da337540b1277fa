package main

import (
	"os"
	"os/exec"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/term"
	"github.com/sysdojo/sysdojo/internal/testenv"
)

func TestMain(m *testing.M) {
	if status, ok := container.Init(); ok {
		os.Exit(status)
	}
	testscript.Main(m, map[string]func(){
		"sysdojo": func() { os.Exit(run(os.Args, term.System(), os.Getenv)) },
	})
}

// TestScripts runs cmd/sysdojo/testdata/script/*.txtar: the CLI as a user
// types it. Conditions: [root] (running as root), [exec:NAME] (built in),
// [requireall] (SYSDOJO_REQUIRE_ALL=1).
func TestScripts(t *testing.T) {
	// container run --init executes sysdojo itself as PID 1 inside the
	// container, where only a static build can run.
	initExe := ""
	if os.Geteuid() == 0 {
		if exe, err := os.Executable(); err != nil || !container.StaticExe(exe) {
			initExe = testenv.StaticSysdojo(t)
			t.Cleanup(testenv.RemoveStatic)
		}
	}
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			// Tests see the same language whatever the machine's locale.
			env.Setenv("LANG", "C.UTF-8")
			env.Setenv("LC_ALL", "")
			env.Setenv("LC_MESSAGES", "")
			// Caches (the default container rootfs), progress files and
			// shells' files stay in the script's own directory, not in a
			// shared home.
			for k, d := range map[string]string{"XDG_CACHE_HOME": ".cache", "XDG_CONFIG_HOME": ".config",
				"XDG_DATA_HOME": ".local/share", "XDG_STATE_HOME": ".local/state"} {
				env.Setenv(k, env.WorkDir+"/"+d)
			}
			env.Setenv("SYSDOJO_REQUIRE_ALL", os.Getenv("SYSDOJO_REQUIRE_ALL"))
			// No script talks to a class server the machine may be running.
			env.Setenv("SYSDOJO_CLASS", "off")
			env.Setenv("SYSDOJO_INIT_EXE", initExe)
			setupContainers(env) // container_life_test.go
			// A script that mounts something in its directory (link -x)
			// leaves nothing mounted, even when it fails half-way.
			wd := env.WorkDir
			env.Defer(func() { unmountBelow(wd) })
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "root":
				return os.Geteuid() == 0, nil
			case "requireall":
				return testenv.RequireAll(), nil
			}
			if name, ok := cutPrefix(cond, "tool:"); ok {
				_, err := exec.LookPath(name)
				return err == nil, nil
			}
			return false, nil
		},
		Cmds:                imageScriptCmds(), // container_image_test.go
		RequireExplicitExec: true,
	})
}

// unmountBelow lazily unmounts every mount point below dir.
func unmountBelow(dir string) {
	b, err := os.ReadFile("/proc/self/mountinfo")
	if err != nil {
		return
	}
	lines := strings.Split(string(b), "\n")
	for i := len(lines) - 1; i >= 0; i-- { // innermost first
		if f := strings.Fields(lines[i]); len(f) > 4 && strings.HasPrefix(f[4], dir+"/") {
			unix.Unmount(f[4], unix.MNT_DETACH)
		}
	}
}

func cutPrefix(s, p string) (string, bool) {
	if len(s) >= len(p) && s[:len(p)] == p {
		return s[len(p):], true
	}
	return s, false
}
