package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
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

	// Enter after step 1, q after step 2.
	text, err := converse(ptmx, cmd, "[Enter: next, q: quit]", func(n int) string {
		if n == 0 {
			return "\r"
		}
		return "q\r"
	}, 2*time.Minute)
	if err == errHung {
		t.Fatal("demo did not finish")
	} else if err != nil {
		t.Errorf("demo: %v", err)
	}
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

// errHung is converse's error for a command it had to kill.
var errHung = errors.New("hung")

// converse reads rw (a terminal, or a pipe pair) until it closes and
// writes answer(n) to it for the n-th (from 0) appearance of marker. It
// waits for cmd at most guard (a hang guard, not a timing assertion:
// errHung when it had to kill it), and returns all that was read, \r
// removed, and cmd's error.
func converse(rw io.ReadWriteCloser, cmd *exec.Cmd, marker string, answer func(n int) string, guard time.Duration) (string, error) {
	var mu sync.Mutex
	var out bytes.Buffer
	done := make(chan struct{})
	go func() {
		defer close(done)
		buf := make([]byte, 4096)
		answered := 0
		for {
			k, err := rw.Read(buf)
			mu.Lock()
			out.Write(buf[:k])
			seen := strings.Count(out.String(), marker)
			mu.Unlock()
			for ; answered < seen; answered++ {
				if a := answer(answered); a != "" {
					rw.Write([]byte(a))
				}
			}
			if err != nil {
				return
			}
		}
	}()
	werr := make(chan error, 1)
	go func() { werr <- cmd.Wait() }()
	var err error
	select {
	case err = <-werr:
	case <-time.After(guard):
		cmd.Process.Kill()
		err = errHung
	}
	rw.Close()
	<-done
	mu.Lock()
	defer mu.Unlock()
	return strings.ReplaceAll(out.String(), "\r", ""), err
}
