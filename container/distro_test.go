package container_test

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"github.com/sysdojo/sysdojo/internal/testenv"
)

// localArchive serves, on 127.0.0.1, a Debian archive with one small
// package built by dpkg-deb: a mirror with nothing from outside.
func localArchive(t *testing.T) string {
	t.Helper()
	testenv.NeedTool(t, "dpkg-deb")
	archOut, err := exec.Command("dpkg", "--print-architecture").Output()
	if err != nil {
		t.Fatal(err)
	}
	arch := strings.TrimSpace(string(archOut))
	root := t.TempDir()
	pkg := filepath.Join(t.TempDir(), "pkg")
	os.MkdirAll(filepath.Join(pkg, "DEBIAN"), 0o755)
	os.MkdirAll(filepath.Join(pkg, "usr/share/sysdojo-hello"), 0o755)
	os.WriteFile(filepath.Join(pkg, "DEBIAN/control"), []byte("Package: sysdojo-hello\nVersion: 1.0\nArchitecture: all\n"+
		"Maintainer: sysdojo <sysdojo@localhost>\nDescription: a greeting from the class mirror\n"), 0o644)
	os.WriteFile(filepath.Join(pkg, "usr/share/sysdojo-hello/greeting"), []byte("hello from the class mirror\n"), 0o644)
	deb := filepath.Join(root, "pool/main/s/sysdojo-hello/sysdojo-hello_1.0_all.deb")
	os.MkdirAll(filepath.Dir(deb), 0o755)
	if out, err := exec.Command("dpkg-deb", "--root-owner-group", "-Zgzip", "--build", pkg, deb).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb: %v\n%s", err, out)
	}
	b, _ := os.ReadFile(deb)
	packages := fmt.Sprintf("Package: sysdojo-hello\nVersion: 1.0\nArchitecture: all\nMaintainer: sysdojo <sysdojo@localhost>\n"+
		"Filename: pool/main/s/sysdojo-hello/sysdojo-hello_1.0_all.deb\nSize: %d\nSHA256: %x\nDescription: a greeting from the class mirror\n",
		len(b), sha256.Sum256(b))
	dist := filepath.Join(root, "dists/bookworm")
	os.MkdirAll(filepath.Join(dist, "main/binary-"+arch), 0o755)
	os.WriteFile(filepath.Join(dist, "main/binary-"+arch, "Packages"), []byte(packages), 0o644)
	release := fmt.Sprintf("Suite: bookworm\nCodename: bookworm\nArchitectures: %s\nComponents: main\n"+
		"Date: Sat, 05 Dec 2026 00:00:00 UTC\nSHA256:\n %x %d main/binary-%s/Packages\n",
		arch, sha256.Sum256([]byte(packages)), len(packages), arch)
	os.WriteFile(filepath.Join(dist, "Release"), []byte(release), 0o644)
	s := httptest.NewServer(http.FileServer(http.Dir(root)))
	t.Cleanup(s.Close)
	return s.URL
}

func TestBuildDistroFromLocalMirror(t *testing.T) {
	testenv.NeedRoot(t)
	testenv.NeedTool(t, "mmdebstrap")
	mirror := localArchive(t)
	parent := t.TempDir()
	dir := filepath.Join(parent, "deb")
	rep, err := container.BuildDistro(dir, container.DistroOptions{Distro: "debian", Mirror: mirror, Variant: "extract",
		Include: []string{"sysdojo-hello"}, Trusted: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Tool != "mmdebstrap" || rep.Suite != "bookworm" || rep.Mirror != mirror {
		t.Errorf("report: %+v", rep)
	}
	if b, err := os.ReadFile(filepath.Join(dir, "usr/share/sysdojo-hello/greeting")); err != nil || string(b) != "hello from the class mirror\n" {
		t.Errorf("the package from the local mirror: %q %v", b, err)
	}
	if ents, _ := os.ReadDir(parent); len(ents) != 1 {
		t.Errorf("beside the root: %v, want only deb", ents)
	}
	// Into a directory that is not empty: refused, nothing changed.
	if _, err := container.BuildDistro(dir, container.DistroOptions{Distro: "debian", Mirror: mirror}); kind(err) != i18n.KindInvalid {
		t.Errorf("non-empty dir: %v", err)
	}
	// A mirror without the suite: one line naming the tool and the
	// mirror, and nothing left behind.
	bad := filepath.Join(parent, "bad")
	_, err = container.BuildDistro(bad, container.DistroOptions{Distro: "debian", Suite: "nosuch", Mirror: mirror, Variant: "extract",
		Include: []string{"sysdojo-hello"}, Trusted: true})
	if kind(err) != i18n.KindFailed || !strings.Contains(err.Error(), "mmdebstrap could not build the debian root from "+mirror) {
		t.Errorf("missing suite: %v", err)
	}
	if _, err := os.Stat(bad); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed build left %s", bad)
	}
	if ents, _ := os.ReadDir(parent); len(ents) != 1 {
		t.Errorf("a failed build left %v", ents)
	}
}

func TestDistroCommand(t *testing.T) {
	testenv.NeedTool(t, "mmdebstrap")
	testenv.NeedTool(t, "debootstrap")
	for _, tt := range []struct {
		opt  container.DistroOptions
		want string
	}{
		{container.DistroOptions{Distro: "debian"}, "mmdebstrap --variant=minbase --mode=auto bookworm D http://deb.debian.org/debian"},
		{container.DistroOptions{Distro: "ubuntu", Suite: "jammy", Mirror: "http://mirror.kakao.com/ubuntu/", Include: []string{"curl", "less"}},
			"mmdebstrap --variant=minbase --mode=auto --include=curl,less jammy D http://mirror.kakao.com/ubuntu/"},
		{container.DistroOptions{Distro: "debian", Tool: "debootstrap", Keyrings: []string{"/k1", "/k2"}, Arch: "arm64"},
			"debootstrap --variant=minbase --keyring=/k1 --arch=arm64 bookworm D http://deb.debian.org/debian"},
		{container.DistroOptions{Distro: "debian", Mirror: "http://127.0.0.1:8080/debian", Trusted: true, Keyrings: []string{"/k"}},
			"mmdebstrap --variant=minbase --mode=auto --keyring=/k bookworm D deb [trusted=yes] http://127.0.0.1:8080/debian bookworm main"},
	} {
		args, err := container.DistroCommand("D", tt.opt)
		if got := strings.Join(args, " "); err != nil || got != tt.want {
			t.Errorf("%+v:\n got %s %v\nwant %s", tt.opt, got, err, tt.want)
		}
	}
	for _, opt := range []container.DistroOptions{
		{Distro: "fedora"}, {Distro: "debian", Suite: "../x"}, {Distro: "debian", Mirror: "ftp:/x"},
		{Distro: "debian", Mirror: "http://h/x y"}, {Distro: "debian", Include: []string{"a;rm"}},
		{Distro: "debian", Variant: "everything"}, {Distro: "debian", Tool: "yum"},
	} {
		if _, err := container.DistroCommand("D", opt); kind(err) != i18n.KindInvalid {
			t.Errorf("%+v: %v, want invalid input", opt, err)
		}
	}
}
