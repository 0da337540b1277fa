// Package debtest gives the end-to-end container tests (cmd/sysdojo's
// and the containers-apt lesson's) a Debian root made the way a class
// with no internet makes it: the .debs of a minbase root fetched once
// from this machine's own APT sources (the only network outside
// 127.0.0.1 a test uses, and only here, at set-up) and kept in the test
// cache, served by `sysdojo apt serve --pool` on a local address, and
// built into a root by `sysdojo container rootfs debian --mirror`.
package debtest

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

// Suite is the Debian release the pool holds: this machine's own.
func Suite(t testing.TB) string {
	t.Helper()
	b, err := os.ReadFile("/etc/os-release")
	if err != nil {
		testenv.Skip(t, "no /etc/os-release: cannot tell which Debian release to fetch")
	}
	var id, codename string
	for _, line := range strings.Split(string(b), "\n") {
		k, v, _ := strings.Cut(line, "=")
		v = strings.Trim(v, `"`)
		switch k {
		case "ID":
			id = v
		case "VERSION_CODENAME":
			codename = v
		}
	}
	if id != "debian" || codename == "" {
		testenv.Skip(t, fmt.Sprintf("this machine is %s %s, not Debian: its APT sources cannot fill a Debian pool", id, codename))
	}
	return codename
}

// sources are this machine's APT source files, which mmdebstrap takes as
// they are.
func sources() []string {
	var out []string
	if _, err := os.Stat("/etc/apt/sources.list"); err == nil {
		out = append(out, "/etc/apt/sources.list")
	}
	for _, pat := range []string{"/etc/apt/sources.list.d/*.list", "/etc/apt/sources.list.d/*.sources"} {
		m, _ := filepath.Glob(pat)
		out = append(out, m...)
	}
	sort.Strings(out)
	return out
}

// cacheDir is SYSDOJO_TEST_CACHE, else the user's cache's sysdojo-test.
func cacheDir(t testing.TB) string {
	if d := os.Getenv("SYSDOJO_TEST_CACHE"); d != "" {
		return d
	}
	d, err := os.UserCacheDir()
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Join(d, "sysdojo-test")
}

// Pool returns a directory holding the .debs of a Debian minbase root of
// this machine's release, the set mmdebstrap itself resolves: fetched
// with mmdebstrap from this machine's APT sources the first time (kept,
// by a hash of the sources, under the test cache), read from the cache
// after that.
func Pool(t testing.TB) string {
	t.Helper()
	testenv.NeedRoot(t)
	testenv.NeedTool(t, "mmdebstrap")
	suite := Suite(t)
	srcs := sources()
	if len(srcs) == 0 {
		testenv.Skip(t, "this machine has no APT sources to fetch a Debian pool from")
	}
	h := sha256.New()
	fmt.Fprintf(h, "minbase\n%s\n%s\n", suite, runtime.GOARCH)
	for _, s := range srcs {
		b, _ := os.ReadFile(s)
		h.Write(b)
	}
	dir := filepath.Join(cacheDir(t), "debs-"+suite+"-"+hex.EncodeToString(h.Sum(nil))[:12])
	if debs, _ := filepath.Glob(filepath.Join(dir, "*.deb")); len(debs) > 0 {
		t.Logf("Debian pool from the cache: %s (%d .debs)", dir, len(debs))
		return dir
	}
	part := dir + ".part"
	os.RemoveAll(part)
	if err := os.MkdirAll(part, 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	// The root itself goes nowhere (--format=null): what is kept is
	// what apt downloaded into it, the essential packages too.
	args := []string{"--variant=minbase", "--mode=root", "--format=null", "--quiet",
		"--skip=download/empty", "--skip=essential/unlink",
		"--customize-hook=sync-out /var/cache/apt/archives " + part, suite, "/dev/null"}
	cmd := exec.Command("mmdebstrap", append(args, srcs...)...)
	if out, err := cmd.CombinedOutput(); err != nil {
		os.RemoveAll(part)
		testenv.Skip(t, fmt.Sprintf("cannot fetch the packages of a Debian root from this machine's APT sources: %v\n%s", err, tail(out)))
	}
	os.RemoveAll(filepath.Join(part, "partial"))
	os.Remove(filepath.Join(part, "lock"))
	if err := os.Rename(part, dir); err != nil {
		t.Fatal(err)
	}
	debs, _ := filepath.Glob(filepath.Join(dir, "*.deb"))
	t.Logf("Debian pool fetched in %s: %s (%d .debs)", time.Since(start).Round(time.Second), dir, len(debs))
	return dir
}

func tail(b []byte) string {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) > 15 {
		lines = lines[len(lines)-15:]
	}
	return strings.Join(lines, "\n")
}

// Serve runs `sysdojo apt serve --pool pool --addr addr` (sysdojo is the
// binary to run) until t ends, and returns its mirror's URL
// (http://HOST:PORT/).
func Serve(t testing.TB, sysdojo, pool, addr string) string {
	t.Helper()
	cmd := exec.Command(sysdojo, "apt", "serve", "--pool", pool, "--addr", addr, "--for", "1h")
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "SYSDOJO_CLASS=off")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb strings.Builder
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-done
		}
	})
	url := make(chan string, 1)
	go func() {
		defer close(done)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "mirror 1: "); ok {
				url <- strings.TrimSpace(u)
			}
		}
		cmd.Wait()
	}()
	select {
	case u := <-url:
		return u
	case <-done:
		t.Fatalf("sysdojo apt serve --pool %s --addr %s ended: %s", pool, addr, errb.String())
	case <-time.After(2 * time.Minute):
		t.Fatalf("sysdojo apt serve --pool %s --addr %s did not start", pool, addr)
	}
	return ""
}

// Root builds a Debian root in dir (which must not exist yet) with
// `sysdojo container rootfs debian --mirror MIRROR/debian`, mirror being
// what Serve returned.
func Root(t testing.TB, sysdojo, mirror, dir string) {
	t.Helper()
	start := time.Now()
	cmd := exec.Command(sysdojo, "container", "rootfs", "debian", "--suite", Suite(t), "--mirror", strings.TrimSuffix(mirror, "/")+"/debian", dir)
	cmd.Env = append(os.Environ(), "LANG=C.UTF-8", "SYSDOJO_CLASS=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("sysdojo container rootfs debian --mirror %s: %v\n%s", mirror, err, tail(out))
	}
	t.Logf("Debian root built from %s in %s", mirror, time.Since(start).Round(100*time.Millisecond))
}
