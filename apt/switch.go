package apt

import (
	"fmt"
	"net/url"
	"path"
	"reflect"
	"sort"
	"strings"

	"github.com/sysdojo/sysdojo/apt/mirrors"
	"github.com/sysdojo/sysdojo/internal/i18n"
)

// Target is the mirror a switch points the archives at: one archive URL
// per distribution, and where the mirror carries them its ports and
// security archives, with the schemes it serves.
type Target struct {
	Name     string            `json:"name"`
	Archive  map[string]string `json:"archive"`            // distro -> URL
	Ports    map[string]string `json:"ports,omitempty"`    // distro -> URL (ubuntu)
	Security map[string]string `json:"security,omitempty"` // distro -> URL
	// Schemes are the schemes the mirror serves (http, https, ftp).
	Schemes []string    `json:"schemes"`
	Notes   []i18n.Text `json:"notes,omitempty"`
}

func (t Target) serves(scheme string) bool {
	for _, s := range t.Schemes {
		if s == scheme {
			return true
		}
	}
	return false
}

// ResolveTarget turns what the user typed (a catalogue name, a host name
// from the catalogue, or an http/https/ftp URL) into a Target. family is
// the system's distribution ("ubuntu" or "debian"), used for a bare URL
// and to pick the notes that concern this system.
func ResolveTarget(cat *mirrors.Catalogue, arg, family string) (Target, error) {
	t := Target{Name: arg, Archive: map[string]string{}, Ports: map[string]string{}, Security: map[string]string{}}
	if strings.Contains(arg, "://") {
		u, err := url.Parse(arg)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "ftp") {
			return t, i18n.Invalid(i18n.T("'%s' is not a mirror URL (http://, https:// or ftp:// with a host)",
				"'%s'는 미러 URL이 아닙니다 (호스트가 있는 http://, https://, ftp:// 주소여야 합니다)").F(arg))
		}
		for _, m := range cat.Mirrors {
			if m.Status == mirrors.NoArchive && strings.EqualFold(m.Host, u.Hostname()) {
				return t, noArchive(m)
			}
		}
		if family == "" {
			return t, i18n.Invalid(i18n.T("cannot tell whether %s is an Ubuntu or a Debian mirror: /etc/os-release says neither",
				"%s가 우분투 미러인지 데비안 미러인지 알 수 없습니다: /etc/os-release에 둘 다 나오지 않습니다").F(arg))
		}
		if !strings.HasSuffix(arg, "/") {
			arg += "/"
		}
		t.Schemes = []string{u.Scheme}
		t.Archive[family] = arg
		if family == "ubuntu" {
			if p, ok := mirrors.PortsURL(arg); ok {
				t.Ports[family] = p
			}
		} else if s, ok := mirrors.SecurityURL(arg); ok {
			t.Security[family] = s
		}
		return t, nil
	}
	found := cat.Lookup(arg)
	if len(found) == 0 {
		return t, i18n.Invalid(i18n.T("no mirror called '%s' in the catalogue", "카탈로그에 '%s'라는 미러가 없습니다").F(arg)).
			WithHint(i18n.T("see 'sysdojo apt mirrors --country KR', or give a URL", "'sysdojo apt mirrors --country KR'로 찾아보거나 URL을 주세요"))
	}
	for _, m := range found {
		switch m.Status {
		case mirrors.NoArchive:
			return t, noArchive(m)
		case mirrors.Retired:
			return t, i18n.Invalid(i18n.T("%s is retired (%s)", "%s는 더 이상 운영하지 않습니다 (%s)").F(m.Host, m.Note.En)).
				WithHint(i18n.T("pick another with 'sysdojo apt mirrors --country KR'", "'sysdojo apt mirrors --country KR'에서 다른 미러를 고르세요"))
		case mirrors.Renamed:
			nt, err := ResolveTarget(cat, m.Now, family)
			nt.Notes = append([]i18n.Text{i18n.T("%s was renamed; using %s", "%s는 이름이 바뀌어 %s를 씁니다").F(m.Host, m.Now)}, nt.Notes...)
			return nt, err
		case mirrors.Unlisted:
			// Only the notes about this system's distribution: KAIST's
			// Ubuntu history is no news on a Debian machine.
			if family == "" || m.Distro == family {
				t.Notes = append(t.Notes, i18n.Text{En: m.Host + ": " + m.Note.En, Ko: m.Host + ": " + m.Note.Ko})
			}
		}
		t.Schemes = m.Schemes
		t.Archive[m.Distro] = m.URL
		if m.Ports != "" {
			t.Ports[m.Distro] = m.Ports
		}
		if m.Security != "" {
			t.Security[m.Distro] = m.Security
		}
	}
	if family != "" && t.Archive[family] == "" {
		return t, i18n.Invalid(i18n.T("%s carries no %s archive", "%s에는 %s 저장소가 없습니다").F(arg, family)).
			WithHint(i18n.T("see 'sysdojo apt mirrors --country KR --distro %s'", "'sysdojo apt mirrors --country KR --distro %s'로 찾아보세요").F(family))
	}
	return t, nil
}

func noArchive(m mirrors.Mirror) error {
	return i18n.Invalid(i18n.Text{
		En: m.Host + " carries no Ubuntu or Debian package archive: " + m.Note.En,
		Ko: m.Host + "에는 우분투나 데비안 패키지 저장소가 없습니다: " + m.Note.Ko}).
		WithHint(i18n.T("pick a mirror that carries your distribution: 'sysdojo apt mirrors --country KR'",
			"배포판 저장소가 있는 미러를 고르세요: 'sysdojo apt mirrors --country KR'"))
}

// Change is one URI rewritten, and why.
type Change struct {
	File string       `json:"file"`
	Line int          `json:"line"`
	Kind mirrors.Kind `json:"kind"`
	Old  string       `json:"old"`
	New  string       `json:"new"`
	Why  i18n.Text    `json:"why"`
}

// Kept is an entry a switch leaves alone, and why.
type Kept struct {
	File   string       `json:"file"`
	Line   int          `json:"line"`
	URI    string       `json:"uri"`
	Kind   mirrors.Kind `json:"kind"`
	Reason i18n.Text    `json:"reason"`
}

// FilePlan is the new content of one file.
type FilePlan struct {
	Path    string   `json:"file"`
	Changes []Change `json:"changes"`
	Diff    string   `json:"diff"`
	Old     []byte   `json:"-"`
	New     []byte   `json:"-"`
	// CloudInit is set when cloud-init may regenerate the file.
	CloudInit bool `json:"cloud_init,omitempty"`
}

// Plan is what a switch would do.
type Plan struct {
	Root   string     `json:"-"`
	Target Target     `json:"target"`
	Files  []FilePlan `json:"files"`
	Kept   []Kept     `json:"kept"`
	// Warnings are what the new content makes apt say that it did not
	// before (an entry listed twice).
	Warnings []i18n.Text `json:"warnings,omitempty"`
}

// Changed reports whether the plan changes anything.
func (p *Plan) Changed() bool { return len(p.Files) > 0 }

// SwitchOptions are the choices of a switch.
type SwitchOptions struct {
	// Security, when set, is where the security archive goes (Ubuntu:
	// its archive, which carries the -security suites; Debian: its
	// debian-security). When nil, security stays where it is.
	Security *Target
	// AllowHTTP lets an https source move to a mirror that serves only
	// http (a downgrade: anyone on the path sees what is fetched).
	AllowHTTP bool
}

// The switch policy (the package doc sums it up):
//
//   - an entry is switched when it points at its distribution's official
//     archive or at a catalogue mirror of it (any scheme), or at a mirror
//     sysdojo switched to before;
//   - ports (ubuntu-ports) go only to a mirror that carries ports;
//     security stays on its host unless SwitchOptions.Security names
//     where it goes;
//   - the scheme is kept: https stays https; a target that does not serve
//     https refuses the whole switch (nothing written) unless AllowHTTP;
//     an http source moves to http, or to https when that is all the
//     target serves;
//   - the tor+ wrapper is kept around the new URI; mirror+ (a list of
//     mirrors) and unknown X+Y transports are left as they are, never
//     stripped;
//   - cdrom:, file:, copy: and third-party repositories are left as they
//     are, each with its reason in Plan.Kept.
//
// refusal is one entry a switch cannot move without weakening it.
type refusal struct {
	e   Entry
	why i18n.Text
}

// PlanSwitch works out the new content of every file, changing only the
// URI text of the distribution's archive entries (enabled, disabled or
// commented out). Nothing is written. When an entry cannot move without
// losing https, it fails and nothing is planned.
func PlanSwitch(sys *System, cat *mirrors.Catalogue, t Target, opt SwitchOptions) (*Plan, error) {
	tr, err := openTree(sys.Root)
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	p := &Plan{Root: sys.Root, Target: t}
	extra := switchedTo(tr)
	var refused []refusal
	for _, f := range sys.Files {
		nf := f.Clone()
		type edit struct {
			span Span
			text string
		}
		edits := map[Span]edit{}
		var changes []Change
		for _, e := range f.Entries {
			c := cat.Classify(e.URI, extra)
			keep := func(r i18n.Text) {
				p.Kept = append(p.Kept, Kept{File: e.File, Line: e.Line, URI: e.URI, Kind: c.Kind, Reason: r})
			}
			switch c.Kind {
			case mirrors.MirrorList:
				keep(i18n.T("a mirror list (mirror+ or mirror://) picks the server: edit the list, not this entry",
					"미러 목록(mirror+ 또는 mirror://)이 서버를 고르는 항목입니다: 이 항목 대신 목록 파일을 고치세요"))
				continue
			case mirrors.Local:
				keep(i18n.T("local media (cdrom, file, copy) is not a mirror", "로컬 매체(cdrom, file, copy)는 미러가 아닙니다"))
				continue
			case mirrors.ThirdParty:
				keep(thirdParty(e.URI, c))
				continue
			}
			if c.Wrapper != "" && c.Wrapper != "tor" {
				keep(i18n.T("transport '%s+' is not one sysdojo knows how to carry over: left as it is",
					"'%s+' 전송 방식은 sysdojo가 옮길 줄 모르는 것이라 그대로 둡니다").F(c.Wrapper))
				continue
			}
			tg := t
			var to string
			switch c.Kind {
			case mirrors.Archive:
				to = t.Archive[c.Distro]
				if to == "" {
					keep(i18n.T("%s carries no %s archive", "%s에는 %s 저장소가 없습니다").F(t.Name, c.Distro))
					continue
				}
			case mirrors.Ports:
				to = t.Ports[c.Distro]
				if to == "" {
					keep(i18n.T("ports archive (arm64, armhf...): %s is not known to carry ubuntu-ports, so it stays",
						"포트 저장소(arm64, armhf 등): %s에 ubuntu-ports가 있는지 확인되지 않아 그대로 둡니다").F(t.Name))
					continue
				}
			case mirrors.Security:
				if opt.Security == nil {
					keep(i18n.T("security updates stay on the security archive (--security MIRROR moves them)",
						"보안 업데이트는 보안 저장소에 그대로 둡니다 (--security MIRROR를 주면 옮깁니다)"))
					continue
				}
				tg = *opt.Security
				if c.Distro == "ubuntu" {
					to = tg.Archive["ubuntu"]
				} else {
					to = tg.Security[c.Distro]
				}
				if to == "" {
					keep(i18n.T("%s carries no %s security archive", "%s에는 %s 보안 저장소가 없습니다").F(tg.Name, c.Distro))
					continue
				}
			}
			to, why, ok := carryScheme(to, c, tg, opt.AllowHTTP)
			if !ok {
				refused = append(refused, refusal{e, why})
				continue
			}
			// Keep the entry's own trailing-slash style.
			to = strings.TrimRight(to, "/")
			if strings.HasSuffix(e.URI, "/") {
				to += "/"
			}
			if to == e.URI {
				continue
			}
			if _, dup := edits[e.URISpan]; !dup {
				edits[e.URISpan] = edit{e.URISpan, to}
				changes = append(changes, Change{File: e.File, Line: e.URISpan.Line + 1, Kind: c.Kind, Old: e.URI, New: to, Why: why})
			}
		}
		if len(edits) == 0 {
			continue
		}
		list := make([]edit, 0, len(edits))
		for _, ed := range edits {
			list = append(list, ed)
		}
		// Right to left within a line, so earlier columns stay valid.
		sort.Slice(list, func(i, j int) bool {
			if list[i].span.Line != list[j].span.Line {
				return list[i].span.Line < list[j].span.Line
			}
			return list[i].span.Start > list[j].span.Start
		})
		for _, ed := range list {
			l := &nf.Lines[ed.span.Line]
			l.Text = l.Text[:ed.span.Start] + ed.text + l.Text[ed.span.End:]
		}
		newBytes := nf.Bytes()
		if err := checkOnlyURIs(f, newBytes); err != nil {
			return nil, err
		}
		sort.Slice(changes, func(i, j int) bool { return changes[i].Line < changes[j].Line })
		p.Files = append(p.Files, FilePlan{
			Path:      f.Path,
			Changes:   changes,
			Diff:      UnifiedDiff(strings.TrimPrefix(f.Path, "/"), f.Lines, nf.Lines),
			Old:       f.Bytes(),
			New:       newBytes,
			CloudInit: cloudInitManaged(tr, f),
		})
	}
	p.Warnings = duplicates(sys, p)
	if len(refused) > 0 {
		r := refused[0]
		return nil, i18n.Failed(i18n.T("refusing to switch (nothing written): %s: %s", "바꾸지 않았습니다 (아무것도 쓰지 않음): %s: %s").F(r.e.Where(), r.why), nil).
			WithHint(i18n.T("pick a mirror that serves https ('sysdojo apt mirrors --country KR' shows the schemes), or add --allow-http to accept the downgrade",
				"https를 내주는 미러를 고르거나('sysdojo apt mirrors --country KR'에 스킴이 나옵니다), 낮춰도 된다면 --allow-http를 주세요"))
	}
	return p, nil
}

// duplicates finds entries the switch makes twins of (same type, archive,
// suite and component, both enabled, on different lines): apt then warns
// "configured multiple times" on every update (twins inside one deb822
// stanza it reads once, silently: checked with apt-get). Twins that were
// there before are not news.
func duplicates(sys *System, p *Plan) []i18n.Text {
	count := func(files map[string][]Entry) map[string][]string {
		seen := map[string][]string{}
		for _, es := range files {
			for _, e := range es {
				if !e.Enabled {
					continue
				}
				for _, c := range append(e.Components, "") {
					if c == "" && len(e.Components) > 0 {
						continue
					}
					k := e.Type + " " + mirrors.Key(e.URI) + " " + e.Suite + " " + c
					seen[k] = append(seen[k], e.Where())
				}
			}
		}
		return seen
	}
	before := map[string][]Entry{}
	after := map[string][]Entry{}
	for _, f := range sys.Files {
		before[f.Path] = f.Entries
		after[f.Path] = f.Entries
	}
	for _, fp := range p.Files {
		if nf, err := Parse(fp.Path, fp.New); err == nil {
			after[fp.Path] = nf.Entries
		}
	}
	old, now := count(before), count(after)
	var keys []string
	for k, w := range now {
		if len(w) > 1 && len(old[k]) < len(w) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var out []i18n.Text
	done := map[string]bool{}
	for _, k := range keys {
		f := strings.Fields(k)
		places := uniqStrings(now[k])
		if len(places) < 2 {
			continue // twins in one stanza: apt reads them once, silently
		}
		where := strings.Join(places, ", ")
		if done[f[1]+" "+f[2]+" "+where] {
			continue
		}
		done[f[1]+" "+f[2]+" "+where] = true
		out = append(out, i18n.T("after the switch %s %s is listed more than once (%s): apt will warn that it is configured multiple times; remove the extra entry",
			"바꾼 뒤에는 %s %s가 여러 번 나옵니다 (%s). apt가 'configured multiple times' 경고를 내니 남는 항목을 지우세요").F(f[1], f[2], where))
	}
	return out
}

func uniqStrings(xs []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// carryScheme rewrites the target URL to with the scheme and wrapper of
// the source: https stays https (refused when the target has none, unless
// allowHTTP), tor+ stays around it. ok is false for a refusal, and why
// says what happened either way.
func carryScheme(to string, c mirrors.Class, t Target, allowHTTP bool) (string, i18n.Text, bool) {
	src := c.Scheme
	_, rest, _ := strings.Cut(to, "://")
	kind := kindWord(c)
	var scheme string
	var why i18n.Text
	switch {
	case src == "https" && t.serves("https"):
		scheme = "https"
		why = i18n.T("%s: https kept", "%s: https 유지").F(kind)
	case src == "https" && allowHTTP:
		scheme = "http"
		why = i18n.T("%s: https lowered to http (--allow-http)", "%s: https를 http로 낮춤 (--allow-http)").F(kind)
	case src == "https":
		return "", i18n.T("it uses https and %s serves no https, which would be a downgrade",
			"https를 쓰는데 %s 미러는 https를 내주지 않아 보안이 낮아집니다").F(t.Name), false
	case t.serves(src):
		scheme = src
		why = i18n.T("%s: %s kept", "%s: %s 유지").F(kind, src)
	case t.serves("http"):
		scheme = "http"
		why = i18n.T("%s: %s becomes http (what %s serves)", "%s: %s 대신 http (%s 미러가 내주는 방식)").F(kind, src, t.Name)
	default:
		scheme = "https"
		why = i18n.T("%s: %s becomes https (what %s serves)", "%s: %s 대신 https (%s 미러가 내주는 방식)").F(kind, src, t.Name)
	}
	out := scheme + "://" + rest
	if c.Wrapper == "tor" {
		out = "tor+" + out
		why = i18n.Text{En: why.En + ", tor+ kept (still fetched over Tor)", Ko: why.Ko + ", tor+ 유지 (여전히 Tor로 받음)"}
	}
	return out, why, true
}

func kindWord(c mirrors.Class) i18n.Text {
	switch c.Kind {
	case mirrors.Ports:
		return i18n.T(c.Distro+" ports archive", c.Distro+" 포트 저장소")
	case mirrors.Security:
		return i18n.T(c.Distro+" security archive", c.Distro+" 보안 저장소")
	}
	return i18n.T(c.Distro+" archive", c.Distro+" 저장소")
}

// thirdParty says why an entry that is no archive of the distribution is
// left alone.
func thirdParty(uri string, c mirrors.Class) i18n.Text {
	if c.Mirror != nil && c.Mirror.Status == mirrors.NoArchive {
		return i18n.Text{En: c.Mirror.Host + " is no Ubuntu or Debian archive mirror (" + c.Mirror.Note.En + "): left as it is",
			Ko: c.Mirror.Host + ": 우분투나 데비안 저장소 미러가 아닙니다 (" + c.Mirror.Note.Ko + "). 그대로 둡니다"}
	}
	_, _, inner := mirrors.SplitTransport(uri)
	if u, err := url.Parse(inner); err == nil && strings.HasSuffix(strings.ToLower(u.Hostname()), ".onion") {
		return i18n.T("an onion service (Tor): moving it to a mirror would give up what it hides; left as it is",
			"Tor 어니언 서비스입니다: 미러로 옮기면 숨겨 주던 것을 잃게 되니 그대로 둡니다")
	}
	host := inner
	if u, err := url.Parse(inner); err == nil && u.Host != "" {
		host = u.Host
	}
	return i18n.T("third-party repository (%s is not the distribution's archive or a known mirror of it): never touched",
		"외부 저장소 (%s: 배포판 저장소도, 알려진 미러도 아닙니다): 건드리지 않습니다").F(host)
}

// checkOnlyURIs re-reads the new content and makes sure every entry is
// the same as before except for its URI: the promise of a switch.
func checkOnlyURIs(old *File, newBytes []byte) error {
	nf, err := Parse(old.Path, newBytes)
	if err == nil && len(nf.Entries) != len(old.Entries) {
		err = fmt.Errorf("%d entries became %d", len(old.Entries), len(nf.Entries))
	}
	if err == nil {
		for i := range nf.Entries {
			a, b := old.Entries[i], nf.Entries[i]
			a.URI, b.URI = "", ""
			a.URISpan, b.URISpan = Span{}, Span{}
			if !reflect.DeepEqual(a, b) {
				err = fmt.Errorf("entry at line %d changed beyond its URI", a.Line)
				break
			}
		}
	}
	if err != nil {
		return i18n.Failed(i18n.T("internal check failed: the rewrite of %s would change more than URIs; nothing written",
			"내부 검사 실패: %s를 고치면 URI 말고 다른 것도 바뀌게 되어 아무것도 쓰지 않았습니다").F(old.Path), err)
	}
	return nil
}

// cloudInitManaged reports whether f may be regenerated by cloud-init:
// the file says it was written by cloud-init, or cloud-init is installed
// with a template for it and apt_preserve_sources_list is not set.
func cloudInitManaged(t *tree, f *File) bool {
	if strings.Contains(string(f.Bytes()), "written by cloud-init") {
		return true
	}
	base := path.Base(f.Path)
	if f.Path != SourceList && base != "ubuntu.sources" && base != "debian.sources" {
		return false
	}
	tmpl := false
	des, _ := t.readDir("/etc/cloud/templates")
	for _, d := range des {
		tmpl = tmpl || strings.HasPrefix(d.Name(), "sources.list")
	}
	if !tmpl {
		return false
	}
	cfgs := []string{"/etc/cloud/cloud.cfg"}
	des, _ = t.readDir("/etc/cloud/cloud.cfg.d")
	for _, d := range des {
		if strings.HasSuffix(d.Name(), ".cfg") {
			cfgs = append(cfgs, "/etc/cloud/cloud.cfg.d/"+d.Name())
		}
	}
	for _, c := range cfgs {
		b, _, err := t.readFile(c)
		if err != nil {
			continue
		}
		for _, l := range strings.Split(string(b), "\n") {
			k, v, ok := strings.Cut(strings.TrimSpace(l), ":")
			if ok && strings.TrimSpace(k) == "apt_preserve_sources_list" && strings.EqualFold(strings.TrimSpace(v), "true") {
				return false
			}
		}
	}
	return true
}
