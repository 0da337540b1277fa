package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// TestDemoOnATerminal runs `sysdojo demo` on a real pseudo-terminal, as an
// instructor would: it waits for Enter between steps without --wait, and
// q quits cleanly.
func TestDemoOnATerminal(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ptmx, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	defer ptmx.Close()
	if err := unix.IoctlSetPointerInt(int(ptmx.Fd()), unix.TIOCSPTLCK, 0); err != nil {
		t.Fatal(err)
	}
	n, err := unix.IoctlGetInt(int(ptmx.Fd()), unix.TIOCGPTN)
	if err != nil {
		t.Fatal(err)
	}
	pts, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Fatal(err)
	}
	// TestMain runs the CLI when argv[0] is "sysdojo".
	cmd := exec.Command(exe, "--lang", "en", "--no-color", "demo", "perm-octal")
	cmd.Args[0] = "sysdojo"
	cmd.Env = append(os.Environ(), "SYSDOJO_PROGRESS="+t.TempDir()+"/p.json")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = pts, pts, pts
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	pts.Close()

	var mu sync.Mutex
	var out bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		prompts := 0
		for {
			k, err := ptmx.Read(buf)
			mu.Lock()
			out.Write(buf[:k])
			seen := strings.Count(out.String(), "[Enter: next, q: quit]")
			mu.Unlock()
			for ; prompts < seen; prompts++ {
				// Enter after step 1, q after step 2.
				if prompts == 0 {
					ptmx.Write([]byte("\r"))
				} else {
					ptmx.Write([]byte("q\r"))
				}
			}
			if err != nil {
				return
			}
		}
	}()
	werr := make(chan error, 1)
	go func() { werr <- cmd.Wait() }()
	select {
	case err := <-werr:
		if err != nil {
			t.Errorf("demo: %v", err)
		}
	case <-time.After(2 * time.Minute): // a hang guard, not a timing assertion
		cmd.Process.Kill()
		t.Fatal("demo did not finish")
	}
	ptmx.Close()
	<-done
	mu.Lock()
	text := strings.ReplaceAll(out.String(), "\r", "")
	mu.Unlock()
	for _, want := range []string{"$ chmod 777 sample.txt", "✓ step 1 passed", "✓ step 2 passed",
		"Demo stopped before step 3. Go on later with: sysdojo demo perm-octal --from 3", "2 of 2 steps run passed"} {
		if !strings.Contains(text, want) {
			t.Errorf("no %q on the terminal:\n%s", want, text)
		}
	}
	if strings.Contains(text, "[3/5]") {
		t.Errorf("step 3 ran after q:\n%s", text)
	}
}
