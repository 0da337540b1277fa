// Package mirrors is sysdojo's catalogue of APT mirrors: the public
// per-country lists (embedded from python-apt's templates, April 2020) and
// named Korean mirrors with their history, plus what kind of archive a
// URI points at (a distribution's primary archive or a mirror of it, its
// security archive, its ports archive, or a third party).
package mirrors

import (
	"bufio"
	"embed"
	"encoding/json"
	"net/url"
	"sort"
	"strings"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

//go:embed data/Ubuntu.mirrors data/Debian.mirrors data/korea.json
var data embed.FS

// Mirror is one mirror of one distribution.
type Mirror struct {
	Name     string    `json:"name,omitempty"` // short name usable with switch (kakao, kaist...)
	Host     string    `json:"host"`
	Distro   string    `json:"distro"` // ubuntu or debian ("" for a site that carries neither)
	Country  string    `json:"country,omitempty"`
	URL      string    `json:"url"`                // the archive, e.g. http://mirror.kakao.com/ubuntu/
	Ports    string    `json:"ports,omitempty"`    // ubuntu-ports, when the site carries it
	Security string    `json:"security,omitempty"` // debian-security, when the site carries it
	Status   string    `json:"status"`             // active, retired, renamed, unlisted, no-archive
	Note     i18n.Text `json:"note,omitempty"`
	// Now is the current name of a renamed mirror.
	Now string `json:"now,omitempty"`
	// Schemes are the URL schemes the site serves ("http", "https").
	Schemes []string `json:"schemes"`
	// Carries are the archives the site carries (debian, debian-security,
	// ubuntu, ubuntu-ports), whatever the distribution of this entry.
	Carries []string `json:"carries"`
	// History lists the site's names, oldest first.
	History []string `json:"history,omitempty"`
	Source  string   `json:"source"` // where the facts come from
}

// HTTPS reports whether the mirror serves https.
func (m Mirror) HTTPS() bool {
	for _, s := range m.Schemes {
		if s == "https" {
			return true
		}
	}
	return false
}

// Statuses.
const (
	Active   = "active"
	Retired  = "retired"
	Renamed  = "renamed"
	Unlisted = "unlisted"
	// NoArchive is a mirror site that carries no Debian or Ubuntu
	// package archive (ISO images or other distributions only).
	NoArchive = "no-archive"
)

const listSource = "python-apt templates (2020)"

// site is one entry of data/korea.json.
type site struct {
	Name       string               `json:"name"`
	Host       string               `json:"host"`
	Country    string               `json:"country"`
	Status     string               `json:"status"`
	Now        string               `json:"now"`
	Schemes    []string             `json:"schemes"`
	Archives   map[string]string    `json:"archives"`
	Ports      string               `json:"ports"`
	Unlisted   []string             `json:"unlisted"`
	Note       i18n.Text            `json:"note"`
	DistroNote map[string]i18n.Text `json:"distro_note"`
	History    []string             `json:"history"`
	Sources    []string             `json:"sources"`
}

type siteFile struct {
	Sources map[string]string `json:"sources"`
	Sites   []site            `json:"sites"`
}

// named returns the named mirrors of data/korea.json, one per
// distribution a site carries (one with no distribution for a site that
// carries none).
func named() []Mirror {
	b, err := data.ReadFile("data/korea.json")
	if err != nil {
		panic(err) // embedded: cannot happen
	}
	var f siteFile
	if err := json.Unmarshal(b, &f); err != nil {
		panic("apt/mirrors: data/korea.json: " + err.Error())
	}
	var out []Mirror
	for _, s := range f.Sites {
		var cites []string
		for _, c := range s.Sources {
			if t, ok := f.Sources[c]; ok {
				c = t
			}
			cites = append(cites, c)
		}
		var carries []string
		for _, a := range []string{"debian", "debian-security", "ubuntu", "ubuntu-ports"} {
			if _, ok := s.Archives[a]; ok {
				carries = append(carries, a)
			}
		}
		base := func(distro string) Mirror {
			m := Mirror{Name: s.Name, Host: s.Host, Distro: distro, Country: s.Country, Status: s.Status, Now: s.Now,
				Note: s.Note, Schemes: s.Schemes, Carries: carries, History: s.History, Source: strings.Join(cites, "; ")}
			if m.Carries == nil {
				m.Carries = []string{}
			}
			for _, u := range s.Unlisted {
				if u == distro {
					m.Status = Unlisted
				}
			}
			if dn, ok := s.DistroNote[distro]; ok {
				m.Note = i18n.Text{En: m.Note.En + "; " + dn.En, Ko: m.Note.Ko + ". " + dn.Ko}
			}
			return m
		}
		url := func(p string) string { return "http://" + s.Host + p }
		n := len(out)
		if p, ok := s.Archives["ubuntu"]; ok {
			m := base("ubuntu")
			m.URL = url(p)
			if pp, ok := s.Archives["ubuntu-ports"]; ok {
				m.Ports = url(pp)
			} else if s.Ports != "" {
				m.Ports = s.Ports
			}
			out = append(out, m)
		}
		if p, ok := s.Archives["debian"]; ok {
			m := base("debian")
			m.URL = url(p)
			if sp, ok := s.Archives["debian-security"]; ok {
				m.Security = url(sp)
			}
			out = append(out, m)
		}
		if len(out) == n {
			m := base("")
			m.URL = url("/")
			out = append(out, m)
		}
	}
	return out
}

// Catalogue is every known mirror.
type Catalogue struct {
	Mirrors []Mirror
}

// Default returns the embedded catalogue: the named mirrors first
// (data/korea.json, each fact with its source), then the per-country lists
// (without duplicating a named one).
func Default() *Catalogue {
	c := &Catalogue{}
	seen := map[string]bool{}
	for _, m := range named() {
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
		carries := []string{distro}
		if strings.HasSuffix(strings.TrimRight(u.Path, "/"), "ubuntu-ports") {
			carries = []string{"ubuntu-ports"}
		}
		out = append(out, Mirror{Host: u.Hostname(), Distro: distro, Country: country, URL: l, Status: Active,
			Schemes: []string{u.Scheme}, Carries: carries})
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
