package perm

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/sys/unix"
)

// TestSymbolicGNU: for every mode 0000-7777, the symbolic form Symbolic
// prints, given to GNU chmod (the oracle) on a real file that starts at the
// opposite mode, sets exactly that mode; ParseAny reads it (and the 0o and
// octal forms) back to the same mode.
func TestSymbolicGNU(t *testing.T) {
	chmod := gnuChmod(t)
	dir := t.TempDir()
	name := func(m Mode) string { return filepath.Join(dir, "f"+m.String()) }
	// One shell runs the 4096 chmods; the files' starting modes are set
	// and their results read here.
	var script strings.Builder
	for m := Mode(0); m <= 0o7777; m++ {
		if err := os.WriteFile(name(m), nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := unix.Chmod(name(m), uint32(^m&0o7777)); err != nil {
			t.Fatal(err)
		}
		script.WriteString(chmod + " " + Symbolic(m) + " " + name(m) + " || echo fail " + m.String() + "\n")
	}
	sh := exec.Command("sh")
	sh.Stdin = strings.NewReader(script.String())
	if out, err := sh.CombinedOutput(); err != nil || len(out) > 0 {
		t.Fatalf("%v: %s", err, out)
	}
	for m := Mode(0); m <= 0o7777; m++ {
		var st unix.Stat_t
		if err := unix.Stat(name(m), &st); err != nil {
			t.Fatal(err)
		}
		if got := Mode(st.Mode & 0o7777); got != m {
			t.Errorf("chmod %s on a file at %s gave %s, want %s", Symbolic(m), ^m&0o7777, got, m)
		}
		for _, in := range []string{Symbolic(m), fmt.Sprintf("0o%o", uint32(m)), "0O" + m.String(), m.String()} {
			p, err := ParseAny(in)
			if err != nil || p.Mode != m {
				t.Errorf("ParseAny(%q) = %v, %v; want %s", in, p.Mode, err, m)
			}
		}
	}
}

func TestSymbolicExamples(t *testing.T) {
	for m, want := range map[Mode]string{0o755: "u=rwx,g=rx,o=rx", 0: "u=,g=,o=", 0o4755: "u=rwxs,g=rx,o=rx",
		0o1777: "u=rwx,g=rwx,o=rwxt", 0o2640: "u=rw,g=rs,o="} {
		if got := Symbolic(m); got != want {
			t.Errorf("Symbolic(%s) = %q, want %q", m, got, want)
		}
	}
	for _, bad := range []string{"0o", "0o8", "0o-7", "0o+x", "0o12345"} {
		if _, err := ParseAny(bad); err == nil {
			t.Errorf("ParseAny(%q) accepted", bad)
		}
	}
}
