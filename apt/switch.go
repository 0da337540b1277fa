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
// per distribution, and where known its ports and security archives.
type Target struct {
	Name     string            `json:"name"`
	Archive  map[string]string `json:"archive"`            // distro -> URL
	Ports    map[string]string `json:"ports,omitempty"`    // distro -> URL (ubuntu)
	Security map[string]string `json:"security,omitempty"` // distro -> URL
	Notes    []i18n.Text       `json:"notes,omitempty"`
}

// ResolveTarget turns what the user typed (a catalogue name, a host name
// from the catalogue, or an http/https/ftp URL) into a Target. family is
// the system's distribution ("ubuntu" or "debian"), used for a bare URL.
func ResolveTarget(cat *mirrors.Catalogue, arg, family string) (Target, error) {
	t := Target{Name: arg, Archive: map[string]string{}, Ports: map[string]string{}, Security: map[string]string{}}
	if strings.Contains(arg, "://") {
		u, err := url.Parse(arg)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "ftp") {
			return t, i18n.Invalid(i18n.T("'%s' is not a mirror URL (http://, https:// or ftp:// with a host)",
				"'%s'는 미러 URL이 아닙니다 (호스트가 있는 http://, https://, ftp:// 주소여야 합니다)").F(arg))
		}
		if family == "" {
			return t, i18n.Invalid(i18n.T("cannot tell whether %s is an Ubuntu or a Debian mirror: /etc/os-release says neither",
				"%s가 우분투 미러인지 데비안 미러인지 알 수 없습니다: /etc/os-release에 둘 다 나오지 않습니다").F(arg))
		}
		if !strings.HasSuffix(arg, "/") {
			arg += "/"
		}
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
		case mirrors.Retired:
			return t, i18n.Invalid(i18n.T("%s is retired (%s)", "%s는 더 이상 운영하지 않습니다 (%s)").F(m.Host, m.Note.En)).
				WithHint(i18n.T("pick another with 'sysdojo apt mirrors --country KR'", "'sysdojo apt mirrors --country KR'에서 다른 미러를 고르세요"))
		case mirrors.Renamed:
			nt, err := ResolveTarget(cat, m.Now, family)
			nt.Notes = append([]i18n.Text{i18n.T("%s was renamed; using %s", "%s는 이름이 바뀌어 %s를 씁니다").F(m.Host, m.Now)}, nt.Notes...)
			return nt, err
		case mirrors.Unlisted:
			t.Notes = append(t.Notes, i18n.Text{En: m.Host + ": " + m.Note.En, Ko: m.Host + ": " + m.Note.Ko})
		}
		t.Archive[m.Distro] = m.URL
		if m.Ports != "" {
			t.Ports[m.Distro] = m.Ports
		}
		if m.Security != "" {
			t.Security[m.Distro] = m.Security
		}
	}
	return t, nil
}

// Change is one URI rewritten.
type Change struct {
	File string       `json:"file"`
	Line int          `json:"line"`
	Kind mirrors.Kind `json:"kind"`
	Old  string       `json:"old"`
	New  string       `json:"new"`
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
}

// Changed reports whether the plan changes anything.
func (p *Plan) Changed() bool { return len(p.Files) > 0 }

// SwitchOptions are the choices of a switch.
type SwitchOptions struct {
	Security bool // also move the security archive to the mirror
}

// PlanSwitch works out the new content of every file, changing only the
// URI text of the distribution's archive entries (enabled, disabled or
// commented out). Nothing is written.
func PlanSwitch(sys *System, cat *mirrors.Catalogue, t Target, opt SwitchOptions) (*Plan, error) {
	tr, err := openTree(sys.Root)
	if err != nil {
		return nil, err
	}
	defer tr.Close()
	p := &Plan{Root: sys.Root, Target: t}
	extra := switchedTo(tr)
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
			var to string
			switch c.Kind {
			case mirrors.Archive:
				to = t.Archive[c.Distro]
				if to == "" {
					keep(i18n.T("the mirror has no "+c.Distro+" archive", "이 미러에는 "+c.Distro+" 저장소가 없습니다"))
					continue
				}
			case mirrors.Ports:
				to = t.Ports[c.Distro]
				if to == "" {
					keep(i18n.T("ports archive: the mirror has no known ubuntu-ports path, so it stays",
						"포트 저장소: 이 미러의 ubuntu-ports 경로를 모르므로 그대로 둡니다"))
					continue
				}
			case mirrors.Security:
				if !opt.Security {
					keep(i18n.T("security updates stay at the source (use --security to move them too)",
						"보안 업데이트는 원래 저장소에 그대로 둡니다 (--security를 주면 함께 옮깁니다)"))
					continue
				}
				if c.Distro == "ubuntu" {
					to = t.Archive["ubuntu"]
				} else {
					to = t.Security[c.Distro]
				}
				if to == "" {
					keep(i18n.T("the mirror has no known security archive", "이 미러의 보안 저장소 경로를 모릅니다"))
					continue
				}
			case mirrors.MirrorList:
				keep(i18n.T("a mirror list picks the server: edit the list, not this entry",
					"미러 목록이 서버를 고르는 항목입니다: 이 항목 대신 목록 파일을 고치세요"))
				continue
			case mirrors.Local:
				keep(i18n.T("local media (cdrom, file) is not a mirror", "로컬 매체(cdrom, file)는 미러가 아닙니다"))
				continue
			default:
				keep(i18n.T("third-party repository: never touched", "외부 저장소: 절대 건드리지 않습니다"))
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
				changes = append(changes, Change{File: e.File, Line: e.URISpan.Line + 1, Kind: c.Kind, Old: e.URI, New: to})
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
	return p, nil
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
