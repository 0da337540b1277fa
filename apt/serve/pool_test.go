package serve

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

// TestDemoDeb: the demo package is a real .deb by dpkg-deb's reading
// (and lintian's, where it is installed), and ReadControl reads it back.
func TestDemoDeb(t *testing.T) {
	dpkgDeb := testenv.NeedTool(t, "dpkg-deb")
	b, err := DemoDeb()
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "sysdojo-hello_1.0_all.deb")
	os.WriteFile(p, b, 0o644)
	out, err := exec.Command(dpkgDeb, "--info", p).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Package: sysdojo-hello") || !strings.Contains(string(out), "Installed-Size:") {
		t.Fatalf("dpkg-deb --info: %v\n%s", err, out)
	}
	out, err = exec.Command(dpkgDeb, "--contents", p).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "-rwxr-xr-x root/root") || !strings.Contains(string(out), "./usr/bin/sysdojo-hello") {
		t.Fatalf("dpkg-deb --contents: %v\n%s", err, out)
	}
	if lintian, err := exec.LookPath("lintian"); err == nil {
		out, err := exec.Command(lintian, "--pedantic", "-I", p).CombinedOutput()
		for _, l := range lines(string(out)) {
			if strings.HasPrefix(l, "E:") || strings.HasPrefix(l, "W:") || strings.HasPrefix(l, "I:") || strings.HasPrefix(l, "P:") {
				t.Errorf("lintian: %s", l)
			}
		}
		if err != nil {
			t.Errorf("lintian: %v\n%s", err, out)
		}
	} else {
		t.Log("lintian is not installed: its check is left out")
	}
	ctl, err := ReadControl(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		t.Fatal(err)
	}
	para, err := ParseControl(ctl)
	if err != nil || para.Get("Package") != DemoPackage || para.Get("Architecture") != "all" {
		t.Fatalf("control: %q %v", para, err)
	}
	if again, _ := DemoDeb(); !bytes.Equal(again, b) {
		t.Error("the demo package differs from one call to the next")
	}
}

func lines(s string) []string {
	var out []string
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

// dpkgBuild builds a package with the real dpkg-deb, its control.tar
// compressed with comp (gzip, xz, zstd, none).
func dpkgBuild(t *testing.T, out, name, version, depends, comp string) string {
	t.Helper()
	dpkgDeb := testenv.NeedTool(t, "dpkg-deb")
	src := filepath.Join(t.TempDir(), name)
	os.MkdirAll(filepath.Join(src, "DEBIAN"), 0o755)
	os.MkdirAll(filepath.Join(src, "usr/share/"+name), 0o755)
	os.WriteFile(filepath.Join(src, "usr/share/"+name, "note"), []byte("from the pool: "+name+"\n"), 0o644)
	ctl := "Package: " + name + "\nVersion: " + version + "\nArchitecture: all\nMaintainer: t <t@example.invalid>\n"
	if depends != "" {
		ctl += "Depends: " + depends + "\n"
	}
	ctl += "Description: test package\n a test package made with dpkg-deb\n .\n its second paragraph\n"
	os.WriteFile(filepath.Join(src, "DEBIAN/control"), []byte(ctl), 0o644)
	deb := filepath.Join(out, name+".deb")
	if o, err := exec.Command(dpkgDeb, "--root-owner-group", "-Z"+comp, "--build", src, deb).CombinedOutput(); err != nil {
		t.Fatalf("dpkg-deb --build -Z%s: %v\n%s", comp, err, o)
	}
	return deb
}

// testPool is a pool with packages built by dpkg-deb in every
// compression, and the bad files a pool may hold: a truncated .deb, a
// .deb that is a symbolic link out of the pool, a FIFO, a control file
// whose name would climb out of pool/, one that would add a paragraph of
// its own to Packages.
func testPool(t *testing.T) (dir, outside string) {
	t.Helper()
	dir = t.TempDir()
	for _, comp := range []string{"gzip", "xz", "zstd", "none"} {
		dpkgBuild(t, dir, "pool-"+comp, "1:2.0-1", "", comp)
	}
	dpkgBuild(t, dir, "pool-needs-hello", "1.0", DemoPackage, "xz")
	good, _ := os.ReadFile(filepath.Join(dir, "pool-gzip.deb"))
	os.WriteFile(filepath.Join(dir, "truncated.deb"), good[:len(good)/2], 0o644)
	outDir := t.TempDir()
	outside = dpkgBuild(t, outDir, "secret-outside", "1.0", "", "gzip")
	os.Symlink(outside, filepath.Join(dir, "link-out.deb"))
	syscall.Mkfifo(filepath.Join(dir, "fifo.deb"), 0o644)
	evil := func(file string, control Paragraph) {
		b, err := BuildDeb(control, []DebFile{{Path: "/x", Mode: 0o644, Body: []byte("x")}}, time.Unix(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, file), b, 0o644)
	}
	evil("climb.deb", Paragraph{{"Package", "../../../../etc"}, {"Version", "1"}, {"Architecture", "all"}})
	evil("inject.deb", Paragraph{{"Package", "inject"}, {"Version", "1"}, {"Architecture", "all"},
		{"Description", "x\n\nPackage: injected\nFilename: ../../../../etc/shadow"}})
	return dir, outside
}

func TestPoolScan(t *testing.T) {
	dir, _ := testPool(t)
	pool, err := OpenPool(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	got := map[string]*PoolDeb{}
	for _, d := range pool.Debs {
		got[d.Control.Get("Package")] = d
	}
	for _, comp := range []string{"gzip", "xz", "zstd", "none"} {
		d := got["pool-"+comp]
		if d == nil {
			t.Errorf("pool-%s (control.tar by -Z%s) not read; skipped: %+v", comp, comp, pool.Skipped)
			continue
		}
		if d.Filename != "pool/main/p/pool-"+comp+"/pool-"+comp+"_2.0-1_all.deb" {
			t.Errorf("Filename %q (the epoch is not part of it)", d.Filename)
		}
		b, _ := os.ReadFile(filepath.Join(dir, d.File))
		if s := sha256.Sum256(b); hex.EncodeToString(s[:]) != d.SHA256 || int64(len(b)) != d.Size {
			t.Errorf("%s: hash or size wrong", d.File)
		}
	}
	if len(pool.Debs) != 5 {
		t.Errorf("served %d packages, want 5", len(pool.Debs))
	}
	skipped := map[string]string{}
	for _, s := range pool.Skipped {
		skipped[s.File] = s.Reason
	}
	for _, f := range []string{"truncated.deb", "link-out.deb", "fifo.deb", "climb.deb", "inject.deb"} {
		if skipped[`"`+f+`"`] == "" {
			t.Errorf("%s was not skipped (skipped: %v)", f, skipped)
		}
	}
	if !strings.Contains(skipped[`"link-out.deb"`], "symbolic link") || !strings.Contains(skipped[`"climb.deb"`], "bad package name") {
		t.Errorf("reasons: %v", skipped)
	}
}

// TestPoolServe: the mirror serves the pool's packages as Packages lists
// them, and nothing outside the pool: not a symbolic link out (listed or
// put there after the scan), not a .. path.
func TestPoolServe(t *testing.T) {
	dir, outside := testPool(t)
	pool, err := OpenPool(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	srv, err := StartWith("127.0.0.1:0", []MirrorConfig{{}}, time.Now(), pool)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	m := srv.Mirrors[0]
	get := func(path string) (int, []byte) {
		resp, err := http.Get(strings.TrimSuffix(m.URL, "/") + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	code, pk := get("/debian/dists/bookworm/main/binary-amd64/Packages")
	if code != 200 {
		t.Fatalf("Packages: %d", code)
	}
	for _, want := range []string{"Package: pool-xz\n", "Package: sysdojo-hello\n", "Version: 1:2.0-1\n", "Depends: sysdojo-hello\n", " .\n its second paragraph\n"} {
		if !bytes.Contains(pk, []byte(want)) {
			t.Errorf("Packages has no %q", want)
		}
	}
	for _, bad := range []string{"secret-outside", "injected", "etc/shadow", "../"} {
		if bytes.Contains(pk, []byte(bad)) {
			t.Errorf("Packages names %q", bad)
		}
	}
	// Every Filename is served with the size and hash Packages says.
	n := 0
	for _, st := range strings.Split(string(pk), "\n\n") {
		var fn, sum string
		for _, l := range strings.Split(st, "\n") {
			if v, ok := strings.CutPrefix(l, "Filename: "); ok {
				fn = v
			}
			if v, ok := strings.CutPrefix(l, "SHA256: "); ok {
				sum = v
			}
		}
		if fn == "" || strings.HasPrefix(st, "Package: sysdojo-hello-") || strings.HasPrefix(st, "Package: sysdojo-doc-") {
			continue // (the index-only entries of the tree)
		}
		code, body := get("/debian/" + fn)
		s := sha256.Sum256(body)
		if code != 200 || hex.EncodeToString(s[:]) != sum {
			t.Errorf("GET %s: %d, hash matches: %v", fn, code, hex.EncodeToString(s[:]) == sum)
		}
		n++
	}
	if n != 6 {
		t.Errorf("%d packages fetched, want 6 (5 from the pool and the demo)", n)
	}
	secret, _ := os.ReadFile(outside)
	// A .. path, sent as it is (an HTTP client would clean it).
	for _, p := range []string{"/debian/pool/../../" + strings.TrimPrefix(outside, "/"), "/debian/pool/main/../../../link-out.deb", "/../" + filepath.Base(dir) + "/link-out.deb"} {
		c, err := net.Dial("tcp", m.ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(c, "GET %s HTTP/1.0\r\n\r\n", p)
		resp, _ := io.ReadAll(c)
		c.Close()
		if !bytes.HasPrefix(resp, []byte("HTTP/1.0 404")) || (len(secret) > 0 && bytes.Contains(resp, secret[len(secret)-64:])) {
			t.Errorf("GET %s: %q", p, firstLine(resp))
		}
	}
	// A listed package swapped for a link out after the scan.
	var victim *PoolDeb
	for _, d := range pool.Debs {
		if d.Control.Get("Package") == "pool-gzip" {
			victim = d
		}
	}
	os.Remove(filepath.Join(dir, victim.File))
	os.Symlink(outside, filepath.Join(dir, victim.File))
	if code, body := get("/debian/" + victim.Filename); code != 404 || bytes.Equal(body, secret) {
		t.Errorf("a listed file swapped for a link out: %d, served the outside file: %v", code, bytes.Equal(body, secret))
	}
}

func firstLine(b []byte) string {
	l, _, _ := bytes.Cut(b, []byte("\n"))
	return string(l)
}

// TestAptGetInstall: the real apt-get, in a root of its own, updates
// from the mirror (signed with its key) and installs a pool package
// whose dependency is the demo package; dpkg unpacks both there.
func TestAptGetInstall(t *testing.T) {
	testenv.NeedRoot(t)
	aptGet := testenv.NeedTool(t, "apt-get")
	testenv.NeedTool(t, "dpkg")
	dir, _ := testPool(t)
	pool, err := OpenPool(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	srv, err := StartWith("127.0.0.1:0", []MirrorConfig{{}}, time.Now(), pool)
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	root := t.TempDir()
	for _, d := range []string{"etc/apt/sources.list.d", "etc/apt/preferences.d", "etc/apt/apt.conf.d", "etc/apt/trusted.gpg.d",
		"var/lib/dpkg/info", "var/lib/dpkg/updates", "var/lib/apt/lists/partial", "var/cache/apt/archives/partial", "var/log/apt"} {
		os.MkdirAll(filepath.Join(root, d), 0o755)
	}
	os.WriteFile(filepath.Join(root, "var/lib/dpkg/status"), nil, 0o644)
	key, _ := KeyBinary()
	keyring := filepath.Join(root, "etc/apt/keyring.gpg")
	os.WriteFile(keyring, key, 0o644)
	os.WriteFile(filepath.Join(root, "etc/apt/sources.list"),
		[]byte("deb [signed-by="+keyring+"] "+srv.Mirrors[0].Archive("debian")+" bookworm main\n"), 0o644)
	apt := func(args ...string) string {
		t.Helper()
		base := []string{"-o", "Dir=" + root, "-o", "Debug::NoLocking=1", "-o", "APT::Sandbox::User=root",
			"-o", "Dir::Bin::dpkg=" + testenv.NeedTool(t, "dpkg"),
			"-o", "DPkg::Options::=--root=" + root, "-o", "DPkg::Options::=--force-script-chrootless", "-q", "-y"}
		cmd := exec.Command(aptGet, append(base, args...)...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("apt-get %s: %v\n%s", strings.Join(args, " "), err, out)
		}
		return string(out)
	}
	apt("update")
	out := apt("install", "pool-needs-hello")
	if !strings.Contains(out, "Setting up sysdojo-hello (1.0)") || !strings.Contains(out, "Setting up pool-needs-hello (1.0)") {
		t.Errorf("install:\n%s", out)
	}
	hello, err := exec.Command("/bin/sh", filepath.Join(root, "usr/bin/sysdojo-hello")).Output()
	if err != nil || !strings.Contains(string(hello), "Hello from the class mirror") {
		t.Errorf("sysdojo-hello: %q %v", hello, err)
	}
	if b, err := os.ReadFile(filepath.Join(root, "usr/share/pool-needs-hello/note")); err != nil || string(b) != "from the pool: pool-needs-hello\n" {
		t.Errorf("the pool package's file: %q %v", b, err)
	}
	if b, _ := os.ReadFile(filepath.Join(root, "var/lib/dpkg/status")); !bytes.Contains(b, []byte("Package: pool-needs-hello\nStatus: install ok installed")) {
		t.Errorf("dpkg status:\n%s", b)
	}
}

// The pool is read a batch at a time on every CPU, but what it serves
// does not depend on that: the .debs in name order, a duplicate skipped
// after its first, a file past the limit skipped with the limit's reason.
func TestPoolOrderAndLimit(t *testing.T) {
	dir := t.TempDir()
	deb := func(file, pkg, version string) {
		b, err := BuildDeb(Paragraph{{"Package", pkg}, {"Version", version}, {"Architecture", "all"}, {"Description", "x"}},
			[]DebFile{{Path: "/usr/share/doc/" + pkg + "/x", Mode: 0o644, Body: []byte(file)}}, time.Unix(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		os.WriteFile(filepath.Join(dir, file), b, 0o644)
	}
	for i := range 12 {
		deb(fmt.Sprintf("p%02d.deb", i), fmt.Sprintf("p%02d", i), "1")
	}
	deb("p03a.deb", "p03", "1") // the same package as p03.deb
	os.WriteFile(filepath.Join(dir, "p05a.deb"), []byte("not a deb"), 0o644)
	defer func(n int) { poolFileLimit = n }(poolFileLimit)
	poolFileLimit = 9
	pool, err := OpenPool(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer pool.Close()
	var served, skipped []string
	for _, d := range pool.Debs {
		served = append(served, d.File)
	}
	for _, s := range pool.Skipped {
		skipped = append(skipped, s.File+": "+s.Reason)
	}
	if want := "p00.deb p01.deb p02.deb p03.deb p04.deb p05.deb p06.deb p07.deb p08.deb"; strings.Join(served, " ") != want {
		t.Errorf("served %v, want %s", served, want)
	}
	want := []string{`"p03a.deb": the same package`, `"p05a.deb": `, `"p09.deb": more than 9`, `"p10.deb": more than 9`, `"p11.deb": more than 9`}
	if len(skipped) != len(want) {
		t.Fatalf("skipped %q, want %q", skipped, want)
	}
	for i, w := range want {
		if !strings.HasPrefix(skipped[i], w) {
			t.Errorf("skipped[%d] = %q, want %q...", i, skipped[i], w)
		}
	}
}
