package container_test

import (
	"bytes"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/container"
)

// TestStressCycles runs, in this process, run/exec/stop/rm cycles while
// the garbage collector runs all the time (GOGC=1) and another goroutine
// allocates without pause: the runtime's child must never depend on the
// runtime's memory staying as it was. Afterwards nothing is left: no state
// directory, cgroup, descriptor, child process or goroutine.
// SYSDOJO_STRESS_CYCLES sets the number of cycles (default 10; the note of
// issue 14 reports 1,000 under -race).
func TestStressCycles(t *testing.T) {
	rootfs := testRootfs(t)
	cycles := 10
	if n, err := strconv.Atoi(os.Getenv("SYSDOJO_STRESS_CYCLES")); err == nil && n > 0 {
		cycles = n
	}
	defer debug.SetGCPercent(debug.SetGCPercent(1))
	var stop atomic.Bool
	churned := make(chan struct{})
	go func() {
		defer close(churned)
		var keep [][]byte
		for i := 0; !stop.Load(); i++ {
			keep = append(keep, make([]byte, 4096+i%8192))
			if len(keep) > 512 {
				keep = keep[:0]
			}
		}
	}()
	state := filepath.Join(t.TempDir(), "state")
	fdsBefore := openFds(t)
	goroutinesBefore := runtime.NumGoroutine()
	for i := 0; i < cycles; i++ {
		name := "stress-" + strconv.Itoa(i)
		done := make(chan error, 1)
		var out bytes.Buffer
		go func() {
			_, err := container.Run(container.Config{Rootfs: rootfs, Name: name, StateRoot: state,
				Hooks: &container.Hooks{}, Args: sh("echo up; exec sleep 1000"), Stdout: &out, Stderr: &out})
			done <- err
		}()
		deadline := time.Now().Add(20 * time.Second)
		for {
			if in, err := container.Find(state, name); err == nil && in.Running() {
				var eo bytes.Buffer
				code, err := container.Exec(name, container.ExecOptions{StateRoot: state, Args: []string{"cat", "/proc/1/cmdline"}, Stdout: &eo, Stderr: &eo})
				if err == nil && code == 0 && strings.HasPrefix(eo.String(), "sleep") {
					break
				}
			}
			if time.Now().After(deadline) {
				t.Fatalf("cycle %d: the container never ran (%q)", i, out.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
		if _, err := container.Stop(state, name, 50*time.Millisecond); err != nil {
			t.Fatalf("cycle %d: stop: %v", i, err)
		}
		if err := <-done; err != nil {
			t.Fatalf("cycle %d: run: %v", i, err)
		}
		if _, err := container.Remove(state, name, true); err != nil && !strings.Contains(err.Error(), "no container") {
			t.Fatalf("cycle %d: rm: %v", i, err)
		}
	}
	stop.Store(true)
	<-churned
	if ents, _ := os.ReadDir(state); len(ents) != 0 {
		t.Errorf("state left behind: %v", ents)
	}
	if cgs, _ := filepath.Glob("/sys/fs/cgroup/*/sysdojo/*"); len(cgs) > 0 {
		for _, d := range cgs {
			if fi, err := os.Stat(d); err == nil && fi.IsDir() && strings.Contains(d, "stress") {
				t.Errorf("cgroup left behind: %s", d)
			}
		}
	}
	time.Sleep(100 * time.Millisecond) // signal goroutines wind down
	if after := openFds(t); after > fdsBefore+2 {
		t.Errorf("descriptors: %d before, %d after %d cycles", fdsBefore, after, cycles)
	}
	if after := runtime.NumGoroutine(); after > goroutinesBefore+3 {
		t.Errorf("goroutines: %d before, %d after %d cycles", goroutinesBefore, after, cycles)
	}
	if kids := childrenOf(os.Getpid()); len(kids) > 0 {
		t.Errorf("child processes left: %v", kids)
	}
}

func openFds(t *testing.T) int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		t.Fatal(err)
	}
	return len(ents)
}

func childrenOf(pid int) []string {
	tasks, _ := filepath.Glob("/proc/" + strconv.Itoa(pid) + "/task/*/children")
	var kids []string
	for _, f := range tasks {
		b, _ := os.ReadFile(f)
		kids = append(kids, strings.Fields(string(b))...)
	}
	return kids
}
