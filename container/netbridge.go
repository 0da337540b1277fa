package container

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"

	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// DefaultSubnet is the range --net bridge takes addresses from (change it
// with --subnet). Each container gets a /30 of it: the host's end of the
// veth pair is the first address, the container's eth0 the second, with
// the host's end as its default route; the host masquerades what the
// container sends out (nat.go), and nothing new comes in by forwarding.
const DefaultSubnet = "10.203.0.0/24"

// vethPrefix names the host ends of sysdojo's veth pairs: "sdj" + ID.
const vethPrefix = "sdj"

// Bridge is the --net bridge setting.
type Bridge struct {
	Subnet string   `json:"subnet"`        // default DefaultSubnet
	DNS    []string `json:"dns,omitempty"` // --dns: the container's nameservers (default: the host's, see dns.go)
}

// BridgeInfo is one container's link to the host.
type BridgeInfo struct {
	HostIf      string `json:"host_if"`       // the host's end of the veth pair
	HostIP      string `json:"host_ip"`       // its address
	ContainerIP string `json:"container_ip"`  // eth0's address inside
	Prefix      int    `json:"prefix"`        // both in a /Prefix of their own
	NAT         bool   `json:"nat,omitempty"` // masqueraded out through the host (nat.go)
}

// ParseSubnet checks a --subnet: an IPv4 private range between /16 and /29.
func ParseSubnet(s string) (netip.Prefix, error) {
	p, err := netip.ParsePrefix(s)
	if err != nil || !p.Addr().Is4() || p.Bits() < 16 || p.Bits() > 29 || !p.Addr().IsPrivate() {
		return netip.Prefix{}, i18n.Invalid(i18n.T("bad subnet %q (an IPv4 private range from /16 to /29, e.g. 10.203.0.0/24)",
			"잘못된 서브넷입니다: %q (/16에서 /29 사이의 IPv4 사설 대역, 예: 10.203.0.0/24)").F(s))
	}
	return p.Masked(), nil
}

// setup makes the veth pair of container id whose init is host PID pid:
// one end stays on the host, the other becomes eth0 in the container.
func (b *Bridge) setup(id string, pid int) (*BridgeInfo, error) {
	fail := func(err error) error {
		return i18n.Failed(i18n.T("cannot set up the container's network", "컨테이너 네트워크를 준비할 수 없습니다"), err)
	}
	sub := b.Subnet
	if sub == "" {
		sub = DefaultSubnet
	}
	pfx, err := ParseSubnet(sub)
	if err != nil {
		return nil, err
	}
	// One container at a time picks its /30.
	lock, err := lockFile(netLockPath())
	if err != nil {
		return nil, fail(err)
	}
	defer lock.Close()
	used := map[netip.Addr]bool{}
	for _, name := range sysdojoLinks() {
		if l, err := netlink.LinkByName(name); err == nil {
			addrs, _ := netlink.AddrList(l, unix.AF_INET)
			for _, a := range addrs {
				if ip, ok := netip.AddrFromSlice(a.IP.To4()); ok {
					used[ip] = true
				}
			}
		}
	}
	var hostIP, ctrIP netip.Addr
	n := 1 << (32 - pfx.Bits()) / 4
	base := pfx.Addr().As4()
	for k := 0; k < n; k++ {
		v := uint32(base[0])<<24 | uint32(base[1])<<16 | uint32(base[2])<<8 | uint32(base[3]) + uint32(4*k)
		h := netip.AddrFrom4([4]byte{byte(v >> 24), byte(v >> 16), byte(v >> 8), byte(v + 1)})
		if !used[h] {
			hostIP, ctrIP = h, h.Next()
			break
		}
	}
	if !hostIP.IsValid() {
		return nil, i18n.Failed(i18n.T("no free addresses left in %s", "%s에 남은 주소가 없습니다").F(pfx.String()), nil)
	}
	info := &BridgeInfo{HostIf: hostIfName(id), HostIP: hostIP.String(), ContainerIP: ctrIP.String(), Prefix: 30}
	peer := "sdc" + strings.TrimPrefix(info.HostIf, vethPrefix)
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: info.HostIf}, PeerName: peer}
	if err := netlink.LinkAdd(veth); err != nil {
		return nil, fail(fmt.Errorf("creating the veth pair %s: %w", info.HostIf, err))
	}
	mask := net.CIDRMask(30, 32)
	host, err := netlink.LinkByName(info.HostIf)
	if err != nil {
		return info, fail(err)
	}
	// No router advertisements, no IPv6 addresses: only what is documented.
	os.WriteFile("/proc/sys/net/ipv6/conf/"+info.HostIf+"/disable_ipv6", []byte("1"), 0o644)
	if err := netlink.AddrAdd(host, &netlink.Addr{IPNet: &net.IPNet{IP: net.IP(hostIP.AsSlice()), Mask: mask}}); err != nil {
		return info, fail(fmt.Errorf("addressing %s: %w", info.HostIf, err))
	}
	p, err := netlink.LinkByName(peer)
	if err != nil {
		return info, fail(err)
	}
	if err := netlink.LinkSetNsPid(p, pid); err != nil {
		return info, fail(fmt.Errorf("moving %s into the container: %w", peer, err))
	}
	if err := netlink.LinkSetUp(host); err != nil {
		return info, fail(err)
	}
	ns, err := netns.GetFromPid(pid)
	if err != nil {
		return info, fail(err)
	}
	defer ns.Close()
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		return info, fail(err)
	}
	defer h.Close()
	in, err := h.LinkByName(peer)
	if err != nil {
		return info, fail(err)
	}
	if err := h.LinkSetName(in, "eth0"); err != nil {
		return info, fail(err)
	}
	if err := h.AddrAdd(in, &netlink.Addr{IPNet: &net.IPNet{IP: net.IP(ctrIP.AsSlice()), Mask: mask}}); err != nil {
		return info, fail(fmt.Errorf("addressing eth0: %w", err))
	}
	if err := h.LinkSetUp(in); err != nil {
		return info, fail(err)
	}
	if lo, err := h.LinkByName("lo"); err == nil {
		h.LinkSetUp(lo)
	}
	// The way out: the host's end is the default gateway, and the host
	// masquerades what comes from it (nat.go).
	if err := h.RouteAdd(&netlink.Route{LinkIndex: in.Attrs().Index, Gw: net.IP(hostIP.AsSlice())}); err != nil {
		return info, fail(fmt.Errorf("adding the default route: %w", err))
	}
	if err := natAdd(id, info.HostIf, ctrIP); err != nil {
		return info, fail(err)
	}
	info.NAT = true
	return info, nil
}

// sysdojoLinks lists the host ends of sysdojo's veth pairs.
func sysdojoLinks() []string {
	ls, err := netlink.LinkList()
	if err != nil {
		return nil
	}
	var out []string
	for _, l := range ls {
		if a := l.Attrs(); l.Type() == "veth" && strings.HasPrefix(a.Name, vethPrefix) {
			out = append(out, a.Name)
		}
	}
	return out
}

func linkExists(name string) bool {
	_, err := netlink.LinkByName(name)
	return err == nil
}

// deleteLink removes a veth pair by its host end (both ends go).
func deleteLink(name string) error {
	l, err := netlink.LinkByName(name)
	if err != nil {
		return err
	}
	return netlink.LinkDel(l)
}

func lockFile(p string) (*os.File, error) {
	if err := os.MkdirAll(filepath.Dir(p), 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_RDWR|unix.O_CLOEXEC, 0o600)
	if err != nil {
		return nil, err
	}
	if err := unix.Flock(int(f.Fd()), unix.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}
