package apt

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/sysdojo/sysdojo/apt/mirrors"
	"github.com/sysdojo/sysdojo/internal/i18n"
)

// rootWith makes a sandbox root holding one sources file.
func rootWith(t *testing.T, osRelease, path, content string) string {
	t.Helper()
	root := t.TempDir()
	must(t, os.MkdirAll(HostPath(root, SourceParts), 0o755))
	must(t, os.WriteFile(HostPath(root, path), []byte(content), 0o644))
	must(t, os.WriteFile(HostPath(root, OSRelease), []byte(osRelease), 0o644))
	return root
}

func plan(t *testing.T, root, mirror string, opt SwitchOptions) (*Plan, error) {
	t.Helper()
	sys, err := Load(root)
	must(t, err)
	cat := mirrors.Default()
	tg, err := ResolveTarget(cat, mirror, sys.OS.Family())
	if err != nil {
		return nil, err
	}
	return PlanSwitch(sys, cat, tg, opt)
}

// An https source never becomes http silently: the switch is refused,
// nothing planned, unless --allow-http. (The old code wrote
// "http://mirror.elice.io/ubuntu/" over "https://archive.ubuntu.com/ubuntu/".)
func TestHTTPSNotDowngraded(t *testing.T) {
	const src = "deb https://archive.ubuntu.com/ubuntu/ noble main\n"
	root := rootWith(t, ubuntuOS, SourceList, src)
	_, err := plan(t, root, "elice", SwitchOptions{}) // elice: http only
	var le *i18n.Error
	if !errors.As(err, &le) || le.Kind != i18n.KindFailed || !strings.Contains(err.Error(), "serves no https") {
		t.Fatalf("https -> http-only mirror: got %v, want a refusal", err)
	}
	p, err := plan(t, root, "elice", SwitchOptions{AllowHTTP: true})
	must(t, err)
	if got := p.Files[0].Changes[0]; got.New != "http://mirror.elice.io/ubuntu/" || !strings.Contains(got.Why.En, "--allow-http") {
		t.Errorf("with --allow-http: %+v", got)
	}
	// A mirror with https keeps it.
	p, err = plan(t, root, "kakao", SwitchOptions{})
	must(t, err)
	if got := p.Files[0].Changes[0]; got.New != "https://mirror.kakao.com/ubuntu/" || !strings.Contains(got.Why.En, "https kept") {
		t.Errorf("kakao: %+v", got)
	}
	// A URL given with http, for an https source: refused too.
	if _, err := plan(t, root, "http://127.0.0.1:9/ubuntu/", SwitchOptions{}); err == nil {
		t.Error("https source to an http URL was not refused")
	}
	// An http source stays http on a mirror that has both.
	root = rootWith(t, ubuntuOS, SourceList, "deb http://archive.ubuntu.com/ubuntu/ noble main\n")
	p, err = plan(t, root, "kakao", SwitchOptions{})
	must(t, err)
	if got := p.Files[0].Changes[0].New; got != "http://mirror.kakao.com/ubuntu/" {
		t.Errorf("http source: %s", got)
	}
}

// tor+ stays around the new URI; mirror+ and unknown X+Y stay as written.
// (The old code wrote "http://ftp.kaist.ac.kr/ubuntu/" over
// "tor+https://archive.ubuntu.com/ubuntu/": the user's Tor choice gone.)
func TestWrappersKept(t *testing.T) {
	const src = "deb tor+https://archive.ubuntu.com/ubuntu/ noble main\n" +
		"deb mirror+https://mirrors.example.org/list.txt noble main\n" +
		"deb bar+http://archive.ubuntu.com/ubuntu/ noble-updates main\n"
	root := rootWith(t, ubuntuOS, SourceList, src)
	p, err := plan(t, root, "kaist", SwitchOptions{})
	must(t, err)
	if len(p.Files) != 1 || len(p.Files[0].Changes) != 1 {
		t.Fatalf("changes: %+v", p.Files)
	}
	if got := p.Files[0].Changes[0].New; got != "tor+https://ftp.kaist.ac.kr/ubuntu/" {
		t.Errorf("tor+: %s", got)
	}
	kept := map[string]string{}
	for _, k := range p.Kept {
		kept[k.URI] = k.Reason.En
	}
	if !strings.Contains(kept["mirror+https://mirrors.example.org/list.txt"], "mirror list") {
		t.Errorf("mirror+: %q", kept["mirror+https://mirrors.example.org/list.txt"])
	}
	if !strings.Contains(kept["bar+http://archive.ubuntu.com/ubuntu/"], "'bar+'") {
		t.Errorf("bar+: %q", kept["bar+http://archive.ubuntu.com/ubuntu/"])
	}
	for _, c := range p.Files[0].Changes {
		if !strings.HasPrefix(c.New, "tor+") && strings.HasPrefix(c.Old, "tor+") {
			t.Errorf("tor+ dropped: %+v", c)
		}
	}
}

// A source on a catalogue mirror moves to another mirror.
func TestCatalogueMirrorSwitched(t *testing.T) {
	root := rootWith(t, debianOS, SourceList, "deb http://mirror.kakao.com/debian/ bookworm main\n")
	p, err := plan(t, root, "kaist", SwitchOptions{})
	must(t, err)
	if len(p.Files) != 1 || p.Files[0].Changes[0].New != "http://ftp.kaist.ac.kr/debian/" {
		t.Fatalf("%+v", p.Files)
	}
}

// Security stays unless --security MIRROR; with it, it goes to that
// mirror's security archive, which may differ from the main target.
func TestSecurityMirror(t *testing.T) {
	const src = "deb http://deb.debian.org/debian bookworm main\ndeb http://security.debian.org/debian-security bookworm-security main\n"
	root := rootWith(t, debianOS, SourceList, src)
	p, err := plan(t, root, "kaist", SwitchOptions{})
	must(t, err)
	if n := len(p.Files[0].Changes); n != 1 {
		t.Fatalf("without --security: %d changes", n)
	}
	cat := mirrors.Default()
	sec, err := ResolveTarget(cat, "kakao", "debian")
	must(t, err)
	p, err = plan(t, root, "kaist", SwitchOptions{Security: &sec})
	must(t, err)
	if got := p.Files[0].Changes[1].New; got != "http://mirror.kakao.com/debian-security" {
		t.Errorf("security to kakao: %s", got)
	}
	// kaist: no debian-security confirmed: kept with the reason.
	kaist, err := ResolveTarget(cat, "kaist", "debian")
	must(t, err)
	p, err = plan(t, root, "kaist", SwitchOptions{Security: &kaist})
	must(t, err)
	if len(p.Files[0].Changes) != 1 || !strings.Contains(p.Kept[0].Reason.En, "no debian security archive") {
		t.Errorf("kaist security: %+v %+v", p.Files[0].Changes, p.Kept)
	}
}

// KAIST on a Debian machine says nothing about Ubuntu's mirror list.
func TestNotesForThisDistro(t *testing.T) {
	cat := mirrors.Default()
	tg, err := ResolveTarget(cat, "kaist", "debian")
	must(t, err)
	for _, n := range tg.Notes {
		if strings.Contains(n.En, "Launchpad") || strings.Contains(n.En, "Ubuntu") {
			t.Errorf("debian note: %s", n.En)
		}
	}
	tg, err = ResolveTarget(cat, "kaist", "ubuntu")
	must(t, err)
	if len(tg.Notes) == 0 || !strings.Contains(tg.Notes[0].En, "Launchpad") {
		t.Errorf("ubuntu notes: %+v", tg.Notes)
	}
}

// A site that carries no archive is refused with the reason, by name, by
// host and by URL.
func TestNoArchiveRefused(t *testing.T) {
	cat := mirrors.Default()
	for _, arg := range []string{"naver", "mirror.navercorp.com", "http://mirror.navercorp.com/ubuntu/"} {
		_, err := ResolveTarget(cat, arg, "ubuntu")
		var le *i18n.Error
		if !errors.As(err, &le) || le.Kind != i18n.KindInvalid || !strings.Contains(err.Error(), "carries no Ubuntu or Debian package archive") {
			t.Errorf("%s: %v", arg, err)
		}
	}
}

// Every entry of the real files either changes or is reported kept: no
// silent skips.
func TestNoSilentSkips(t *testing.T) {
	for _, src := range fixtureFiles(t) {
		root, _ := sandbox(t, src, osFor(src))
		sys, err := Load(root)
		must(t, err)
		p := switchRoot(t, root, "kaist", SwitchOptions{AllowHTTP: true})
		seen := map[string]bool{}
		for _, f := range p.Files {
			for _, c := range f.Changes {
				seen[c.Old] = true
			}
		}
		for _, k := range p.Kept {
			seen[k.URI] = true
		}
		cat := mirrors.Default()
		tg, _ := ResolveTarget(cat, "kaist", sys.OS.Family())
		for _, e := range sys.Entries() {
			if seen[e.URI] {
				continue
			}
			// Already on the target: nothing to do, nothing to say.
			if mirrors.Key(e.URI) == mirrors.Key(tg.Archive[sys.OS.Family()]) || mirrors.Key(e.URI) == mirrors.Key(tg.Ports[sys.OS.Family()]) {
				continue
			}
			t.Errorf("%s: %s %s neither switched nor reported", src, e.Where(), e.URI)
		}
	}
}

// The real files added for issue 17: an https mirror file keeps https and
// refuses an http-only mirror; cloud-init's deb822 file gets the warning.
func TestRealFilesIssue17(t *testing.T) {
	root, _ := sandbox(t, "testdata/examples/ubuntu-24.04-tuna-https-security-on-mirror.sources", ubuntuOS)
	if _, err := plan(t, root, "siwoo", SwitchOptions{}); err == nil || !strings.Contains(err.Error(), "serves no https") {
		t.Errorf("tuna -> siwoo: %v", err)
	}
	p, err := plan(t, root, "lanet", SwitchOptions{})
	must(t, err)
	for _, c := range p.Files[0].Changes {
		if !strings.HasPrefix(c.New, "https://ftp.lanet.kr/") {
			t.Errorf("tuna -> lanet: %+v", c)
		}
	}
	root, _ = sandbox(t, "testdata/examples/ubuntu-24.04-cloud-init-ec2-deb822.sources", ubuntuOS)
	p, err = plan(t, root, "kakao", SwitchOptions{})
	must(t, err)
	if len(p.Files) != 1 || !p.Files[0].CloudInit {
		t.Errorf("ec2 cloud-init file: no warning: %+v", p.Files)
	}
}

// Two entries that become twins (the archive and a catalogue mirror for
// the same suite, on two lines) are switched, with a warning that apt will
// say "configured multiple times"; twins in one stanza's URIs apt reads
// once without a word (apt-get update --print-uris shows both), so no
// warning there.
func TestDuplicateWarning(t *testing.T) {
	root := rootWith(t, ubuntuOS, SourceList, "deb http://archive.ubuntu.com/ubuntu/ noble main\ndeb http://mirror.kakao.com/ubuntu noble main universe\n")
	p, err := plan(t, root, "kaist", SwitchOptions{})
	must(t, err)
	if len(p.Warnings) != 1 || !strings.Contains(p.Warnings[0].En, "configured multiple times") || !strings.Contains(p.Warnings[0].En, "sources.list:1, /etc/apt/sources.list:2") {
		t.Errorf("warnings: %+v", p.Warnings)
	}
	const one = "Types: deb\nURIs: http://archive.ubuntu.com/ubuntu/ http://mirror.kakao.com/ubuntu/\nSuites: noble\nComponents: main\n"
	root = rootWith(t, ubuntuOS, SourceParts+"/u.sources", one)
	p, err = plan(t, root, "kaist", SwitchOptions{})
	must(t, err)
	if len(p.Warnings) != 0 {
		t.Errorf("one stanza: %+v", p.Warnings)
	}
}
