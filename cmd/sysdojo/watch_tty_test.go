package main

import (
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// pipePair reads the command's output and writes its input.
type pipePair struct{ r, w *os.File }

func (p pipePair) Read(b []byte) (int, error)  { return p.r.Read(b) }
func (p pipePair) Write(b []byte) (int, error) { return p.w.Write(b) }
func (p pipePair) Close() error                { p.w.Close(); return p.r.Close() }

// TestWatchOnATerminal runs `sysdojo lesson watch` on a pseudo-terminal:
// it checks once at the start and once per change of the workspace
// (never because its own check rewrote the progress file), clears the
// screen before each check, and q quits.
func TestWatchOnATerminal(t *testing.T) { testWatch(t, true) }

// TestWatchOnAPipe is the same with stdin and stdout pipes (a script, an
// editor's terminal pane): the old watch re-checked in a loop here, as it
// watched the progress file its own check rewrote.
func TestWatchOnAPipe(t *testing.T) { testWatch(t, false) }

func testWatch(t *testing.T, tty bool) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	ws := filepath.Join(tmp, "ws")
	env := append(os.Environ(), "SYSDOJO_PROGRESS="+filepath.Join(tmp, "p.json"), "HOME="+tmp)
	start := exec.Command(exe, "--lang", "en", "lesson", "start", "perm-octal", "--dir", ws)
	start.Args[0] = "sysdojo"
	start.Env = env
	if out, err := start.CombinedOutput(); err != nil {
		t.Fatalf("lesson start: %v\n%s", err, out)
	}

	cmd := exec.Command(exe, "--lang", "en", "--no-color", "lesson", "watch", "--poll", "50ms")
	cmd.Args[0] = "sysdojo"
	cmd.Env = env
	cmd.Dir = ws
	var ptmx io.ReadWriteCloser
	if tty {
		m, err := os.OpenFile("/dev/ptmx", os.O_RDWR, 0)
		if err != nil {
			t.Skipf("no pseudo-terminals here: %v", err)
		}
		if err := unix.IoctlSetPointerInt(int(m.Fd()), unix.TIOCSPTLCK, 0); err != nil {
			t.Fatal(err)
		}
		n, err := unix.IoctlGetInt(int(m.Fd()), unix.TIOCGPTN)
		if err != nil {
			t.Fatal(err)
		}
		pts, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stdin, cmd.Stdout, cmd.Stderr = pts, pts, pts
		cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true, Ctty: 0}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		pts.Close()
		ptmx = m
	} else {
		inR, inW, _ := os.Pipe()
		outR, outW, _ := os.Pipe()
		cmd.Stdin, cmd.Stdout, cmd.Stderr = inR, outW, outW
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		inR.Close()
		outW.Close()
		ptmx = pipePair{outR, inW}
	}
	defer ptmx.Close()

	text, err := converse(ptmx, cmd, "waiting for a change", func(n int) string {
		if n == 0 {
			// One change, and not the right one: one more check.
			os.Chmod(filepath.Join(ws, "sample.txt"), 0o755)
			return ""
		}
		if tty {
			return "q\r"
		}
		return "q\n"
	}, time.Minute)
	if err == errHung {
		t.Error("watch did not stop on q")
	}
	if got := strings.Count(text, "perm-octal · step 1/5"); got != 2 {
		t.Errorf("watch checked %d times for one change (want 2: at the start and after the change):\n%s", got, text)
	}
	if got := strings.Count(text, "\033[H\033[2J"); tty && got != 2 || !tty && got != 0 {
		t.Errorf("the screen was cleared %d times (tty %v), want once per check on a terminal, never on a pipe:\n%q", got, tty, text)
	}
	if !strings.Contains(text, "sample.txt is 0755") {
		t.Errorf("the second check did not see the change:\n%s", text)
	}
}
