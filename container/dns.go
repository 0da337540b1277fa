package container

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// DNS inside a --net bridge container, made the way Docker makes it for
// its default bridge: the host's /etc/resolv.conf, except that a resolver
// on the host's loopback (127.0.0.53 of systemd-resolved, a dnsmasq on
// 127.0.0.1) cannot be reached from the container's own network, so:
// systemd-resolved's upstream list (/run/systemd/resolve/resolv.conf) is
// read instead of its stub; loopback and IPv6 nameservers are dropped
// (the bridge has no IPv6); when none is left, Docker's defaults
// (8.8.8.8, 8.8.4.4) are written. --dns replaces the nameservers. The
// file is bound over the container's /etc/resolv.conf (the rootfs is not
// written to).

// DefaultDNS is what a container gets when the host's resolvers are all
// on its loopback (as Docker).
var DefaultDNS = []string{"8.8.8.8", "8.8.4.4"}

// The host's files (variables for tests).
var (
	hostResolvConf     = "/etc/resolv.conf"
	resolvedResolvConf = "/run/systemd/resolve/resolv.conf"
)

// ParseDNS checks a --dns address: an IPv4 address (the bridge has no
// IPv6).
func ParseDNS(s string) (string, error) {
	a, err := netip.ParseAddr(s)
	if err != nil || !a.Is4() {
		return "", i18n.Invalid(i18n.T("bad --dns %q: give an IPv4 address, e.g. 9.9.9.9", "잘못된 --dns %q: IPv4 주소를 주세요 (예: 9.9.9.9)").F(s))
	}
	return a.String(), nil
}

// readSmall reads the host's file p: a regular file, at most 64 KiB of it
// (a FIFO or a device is refused before it is read).
func readSmall(p string) ([]byte, error) {
	f, err := os.OpenFile(p, os.O_RDONLY|syscall.O_NONBLOCK|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", p)
	}
	return io.ReadAll(io.LimitReader(f, 64<<10))
}

// ResolvConf makes the container's resolv.conf from the host's (host),
// systemd-resolved's upstream list (resolved, nil when absent) and the
// --dns addresses.
func ResolvConf(host, resolved []byte, dns []string) []byte {
	servers, rest := splitResolv(host)
	if onlyStub(servers) && resolved != nil {
		servers, rest = splitResolv(resolved)
	}
	var keep []string
	for _, s := range servers {
		a, err := netip.ParseAddr(s)
		if err != nil || a.IsLoopback() || !a.Unmap().Is4() {
			continue
		}
		keep = append(keep, a.Unmap().String())
	}
	var b bytes.Buffer
	b.WriteString("# made by sysdojo for a --net bridge container, from the host's resolv.conf\n")
	switch {
	case len(dns) > 0:
		keep = dns
	case len(keep) == 0:
		b.WriteString("# (the host's resolvers are on its loopback, out of the container's reach: defaults)\n")
		keep = DefaultDNS
	}
	for _, s := range keep {
		fmt.Fprintf(&b, "nameserver %s\n", s)
	}
	for _, l := range rest {
		b.WriteString(l + "\n")
	}
	return b.Bytes()
}

// splitResolv returns the nameservers of a resolv.conf, and its search,
// domain and options lines.
func splitResolv(text []byte) (servers, rest []string) {
	sc := bufio.NewScanner(bytes.NewReader(text))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 || strings.HasPrefix(f[0], "#") || strings.HasPrefix(f[0], ";") {
			continue
		}
		switch f[0] {
		case "nameserver":
			servers = append(servers, f[1])
		case "search", "domain", "options":
			// (Printable text only: it is written into the container.)
			if line := strings.Join(f, " "); !strings.ContainsFunc(line, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
				rest = append(rest, line)
			}
		}
	}
	return servers, rest
}

// onlyStub reports whether the nameservers are systemd-resolved's stub
// alone.
func onlyStub(servers []string) bool {
	return len(servers) == 1 && servers[0] == "127.0.0.53"
}

// writeResolvConf writes container id's resolv.conf under the network
// state directory and returns its path.
func writeResolvConf(id string, dns []string) (string, error) {
	host, err := readSmall(hostResolvConf)
	if err != nil {
		host = nil // no resolv.conf on the host: the defaults
	}
	resolved, err := readSmall(resolvedResolvConf)
	if err != nil {
		resolved = nil
	}
	dir := filepath.Join(filepath.Dir(DefaultStateRoot), "net")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	p := resolvPath(id)
	if err := os.WriteFile(p, ResolvConf(host, resolved, dns), 0o644); err != nil {
		return "", err
	}
	return p, nil
}

func resolvPath(id string) string {
	return filepath.Join(filepath.Dir(DefaultStateRoot), "net", "resolv-"+id+".conf")
}

func hostsPath(id string) string {
	return filepath.Join(filepath.Dir(DefaultStateRoot), "net", "hosts-"+id)
}

// netFiles are container id's files on the host, by what gc calls them.
func netFiles(id string) map[string]string {
	return map[string]string{"resolv.conf": resolvPath(id), "hosts": hostsPath(id)}
}

// netFileID returns the container ID in the name of one of those files
// ("" for another name).
func netFileID(name string) string {
	if id, ok := strings.CutPrefix(name, "resolv-"); ok {
		if id, ok := strings.CutSuffix(id, ".conf"); ok {
			return id
		}
	}
	if id, ok := strings.CutPrefix(name, "hosts-"); ok {
		return id
	}
	return ""
}

// Hosts is a bridged container's /etc/hosts: localhost, and its own name
// at its address (when known).
func Hosts(hostname, ip string) []byte {
	b := "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
	if ip != "" && hostname != "" {
		b += ip + "\t" + hostname + "\n"
	}
	return []byte(b)
}

// hostsWith is Hosts plus a line for each other container on the
// bridge: its address, its name and its host name.
func hostsWith(hostname, ip string, peers []addrEntry) []byte {
	b := Hosts(hostname, ip)
	for _, p := range peers {
		names := []string{}
		for _, n := range []string{p.Name, p.Hostname} {
			if n != "" && !slices.Contains(names, n) && !strings.ContainsFunc(n, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
				names = append(names, n)
			}
		}
		if len(names) > 0 {
			b = append(b, p.IP+"\t"+strings.Join(names, " ")+"\n"...)
		}
	}
	return b
}

// writeHosts writes container id's /etc/hosts in place (its inode kept:
// it may be bound into the container already) and returns its path.
func writeHosts(id, hostname, ip string) (string, error) {
	return writeHostsPeers(id, hostname, ip, nil)
}

func writeHostsPeers(id, hostname, ip string, peers []addrEntry) (string, error) {
	p := hostsPath(id)
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return "", err
	}
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_TRUNC|syscall.O_NOFOLLOW, 0o644)
	if err != nil {
		return "", err
	}
	if _, err := f.Write(hostsWith(hostname, ip, peers)); err != nil {
		f.Close()
		return "", err
	}
	return p, f.Close()
}
