package container_test

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/testenv"
)

// TestMain lets the test binary be a container's init (Run re-executes
// /proc/self/exe) and, for the leak test, a runtime that can be killed.
func TestMain(m *testing.M) {
	if status, ok := container.Init(); ok {
		os.Exit(status)
	}
	if os.Getenv("SYSDOJO_TEST_ROOTLESS") != "" {
		os.Exit(rootlessRuntime())
	}
	if os.Getenv("SYSDOJO_TEST_RUNTIME") != "" {
		os.Exit(testRuntime())
	}
	if os.Getenv("SYSDOJO_TEST_PULL") != "" {
		os.Exit(pullAsUser()) // image_test.go
	}
	code := m.Run()
	if shared.dir != "" {
		os.RemoveAll(shared.dir)
	}
	testenv.RemoveStatic()
	os.Exit(code)
}

// testRuntime runs one container as a separate process:
// SYSDOJO_TEST_RUNTIME=ROOTFS|STATEROOT, the command in os.Args[1:].
func testRuntime() int {
	rootfs, state, _ := strings.Cut(os.Getenv("SYSDOJO_TEST_RUNTIME"), "|")
	res, err := container.Run(container.Config{Rootfs: rootfs, StateRoot: state, Args: os.Args[1:],
		Limits: container.Limits{Memory: 64 << 20, Pids: 32}, Stdout: os.Stdout, Stderr: os.Stderr})
	if err != nil {
		os.Stderr.WriteString(err.Error() + "\n")
		return 99
	}
	return res.ExitCode
}

var shared struct {
	once sync.Once
	dir  string
	err  error
}

// testRootfs is a busybox rootfs built once for the whole test binary,
// plus /escape (the chroot escape) when the go tool is there.
func testRootfs(t *testing.T) string {
	t.Helper()
	testenv.NeedRoot(t)
	testenv.NeedTool(t, "busybox")
	shared.once.Do(func() {
		dir, err := os.MkdirTemp("", "sysdojo-test-rootfs-")
		if err != nil {
			shared.err = err
			return
		}
		shared.dir = dir
		rf := filepath.Join(dir, "rootfs")
		if _, err := container.Build(rf, container.BuildOptions{From: container.FromBusybox}); err != nil {
			shared.err = err
			return
		}
		if goTool, err := exec.LookPath("go"); err == nil {
			src := filepath.Join(dir, "escape.go")
			os.WriteFile(src, []byte(escapeSrc), 0o644)
			cmd := exec.Command(goTool, "build", "-o", filepath.Join(rf, "escape"), src)
			cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOFLAGS=")
			if out, err := cmd.CombinedOutput(); err != nil {
				shared.err = &buildErr{string(out)}
			}
		}
	})
	if shared.err != nil {
		t.Fatalf("building the test rootfs: %v", shared.err)
	}
	return filepath.Join(shared.dir, "rootfs")
}

type buildErr struct{ out string }

func (e *buildErr) Error() string { return "building the escape program: " + e.out }

// escapeSrc is the classic chroot escape: chroot into a subdirectory
// while keeping a working directory outside it, climb with .., chroot
// there. Under pivot_root it must end in the container's own root.
const escapeSrc = `package main

import (
	"fmt"
	"os"
	"syscall"
)

func main() {
	os.Mkdir("/jail", 0o755)
	if err := syscall.Chroot("/jail"); err != nil {
		fmt.Println("chroot:", err)
		return
	}
	for i := 0; i < 64; i++ {
		syscall.Chdir("..")
	}
	syscall.Chroot(".")
	for _, p := range os.Args[1:] {
		if _, err := os.Stat(p); err == nil {
			fmt.Println("ESCAPED: can see", p)
			return
		}
	}
	ents, _ := os.ReadDir("/")
	for _, e := range ents {
		fmt.Println("/" + e.Name())
	}
}
`

// initExe is the program for --init's PID 1: this test binary when it is
// statically linked (its TestMain calls container.Init), else a static
// build of sysdojo.
func initExe(t *testing.T) string {
	t.Helper()
	if exe, err := os.Executable(); err == nil && container.StaticExe(exe) {
		return exe
	}
	return testenv.StaticSysdojo(t)
}

func lines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}
