package perm

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

// TestStatAgainstStat compares Stat with the real stat(1) on files of every
// kind it can make, with special bits and, as root, other owners.
func TestStatAgainstStat(t *testing.T) {
	statBin := testenv.NeedTool(t, "stat")
	db, err := LoadDB("/etc/passwd", "/etc/group")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	p := func(name string) string { return filepath.Join(dir, name) }
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(os.WriteFile(p("file"), []byte("hello\n"), 0o644))
	must(os.WriteFile(p("empty"), nil, 0o600))
	must(os.WriteFile(p("suid"), []byte("#!/bin/sh\n"), 0o600))
	must(unix.Chmod(p("suid"), 0o4755))
	must(os.WriteFile(p("sgid-nox"), nil, 0o600))
	must(unix.Chmod(p("sgid-nox"), 0o2644))
	must(os.Mkdir(p("dir"), 0o755))
	must(os.Mkdir(p("sticky"), 0o700))
	must(unix.Chmod(p("sticky"), 0o1777))
	must(os.Symlink("file", p("link")))
	must(os.Symlink("nowhere", p("dangling")))
	must(unix.Mkfifo(p("fifo"), 0o640))
	must(os.Link(p("file"), p("hardlink")))
	must(os.WriteFile(p("nobody"), nil, 0o640))
	if os.Geteuid() == 0 {
		must(os.Chown(p("nobody"), 65534, 65534))
		must(os.Chown(p("empty"), 1, 1))
		must(os.Chown(p("file"), 4321, 4322)) // ids with no names
	}
	names := []string{"file", "empty", "suid", "sgid-nox", "dir", "sticky", "link", "dangling", "fifo", "hardlink", "nobody"}
	for _, name := range names {
		out, err := exec.Command(statBin, "-c", "%A|%h|%U|%G|%s|%F|%u|%g", p(name)).Output()
		if err != nil {
			t.Fatalf("stat %s: %v", name, err)
		}
		fi, err := Stat(p(name), db)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.Join([]string{fi.Symbolic, strconv.FormatUint(fi.Nlink, 10), fi.Owner, fi.Group,
			strconv.FormatInt(fi.Size, 10), fi.Type, strconv.Itoa(int(fi.UID)), strconv.Itoa(int(fi.GID))}, "|")
		// stat says UNKNOWN for an id without a name; Stat gives the
		// number, as ls -l does.
		f := strings.Split(strings.TrimSpace(string(out)), "|")
		if f[2] == "UNKNOWN" {
			f[2] = f[6]
		}
		if f[3] == "UNKNOWN" {
			f[3] = f[7]
		}
		if want := strings.Join(f, "|"); got != want {
			t.Errorf("%s:\n\tstat says  %s\n\tStat says  %s", name, want, got)
		}
	}
	if fi, _ := Stat(p("link"), db); fi.Target != "file" || !strings.HasSuffix(fi.LsLine(), "link -> file") {
		t.Errorf("Stat(link) = %+v, LsLine %q", fi, fi.LsLine())
	}
	if _, err := Stat(p("missing"), db); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("Stat(missing) error = %v", err)
	}
}
