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
// third party).
type Class struct {
	Kind   Kind   `json:"kind"`
	Distro string `json:"distro,omitempty"`
}

// Classify says what uri points at. extra are archive URLs known to be
// mirrors (e.g. ones sysdojo switched to before), by distribution.
func (c *Catalogue) Classify(uri string, extra map[string][]string) Class {
	scheme, _, _ := strings.Cut(uri, ":")
	scheme = strings.ToLower(scheme)
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
	case host == "security.debian.org" || last == "debian-security":
		return Class{Kind: Security, Distro: "debian"}
	case host == "ports.ubuntu.com":
		return Class{Kind: Ports, Distro: "ubuntu"}
	case host == "archive.ubuntu.com" || strings.HasSuffix(host, ".archive.ubuntu.com"):
		return Class{Kind: Archive, Distro: "ubuntu"}
	case (host == "deb.debian.org" || host == "ftp.debian.org" || host == "http.debian.net" ||
		host == "httpredir.debian.org" || strings.HasSuffix(host, ".debian.org") && strings.HasPrefix(host, "ftp.")) && last == "debian":
		return Class{Kind: Archive, Distro: "debian"}
	}
	key := Key(uri)
	for _, m := range c.Mirrors {
		if Key(m.URL) == key {
			return Class{Kind: Archive, Distro: m.Distro}
		}
		if m.Ports != "" && Key(m.Ports) == key {
			return Class{Kind: Ports, Distro: m.Distro}
		}
		if m.Security != "" && Key(m.Security) == key {
			return Class{Kind: Security, Distro: m.Distro}
		}
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
