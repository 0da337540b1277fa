package perm

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

// chownSpecs are tried with the real chown. Names are in every Debian
// /etc/passwd and /etc/group.
var chownSpecs = []string{
	"", ":", "::", ":::", "a:b:c", "root:b:c", "root::", ":root:",
	"root", "root:", ":root", "root:root", "root:daemon", "daemon", "daemon:", ":daemon",
	"nobody", "nobody:", "nobody:nogroup", ":nogroup", "daemon:nogroup", "root:0", "0:root",
	"root.root", "daemon.daemon", "root.", ".root", "root.daemon.x", "root.nosuchgroup", "nosuch.root",
	"nobody.nogroup", "0.0", "5.", "root.:",
	"0", "010", "+0", "+010", "0x10", "-1", "4294967294", "4294967295", "4294967296", "99999999999999999999",
	"65534", "65534:", "65534:65534", ":65534", ":+65534", ":0x10", ":-1", ":4294967295", ":4294967294",
	"nosuchuser", "nosuchuser:", "nosuchuser:root", ":nosuchgroup", "root:nosuchgroup", "+root", ":+root",
	" 5", "5 ", " +5", "\t7", ":\t7", "+", ":+", "+:", "1:2", "1:", ":1", "root:+1", "+0:+0",
	"ROOT", "root ", " root", "r", "ro", "daemon:root:",
}

// dotSpecs use the names added by chownExtraPasswd and chownExtraGroup.
var dotSpecs = []string{
	"first.last", "first.last:", "first.last:root", "first.last.users", "first.last:my.grp", "root.my.grp",
	"42", "42:", "+42", "42:7", ":7", ":+7", "first", "first.", "my.grp", ":my.grp", "root:my.grp", "first.last.",
}

const (
	chownExtraPasswd = "first.last:x:1500:100::/nonexistent:/usr/sbin/nologin\n42:x:4200:4200::/nonexistent:/usr/sbin/nologin\n"
	chownExtraGroup  = "7:x:7007:\nmy.grp:x:1600:\n"
)

// chownTarget is one fresh file the spec is applied to.
type chownTarget struct {
	name     string
	dir      bool
	mode     Mode
	uid, gid uint32
}

var chownTargets = []chownTarget{
	{"f6755", false, 0o6755, 4321, 4322},
	{"f6745", false, 0o6745, 4321, 4322},
	{"r6755", false, 0o6755, 0, 0},
	{"f2775", false, 0o2775, 0, 4322},
	{"d6755", true, 0o6755, 4321, 4322},
	{"d2775", true, 0o2775, 0, 0},
}

// TestChownDifferential runs the real GNU chown -h on each spec and compares
// what it accepts, its error words and warning, and the owner, group and
// mode afterwards with ParseOwnerSpec and Effect.
func TestChownDifferential(t *testing.T) {
	testenv.NeedRoot(t)
	chown := testenv.NeedTool(t, "chown")
	if out, err := exec.Command(chown, "--version").Output(); err != nil || !bytes.Contains(out, []byte("GNU coreutils")) {
		testenv.Skip(t, chown+" is not GNU chown (coreutils)")
	}
	t.Run("system", func(t *testing.T) {
		db, err := LoadDB("/etc/passwd", "/etc/group")
		if err != nil {
			t.Fatal(err)
		}
		diffChown(t, chown, db, chownSpecs, nil)
	})
	// A user name with a dot, and numeric-looking names, without touching
	// /etc/passwd: chown runs in a private mount namespace where extended
	// copies are bind-mounted over /etc/passwd and /etc/group.
	t.Run("dotted-names", func(t *testing.T) {
		testenv.NeedTool(t, "unshare")
		dir := t.TempDir()
		pw, gr := filepath.Join(dir, "passwd"), filepath.Join(dir, "group")
		for _, f := range []struct{ src, dst, extra string }{{"/etc/passwd", pw, chownExtraPasswd}, {"/etc/group", gr, chownExtraGroup}} {
			b, err := os.ReadFile(f.src)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) > 0 && b[len(b)-1] != '\n' {
				b = append(b, '\n')
			}
			if err := os.WriteFile(f.dst, append(b, f.extra...), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		if out, err := exec.Command("unshare", "-m", "--propagation", "private", "sh", "-c",
			`mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group && getent passwd first.last`, "sh", pw, gr).CombinedOutput(); err != nil {
			testenv.Skip(t, fmt.Sprintf("cannot bind-mount a passwd file in a mount namespace: %v: %s", err, out))
		}
		db, err := LoadDB(pw, gr)
		if err != nil {
			t.Fatal(err)
		}
		diffChown(t, chown, db, append(dotSpecs, chownSpecs...), []string{pw, gr})
	})
}

// diffChown applies every spec with one chown call per spec to fresh
// targets. With bind set, chown sees bind[0] and bind[1] as /etc/passwd
// and /etc/group.
func diffChown(t *testing.T, chown string, db *DB, specs []string, bind []string) {
	dir := t.TempDir()
	var list bytes.Buffer
	for i, spec := range specs {
		for _, tg := range chownTargets {
			p := filepath.Join(dir, "c"+strconv.Itoa(i)+tg.name)
			var err error
			if tg.dir {
				err = os.Mkdir(p, 0o700)
			} else {
				err = os.WriteFile(p, nil, 0o600)
			}
			if err == nil {
				err = unix.Chown(p, int(tg.uid), int(tg.gid))
			}
			if err == nil {
				err = unix.Chmod(p, uint32(tg.mode))
			}
			if err != nil {
				t.Fatal(err)
			}
		}
		list.WriteString(spec)
		list.WriteByte('\n')
	}
	if err := os.WriteFile(filepath.Join(dir, "specs"), list.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	var targets []string
	for _, tg := range chownTargets {
		targets = append(targets, `"c${i}`+tg.name+`"`)
	}
	script := `chown=$1
i=0
while IFS= read -r s; do
	printf '@@ %d\n' "$i" >&2
	"$chown" -h -- "$s" ` + strings.Join(targets, " ") + `
	printf '%d %d\n' "$i" "$?"
	i=$((i+1))
done < specs
`
	argv := []string{"/bin/sh", "-c", script, "sh", chown}
	if bind != nil {
		argv = append([]string{"unshare", "-m", "--propagation", "private", "sh", "-c",
			`mount --bind "$1" /etc/passwd && mount --bind "$2" /etc/group && shift 2 && exec "$@"`, "sh", bind[0], bind[1]}, argv...)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("running the chown script: %v: %s", err, stderr.String())
	}
	rcs := map[int]int{}
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var i, rc int
		if _, err := fmt.Sscanf(sc.Text(), "%d %d", &i, &rc); err != nil {
			t.Fatalf("bad script output %q", sc.Text())
		}
		rcs[i] = rc
	}
	errs := map[int]string{}
	cur := -1
	for _, line := range strings.SplitAfter(stderr.String(), "\n") {
		if rest, ok := strings.CutPrefix(line, "@@ "); ok {
			cur, _ = strconv.Atoi(strings.TrimSpace(rest))
			continue
		}
		errs[cur] += line
	}

	for i, spec := range specs {
		rc, ok := rcs[i]
		if !ok {
			t.Errorf("chown %q: no exit status", spec)
			continue
		}
		r, err := ParseOwnerSpec(spec, db)
		if r2, err2 := ParseOwnerSpec(spec, db); r2 != r || (err == nil) != (err2 == nil) {
			t.Errorf("ParseOwnerSpec(%q) is not deterministic", spec)
		}
		var se *SpecError
		if err != nil && !errors.As(err, &se) {
			t.Errorf("ParseOwnerSpec(%q) = %v, want a *SpecError", spec, err)
			continue
		}
		switch {
		case err != nil && rc == 0:
			t.Errorf("chown %q: we reject it (%v), chown accepts it", spec, err)
			continue
		case err == nil && rc != 0:
			t.Errorf("chown %q: we accept it (%+v), chown fails: %q", spec, r, errs[i])
			continue
		case err != nil:
			if want := chown + ": " + se.Error() + "\n"; !strings.HasPrefix(errs[i], want) {
				t.Errorf("chown %q: chown says %q, we say %q", spec, errs[i], want)
			}
		default:
			warned := strings.Contains(errs[i], "warning: '.' should be ':'")
			if warned != r.Dot {
				t.Errorf("chown %q: chown warned %v, Dot %v (stderr %q)", spec, warned, r.Dot, errs[i])
			}
			if want := ""; !warned && errs[i] != want {
				t.Errorf("chown %q: unexpected stderr %q", spec, errs[i])
			}
		}
		for _, tg := range chownTargets {
			var st unix.Stat_t
			p := filepath.Join(dir, "c"+strconv.Itoa(i)+tg.name)
			if err := unix.Lstat(p, &st); err != nil {
				t.Fatal(err)
			}
			got := ChownEffect{UIDBefore: tg.uid, GIDBefore: tg.gid, ModeBefore: tg.mode,
				UIDAfter: st.Uid, GIDAfter: st.Gid, ModeAfter: FromStatMode(st.Mode)}
			want := ChownEffect{UIDBefore: tg.uid, UIDAfter: tg.uid, GIDBefore: tg.gid, GIDAfter: tg.gid, ModeBefore: tg.mode, ModeAfter: tg.mode}
			if err == nil {
				want = r.Effect(tg.uid, tg.gid, tg.mode, tg.dir)
			}
			got.Changes = want.Changes // compared below
			if got != want {
				t.Errorf("chown -h %q on %s (%d:%d %04o):\n\tchown gave %d:%d %04o\n\tEffect says %d:%d %04o",
					spec, tg.name, tg.uid, tg.gid, tg.mode, got.UIDAfter, got.GIDAfter, got.ModeAfter, want.UIDAfter, want.GIDAfter, want.ModeAfter)
			}
			if changed := got.UIDAfter != tg.uid || got.GIDAfter != tg.gid || got.ModeAfter != tg.mode; changed != want.Changes {
				t.Errorf("chown %q on %s: Changes = %v, but something changed: %v", spec, tg.name, want.Changes, changed)
			}
		}
	}
}
