package apt

import (
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/apt/mirrors"
	"github.com/sysdojo/sysdojo/apt/serve"
	"github.com/sysdojo/sysdojo/internal/testenv"
)

// aptGet runs the real apt-get on the sandbox root only: its own sources,
// lists, cache, status, keyrings and config parts, so nothing on the host
// is read or changed.
func aptGet(t *testing.T, root string, args ...string) (string, error) {
	t.Helper()
	bin := testenv.NeedTool(t, "apt-get")
	for _, d := range []string{"etc/apt/apt.conf.d", "etc/apt/trusted.gpg.d", "etc/apt/preferences.d", "var/lib/apt/lists/partial",
		"var/cache/apt/archives/partial", "var/lib/dpkg", "var/log/apt"} {
		must(t, os.MkdirAll(filepath.Join(root, d), 0o755))
	}
	status := filepath.Join(root, "var/lib/dpkg/status")
	if _, err := os.Stat(status); err != nil {
		must(t, os.WriteFile(status, nil, 0o644))
	}
	conf := filepath.Join(root, "apt.conf")
	must(t, os.WriteFile(conf, []byte("Dir::Etc::Parts \""+filepath.Join(root, "etc/apt/apt.conf.d")+"\";\n"), 0o644))
	j := func(p string) string { return filepath.Join(root, p) }
	// apt's own methods, plus tor+http(s) as apt-transport-tor installs
	// them (its http method, which knows the tor+ prefix), and foo+https
	// for the fixtures' unknown X+Y transport (apt accepts the line and
	// looks for a method of that name), so that such entries are checked
	// like the others.
	methods := j("methods")
	if _, err := os.Stat(methods); err != nil {
		must(t, os.MkdirAll(methods, 0o755))
		des, err := os.ReadDir("/usr/lib/apt/methods")
		must(t, err)
		for _, d := range des {
			must(t, os.Symlink(filepath.Join("/usr/lib/apt/methods", d.Name()), filepath.Join(methods, d.Name())))
		}
		for _, m := range []string{"tor", "tor+http", "tor+https", "foo+https"} {
			must(t, os.Symlink("/usr/lib/apt/methods/http", filepath.Join(methods, m)))
		}
	}
	full := []string{
		"-o", "Dir::Etc::SourceList=" + j("etc/apt/sources.list"),
		"-o", "Dir::Etc::SourceParts=" + j("etc/apt/sources.list.d"),
		"-o", "Dir::Etc::Trusted=" + j("etc/apt/trusted.gpg"),
		"-o", "Dir::Etc::TrustedParts=" + j("etc/apt/trusted.gpg.d"),
		"-o", "Dir::Etc::Preferences=" + j("etc/apt/preferences"),
		"-o", "Dir::Etc::PreferencesParts=" + j("etc/apt/preferences.d"),
		"-o", "Dir::State=" + j("var/lib/apt"),
		"-o", "Dir::State::Lists=" + j("var/lib/apt/lists"),
		"-o", "Dir::State::status=" + status,
		"-o", "Dir::Cache=" + j("var/cache/apt"),
		"-o", "Dir::Log=" + j("var/log/apt"),
		"-o", "Dir::Bin::Methods=" + methods,
		"-o", "Dir::Bin::Methods::ftp=ftp", // apt disables ftp by default; the syntax is what is checked
		"-o", "Debug::NoLocking=1",
		"-o", "APT::Sandbox::User=root",
		"-o", "APT::Architecture=amd64",
		"-o", "APT::Architectures::=amd64",
		"-o", "Acquire::Languages::=en",
		"-o", "Acquire::http::Proxy=DIRECT",
		"-o", "Acquire::Retries=0",
	}
	cmd := exec.Command(bin, append(full, args...)...)
	cmd.Env = []string{"APT_CONFIG=" + conf, "LC_ALL=C", "PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// TestRealAptGet switches sandbox roots to a loopback apt serve and runs
// the real apt-get update against them: it must succeed, and the URLs the
// server saw must be exactly the ones Explain predicted.
func TestRealAptGet(t *testing.T) {
	srv, err := serve.Start("127.0.0.1:0", []serve.MirrorConfig{{}}, time.Now().Add(-time.Hour))
	must(t, err)
	defer srv.Close()
	m := srv.Mirrors[0]
	key, err := serve.KeyBinary()
	must(t, err)
	cases := []struct {
		name, src, os, mirror string
	}{
		{"ubuntu-deb822", "testdata/examples/ubuntu-24.04-noble-ubuntu.sources", ubuntuOS, m.Archive("ubuntu")},
		{"ubuntu-cloud-init-list", "testdata/examples/ubuntu-22.04-cloud-init-nova.list", ubuntuOS, m.Archive("ubuntu")},
		{"debian-list-with-deb-src", "testdata/examples/debian-12-netinst-backports.list", debianOS, m.Archive("debian")},
		{"debian-deb822", "testdata/examples/debian-12-docker-image-debian.sources", debianOS, m.Archive("debian")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			root, p := sandbox(t, c.src, c.os)
			keyring := filepath.Join(root, "etc/apt/trusted.gpg.d/sysdojo-serve.gpg")
			must(t, os.MkdirAll(filepath.Dir(keyring), 0o755))
			must(t, os.WriteFile(keyring, key, 0o644))
			// Signed-By in the examples names the distribution's keyring;
			// point it at the sandbox's copy of the test key instead.
			b, _ := os.ReadFile(HostPath(root, p))
			b = []byte(strings.NewReplacer(
				"/usr/share/keyrings/ubuntu-archive-keyring.gpg", keyring,
				"/usr/share/keyrings/debian-archive-keyring.gpg", keyring).Replace(string(b)))
			must(t, os.WriteFile(HostPath(root, p), b, 0o644))

			sys, err := Load(root)
			must(t, err)
			cat := mirrors.Default()
			tg, err := ResolveTarget(cat, c.mirror, sys.OS.Family())
			must(t, err)
			plan, err := PlanSwitch(sys, cat, tg, SwitchOptions{Security: &tg, AllowHTTP: true})
			must(t, err)
			_, err = plan.Apply(time.Now())
			must(t, err)
			sys, err = Load(root)
			must(t, err)
			for _, e := range sys.Entries() {
				if e.Enabled && !strings.HasPrefix(e.URI, m.URL) {
					t.Fatalf("%s still points at %s: the test must only reach 127.0.0.1", e.Where(), e.URI)
				}
			}
			want := UniqueURLs(Explain(sys.Entries(), ExplainOptions{Archs: []string{"amd64"}, Langs: []string{"en"}}))
			m.ResetSeen()
			out, err := aptGet(t, root, "update")
			if err != nil || strings.Contains(out, "W:") || strings.Contains(out, "E:") {
				t.Fatalf("apt-get update: %v\n%s", err, out)
			}
			got := m.Seen()
			sort.Strings(got)
			sort.Strings(want)
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("apt-get fetched:\n%s\n\napt explain predicted:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestPrintURIs compares Explain with apt's own answer for every example
// and fixture: apt-get update --print-uris prints the URLs it would fetch
// without fetching anything (a proxy on a closed loopback port makes sure
// of it). It also checks that apt accepts every file we accept.
func TestPrintURIs(t *testing.T) {
	for _, src := range fixtureFiles(t) {
		t.Run(filepath.Base(src), func(t *testing.T) {
			root, _ := sandbox(t, src, osFor(src))
			sys, err := Load(root)
			must(t, err)
			out, err := aptGet(t, root, "-o", "Acquire::http::Proxy=http://127.0.0.1:9/", "-o", "Acquire::https::Proxy=http://127.0.0.1:9/", "update", "--print-uris")
			if err != nil || strings.Contains(out, "E:") {
				t.Fatalf("apt-get rejects what we accept: %v\n%s", err, out)
			}
			var got []string
			for _, l := range strings.Split(out, "\n") {
				if strings.HasPrefix(l, "'") {
					u, _, _ := strings.Cut(l[1:], "'")
					got = append(got, u)
				}
			}
			var entries []Entry
			for _, e := range sys.Entries() {
				if !strings.HasPrefix(e.URI, "cdrom:") && !strings.HasPrefix(e.URI, "mirror") {
					entries = append(entries, e)
				}
			}
			want := UniqueURLs(Explain(entries, ExplainOptions{Archs: []string{"amd64"}, Langs: []string{"en"}}))
			var gotKept []string
			for _, u := range got {
				if !strings.HasPrefix(u, "cdrom:") && !strings.HasPrefix(u, "mirror") {
					gotKept = append(gotKept, u)
				}
			}
			if len(want) == 0 {
				t.Fatal("nothing to compare")
			}
			sort.Strings(gotKept)
			sort.Strings(want)
			if strings.Join(gotKept, "\n") != strings.Join(want, "\n") {
				t.Errorf("apt-get --print-uris:\n%s\n\nExplain:\n%s", strings.Join(gotKept, "\n"), strings.Join(want, "\n"))
			}
		})
	}
}

// TestMalformedLikeApt: every file our reader rejects, apt rejects too.
func TestMalformedLikeApt(t *testing.T) {
	for i, tt := range malformedCases {
		root := t.TempDir()
		dir := HostPath(root, SourceParts)
		must(t, os.MkdirAll(dir, 0o755))
		must(t, os.WriteFile(filepath.Join(dir, tt.name), []byte(tt.data), 0o644))
		out, err := aptGet(t, root, "-o", "Acquire::http::Proxy=http://127.0.0.1:9/", "update", "--print-uris")
		if err == nil && !strings.Contains(out, "E:") {
			t.Errorf("#%d %q: we say %q, apt accepts it:\n%s", i, tt.data, tt.want, out)
		}
	}
}
