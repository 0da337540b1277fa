package container

import (
	"crypto/rand"
	"encoding/json"
	"errors"
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
// with --subnet). The containers share one bridge, BridgeName, which
// holds the range's first address and is every container's default
// route; each container's eth0 is one end of a veth pair whose other end
// is a port of the bridge, with the next free address of the range
// (addresses.json under the network state directory, under the network
// lock, says which are taken). The host masquerades what the containers
// send out (nat.go), and nothing new comes in by forwarding; containers
// on the bridge reach each other, by name (their /etc/hosts lists each
// other, rewritten as they come and go). The bridge goes with the last
// container.
const DefaultSubnet = "10.203.0.0/24"

// BridgeName is the bridge the --net bridge containers share.
const BridgeName = "sysdojo0"

// vethPrefix names the host ends of sysdojo's veth pairs: "sdj" + ID.
const vethPrefix = "sdj"

// Bridge is the --net bridge setting.
type Bridge struct {
	Subnet string   `json:"subnet"`        // default DefaultSubnet
	DNS    []string `json:"dns,omitempty"` // --dns: the container's nameservers (default: the host's, see dns.go)
}

// BridgeInfo is one container's link to the host.
type BridgeInfo struct {
	Bridge      string `json:"bridge,omitempty"` // the bridge its veth is a port of
	HostIf      string `json:"host_if"`          // the host's end of the veth pair
	HostIP      string `json:"host_ip"`          // the bridge's address: the container's default route
	ContainerIP string `json:"container_ip"`     // eth0's address inside
	Prefix      int    `json:"prefix"`           // both in the bridge's /Prefix
	NAT         bool   `json:"nat,omitempty"`    // masqueraded out through the host (nat.go)
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

// addrEntry is one container's address on the bridge, as
// addresses.json keeps it.
type addrEntry struct {
	IP       string `json:"ip"`
	ID       string `json:"id"`
	Name     string `json:"name,omitempty"`
	Hostname string `json:"hostname,omitempty"`
}

func addrsPath() string {
	return filepath.Join(filepath.Dir(DefaultStateRoot), "net", "addresses.json")
}

// readAddrs reads the address table; entries whose veth is gone (their
// container's network namespace ended) are dropped. The caller holds
// the network lock.
func readAddrs() []addrEntry {
	b, err := os.ReadFile(addrsPath())
	if err != nil {
		return nil
	}
	var all, out []addrEntry
	if json.Unmarshal(b, &all) != nil {
		return nil
	}
	for _, e := range all {
		if linkExists(hostIfName(e.ID)) {
			out = append(out, e)
		}
	}
	return out
}

func writeAddrs(es []addrEntry) error {
	if len(es) == 0 {
		err := os.Remove(addrsPath())
		if errors.Is(err, os.ErrNotExist) {
			err = nil
		}
		return err
	}
	b, err := json.MarshalIndent(es, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(addrsPath()), 0o700); err != nil {
		return err
	}
	tmp := addrsPath() + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, addrsPath())
}

// bridgeUp returns the bridge with the address gw/bits, made if it is
// not there; a bridge there already with another address is an error.
func bridgeUp(pfx netip.Prefix, gw netip.Addr) (netlink.Link, error) {
	if l, err := netlink.LinkByName(BridgeName); err == nil {
		addrs, _ := netlink.AddrList(l, unix.AF_INET)
		for _, a := range addrs {
			ones, _ := a.Mask.Size()
			if ip, ok := netip.AddrFromSlice(a.IP.To4()); ok && ip == gw && ones == pfx.Bits() {
				return l, nil
			}
		}
		return nil, i18n.Invalid(i18n.T("the bridge %s already serves another subnet than %s: run this container with that bridge's subnet, or once its containers are gone",
			"브리지 %s는 이미 %s가 아닌 다른 서브넷에 쓰이고 있습니다. 그 브리지의 서브넷으로 실행하거나, 거기 붙은 컨테이너가 모두 없어진 뒤에 실행하세요").F(BridgeName, pfx.String()))
	}
	br := &netlink.Bridge{LinkAttrs: netlink.LinkAttrs{Name: BridgeName}}
	if err := netlink.LinkAdd(br); err != nil {
		return nil, fmt.Errorf("creating the bridge %s: %w", BridgeName, err)
	}
	l, err := netlink.LinkByName(BridgeName)
	if err != nil {
		return nil, err
	}
	// A fixed address of its own: a bridge otherwise takes the lowest of
	// its ports', so each container that comes or goes could change it,
	// and the others' ARP entry for their gateway would go stale (their
	// connections to the host hang until it is asked again). Docker fixes
	// docker0's for the same reason.
	mac := make(net.HardwareAddr, 6)
	rand.Read(mac)
	mac[0] = mac[0]&^1 | 2 // unicast, locally administered
	if err := netlink.LinkSetHardwareAddr(l, mac); err != nil {
		netlink.LinkDel(l)
		return nil, fmt.Errorf("setting the address of %s: %w", BridgeName, err)
	}
	// No router advertisements, no IPv6 addresses: only what is documented.
	os.WriteFile("/proc/sys/net/ipv6/conf/"+BridgeName+"/disable_ipv6", []byte("1"), 0o644)
	if err := netlink.AddrAdd(l, &netlink.Addr{IPNet: &net.IPNet{IP: net.IP(gw.AsSlice()), Mask: net.CIDRMask(pfx.Bits(), 32)}}); err != nil {
		netlink.LinkDel(l)
		return nil, fmt.Errorf("addressing %s: %w", BridgeName, err)
	}
	if err := netlink.LinkSetUp(l); err != nil {
		netlink.LinkDel(l)
		return nil, err
	}
	return l, nil
}

// bridgeDownIfUnused removes the bridge when no link is a port of it any
// more. The caller holds the network lock.
func bridgeDownIfUnused() bool {
	br, err := netlink.LinkByName(BridgeName)
	if err != nil {
		return false
	}
	ls, err := netlink.LinkList()
	if err != nil {
		return false
	}
	for _, l := range ls {
		if l.Attrs().MasterIndex == br.Attrs().Index {
			return false
		}
	}
	return netlink.LinkDel(br) == nil
}

// setup makes the veth pair of container id (called name, host name
// hostname) whose init is host PID pid: one end a port of the bridge,
// the other eth0 in the container, with the next free address.
func (b *Bridge) setup(id, name, hostname string, pid int) (*BridgeInfo, error) {
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
	// One container at a time takes an address.
	lock, err := lockFile(netLockPath())
	if err != nil {
		return nil, fail(err)
	}
	defer lock.Close()
	gw := pfx.Addr().Next()
	entries := readAddrs()
	ctrIP, err := freeAddr(pfx, entries)
	if err != nil {
		return nil, err
	}
	br, err := bridgeUp(pfx, gw)
	if err != nil {
		var ie *i18n.Error
		if errors.As(err, &ie) {
			return nil, err
		}
		return nil, fail(err)
	}
	info := &BridgeInfo{Bridge: BridgeName, HostIf: hostIfName(id), HostIP: gw.String(), ContainerIP: ctrIP.String(), Prefix: pfx.Bits()}
	peer := "sdc" + strings.TrimPrefix(info.HostIf, vethPrefix)
	veth := &netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: info.HostIf, MasterIndex: br.Attrs().Index}, PeerName: peer}
	if err := netlink.LinkAdd(veth); err != nil {
		bridgeDownIfUnused()
		return nil, fail(fmt.Errorf("creating the veth pair %s: %w", info.HostIf, err))
	}
	entries = append(entries, addrEntry{IP: ctrIP.String(), ID: id, Name: name, Hostname: hostname})
	if err := writeAddrs(entries); err != nil {
		return info, fail(err)
	}
	host, err := netlink.LinkByName(info.HostIf)
	if err != nil {
		return info, fail(err)
	}
	os.WriteFile("/proc/sys/net/ipv6/conf/"+info.HostIf+"/disable_ipv6", []byte("1"), 0o644)
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
	if err := h.AddrAdd(in, &netlink.Addr{IPNet: &net.IPNet{IP: net.IP(ctrIP.AsSlice()), Mask: net.CIDRMask(pfx.Bits(), 32)}}); err != nil {
		return info, fail(fmt.Errorf("addressing eth0: %w", err))
	}
	if err := h.LinkSetUp(in); err != nil {
		return info, fail(err)
	}
	if lo, err := h.LinkByName("lo"); err == nil {
		h.LinkSetUp(lo)
	}
	// The way out: the bridge is the default gateway, and the host
	// masquerades what comes from it (nat.go).
	if err := h.RouteAdd(&netlink.Route{LinkIndex: in.Attrs().Index, Gw: net.IP(gw.AsSlice())}); err != nil {
		return info, fail(fmt.Errorf("adding the default route: %w", err))
	}
	if err := natAdd(id, ctrIP); err != nil {
		return info, fail(err)
	}
	info.NAT = true
	// The others learn its name, it learns theirs.
	rewriteHosts(entries)
	return info, nil
}

// releaseAddr gives container id's address back, tells the others it is
// gone, and removes the bridge when it was the last. The caller holds
// the network lock.
func releaseAddr(id string) {
	var keep []addrEntry
	for _, e := range readAddrs() {
		if e.ID != id {
			keep = append(keep, e)
		}
	}
	writeAddrs(keep)
	rewriteHosts(keep)
	bridgeDownIfUnused()
}

// rewriteHosts writes the /etc/hosts of every container of entries that
// has one: its own name, then the others'.
func rewriteHosts(entries []addrEntry) {
	for _, e := range entries {
		if !fileExists(hostsPath(e.ID)) {
			continue
		}
		var peers []addrEntry
		for _, o := range entries {
			if o.ID != e.ID {
				peers = append(peers, o)
			}
		}
		writeHostsPeers(e.ID, e.Hostname, e.IP, peers)
	}
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

// freeAddr is the first address of pfx that is neither the bridge's (the
// first), nor the broadcast address (the last), nor taken in entries.
// None left is a failure that says so, before anything is made.
func freeAddr(pfx netip.Prefix, entries []addrEntry) (netip.Addr, error) {
	gw := pfx.Addr().Next()
	used := map[string]bool{gw.String(): true}
	for _, e := range entries {
		used[e.IP] = true
	}
	for a := gw.Next(); pfx.Contains(a) && pfx.Contains(a.Next()); a = a.Next() {
		if !used[a.String()] {
			return a, nil
		}
	}
	return netip.Addr{}, i18n.Failed(i18n.T("no free addresses left in %s: remove a container on the bridge (sysdojo container ls), or run this one with --network none",
		"%s에 남은 주소가 없습니다: 브리지에 붙은 컨테이너를 하나 지우거나 (sysdojo container ls), 이 컨테이너를 --network none으로 실행하세요").F(pfx.String()), nil)
}
