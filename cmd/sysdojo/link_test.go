package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

// TestLinkUnreadableDir runs `link same` and `link broken` as an
// unprivileged user on a tree with a directory that user cannot read:
// the directory is reported on stderr, the walk carries on, and the exit
// status is 1.
func TestLinkUnreadableDir(t *testing.T) {
	testenv.NeedRoot(t)
	// A world-readable place: the test binary, copied as "sysdojo" (the
	// name makes it act as the command), and the tree.
	base, err := os.MkdirTemp("", "sysdojo-link-test-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(base)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.Chmod(base, 0o755))
	self, err := os.Executable()
	must(err)
	bin := filepath.Join(base, "sysdojo")
	must(copyFile(self, bin))
	d := filepath.Join(base, "d")
	must(os.MkdirAll(filepath.Join(d, "private/inner"), 0o755))
	must(os.MkdirAll(filepath.Join(d, "open"), 0o755))
	must(os.WriteFile(filepath.Join(d, "f"), []byte("x"), 0o644))
	must(os.Link(filepath.Join(d, "f"), filepath.Join(d, "open/g")))
	must(os.Link(filepath.Join(d, "f"), filepath.Join(d, "private/inner/h")))
	must(os.Symlink("nope", filepath.Join(d, "open/dangling")))
	must(os.Chmod(filepath.Join(d, "private"), 0o700))

	run := func(args ...string) (string, string, int) {
		cmd := exec.Command(bin, args...)
		cmd.Env = []string{"LANG=C.UTF-8", "PATH=/usr/bin:/bin"}
		cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		code := 0
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			code = ee.ExitCode()
		} else if err != nil {
			t.Fatal(err)
		}
		return out.String(), errb.String(), code
	}
	out, errs, code := run("link", "same", filepath.Join(d, "f"), d)
	if code != 1 {
		t.Errorf("same: exit %d, want 1 (stderr %q)", code, errs)
	}
	if want := filepath.Join(d, "f") + "\n" + filepath.Join(d, "open/g") + "\n"; out != want {
		t.Errorf("same: stdout %q, want %q", out, want)
	}
	if !strings.Contains(errs, "sysdojo: skipped "+filepath.Join(d, "private")+": permission denied\n") ||
		!strings.Contains(errs, "(1 skipped)") {
		t.Errorf("same: stderr %q", errs)
	}
	out, errs, code = run("--lang", "ko", "link", "broken", d)
	if code != 1 || !strings.Contains(out, "open/dangling") || !strings.Contains(errs, "건너뜀 "+filepath.Join(d, "private")) {
		t.Errorf("broken: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	// The directory given itself unreadable: nothing found, exit 1.
	_, errs, code = run("link", "broken", filepath.Join(d, "private"))
	if code != 1 || !strings.Contains(errs, "permission denied") {
		t.Errorf("broken on an unreadable DIR: exit %d, stderr %q", code, errs)
	}
}

func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

func TestQuotePath(t *testing.T) {
	for in, want := range map[string]string{
		"plain": "plain", "with space": "with space", "new\nline": `$'new\nline'`,
		" lead": `$' lead'`, "it's\n": `$'it\'s\n'`, "": `$''`, "한글": "한글", "\xff": `$'\xff'`,
	} {
		if got := quotePath(in); got != want {
			t.Errorf("quotePath(%q) = %s, want %s", in, got, want)
		}
	}
}

// FuzzQuotePath: a shown path is always one line, and the quoted form
// gives back the same bytes.
func FuzzQuotePath(f *testing.F) {
	for _, s := range []string{"a", "a b", "new\nline", "it's", `back\slash'`, "\x00", "\xff\xfe", " x ", "탭\t"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		q := quotePath(s)
		if strings.ContainsAny(q, "\n\r") {
			t.Fatalf("quotePath(%q) = %q spans lines", s, q)
		}
		if !strings.HasPrefix(q, "$'") {
			if q != s {
				t.Fatalf("quotePath(%q) = %q changed a plain path", s, q)
			}
			return
		}
		back, err := strconv.Unquote(`"` + strings.ReplaceAll(q[2:len(q)-1], `\'`, `'`) + `"`)
		if err != nil || back != s {
			t.Fatalf("quotePath(%q) = %q does not give it back (%q, %v)", s, q, back, err)
		}
	})
}
