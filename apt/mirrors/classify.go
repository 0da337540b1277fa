package mirrors

import (
	"net/url"
	"path"
	"strings"
)

// Kind is what an entry's URI points at.
type Kind string

// The kinds of archive a URI can point at.
const (
	Archive    Kind = "archive"     // a distribution's primary archive or a mirror of it
	Ports      Kind = "ports"       // Ubuntu's ports archive (arm64, armhf, riscv64...) or a mirror of it
	Security   Kind = "security"    // security.ubuntu.com, security.debian.org, debian-security
	MirrorList Kind = "mirror-list" // mirror://, mirror+file:, mirror+http://: apt picks from a list
	Local      Kind = "local"       // cdrom:, file:, copy:
	ThirdParty Kind = "third-party" // anything else: PPAs, vendors, other distributions
)

// Class is a URI's kind and the distribution it belongs to ("" for a
// third party), with the transport it was written with.
type Class struct {
	Kind   Kind   `json:"kind"`
	Distro string `json:"distro,omitempty"`
	// Wrapper is the transport wrapped around the scheme: "tor" for
	// tor+https://..., "" for a plain http://...
	Wrapper string `json:"wrapper,omitempty"`
	// Scheme is the inner scheme: http, https, ftp, file, cdrom, copy...
	Scheme string `json:"scheme,omitempty"`
	// Mirror is the catalogue entry the URI matched, if any.
	Mirror *Mirror `json:"-"`
}

// SplitTransport splits a URI's scheme into the wrapper and the inner
// scheme, as apt names its methods: "tor+https://h/" gives ("tor",
// "https", "https://h/"); "http://h/" gives ("", "http", "http://h/");
// "mirror+file:/x" gives ("mirror", "file", "file:/x"). A scheme is
// compared in lower case; the URI itself is never changed.
func SplitTransport(uri string) (wrapper, scheme, inner string) {
	colon := strings.IndexByte(uri, ':')
	if colon < 0 {
		return "", "", uri
	}
	s := strings.ToLower(uri[:colon])
	if plus := strings.IndexByte(s, '+'); plus >= 0 {
		return s[:plus], s[plus+1:], uri[plus+1:]
	}
	return "", s, uri
}

// Classify says what uri points at. extra are archive URLs known to be
// mirrors (e.g. ones sysdojo switched to before), by distribution.
func (c *Catalogue) Classify(uri string, extra map[string][]string) Class {
	wrapper, scheme, inner := SplitTransport(uri)
	cl := c.classify(inner, scheme, extra)
	cl.Wrapper, cl.Scheme = wrapper, scheme
	if wrapper == "mirror" || scheme == "mirror" {
		cl = Class{Kind: MirrorList, Wrapper: wrapper, Scheme: scheme}
	}
	return cl
}

func (c *Catalogue) classify(uri, scheme string, extra map[string][]string) Class {
	switch {
	case scheme == "cdrom" || scheme == "file" || scheme == "copy":
		return Class{Kind: Local}
	case strings.HasPrefix(scheme, "mirror"):
		return Class{Kind: MirrorList}
	}
	u, err := url.Parse(uri)
	if err != nil || u.Host == "" {
		return Class{Kind: ThirdParty}
	}
	host := strings.ToLower(u.Hostname())
	p := strings.TrimRight(u.Path, "/")
	last := path.Base(p)
	switch {
	case host == "security.ubuntu.com":
		return Class{Kind: Security, Distro: "ubuntu"}
	case host == "security.debian.org" || (host == "deb.debian.org" || host == "ftp.debian.org") && last == "debian-security":
		return Class{Kind: Security, Distro: "debian"}
	case host == "ports.ubuntu.com":
		return Class{Kind: Ports, Distro: "ubuntu"}
	case host == "archive.ubuntu.com" || strings.HasSuffix(host, ".archive.ubuntu.com"):
		if last == "ubuntu-ports" {
			return Class{Kind: Ports, Distro: "ubuntu"}
		}
		return Class{Kind: Archive, Distro: "ubuntu"}
	case (host == "deb.debian.org" || host == "ftp.debian.org" || host == "http.debian.net" ||
		host == "httpredir.debian.org" || strings.HasSuffix(host, ".debian.org") && strings.HasPrefix(host, "ftp.")) && last == "debian":
		return Class{Kind: Archive, Distro: "debian"}
	}
	key := Key(uri)
	for i := range c.Mirrors {
		m := &c.Mirrors[i]
		if m.Status == NoArchive {
			if strings.EqualFold(m.Host, host) {
				return Class{Kind: ThirdParty, Mirror: m}
			}
			continue
		}
		if Key(m.URL) == key {
			return Class{Kind: Archive, Distro: m.Distro, Mirror: m}
		}
		if m.Ports != "" && Key(m.Ports) == key {
			return Class{Kind: Ports, Distro: m.Distro, Mirror: m}
		}
		if m.Security != "" && Key(m.Security) == key {
			return Class{Kind: Security, Distro: m.Distro, Mirror: m}
		}
	}
	if last == "debian-security" {
		// A mirror's debian-security that the catalogue does not list.
		return Class{Kind: Security, Distro: "debian"}
	}
	for distro, urls := range extra {
		for _, x := range urls {
			if Key(x) == key {
				if last == "ubuntu-ports" {
					return Class{Kind: Ports, Distro: distro}
				}
				return Class{Kind: Archive, Distro: distro}
			}
		}
	}
	return Class{Kind: ThirdParty}
}

// PortsURL derives the ports archive of an Ubuntu mirror URL: the last
// path element "ubuntu" becomes "ubuntu-ports". ok is false when the URL
// does not end in /ubuntu.
func PortsURL(archive string) (string, bool) {
	return swapLast(archive, "ubuntu", "ubuntu-ports")
}

// SecurityURL derives a Debian mirror's security archive: the last path
// element "debian" becomes "debian-security".
func SecurityURL(archive string) (string, bool) {
	return swapLast(archive, "debian", "debian-security")
}

func swapLast(raw, from, to string) (string, bool) {
	slash := strings.HasSuffix(raw, "/")
	t := strings.TrimRight(raw, "/")
	i := strings.LastIndexByte(t, '/')
	if i < 0 || t[i+1:] != from || strings.HasSuffix(t[:i], ":/") {
		return "", false
	}
	out := t[:i+1] + to
	if slash {
		out += "/"
	}
	return out, true
}
