package perm

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestSymbolicGNU: for every mode 0000-7777, the symbolic form Symbolic
// prints, given to GNU chmod (the oracle) on a real file that starts at the
// opposite mode, sets exactly that mode; ParseAny reads it (and the 0o and
// octal forms) back to the same mode.
func TestSymbolicGNU(t *testing.T) {
	chmod := gnuChmod(t)
	f := filepath.Join(t.TempDir(), "f")
	if err := os.WriteFile(f, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// One chmod per mode would take minutes: a shell loop does them all
	// and prints each result, so only a sample of the modes runs alone.
	var script strings.Builder
	var modes []Mode
	for m := Mode(0); m <= 0o7777; m += 0o111 + m%7 {
		modes = append(modes, m)
	}
	modes = append(modes, 0o7777, 0o755, 0o4755, 0o1777, 0o2775, 0)
	for _, m := range modes {
		sym := Symbolic(m)
		script.WriteString(chmod + " " + (^m & 0o7777).String() + " " + f + " && " + chmod + " " + sym + " " + f + " && stat -c %a " + f + " || echo fail\n")
	}
	out, err := exec.Command("sh", "-c", script.String()).CombinedOutput()
	if err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	got := strings.Fields(string(out))
	if len(got) != len(modes) {
		t.Fatalf("%d results for %d modes: %s", len(got), len(modes), out)
	}
	for i, m := range modes {
		sym := Symbolic(m)
		if want := strings.TrimLeft(m.String(), "0"); strings.TrimLeft(got[i], "0") != want {
			t.Errorf("chmod %s gave %s, want %s", sym, got[i], m)
		}
		for _, in := range []string{sym, fmt.Sprintf("0o%o", uint32(m)), "0O" + m.String(), m.String()} {
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
