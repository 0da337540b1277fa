// Package mirrors is sysdojo's catalogue of APT mirrors: the public
// per-country lists (embedded from python-apt's templates, April 2020) and
// named Korean mirrors with their history, plus what kind of archive a
// URI points at (a distribution's primary archive or a mirror of it, its
// security archive, its ports archive, or a third party).
package mirrors

import (
	"bufio"
	"embed"
	"net/url"
	"sort"
	"strings"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

//go:embed data/Ubuntu.mirrors data/Debian.mirrors
var data embed.FS

// Mirror is one mirror of one distribution.
type Mirror struct {
	Name     string    `json:"name,omitempty"` // short name usable with switch (kakao, kaist...)
	Host     string    `json:"host"`
	Distro   string    `json:"distro"` // ubuntu or debian
	Country  string    `json:"country,omitempty"`
	URL      string    `json:"url"`                // the archive, e.g. http://mirror.kakao.com/ubuntu/
	Ports    string    `json:"ports,omitempty"`    // ubuntu-ports, when known
	Security string    `json:"security,omitempty"` // debian-security, when known
	Status   string    `json:"status"`             // active, retired, renamed, unlisted
	Note     i18n.Text `json:"note,omitempty"`
	// Now is the current name of a renamed mirror.
	Now    string `json:"now,omitempty"`
	Source string `json:"source"` // where the fact comes from
}

// Statuses.
const (
	Active   = "active"
	Retired  = "retired"
	Renamed  = "renamed"
	Unlisted = "unlisted"
)

const listSource = "python-apt templates (2020)"
const notesSource = "sysdojo notes (2025)"

// named are the mirrors a Korean class meets, with their history.
var named = []Mirror{
	{Name: "ubuntu", Host: "archive.ubuntu.com", Distro: "ubuntu", URL: "http://archive.ubuntu.com/ubuntu/", Ports: "http://ports.ubuntu.com/ubuntu-ports/", Status: Active,
		Note: i18n.T("the primary Ubuntu archive", "우분투 공식 주 저장소")},
	{Name: "debian", Host: "deb.debian.org", Distro: "debian", URL: "http://deb.debian.org/debian/", Security: "http://deb.debian.org/debian-security/", Status: Active,
		Note: i18n.T("Debian's CDN in front of every mirror", "데비안의 CDN 주소 (가까운 미러로 연결)")},
	{Name: "kr", Host: "kr.archive.ubuntu.com", Distro: "ubuntu", Country: "KR", URL: "http://kr.archive.ubuntu.com/ubuntu/", Status: Active,
		Note: i18n.T("the official Korean country mirror name; Canonical points it at a mirror in Korea",
			"공식 한국 국가 미러 이름. 캐노니컬이 국내 미러 하나를 이 이름으로 연결해 둡니다")},
	{Name: "kakao", Host: "mirror.kakao.com", Distro: "ubuntu", Country: "KR", URL: "http://mirror.kakao.com/ubuntu/", Status: Active,
		Note: i18n.T("Kakao's mirror; older guides call it ftp.daumkakao.com (and ftp.daum.net)",
			"카카오 미러. 옛 자료에는 ftp.daumkakao.com(그 전에는 ftp.daum.net)으로 나옵니다")},
	{Name: "kakao", Host: "mirror.kakao.com", Distro: "debian", Country: "KR", URL: "http://mirror.kakao.com/debian/", Status: Active,
		Note: i18n.T("Kakao's mirror (formerly ftp.daumkakao.com)", "카카오 미러 (예전 이름 ftp.daumkakao.com)")},
	{Name: "daumkakao", Host: "ftp.daumkakao.com", Distro: "ubuntu", Country: "KR", URL: "http://ftp.daumkakao.com/ubuntu/", Status: Renamed, Now: "kakao",
		Note: i18n.T("renamed: now mirror.kakao.com", "이름이 바뀌었습니다: 지금은 mirror.kakao.com")},
	{Name: "daumkakao", Host: "ftp.daumkakao.com", Distro: "debian", Country: "KR", URL: "http://ftp.daumkakao.com/debian/", Status: Renamed, Now: "kakao",
		Note: i18n.T("renamed: now mirror.kakao.com", "이름이 바뀌었습니다: 지금은 mirror.kakao.com")},
	{Name: "daum", Host: "ftp.daum.net", Distro: "ubuntu", Country: "KR", URL: "http://ftp.daum.net/ubuntu/", Status: Renamed, Now: "kakao",
		Note: i18n.T("the oldest name of Kakao's mirror: now mirror.kakao.com", "카카오 미러의 가장 옛 이름: 지금은 mirror.kakao.com")},
	{Name: "kaist", Host: "ftp.kaist.ac.kr", Distro: "ubuntu", Country: "KR", URL: "http://ftp.kaist.ac.kr/ubuntu/", Ports: "http://ftp.kaist.ac.kr/ubuntu-ports/", Status: Unlisted,
		Note: i18n.T("KAIST's mirror (Ubuntu, ubuntu-ports, Debian); dropped off Launchpad's list in early 2025: rank it before trusting it",
			"KAIST 미러 (우분투, ubuntu-ports, 데비안). 2025년 초 Launchpad 목록에서 빠졌으니 rank로 확인하고 쓰세요")},
	{Name: "kaist", Host: "ftp.kaist.ac.kr", Distro: "debian", Country: "KR", URL: "http://ftp.kaist.ac.kr/debian/", Status: Active,
		Note: i18n.T("KAIST's mirror", "KAIST 미러")},
	{Name: "lanet", Host: "ftp.lanet.kr", Distro: "ubuntu", Country: "KR", URL: "http://ftp.lanet.kr/ubuntu/", Status: Active,
		Note: i18n.T("LANET's mirror", "LANET 미러")},
	{Name: "lanet", Host: "ftp.lanet.kr", Distro: "debian", Country: "KR", URL: "http://ftp.lanet.kr/debian/", Status: Active,
		Note: i18n.T("LANET's mirror", "LANET 미러")},
	{Name: "neowiz", Host: "ftp.neowiz.com", Distro: "ubuntu", Country: "KR", URL: "http://ftp.neowiz.com/ubuntu/", Status: Retired,
		Note: i18n.T("retired: left the Ubuntu mirror list in 2020", "운영 종료: 2020년에 우분투 미러 목록에서 빠졌습니다")},
	{Name: "harukasan", Host: "ftp.harukasan.org", Distro: "ubuntu", Country: "KR", URL: "http://ftp.harukasan.org/ubuntu/", Status: Unlisted,
		Note: i18n.T("listed in 2020, not on today's lists", "2020년 목록에는 있었지만 지금 목록에는 없습니다")},
	{Name: "elice", Host: "mirror.elice.io", Distro: "ubuntu", Country: "KR", URL: "http://mirror.elice.io/ubuntu/", Status: Active,
		Note: i18n.T("a newer Korean Ubuntu mirror", "새로 생긴 국내 우분투 미러")},
	{Name: "jeonnam", Host: "mirror.jeonnam.school", Distro: "ubuntu", Country: "KR", URL: "http://mirror.jeonnam.school/ubuntu/", Status: Active,
		Note: i18n.T("a newer Korean Ubuntu mirror", "새로 생긴 국내 우분투 미러")},
	{Name: "siwoo", Host: "mirror.siwoo.org", Distro: "ubuntu", Country: "KR", URL: "http://mirror.siwoo.org/ubuntu/", Status: Active,
		Note: i18n.T("a newer Korean mirror (Ubuntu and Debian)", "새로 생긴 국내 미러 (우분투와 데비안)")},
	{Name: "siwoo", Host: "mirror.siwoo.org", Distro: "debian", Country: "KR", URL: "http://mirror.siwoo.org/debian/", Status: Active,
		Note: i18n.T("a newer Korean mirror (Ubuntu and Debian)", "새로 생긴 국내 미러 (우분투와 데비안)")},
	{Name: "morgan", Host: "mirror.morgan.kr", Distro: "ubuntu", Country: "KR", URL: "http://mirror.morgan.kr/ubuntu/", Status: Active,
		Note: i18n.T("a newer Korean Ubuntu mirror", "새로 생긴 국내 우분투 미러")},
	{Name: "kr-debian", Host: "ftp.kr.debian.org", Distro: "debian", Country: "KR", URL: "http://ftp.kr.debian.org/debian/", Status: Active,
		Note: i18n.T("Debian's official Korean country mirror name", "데비안 공식 한국 국가 미러 이름")},
}

// Catalogue is every known mirror.
type Catalogue struct {
	Mirrors []Mirror
}

// Default returns the embedded catalogue: the named mirrors first, then the
// per-country lists (without duplicating a named one).
func Default() *Catalogue {
	c := &Catalogue{}
	seen := map[string]bool{}
	for _, m := range named {
		m.Source = notesSource
		c.Mirrors = append(c.Mirrors, m)
		seen[m.Distro+" "+Key(m.URL)] = true
	}
	for _, d := range []struct{ file, distro string }{{"data/Ubuntu.mirrors", "ubuntu"}, {"data/Debian.mirrors", "debian"}} {
		b, err := data.ReadFile(d.file)
		if err != nil {
			panic(err) // embedded: cannot happen
		}
		for _, m := range ParseList(string(b), d.distro) {
			if seen[m.Distro+" "+Key(m.URL)] {
				continue
			}
			seen[m.Distro+" "+Key(m.URL)] = true
			m.Source = listSource
			c.Mirrors = append(c.Mirrors, m)
		}
	}
	return c
}

// ParseList reads a python-apt style list: "#LOC:CC" lines set the
// country of the URLs that follow, one URL a line.
func ParseList(text, distro string) []Mirror {
	var out []Mirror
	country := ""
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		l := strings.TrimSpace(sc.Text())
		if cc, ok := strings.CutPrefix(l, "#LOC:"); ok {
			country = strings.ToUpper(strings.TrimSpace(cc))
			continue
		}
		if l == "" || strings.HasPrefix(l, "#") {
			continue
		}
		u, err := url.Parse(l)
		if err != nil || u.Host == "" {
			continue
		}
		out = append(out, Mirror{Host: u.Hostname(), Distro: distro, Country: country, URL: l, Status: Active})
	}
	return out
}

// Filter returns the mirrors of a country (any when "") and distribution
// (any when "").
func (c *Catalogue) Filter(country, distro string) []Mirror {
	var out []Mirror
	for _, m := range c.Mirrors {
		if country != "" && !strings.EqualFold(m.Country, country) {
			continue
		}
		if distro != "" && m.Distro != distro {
			continue
		}
		out = append(out, m)
	}
	return out
}

// Countries returns the country codes in the catalogue.
func (c *Catalogue) Countries() []string {
	set := map[string]bool{}
	for _, m := range c.Mirrors {
		if m.Country != "" {
			set[m.Country] = true
		}
	}
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Lookup finds the mirrors called name (a short name like "kakao" or a
// host name like "mirror.kakao.com"), one per distribution.
func (c *Catalogue) Lookup(name string) []Mirror {
	name = strings.ToLower(strings.TrimSuffix(name, "/"))
	var out []Mirror
	for _, m := range c.Mirrors {
		if m.Name == name || (m.Name != "" && m.Host == name) {
			out = append(out, m)
		}
	}
	if len(out) > 0 {
		return out
	}
	seen := map[string]bool{}
	for _, m := range c.Mirrors {
		if m.Host == name && !seen[m.Distro] {
			seen[m.Distro] = true
			out = append(out, m)
		}
	}
	return out
}

// Key normalises an archive URL for comparison: no scheme, lower-case
// host, no trailing slash ("http://A/ubuntu/" and "https://a/ubuntu" are
// the same archive).
func Key(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return strings.TrimSuffix(raw, "/")
	}
	p := strings.TrimRight(u.Path, "/")
	return strings.ToLower(u.Host) + p
}
