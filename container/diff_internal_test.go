package container

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

func writeTree(t *testing.T, dir string, files ...string) {
	t.Helper()
	for _, f := range files {
		p := filepath.Join(dir, f)
		if strings.HasSuffix(f, "/") {
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
			continue
		}
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, []byte(f), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func show(ch []Change) string {
	var b strings.Builder
	for _, c := range ch {
		fmt.Fprintf(&b, "%s %s\n", c.Kind, c.Path)
	}
	return b.String()
}

// TestDiffUpper reads an overlay upper layer as the kernel wrote it: a
// whiteout is a 0/0 character device, an opaque directory has
// trusted.overlay.opaque=y.
func TestDiffUpper(t *testing.T) {
	testenv.NeedRoot(t)
	lower, upper := t.TempDir(), t.TempDir()
	writeTree(t, lower, "etc/passwd", "etc/group", "usr/share/doc/a/x", "usr/share/doc/b/y", "var/lib/dpkg/status", "opt/")
	writeTree(t, upper, "etc/passwd", "usr/share/doc/a/", "usr/share/doc/new", "var/lib/dpkg/", "home/u/f")
	if err := unix.Mknod(filepath.Join(upper, "etc/group"), unix.S_IFCHR|0o600, 0); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mknod(filepath.Join(upper, "opt"), unix.S_IFCHR|0o600, 0); err != nil {
		t.Fatal(err)
	}
	if err := unix.Mknod(filepath.Join(upper, "usr/share/doc/gone"), unix.S_IFCHR|0o600, 0); err != nil {
		t.Fatal(err) // a whiteout of what the lower layer never had: nothing
	}
	if err := unix.Setxattr(filepath.Join(upper, "usr/share/doc/a"), "trusted.overlay.opaque", []byte("y"), 0); err != nil {
		t.Fatal(err)
	}
	got, err := diffUpper(upper, lower)
	if err != nil {
		t.Fatal(err)
	}
	want := `C /etc
D /etc/group
C /etc/passwd
A /home
A /home/u
A /home/u/f
D /opt
C /usr
C /usr/share
C /usr/share/doc
C /usr/share/doc/a
D /usr/share/doc/a/x
A /usr/share/doc/new
C /var
C /var/lib
C /var/lib/dpkg
`
	if s := show(got); s != want {
		t.Errorf("diff:\n%s\nwant:\n%s", s, want)
	}
}

// TestDiffTrees compares a root as a running container sees it with its
// rootfs (rootless runs keep their writes in memory).
func TestDiffTrees(t *testing.T) {
	lower, merged := t.TempDir(), t.TempDir()
	writeTree(t, lower, "etc/passwd", "etc/group", "usr/bin/ls", "proc/")
	if err := os.CopyFS(merged, os.DirFS(lower)); err != nil {
		t.Fatal(err)
	}
	old := time.Unix(1700000000, 0)
	for _, d := range []string{lower, merged} {
		filepath.Walk(d, func(p string, _ os.FileInfo, _ error) error { return os.Chtimes(p, old, old) })
	}
	os.Remove(filepath.Join(merged, "etc/group"))
	os.WriteFile(filepath.Join(merged, "etc/passwd"), []byte("changed"), 0o644)
	os.WriteFile(filepath.Join(merged, "usr/bin/new"), []byte("n"), 0o755)
	os.WriteFile(filepath.Join(merged, "proc/ignored"), []byte("n"), 0o755)
	os.Chmod(filepath.Join(merged, "usr/bin/ls"), 0o4755)
	// (the directories' times changed with their entries)
	got, err := diffTrees(merged, lower, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := `C /etc
D /etc/group
C /etc/passwd
C /usr
C /usr/bin
C /usr/bin/ls
A /usr/bin/new
`
	if s := show(got); s != want {
		t.Errorf("diff:\n%s\nwant:\n%s", s, want)
	}
}
