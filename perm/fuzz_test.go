package perm

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

var fuzzModeSeeds = []string{
	"", ",", "755", "0755", "00755", "07777", "10000", "8", "u+x", "g=u", "go=u-w", "a+X", "o+s", "u+t",
	"+755", "=+w", "-w", "u+rw,", "g=ux", "u=rwx,g=rx,o=r", "ugoa+rwxXst", "+7-w", "a-x,a+X", "=",
	"rwxr-xr--", "-rwsr-xr-x", "drwxrwxrwt", "u+z", "é", "a'b", "a\\b", "\t7", "000000",
}

// oracle is GNU chmod when the machine has it; "" otherwise.
var oracle = sync.OnceValue(func() string {
	out, err := exec.Command("/usr/bin/chmod", "--version").Output()
	if err != nil || !strings.Contains(string(out), "GNU coreutils") {
		return ""
	}
	return "/usr/bin/chmod"
})

// processUmask reads this process's umask without changing it (other tests
// may be creating files at the same time).
func processUmask(t testing.TB) Mode {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status")
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, "Umask:"); ok {
			m, err := strconv.ParseUint(strings.TrimSpace(v), 8, 32)
			if err == nil {
				return Mode(m)
			}
		}
	}
	t.Skip("no Umask line in /proc/self/status")
	return 0
}

// FuzzCompile: Compile never panics, Apply stays within 07777 and agrees
// with Explain, errors are chmod's words, and, when GNU chmod is on the
// machine, short inputs are accepted exactly when chmod accepts them and give
// the same mode on a fresh file and directory.
func FuzzCompile(f *testing.F) {
	for _, s := range fuzzModeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		c, err := Compile(s)
		if err != nil {
			var me *ModeError
			if !errors.As(err, &me) || err.Error() != "invalid mode: "+quote(s) {
				t.Fatalf("Compile(%q) error %v", s, err)
			}
		} else {
			if c.String() != s {
				t.Fatalf("String() = %q, want %q", c.String(), s)
			}
			for _, from := range []Mode{0, 0o644, 0o7777, 0o6755, 0o1070} {
				for _, umask := range []Mode{0, 0o022, 0o777} {
					for _, dir := range []bool{false, true} {
						m := c.Apply(from, dir, umask)
						if m&^AllBits != 0 {
							t.Fatalf("Apply(%q, %04o) = %o: bits outside 07777", s, from, m)
						}
						if r := c.Explain(from, dir, umask); r.Mode != m || len(r.Steps) == 0 {
							t.Fatalf("Explain(%q, %04o).Mode = %04o, Apply %04o", s, from, r.Mode, m)
						}
					}
				}
			}
		}
		chmod := oracle()
		if chmod == "" || len(s) > 64 || strings.ContainsAny(s, "\x00") {
			return
		}
		dir := t.TempDir()
		file, sub := filepath.Join(dir, "f"), filepath.Join(dir, "d")
		if err := os.WriteFile(file, nil, 0o600); err != nil {
			t.Fatal(err)
		}
		if err := os.Mkdir(sub, 0o700); err != nil {
			t.Fatal(err)
		}
		const fileFrom, dirFrom = Mode(0o4751), Mode(0o2750)
		if err := unix.Chmod(file, uint32(fileFrom)); err != nil {
			t.Fatal(err)
		}
		if err := unix.Chmod(sub, uint32(dirFrom)); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(chmod, "--", s, file, sub)
		cmd.Env = append(os.Environ(), "LC_ALL=C")
		out, cerr := cmd.CombinedOutput()
		if (cerr == nil) != (err == nil) {
			t.Fatalf("chmod -- %q: chmod error %v (%q), Compile error %v", s, cerr, out, err)
		}
		if err != nil {
			return
		}
		umask := processUmask(t)
		for _, x := range []struct {
			path string
			from Mode
			dir  bool
		}{{file, fileFrom, false}, {sub, dirFrom, true}} {
			var st unix.Stat_t
			if err := unix.Stat(x.path, &st); err != nil {
				t.Fatal(err)
			}
			if got, want := FromStatMode(st.Mode), c.Apply(x.from, x.dir, umask); got != want {
				t.Fatalf("chmod -- %q on %04o (dir %v, umask %03o): chmod gives %04o, Apply %04o", s, x.from, x.dir, umask, got, want)
			}
		}
	})
}

// FuzzParseAny: no panic; a result is within 07777 and consistent with the
// parser of its form.
func FuzzParseAny(f *testing.F) {
	for _, s := range fuzzModeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParseAny(s)
		if err != nil {
			if _, cerr := Compile(s); cerr == nil {
				t.Fatalf("ParseAny(%q) fails (%v) but Compile accepts it", s, err)
			}
			return
		}
		if p.Mode&^AllBits != 0 {
			t.Fatalf("ParseAny(%q) = %o", s, p.Mode)
		}
		switch p.Form {
		case "ls":
			m, typ, err := ParseLs(s)
			if err != nil || m != p.Mode || typ != p.Type {
				t.Fatalf("ParseAny(%q) = %+v, ParseLs gives %04o %q %v", s, p, m, typ, err)
			}
		case "octal", "symbolic":
			c, err := Compile(s)
			if err != nil || c.Apply(0, false, 0) != p.Mode || p.Type != TypeRegular {
				t.Fatalf("ParseAny(%q) = %+v, Compile: %v", s, p, err)
			}
		default:
			t.Fatalf("ParseAny(%q): form %q", s, p.Form)
		}
	})
}

// FuzzParseLs: an accepted string round-trips through LsString, and the
// error never panics.
func FuzzParseLs(f *testing.F) {
	for _, s := range []string{"rwxr-xr--", "-rwsr-xr-x", "drwxrwxrwt", "-rwSr-Sr-T", "lrwxrwxrwx", "---------",
		"crw-rw----", "?rwxrwxrwx", "rwxrwxrwxx", "rwsrwsrwt", "rwtrwxrwx", "", "é-------"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, typ, err := ParseLs(s)
		if err != nil {
			return
		}
		if m&^AllBits != 0 {
			t.Fatalf("ParseLs(%q) = %o", s, m)
		}
		want := s
		if len(s) == 9 {
			want = "-" + s
		}
		if got := LsString(m, typ); got != want {
			t.Fatalf("ParseLs(%q) = %04o %q; LsString gives back %q", s, m, typ, got)
		}
	})
}

// fuzzDB has names that look like numbers and names with dots.
var fuzzDB = &DB{
	Users: []User{{"root", 0, 0}, {"daemon", 1, 1}, {"first.last", 1500, 100}, {"42", 4200, 4200},
		{"nobody", 65534, 65534}, {"nogroupuser", 3000, 3333}},
	Groups: []Group{{Name: "root", GID: 0}, {Name: "daemon", GID: 1}, {Name: "users", GID: 100},
		{Name: "7", GID: 7007}, {Name: "my.grp", GID: 1600}, {Name: "nogroup", GID: 65534}},
}

// FuzzParseOwnerSpec: no panic; deterministic; errors are chown's words;
// what is set is consistent with the spec's shape.
func FuzzParseOwnerSpec(f *testing.F) {
	for _, s := range append(append([]string{}, chownSpecs...), dotSpecs...) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseOwnerSpec(s, fuzzDB)
		r2, err2 := ParseOwnerSpec(s, fuzzDB)
		if r != r2 || (err == nil) != (err2 == nil) || err != nil && err.Error() != err2.Error() {
			t.Fatalf("ParseOwnerSpec(%q) is not deterministic: %+v %v / %+v %v", s, r, err, r2, err2)
		}
		if err != nil {
			var se *SpecError
			if !errors.As(err, &se) || se.Spec != s {
				t.Fatalf("ParseOwnerSpec(%q) error %v", s, err)
			}
			switch se.Reason {
			case "invalid user", "invalid group", "invalid spec":
			default:
				t.Fatalf("ParseOwnerSpec(%q): reason %q", s, se.Reason)
			}
			return
		}
		if r.Spec != s {
			t.Fatalf("Spec = %q, want %q", r.Spec, s)
		}
		colon := strings.IndexByte(s, ':')
		if colon < 0 && !r.Dot && r.SetGroup {
			t.Fatalf("ParseOwnerSpec(%q) sets a group without a separator: %+v", s, r)
		}
		if r.Dot && (colon >= 0 || !strings.Contains(s, ".")) {
			t.Fatalf("ParseOwnerSpec(%q): Dot without a dot form: %+v", s, r)
		}
		if r.LoginGroup && (!r.SetGroup || !r.SetUser) {
			t.Fatalf("ParseOwnerSpec(%q): login group without owner and group: %+v", s, r)
		}
		if r.UID == 1<<32-1 || r.GID == 1<<32-1 {
			t.Fatalf("ParseOwnerSpec(%q): -1 is not an id: %+v", s, r)
		}
		for _, dir := range []bool{false, true} {
			e := r.Effect(10, 20, 0o6755, dir)
			if e.ModeAfter&^e.ModeBefore != 0 {
				t.Fatalf("Effect adds bits: %+v", e)
			}
		}
	})
}
