// Package packaging_test builds the release with make dist and installs
// the .deb in a clean Debian root, as a student's VM would.
package packaging_test

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/internal/testenv"
)

// TestDebInstall runs `make dist` twice (the checksums must match), lints
// the .deb, installs it with dpkg in a clean Debian 12 root made by
// mmdebstrap from this machine's APT sources (no Go there), uses it, and
// removes it again. The root is cached as a tarball across runs.
func TestDebInstall(t *testing.T) {
	if raceEnabled {
		// .ci/run runs every test twice, the second time with -race; this
		// one runs no Go code of its own worth racing, and takes minutes.
		t.Skip("the packaging test runs once, without -race")
	}
	testenv.NeedRoot(t)
	for _, tool := range []string{"make", "mmdebstrap", "lintian", "dpkg-deb", "unshare", "chroot", "tar", "go"} {
		testenv.NeedTool(t, tool)
	}
	repo, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	arch := runtime.GOARCH
	step := func(what string, start time.Time) {
		t.Logf("%s: %s", what, time.Since(start).Round(100*time.Millisecond))
	}

	// Twice, in two directories: the same bytes.
	var sums [2][]byte
	for i, d := range []string{"dist1", "dist2"} {
		start := time.Now()
		run(t, repo, nil, "make", "--no-print-directory", "-s", "DIST="+filepath.Join(tmp, d), "ARCHES="+arch, "dist")
		step("make dist "+d, start)
		if sums[i], err = os.ReadFile(filepath.Join(tmp, d, "SHA256SUMS")); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(sums[0], sums[1]) {
		t.Fatalf("make dist is not reproducible:\n%s\n%s", sums[0], sums[1])
	}
	debs, _ := filepath.Glob(filepath.Join(tmp, "dist1", "sysdojo_*_"+arch+".deb"))
	tars, _ := filepath.Glob(filepath.Join(tmp, "dist1", "sysdojo_*_linux_"+arch+".tar.gz"))
	if len(debs) != 1 || len(tars) != 1 {
		t.Fatalf("make dist made %v and %v", debs, tars)
	}
	deb := debs[0]

	// The shipped binary: static, -trimpath, without the man page generator.
	bins, _ := filepath.Glob(filepath.Join(tmp, "dist1", "stage", "*", "sysdojo"))
	if len(bins) != 1 {
		t.Fatalf("make dist staged %v", bins)
	}
	info := run(t, repo, nil, "go", "version", "-m", bins[0])
	for _, want := range []string{"\tbuild\t-tags=urfave_cli_no_docs\n", "\tbuild\tCGO_ENABLED=0\n", "\tbuild\t-trimpath=true\n"} {
		if !strings.Contains(info, want) {
			t.Errorf("the release binary was not built with %q:\n%s", strings.TrimSpace(want), info)
		}
	}
	if strings.Contains(info, "blackfriday") || strings.Contains(info, "go-md2man") {
		t.Errorf("the release binary links the man page generator:\n%s", info)
	}

	// The tarball holds what the README says.
	out := run(t, repo, nil, "tar", "-tzf", tars[0])
	for _, want := range []string{"/sysdojo", "/man/man1/sysdojo.1.gz", "/man/ko/man1/sysdojo.1.gz",
		"/completions/sysdojo", "/completions/_sysdojo", "/completions/sysdojo.fish", "/README.md", "/LICENSE"} {
		if !strings.Contains(out, want+"\n") {
			t.Errorf("the tarball has no %s:\n%s", want, out)
		}
	}

	start := time.Now()
	out = run(t, repo, nil, "lintian", "--fail-on", "error", deb)
	step("lintian", start)
	t.Logf("lintian:\n%s", out)

	start = time.Now()
	root := filepath.Join(tmp, "root")
	if err := os.Mkdir(root, 0o755); err != nil {
		t.Fatal(err)
	}
	run(t, repo, nil, "tar", "-xf", debianRoot(t), "-C", root)
	step("Debian root", start)

	if err := os.WriteFile(filepath.Join(root, "tmp", "sysdojo.deb"), mustRead(t, deb), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "tmp", "check.sh"), []byte(checkScript), 0o755); err != nil {
		t.Fatal(err)
	}
	start = time.Now()
	env := []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin", "HOME=/root", "LANG=C.UTF-8", "TERM=dumb"}
	// A mount and PID namespace of its own, with its own /proc; the root's
	// /dev holds the nodes mmdebstrap made (nothing of the host's is
	// mounted in, so removing the root afterwards cannot reach the host).
	out = run(t, repo, env, "unshare", "--mount", "--pid", "--fork", "--kill-child", "--",
		"sh", "-c", `mount -t proc proc "$1/proc" && exec chroot "$1" /bin/sh -eu /tmp/check.sh`, "sh", root)
	step("install, use, remove", start)
	t.Logf("in the Debian root:\n%s", out)
	for _, want := range []string{
		"no go here",
		"sysdojo " + versionOf(deb) + " (commit ",
		"That was the tour.",
		"man page: EXIT STATUS",
		"man page (ko): 종료 상태",
		"sysdojo man: EXIT STATUS",
		"complete -o bashdefault -o default -F _sysdojo sysdojo",
		"removed: nothing left",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("no %q in the output", want)
		}
	}
}

// checkScript runs inside the Debian root, with sh -eu.
const checkScript = `
command -v go >/dev/null && { echo "go is installed here"; exit 1; }
echo "no go here"
snapshot() {
	find / -xdev \( -path /proc -o -path /tmp -o -path /root -o -path /run -o -path /var/lib/dpkg \
		-o -path /var/log -o -path /var/cache \) -prune -o -print | sort
}
snapshot > /tmp/before
dpkg -i /tmp/sysdojo.deb
dpkg -L sysdojo > /tmp/files
sysdojo --version
sysdojo version --json
sysdojo tour --auto 0s > /tmp/tour.out
tail -n 3 /tmp/tour.out
echo "tour: $(wc -l < /tmp/tour.out) lines"
test -s /usr/share/man/man1/sysdojo.1.gz
test -s /usr/share/man/ko/man1/sysdojo.1.gz
test -s /usr/share/doc/sysdojo/copyright
echo "man page: $(man -P cat sysdojo 2>/dev/null | grep -m1 -o 'EXIT STATUS')"
echo "man page (ko): $(man -L ko -P cat sysdojo 2>/dev/null | grep -m1 -o '종료 상태')"
echo "sysdojo man: $(sysdojo man | grep -m1 -o 'EXIT STATUS')"
bash -c 'source /usr/share/bash-completion/completions/sysdojo && complete -p sysdojo'
dpkg -r sysdojo
if dpkg-query -W -f='${Status}\n' sysdojo 2>/dev/null | grep -qv '^unknown ok not-installed$\|^deinstall ok not-installed$'; then
	echo "still known to dpkg: $(dpkg-query -W -f='${Status}' sysdojo)"; exit 1
fi
snapshot > /tmp/after
left=0
while read -r f; do
	if [ -e "$f" ] && [ ! -d "$f" ]; then echo "left behind: $f"; left=1; fi
done < /tmp/files
if ! diff /tmp/before /tmp/after; then left=1; fi
[ "$left" = 0 ]
echo "removed: nothing left"
`

// debianRoot returns a tarball of a minimal Debian 12 root with man-db and
// bash-completion, made with mmdebstrap from this machine's APT sources
// once and kept in the cache (SYSDOJO_TEST_CACHE, else the user's cache
// directory).
func debianRoot(t *testing.T) string {
	suite, sources := debianSources(t)
	include := "man-db,bash-completion"
	cache := os.Getenv("SYSDOJO_TEST_CACHE")
	if cache == "" {
		d, err := os.UserCacheDir()
		if err != nil {
			t.Fatal(err)
		}
		cache = filepath.Join(d, "sysdojo-test")
	}
	h := sha256.New()
	h.Write([]byte(suite + "\n" + include + "\n" + runtime.GOARCH + "\n"))
	for _, s := range sources {
		if b, err := os.ReadFile(s); err == nil {
			h.Write(b)
		} else {
			h.Write([]byte(s)) // a sources line, not a file
		}
	}
	tarball := filepath.Join(cache, "debian-"+suite+"-"+hex.EncodeToString(h.Sum(nil))[:12]+".tar")
	if _, err := os.Stat(tarball); err == nil {
		t.Logf("Debian root from the cache: %s", tarball)
		return tarball
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	part := tarball + ".part"
	args := append([]string{"--variant=minbase", "--mode=root", "--format=tar", "--include=" + include, "--quiet", suite, part}, sources...)
	run(t, "/", nil, "mmdebstrap", args...)
	if err := os.Rename(part, tarball); err != nil {
		t.Fatal(err)
	}
	t.Logf("mmdebstrap %s: %s", suite, time.Since(start).Round(time.Second))
	return tarball
}

// debianSources finds this machine's APT source files for Debian 12
// (bookworm), or, when it has none, for the first other Debian suite it
// has (and says so).
func debianSources(t *testing.T) (suite string, files []string) {
	var all []string
	if _, err := os.Stat("/etc/apt/sources.list"); err == nil {
		all = append(all, "/etc/apt/sources.list")
	}
	for _, pat := range []string{"/etc/apt/sources.list.d/*.list", "/etc/apt/sources.list.d/*.sources"} {
		m, _ := filepath.Glob(pat)
		all = append(all, m...)
	}
	bySuite := map[string][]string{}
	var order []string
	for _, f := range all {
		for _, s := range debianSuites(f) {
			if bySuite[s] == nil {
				order = append(order, s)
			}
			bySuite[s] = append(bySuite[s], f)
		}
	}
	if files := bySuite["bookworm"]; files != nil {
		return "bookworm", files
	}
	if len(order) == 0 {
		// Not a Debian machine (an Ubuntu CI runner): Debian's own archive,
		// checked with Debian's keyring.
		const keyring = "/usr/share/keyrings/debian-archive-keyring.gpg"
		if _, err := os.Stat(keyring); err != nil {
			testenv.Skip(t, "no Debian APT source on this machine and no "+keyring+" (apt-get install debian-archive-keyring)")
		}
		t.Logf("no Debian APT source on this machine; using deb.debian.org's bookworm")
		return "bookworm", []string{"deb [signed-by=" + keyring + "] http://deb.debian.org/debian bookworm main"}
	}
	t.Logf("Debian 12 (bookworm) is not in this machine's APT sources; using %s instead", order[0])
	return order[0], bySuite[order[0]]
}

// debianSuites returns the base suites (bookworm, not bookworm-updates)
// of the Debian archive entries in an APT sources file, either format.
func debianSuites(file string) []string {
	f, err := os.Open(file)
	if err != nil {
		return nil
	}
	defer f.Close()
	var suites []string
	debian := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		fields := strings.Fields(line)
		switch {
		case len(fields) >= 3 && fields[0] == "deb" && strings.Contains(line, "debian"):
			uri := 1
			if strings.HasPrefix(fields[1], "[") {
				for uri < len(fields) && !strings.HasSuffix(fields[uri], "]") {
					uri++
				}
				uri++
			}
			if uri+1 < len(fields) {
				suites = append(suites, fields[uri+1])
			}
		case strings.HasPrefix(line, "URIs:"):
			debian = strings.Contains(line, "debian")
		case strings.HasPrefix(line, "Suites:") && debian:
			suites = append(suites, fields[1:]...)
		}
	}
	var base []string
	for _, s := range suites {
		if !strings.Contains(s, "-") && !strings.Contains(s, "/") {
			base = append(base, s)
		}
	}
	return base
}

// versionOf reads the version from a .deb's file name.
func versionOf(deb string) string {
	parts := strings.Split(filepath.Base(deb), "_")
	if len(parts) < 3 {
		return ""
	}
	return parts[1]
}

func run(t *testing.T, dir string, env []string, name string, args ...string) string {
	t.Helper()
	cmd := exec.Command(name, args...)
	cmd.Dir = dir
	if env != nil {
		cmd.Env = env
	}
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func mustRead(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
