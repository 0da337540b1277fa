package container_test

import (
	"bytes"
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/nftables"
	"github.com/google/nftables/expr"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netns"
	"golang.org/x/net/dns/dnsmessage"

	"github.com/sysdojo/sysdojo/container"
	"github.com/sysdojo/sysdojo/internal/testenv"
)

// internet is a network namespace of the test's own that plays "the
// internet": a veth pair to the host, the host's end HostIP, its own end
// IP, both in a private /30 of 10.204.0.0/16, and no route back to the
// containers' addresses (so an answer reaches a container only through
// the host's NAT).
type internet struct {
	ns             netns.NsHandle
	hostIf         string
	HostIP, IP     string
	seenHTTP       chan string
	seenDNS        chan string
	httpURL, dnsIP string
}

func newInternet(t *testing.T) *internet {
	t.Helper()
	testenv.NeedRoot(t)
	var r [2]byte
	rand.Read(r[:])
	k := int(r[0])<<8 | int(r[1])
	third, fourth := (k>>6)&0xff, (k&0x3f)*4
	in := &internet{hostIf: fmt.Sprintf("sdtnet%04x", k), seenHTTP: make(chan string, 16), seenDNS: make(chan string, 16),
		HostIP: fmt.Sprintf("10.204.%d.%d", third, fourth+1), IP: fmt.Sprintf("10.204.%d.%d", third, fourth+2)}
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	orig, err := netns.Get()
	if err != nil {
		t.Fatal(err)
	}
	defer orig.Close()
	ns, err := netns.New() // (this thread is now in it)
	if err != nil {
		t.Fatal(err)
	}
	in.ns = ns
	if err := netns.Set(orig); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ns.Close() })
	peer := in.hostIf + "i"
	if err := netlink.LinkAdd(&netlink.Veth{LinkAttrs: netlink.LinkAttrs{Name: in.hostIf}, PeerName: peer}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if l, err := netlink.LinkByName(in.hostIf); err == nil {
			netlink.LinkDel(l)
		}
	})
	host, _ := netlink.LinkByName(in.hostIf)
	p, _ := netlink.LinkByName(peer)
	addr := func(s string) *netlink.Addr { a, _ := netlink.ParseAddr(s + "/30"); return a }
	if err := netlink.AddrAdd(host, addr(in.HostIP)); err != nil {
		t.Fatal(err)
	}
	if err := netlink.LinkSetNsFd(p, int(ns)); err != nil {
		t.Fatal(err)
	}
	netlink.LinkSetUp(host)
	h, err := netlink.NewHandleAt(ns)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	p, _ = h.LinkByName(peer)
	h.AddrAdd(p, addr(in.IP))
	h.LinkSetUp(p)
	if lo, err := h.LinkByName("lo"); err == nil {
		h.LinkSetUp(lo)
	}
	// Its servers: sockets made inside it, served from anywhere.
	if err := netns.Set(ns); err != nil {
		t.Fatal(err)
	}
	ln, lerr := net.Listen("tcp4", in.IP+":0")
	pc, perr := net.ListenPacket("udp4", in.IP+":53")
	netns.Set(orig)
	if lerr != nil || perr != nil {
		t.Fatal(lerr, perr)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		from, _, _ := net.SplitHostPort(r.RemoteAddr)
		in.seenHTTP <- from
		fmt.Fprintf(w, "hello from the internet, %s\n", from)
	})}
	go srv.Serve(ln)
	go serveDNS(pc, in.seenDNS)
	t.Cleanup(func() { srv.Close(); pc.Close() })
	in.httpURL = "http://" + ln.Addr().String() + "/"
	in.dnsIP = in.IP
	return in
}

// serveDNS answers every A question with 10.204.0.99 and notes where
// the question came from.
func serveDNS(pc net.PacketConn, seen chan string) {
	buf := make([]byte, 1500)
	for {
		n, from, err := pc.ReadFrom(buf)
		if err != nil {
			return
		}
		var m dnsmessage.Message
		if m.Unpack(buf[:n]) != nil || len(m.Questions) == 0 {
			continue
		}
		select {
		case seen <- from.(*net.UDPAddr).IP.String():
		default:
		}
		m.Header.Response, m.Header.Authoritative = true, true
		q := m.Questions[0]
		m.Answers = nil
		if q.Type == dnsmessage.TypeA {
			m.Answers = []dnsmessage.Resource{{Header: dnsmessage.ResourceHeader{Name: q.Name, Type: q.Type, Class: q.Class, TTL: 60},
				Body: &dnsmessage.AResource{A: [4]byte{10, 204, 0, 99}}}}
		}
		m.Questions = m.Questions[:1]
		if out, err := m.Pack(); err == nil {
			pc.WriteTo(out, from)
		}
	}
}

// rulesOf lists sysdojo's NAT rules for container id.
func rulesOf(t *testing.T, id string) []string {
	t.Helper()
	rules, err := container.NATRulesOf(id)
	if err != nil {
		t.Fatal(err)
	}
	return rules
}

func ipForward(t *testing.T) string {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_forward")
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// TestNATOut: a --net bridge container reaches a server in "the
// internet" (the test's own namespace, which has no route back to the
// containers) through the host's masquerade: the server sees the host's
// address, never the container's. Its DNS questions go the same way. The
// rules exist while it runs and are gone after it; forwarding is back as
// it was.
func TestNATOut(t *testing.T) {
	rootfs := testRootfs(t)
	inet := newInternet(t)
	before := ipForward(t)
	var during, bridgeDuring []string
	var id string
	var out bytes.Buffer
	res, err := container.Run(container.Config{Rootfs: rootfs, StateRoot: t.TempDir() + "/state",
		Hooks: &container.Hooks{Bridge: &container.Bridge{DNS: []string{inet.dnsIP}}, OnStart: func(i *container.Info) {
			id = i.ID
			during = rulesOf(t, i.ID)
			all, _ := container.NATRules()
			for _, r := range all {
				if r == "forward: sysdojo bridge" {
					bridgeDuring = append(bridgeDuring, r)
				}
			}
		}},
		Hostname: "natbox",
		Args:     sh(`ip route | grep default; cat /etc/resolv.conf; grep natbox /etc/hosts; wget -q -O - ` + inet.httpURL + `; nslookup example.test || echo NSLOOKUP-FAILED`),
		Stdout:   &out, Stderr: &out})
	if err != nil {
		t.Fatal(err)
	}
	got := out.String()
	t.Logf("inside:\n%s", got)
	if res.ExitCode != 0 || !strings.Contains(got, "hello from the internet, "+inet.HostIP) {
		t.Errorf("exit %d, output:\n%s\nwant the server's answer to %s (the host's address: masqueraded)", res.ExitCode, got, inet.HostIP)
	}
	select {
	case from := <-inet.seenHTTP:
		if from != inet.HostIP {
			t.Errorf("the server saw %s, want the host's %s", from, inet.HostIP)
		}
	default:
		t.Errorf("the server saw no request")
	}
	if !strings.Contains(got, "10.203.") || !strings.Contains(got, "\tnatbox\n") {
		t.Errorf("/etc/hosts: no line for the container's own name and address:\n%s", got)
	}
	if !strings.Contains(got, "nameserver "+inet.dnsIP) || !strings.Contains(got, "10.204.0.99") {
		t.Errorf("DNS through the NAT: output:\n%s", got)
	}
	select {
	case from := <-inet.seenDNS:
		if from != inet.HostIP {
			t.Errorf("the DNS server saw %s, want the host's %s", from, inet.HostIP)
		}
	default:
		t.Errorf("the DNS server saw no question")
	}
	if len(during) != 1 || !strings.HasPrefix(during[0], "postrouting:") || len(bridgeDuring) != 4 {
		t.Errorf("rules while it ran: %q and %q, want its masquerade and the bridge's four forward rules", during, bridgeDuring)
	}
	if left := rulesOf(t, id); len(left) > 0 {
		t.Errorf("rules left after the run: %q", left)
	}
	if all, _ := container.NATRules(); all == nil && ipForward(t) != before {
		t.Errorf("ip_forward %s after the last container, was %s", ipForward(t), before)
	}
	if _, err := os.Stat(container.ForwardingFile()); err == nil {
		if all, _ := container.NATRules(); all == nil {
			t.Errorf("%s left with no container", container.ForwardingFile())
		}
	}
}

// TestNATNothingIn: with a route to the containers, "the internet"
// still cannot open a connection to one (its forward rules drop what is
// new); the host itself can.
func TestNATNothingIn(t *testing.T) {
	inet := newInternet(t)
	in, root := detach(t, container.Config{Name: "inbound", Hooks: &container.Hooks{Bridge: &container.Bridge{}},
		Args: sh(`mkdir -p /www && echo inside > /www/index.html && exec httpd -f -p 8080 -h /www`)})
	got := find(t, root, in.Name)
	if got.Net == nil || !got.Net.NAT {
		t.Fatalf("net: %+v", got.Net)
	}
	url := "http://" + got.Net.ContainerIP + ":8080/"
	waitFor(t, "the server", func() bool { _, err := get(url); return err == nil })
	h, err := netlink.NewHandleAt(inet.ns)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	_, dst, _ := net.ParseCIDR(got.Net.ContainerIP + "/32")
	if err := h.RouteAdd(&netlink.Route{Dst: dst, Gw: net.ParseIP(inet.HostIP)}); err != nil {
		t.Fatal(err)
	}
	runtime.LockOSThread()
	orig, _ := netns.Get()
	netns.Set(inet.ns)
	conn, err := net.DialTimeout("tcp4", got.Net.ContainerIP+":8080", 2*time.Second)
	netns.Set(orig)
	orig.Close()
	runtime.UnlockOSThread()
	if err == nil {
		conn.Close()
		t.Errorf("a connection from outside reached the container at %s", got.Net.ContainerIP)
	}
	if _, err := container.Remove(root, in.Name, true); err != nil {
		t.Fatal(err)
	}
	if left := rulesOf(t, got.ID); len(left) > 0 {
		t.Errorf("rules left after rm: %q", left)
	}
}

func TestResolvConf(t *testing.T) {
	stub := []byte("# systemd-resolved\nnameserver 127.0.0.53\noptions edns0 trust-ad\nsearch lab.example\n")
	upstream := []byte("nameserver 10.1.2.3\nnameserver fd00::1\nsearch lab.example\n")
	for _, c := range []struct {
		name           string
		host, resolved []byte
		dns            []string
		want           []string
	}{
		{"plain", []byte("nameserver 10.9.9.9\nsearch a.b\n"), nil, nil, []string{"nameserver 10.9.9.9", "search a.b"}},
		{"resolved stub", stub, upstream, nil, []string{"nameserver 10.1.2.3", "search lab.example"}},
		{"loopback only", []byte("nameserver 127.0.0.1\nnameserver ::1\n"), nil, nil, []string{"nameserver 8.8.8.8", "nameserver 8.8.4.4"}},
		{"stub, no upstream file", stub, nil, nil, []string{"nameserver 8.8.8.8", "options edns0 trust-ad"}},
		{"--dns", []byte("nameserver 10.9.9.9\n"), nil, []string{"9.9.9.9"}, []string{"nameserver 9.9.9.9"}},
	} {
		got := string(container.ResolvConf(c.host, c.resolved, c.dns))
		for _, w := range c.want {
			if !strings.Contains(got, w+"\n") {
				t.Errorf("%s: no %q in\n%s", c.name, w, got)
			}
		}
		if strings.Contains(got, "127.0.0.") || strings.Contains(got, "::1") || strings.Contains(got, "fd00") {
			t.Errorf("%s: an address the container cannot reach:\n%s", c.name, got)
		}
		if c.dns != nil && strings.Contains(got, "10.9.9.9") {
			t.Errorf("%s: --dns did not replace the host's:\n%s", c.name, got)
		}
	}
}

// TestNATLeavesOthersAlone: tables and rules sysdojo did not add stay as
// they were through a bridged container's life and gc, even a rule put
// into sysdojo's own table.
func TestNATLeavesOthersAlone(t *testing.T) {
	testenv.NeedRoot(t)
	c, err := nftables.New()
	if err != nil {
		t.Fatal(err)
	}
	var r [3]byte
	rand.Read(r[:])
	foreign := c.AddTable(&nftables.Table{Family: nftables.TableFamilyIPv4, Name: fmt.Sprintf("sdjtest_foreign_%x", r)})
	fch := c.AddChain(&nftables.Chain{Name: "theirs", Table: foreign})
	c.AddRule(&nftables.Rule{Table: foreign, Chain: fch, Exprs: []expr.Any{&expr.Counter{}}})
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	defer func() { c.DelTable(foreign); c.Flush() }()
	in, root := detach(t, container.Config{Name: "neighbour", Hooks: &container.Hooks{Bridge: &container.Bridge{}}, Args: []string{"sleep", "1000"}})
	id := find(t, root, in.Name).ID
	ours := &nftables.Table{Family: nftables.TableFamilyIPv4, Name: container.NATTable}
	fwd, err := c.ListChain(ours, "forward")
	if err != nil {
		t.Fatal(err)
	}
	c.AddRule(&nftables.Rule{Table: ours, Chain: fwd, Exprs: []expr.Any{&expr.Counter{}}})
	if err := c.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := container.Remove(root, in.Name, true); err != nil {
		t.Fatal(err)
	}
	if _, err := container.GCAll(root); err != nil {
		t.Fatal(err)
	}
	if left := rulesOf(t, id); len(left) > 0 {
		t.Errorf("the container's rules left: %q", left)
	}
	if rules, err := c.GetRules(foreign, fch); err != nil || len(rules) != 1 {
		t.Errorf("the foreign table's rule: %d rules, %v", len(rules), err)
	}
	rules, err := c.GetRules(ours, fwd)
	if err != nil {
		t.Fatalf("the rule someone put in sysdojo's table went with the table: %v", err)
	}
	found := false
	for _, r := range rules {
		if len(r.UserData) == 0 {
			found = true
			c.DelRule(r)
		}
	}
	if !found {
		t.Errorf("the rule someone put in sysdojo's table is gone: %d rules left", len(rules))
	}
	c.Flush()
	container.GCAll(root) // (the empty table goes now)
}

// TestForwardingGuard: when sysdojo switches IPv4 forwarding on for a
// bridged container, the host still forwards nothing between other
// networks: one test namespace cannot reach the other through the host,
// while the container can reach both.
func TestForwardingGuard(t *testing.T) {
	if ipForward(t) != "0" {
		if _, err := os.Stat(container.ForwardingFile()); err != nil {
			t.Log("IPv4 forwarding is already on, not by sysdojo: there is no guard to test")
			return
		}
	}
	a, b := newInternet(t), newInternet(t)
	in, root := detach(t, container.Config{Name: "guarded", Hooks: &container.Hooks{Bridge: &container.Bridge{}}, Args: []string{"sleep", "1000"}})
	defer container.Remove(root, in.Name, true)
	if ipForward(t) != "1" {
		t.Fatalf("ip_forward %s while a bridged container runs", ipForward(t))
	}
	// a routes b's address through the host, and b a's.
	for _, x := range []struct{ from, to *internet }{{a, b}, {b, a}} {
		h, err := netlink.NewHandleAt(x.from.ns)
		if err != nil {
			t.Fatal(err)
		}
		_, dst, _ := net.ParseCIDR(x.to.IP + "/32")
		if err := h.RouteAdd(&netlink.Route{Dst: dst, Gw: net.ParseIP(x.from.HostIP)}); err != nil {
			t.Fatal(err)
		}
		h.Close()
	}
	runtime.LockOSThread()
	orig, _ := netns.Get()
	netns.Set(a.ns)
	conn, err := net.DialTimeout("tcp4", strings.TrimSuffix(strings.TrimPrefix(b.httpURL, "http://"), "/"), 2*time.Second)
	netns.Set(orig)
	orig.Close()
	runtime.UnlockOSThread()
	if err == nil {
		conn.Close()
		t.Errorf("the host forwarded from %s to %s, two networks that are not sysdojo's", a.IP, b.IP)
	}
	for _, x := range []*internet{a, b} {
		if code, out := execIn(t, root, in.Name, "wget", "-q", "-O", "-", x.httpURL); code != 0 || !strings.Contains(out, "hello from the internet") {
			t.Errorf("the container to %s: %d %q", x.httpURL, code, out)
		}
	}
}
