package perm

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

// gnuChmod returns the path of GNU chmod, the oracle, or skips t.
func gnuChmod(t testing.TB) string {
	t.Helper()
	p := "/usr/bin/chmod"
	if _, err := os.Stat(p); err != nil {
		p = testenv.NeedTool(t, "chmod")
	}
	out, err := exec.Command(p, "--version").Output()
	if err != nil || !bytes.Contains(out, []byte("GNU coreutils")) {
		testenv.Skip(t, p+" is not GNU chmod (coreutils)")
	}
	return p
}

// diffUmasks are the umasks every generated mode is tried under.
var diffUmasks = []Mode{0o000, 0o002, 0o022, 0o027, 0o077, 0o777}

// chmodCase is one generated mode, applied by one chmod call to two fresh
// regular files and two fresh directories.
type chmodCase struct {
	mode  string
	start [4]Mode // f0 f1 d0 d1
}

var caseNames = [4]string{"f0", "f1", "d0", "d1"}

// TestChmodDifferential runs the real GNU chmod on thousands of random modes,
// valid and invalid, on fresh files and directories with random starting
// modes, under every umask in diffUmasks, and compares each resulting mode
// and each rejection with Compile and Apply.
//
// SYSDOJO_CHMOD_SEED picks another seed; SYSDOJO_CHMOD_N another count.
func TestChmodDifferential(t *testing.T) {
	chmod := gnuChmod(t)
	seed := uint64(20260514)
	if s := os.Getenv("SYSDOJO_CHMOD_SEED"); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("SYSDOJO_CHMOD_SEED=%q: %v", s, err)
		}
		seed = v
	}
	n := 5000
	if testing.Short() {
		n = 500
	}
	if s := os.Getenv("SYSDOJO_CHMOD_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 1 {
			t.Fatalf("SYSDOJO_CHMOD_N=%q: want a positive number", s)
		}
		n = v
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	modes := genModes(rng, n)
	t.Logf("seed %d (set SYSDOJO_CHMOD_SEED to change), %d modes x %d umasks, chmod %s", seed, len(modes), len(diffUmasks), chmod)

	var wg sync.WaitGroup
	var mu sync.Mutex
	var mismatches []string
	rejected, total := 0, 0
	for ui, umask := range diffUmasks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			mm, rej, err := runChmodBatch(t.TempDir(), chmod, umask, modes, rand.New(rand.NewPCG(seed, uint64(ui+1))))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				mismatches = append(mismatches, fmt.Sprintf("umask %03o: %v", umask, err))
				return
			}
			mismatches = append(mismatches, mm...)
			rejected += rej
			total += len(modes)
		}()
	}
	wg.Wait()
	t.Logf("%d chmod runs (%d rejected as invalid), %d files and directories", total, rejected, 4*total)
	if rejected == 0 || rejected == total {
		t.Errorf("the generator should give both valid and invalid modes: %d of %d rejected", rejected, total)
	}
	for i, m := range mismatches {
		if i == 100 {
			t.Errorf("... and %d more", len(mismatches)-100)
			break
		}
		t.Error(m)
	}
	if len(mismatches) > 0 {
		t.Errorf("%d mismatches with GNU chmod (seed %d)", len(mismatches), seed)
	}
}

// runChmodBatch makes fresh files under dir, runs one shell script that calls
// chmod once per mode with the umask set in the shell, and returns every
// difference between chmod and Apply, and how many modes chmod rejected.
func runChmodBatch(dir, chmod string, umask Mode, modes []string, rng *rand.Rand) ([]string, int, error) {
	cases := make([]chmodCase, len(modes))
	var list bytes.Buffer
	for i, m := range modes {
		c := chmodCase{mode: m}
		for k, name := range caseNames {
			c.start[k] = randStart(rng)
			p := filepath.Join(dir, "c"+strconv.Itoa(i)+name)
			var err error
			if k < 2 {
				err = os.WriteFile(p, nil, 0o600)
			} else {
				err = os.Mkdir(p, 0o700)
			}
			if err == nil {
				err = unix.Chmod(p, uint32(c.start[k]))
			}
			if err != nil {
				return nil, 0, err
			}
		}
		cases[i] = c
		list.WriteString(m)
		list.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.Join(dir, "modes"), list.Bytes(), 0o600); err != nil {
		return nil, 0, err
	}
	// Builtins only, apart from chmod itself: one fork per mode.
	script := `umask ` + fmt.Sprintf("%03o", umask) + `
chmod=$1
i=0
while IFS= read -r m; do
	printf '@@ %d\n' "$i" >&2
	"$chmod" -- "$m" "c${i}f0" "c${i}f1" "c${i}d0" "c${i}d1"
	printf '%d %d\n' "$i" "$?"
	i=$((i+1))
done < modes
`
	cmd := exec.Command("/bin/sh", "-c", script, "sh", chmod)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		return nil, 0, fmt.Errorf("running the chmod script: %v: %s", err, stderr.String())
	}
	rcs := make([]int, len(modes))
	for i := range rcs {
		rcs[i] = -1
	}
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var i, rc int
		if _, err := fmt.Sscanf(sc.Text(), "%d %d", &i, &rc); err != nil || i < 0 || i >= len(modes) {
			return nil, 0, fmt.Errorf("bad script output %q", sc.Text())
		}
		rcs[i] = rc
	}
	errs := make([]string, len(modes))
	cur := -1
	for _, line := range strings.SplitAfter(stderr.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "@@ "); ok {
			cur, _ = strconv.Atoi(strings.TrimSpace(rest))
			continue
		}
		if cur >= 0 && cur < len(errs) {
			errs[cur] += line
		}
	}

	var mismatches []string
	rejected := 0
	for i, c := range cases {
		ch, cerr := Compile(c.mode)
		var got [4]Mode
		for k, name := range caseNames {
			var st unix.Stat_t
			if err := unix.Stat(filepath.Join(dir, "c"+strconv.Itoa(i)+name), &st); err != nil {
				return nil, 0, err
			}
			got[k] = FromStatMode(st.Mode)
		}
		detail := func(what string) string {
			return fmt.Sprintf("chmod -- %q under umask %03o: %s\n\tchmod exit %d, stderr %q\n\tstart f0 %04o f1 %04o d0 %04o d1 %04o\n\tgot   f0 %04o f1 %04o d0 %04o d1 %04o",
				c.mode, umask, what, rcs[i], errs[i], c.start[0], c.start[1], c.start[2], c.start[3], got[0], got[1], got[2], got[3])
		}
		chmodRejects := rcs[i] == 1 && strings.Contains(errs[i], "invalid mode")
		if chmodRejects {
			rejected++
		}
		switch {
		case cerr != nil && !chmodRejects:
			mismatches = append(mismatches, detail("Compile rejects it ("+cerr.Error()+"), chmod does not"))
		case cerr == nil && rcs[i] != 0:
			mismatches = append(mismatches, detail("Compile accepts it, chmod fails"))
		case cerr != nil:
			if want := chmod + ": " + cerr.Error() + "\n"; !strings.HasPrefix(errs[i], want) {
				mismatches = append(mismatches, detail(fmt.Sprintf("message differs: we say %q", want)))
			}
			if got != c.start {
				mismatches = append(mismatches, detail("chmod rejected the mode but changed a file"))
			}
		default:
			for k := range caseNames {
				want := ch.Apply(c.start[k], k >= 2, umask)
				if want != got[k] {
					mismatches = append(mismatches, detail(fmt.Sprintf("%s: Apply gives %04o, chmod gave %04o", caseNames[k], want, got[k])))
				}
				if r := ch.Explain(c.start[k], k >= 2, umask); r.Mode != want {
					mismatches = append(mismatches, detail(fmt.Sprintf("%s: Explain gives %04o, Apply %04o", caseNames[k], r.Mode, want)))
				}
			}
		}
	}
	return mismatches, rejected, nil
}

// randStart is a starting mode: often plain, often with special bits.
func randStart(rng *rand.Rand) Mode {
	m := Mode(rng.IntN(0o1000))
	if rng.IntN(2) == 0 {
		m |= Mode(rng.IntN(8)) << 9
	}
	return m
}

// genModes returns n chmod modes: symbolic ones with several clauses and
// operators, copy letters, X, s and t; octal of 1 to 5 digits (and more),
// also after an operator; corrupted ones; random strings from a nasty
// alphabet; and a fixed list of corner cases.
func genModes(rng *rand.Rand, n int) []string {
	fixed := []string{
		"", ",", "u+rw,", ",u+r", "u+r,,g+w", "8", "9", "10000", "07777", "7777", "17777", "007777",
		"0", "00", "00000", "000000", "0000000", "00755", "000755", "+", "-", "=", "u+", "a=", "+-=",
		"u", "ugo", "x", "=+w", "+755", "-6000", "=0", "+07777", "+10000", "u+755", "+755,u+x", "+7,", "+7-w",
		"g=ux", "g=u", "go=u-w", "ug=o", "a+X", "a-x,a+X", "a=X", "o+s", "u+t", "g+t", "+s", "+t",
		"ugoa+rwxXst", "u=g=o", "u+g+o", "=u", "-u", "+g", "a+Xu", "a+uX", "+1000", "=2000", " 755", "755 ",
		"u+r ", "u +r", "0x1ed", "-0", "--", "-w", "-rwx", "a-rwx", "U+x", "u+R", "u+Xx", "+9",
	}
	out := append([]string(nil), fixed...)
	for len(out) < n {
		var s string
		switch k := rng.IntN(100); {
		case k < 40:
			s = genSymbolic(rng)
		case k < 60:
			s = genOctal(rng)
		case k < 80:
			s = mutate(rng, pick(rng, genSymbolic, genOctal))
		default:
			s = nasty(rng, rng.IntN(9))
		}
		out = append(out, s)
	}
	return out[:max(n, len(fixed))]
}

func pick(rng *rand.Rand, gens ...func(*rand.Rand) string) string {
	return gens[rng.IntN(len(gens))](rng)
}

func genOctal(rng *rand.Rand) string {
	var b strings.Builder
	if rng.IntN(4) == 0 {
		b.WriteByte("+-="[rng.IntN(3)])
	}
	digits := 1 + rng.IntN(5)
	if rng.IntN(20) == 0 {
		digits += 1 + rng.IntN(3)
	}
	for i := 0; i < digits; i++ {
		d := rng.IntN(8)
		if i == 0 && digits >= 4 && rng.IntN(2) == 0 {
			d = 0 // leading zeros
		}
		b.WriteByte(byte('0' + d))
	}
	return b.String()
}

func genSymbolic(rng *rand.Rand) string {
	var b strings.Builder
	clauses := 1 + rng.IntN(3)
	for c := 0; c < clauses; c++ {
		if c > 0 {
			b.WriteByte(',')
		}
		who := 0
		if rng.IntN(4) != 0 {
			who = 1 + rng.IntN(3)
		}
		for i := 0; i < who; i++ {
			b.WriteByte("ugoa"[rng.IntN(4)])
		}
		ops := 1 + rng.IntN(3)
		for o := 0; o < ops; o++ {
			b.WriteByte("+-="[rng.IntN(3)])
			switch k := rng.IntN(10); {
			case k < 2:
				b.WriteByte("ugo"[rng.IntN(3)])
			case k < 3 && who == 0:
				b.WriteString(strconv.FormatUint(uint64(rng.IntN(0o10000)), 8))
			default:
				for i, l := 0, rng.IntN(5); i < l; i++ {
					b.WriteByte("rwxXst"[rng.IntN(6)])
				}
			}
		}
	}
	return b.String()
}

// nastyAlphabet is what people and fuzzers type into a mode, right and wrong.
const nastyAlphabet = "ugoarwxXst+-=,0123456789 UGOARWSTl:.\\'\"\té"

func nasty(rng *rand.Rand, n int) string {
	var b strings.Builder
	r := []rune(nastyAlphabet)
	for i := 0; i < n; i++ {
		b.WriteRune(r[rng.IntN(len(r))])
	}
	return b.String()
}

// mutate inserts, deletes or replaces one character, or appends a comma.
func mutate(rng *rand.Rand, s string) string {
	r := []rune(s)
	a := []rune(nastyAlphabet)
	i := 0
	if len(r) > 0 {
		i = rng.IntN(len(r) + 1)
	}
	switch rng.IntN(4) {
	case 0:
		r = append(r[:i], append([]rune{a[rng.IntN(len(a))]}, r[i:]...)...)
	case 1:
		if i < len(r) {
			r = append(r[:i], r[i+1:]...)
		}
	case 2:
		if i < len(r) {
			r[i] = a[rng.IntN(len(a))]
		}
	default:
		r = append(r, ',')
	}
	return string(r)
}

// TestChmodSurpriseWarning checks the warning note against GNU chmod run
// with the mode as an option (`chmod -w f`): it warns "new permissions are
// X, not Y" and exits 1 exactly when the note says it would.
func TestChmodSurpriseWarning(t *testing.T) {
	chmod := gnuChmod(t)
	rng := rand.New(rand.NewPCG(7, 7))
	var modes []string
	for _, m := range genModes(rng, 3000) {
		if strings.HasPrefix(m, "-") && !strings.HasPrefix(m, "--") && strings.Trim(m, "-+=,rwxXstugoa01234567") == "" {
			if _, err := Compile(m); err == nil {
				modes = append(modes, m)
			}
		}
	}
	modes = append(modes, "-w", "-x", "-r", "-rwx", "-w,u+x", "-s", "-t", "-7", "-022")
	dir := t.TempDir()
	for i, m := range modes {
		for _, umask := range []Mode{0o022, 0o077} {
			from := randStart(rng)
			p := filepath.Join(dir, fmt.Sprintf("w%d-%03o", i, umask))
			if err := os.WriteFile(p, nil, 0o600); err != nil {
				t.Fatal(err)
			}
			if err := unix.Chmod(p, uint32(from)); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command("/bin/sh", "-c", "umask "+umask.String()+`; exec "$0" "$1" "$2"`, chmod, m, p)
			cmd.Env = append(os.Environ(), "LC_ALL=C")
			out, err := cmd.CombinedOutput()
			c, _ := Compile(m)
			r := c.Explain(from, false, umask)
			var warn string
			for _, n := range r.Notes {
				if strings.Contains(n.En, "GNU chmod would warn") {
					warn = fmt.Sprintf("new permissions are %s, not %s", LsString(r.Mode, '-')[1:], LsString(r.Naive, '-')[1:])
				}
			}
			chmodWarns := err != nil && strings.Contains(string(out), "new permissions are")
			if chmodWarns != (warn != "") || warn != "" && !strings.Contains(string(out), warn) {
				t.Errorf("chmod %s on %04o under umask %03o: chmod says %q (err %v); our note: %q", m, from, umask, out, err, warn)
			}
		}
	}
	t.Logf("%d modes starting with '-'", len(modes))
}
