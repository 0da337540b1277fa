package container

// The way out of a --net bridge container: the container's default route
// is the bridge (BridgeName, netbridge.go); the host forwards what comes
// from there and masquerades it behind the address of whatever interface
// its own route takes (NAT), with nftables, through netlink (no nft
// binary).
//
// Everything sysdojo adds lives in one table of its own, "ip sysdojo":
//
//	chain postrouting (nat, srcnat):   ip saddr CTR oifname != BRIDGE masquerade   (one per container)
//	chain forward (filter, policy accept), while any container is on the bridge:
//	    iifname BRIDGE oifname BRIDGE accept                  (container to container, when br_netfilter shows it)
//	    oifname BRIDGE ct state != established,related drop   (nothing new comes in)
//	    iifname BRIDGE accept
//	    oifname BRIDGE accept
//	    iifname != BRIDGE oifname != BRIDGE drop               (the guard, see below)
//
// A container's rule carries the comment "sysdojo container ID", so it
// goes with the container (stop, rm) and gc finds those whose veth is
// gone; the bridge's rules carry "sysdojo bridge" and go with the last
// container, and the table with them. Tables and rules sysdojo did not
// add are never read into a decision, changed or removed.
//
// IPv4 forwarding (net.ipv4.ip_forward) is switched on only while a
// bridged container needs it. When sysdojo found it off, it writes that
// down (ForwardingFile), adds the guard rule so that the host still
// forwards nothing of anyone else's, and switches it back off with the
// last container.

import (
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/nftables"
	"github.com/google/nftables/binaryutil"
	"github.com/google/nftables/expr"
	"github.com/google/nftables/userdata"
)

// NATTable is the name of sysdojo's own nftables table (family ip).
const NATTable = "sysdojo"

// natCommentPrefix starts the comment of every rule sysdojo adds for a
// container; the guard rule's comment is natGuardComment.
const (
	natCommentPrefix = "sysdojo container "
	natGuardComment  = "sysdojo forwarding guard"
	natBridgeComment = "sysdojo bridge"
)

// ipForward is the switch for IPv4 forwarding (a variable for tests).
var ipForward = "/proc/sys/net/ipv4/ip_forward"

// ForwardingFile returns where sysdojo notes that it switched IPv4
// forwarding on (and so must switch it off again).
func ForwardingFile() string {
	return filepath.Join(filepath.Dir(DefaultStateRoot), "net", "ip_forward")
}

func netLockPath() string { return filepath.Join(filepath.Dir(DefaultStateRoot), "net.lock") }

func natTable() *nftables.Table {
	return &nftables.Table{Family: nftables.TableFamilyIPv4, Name: NATTable}
}

// ifname is an interface name as the kernel compares it (IFNAMSIZ).
func ifname(n string) []byte {
	b := make([]byte, 16)
	copy(b, n)
	return b
}

func comment(s string) []byte { return userdata.AppendString(nil, userdata.TypeComment, s) }

// natAdd adds container id's rule (its address ctr), the bridge's rules
// when they are not there, and switches forwarding on if needed. The
// caller holds the network lock.
func natAdd(id string, ctr netip.Addr) (err error) {
	c, err := nftables.New()
	if err != nil {
		return fmt.Errorf("nftables: %w", err)
	}
	defer func() {
		if err != nil {
			natRemoveLocked(id)
		}
	}()
	t := c.AddTable(natTable())
	accept := nftables.ChainPolicyAccept
	post := c.AddChain(&nftables.Chain{Name: "postrouting", Table: t, Type: nftables.ChainTypeNAT,
		Hooknum: nftables.ChainHookPostrouting, Priority: nftables.ChainPriorityNATSource})
	fwd := c.AddChain(&nftables.Chain{Name: "forward", Table: t, Type: nftables.ChainTypeFilter,
		Hooknum: nftables.ChainHookForward, Priority: nftables.ChainPriorityFilter, Policy: &accept})
	ip := ctr.As4()
	c.AddRule(&nftables.Rule{Table: t, Chain: post, UserData: comment(natCommentPrefix + id), Exprs: []expr.Any{
		&expr.Payload{DestRegister: 1, Base: expr.PayloadBaseNetworkHeader, Offset: 12, Len: 4},
		&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: ip[:]},
		&expr.Meta{Key: expr.MetaKeyOIFNAME, Register: 1},
		&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: ifname(BridgeName)},
		&expr.Masq{},
	}})
	if err := c.Flush(); err != nil {
		return fmt.Errorf("adding the NAT rules: %w", err)
	}
	if !hasRule(c, t, fwd, natBridgeComment) {
		tag := comment(natBridgeComment)
		br := func(key expr.MetaKey) []expr.Any {
			return []expr.Any{&expr.Meta{Key: key, Register: 1}, &expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: ifname(BridgeName)}}
		}
		// Inserted first, last rule first: they end up in this order,
		// before anything else in the chain.
		rules := [][]expr.Any{
			append(br(expr.MetaKeyIIFNAME), append(br(expr.MetaKeyOIFNAME), &expr.Verdict{Kind: expr.VerdictAccept})...),
			append(br(expr.MetaKeyOIFNAME),
				&expr.Ct{Key: expr.CtKeySTATE, Register: 1},
				&expr.Bitwise{SourceRegister: 1, DestRegister: 1, Len: 4,
					Mask: binaryutil.NativeEndian.PutUint32(expr.CtStateBitESTABLISHED | expr.CtStateBitRELATED),
					Xor:  binaryutil.NativeEndian.PutUint32(0)},
				&expr.Cmp{Op: expr.CmpOpEq, Register: 1, Data: binaryutil.NativeEndian.PutUint32(0)},
				&expr.Verdict{Kind: expr.VerdictDrop}),
			append(br(expr.MetaKeyIIFNAME), &expr.Verdict{Kind: expr.VerdictAccept}),
			append(br(expr.MetaKeyOIFNAME), &expr.Verdict{Kind: expr.VerdictAccept}),
		}
		for i := len(rules) - 1; i >= 0; i-- {
			c.InsertRule(&nftables.Rule{Table: t, Chain: fwd, UserData: tag, Exprs: rules[i]})
		}
		if err := c.Flush(); err != nil {
			return fmt.Errorf("adding the bridge's forwarding rules: %w", err)
		}
	}
	return forwardOn(c, t, fwd)
}

// forwardOn switches IPv4 forwarding on if it is off, notes that, and
// adds the guard rule.
func forwardOn(c *nftables.Conn, t *nftables.Table, fwd *nftables.Chain) error {
	b, err := os.ReadFile(ipForward)
	if err != nil {
		return fmt.Errorf("reading %s: %w", ipForward, err)
	}
	noted := fileExists(ForwardingFile())
	if strings.TrimSpace(string(b)) == "1" && !noted {
		return nil // on already, and not by sysdojo: nothing to account for
	}
	if !noted {
		if err := os.MkdirAll(filepath.Dir(ForwardingFile()), 0o700); err != nil {
			return err
		}
		// Written down before it is switched: a crash in between leaves
		// a note that gc acts on, never a switch nobody remembers.
		if err := os.WriteFile(ForwardingFile(), []byte("sysdojo switched net.ipv4.ip_forward from 0 to 1\n"), 0o600); err != nil {
			return err
		}
	}
	if !hasRule(c, t, fwd, natGuardComment) {
		c.AddRule(&nftables.Rule{Table: t, Chain: fwd, UserData: comment(natGuardComment), Exprs: []expr.Any{
			&expr.Meta{Key: expr.MetaKeyIIFNAME, Register: 1},
			&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: ifname(BridgeName)},
			&expr.Meta{Key: expr.MetaKeyOIFNAME, Register: 1},
			&expr.Cmp{Op: expr.CmpOpNeq, Register: 1, Data: ifname(BridgeName)},
			&expr.Verdict{Kind: expr.VerdictDrop},
		}})
		if err := c.Flush(); err != nil {
			return fmt.Errorf("adding the forwarding guard: %w", err)
		}
	}
	if err := os.WriteFile(ipForward, []byte("1\n"), 0o644); err != nil {
		return fmt.Errorf("switching IPv4 forwarding on: %w", err)
	}
	return nil
}

func hasRule(c *nftables.Conn, t *nftables.Table, fwd *nftables.Chain, tag string) bool {
	rules, _ := c.GetRules(t, fwd)
	for _, r := range rules {
		if s, _ := userdata.GetString(r.UserData, userdata.TypeComment); s == tag {
			return true
		}
	}
	return false
}

func fileExists(p string) bool { _, err := os.Lstat(p); return err == nil }

// natRemove removes container id's rules; with the last container gone,
// the table too, and forwarding goes back off if sysdojo switched it on.
// It reports how many rules went.
func natRemove(id string) (int, error) {
	lock, err := lockFile(netLockPath())
	if err != nil {
		return 0, err
	}
	defer lock.Close()
	n, err := natRemoveLocked(id)
	releaseAddr(id)
	return n, err
}

func natRemoveLocked(id string) (int, error) {
	return natSweep(func(cid string) bool { return cid == id })
}

// natSweep removes the rules of the containers gone says, then what the
// last container leaves (the table, forwarding).
func natSweep(gone func(id string) bool) (int, error) {
	c, err := nftables.New()
	if err != nil {
		return 0, fmt.Errorf("nftables: %w", err)
	}
	n := 0
	left := 0    // rules of containers still there
	foreign := 0 // rules someone else put in sysdojo's table: kept
	if t, err := c.ListTableOfFamily(NATTable, nftables.TableFamilyIPv4); err == nil {
		chains, _ := c.ListChainsOfTableFamily(nftables.TableFamilyIPv4)
		var guards []*nftables.Rule
		for _, ch := range chains {
			if ch.Table.Name != NATTable {
				continue
			}
			rules, err := c.GetRules(t, ch)
			if err != nil {
				return n, err
			}
			for _, r := range rules {
				s, _ := userdata.GetString(r.UserData, userdata.TypeComment)
				id, ok := strings.CutPrefix(s, natCommentPrefix)
				switch {
				case ok && gone(id):
					if err := c.DelRule(r); err != nil {
						return n, err
					}
					n++
				case ok:
					left++
				case s == natGuardComment || s == natBridgeComment:
					guards = append(guards, r)
				default:
					foreign++
				}
			}
		}
		switch {
		case left == 0 && foreign == 0:
			c.DelTable(t)
		case left == 0:
			for _, r := range guards {
				if err := c.DelRule(r); err != nil {
					return n, err
				}
			}
		}
		if err := c.Flush(); err != nil {
			return 0, fmt.Errorf("removing the NAT rules: %w", err)
		}
	}
	if left == 0 {
		if err := forwardOff(); err != nil {
			return n, err
		}
	}
	return n, nil
}

// forwardOff switches forwarding back off when sysdojo switched it on.
func forwardOff() error {
	if !fileExists(ForwardingFile()) {
		return nil
	}
	if err := os.WriteFile(ipForward, []byte("0\n"), 0o644); err != nil {
		return fmt.Errorf("switching IPv4 forwarding back off: %w", err)
	}
	return os.Remove(ForwardingFile())
}

// NATRules lists the comments of the rules in sysdojo's table (none when
// it does not exist), for tests and doctor.
func NATRules() ([]string, error) {
	c, err := nftables.New()
	if err != nil {
		return nil, err
	}
	t, err := c.ListTableOfFamily(NATTable, nftables.TableFamilyIPv4)
	if err != nil {
		return nil, nil
	}
	chains, err := c.ListChainsOfTableFamily(nftables.TableFamilyIPv4)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, ch := range chains {
		if ch.Table.Name != t.Name {
			continue
		}
		rules, err := c.GetRules(t, ch)
		if err != nil {
			return nil, err
		}
		for _, r := range rules {
			s, _ := userdata.GetString(r.UserData, userdata.TypeComment)
			out = append(out, ch.Name+": "+s)
		}
	}
	if out == nil {
		out = []string{} // the table, empty
	}
	return out, nil
}

// NATRulesOf lists the rules of NATRules that are container id's.
func NATRulesOf(id string) ([]string, error) {
	all, err := NATRules()
	var out []string
	for _, r := range all {
		if strings.HasSuffix(r, " "+id) {
			out = append(out, r)
		}
	}
	return out, err
}

// gcNAT removes the rules of containers whose veth is gone (their
// network namespace ended with them), the note of forwarding switched on
// for nobody, and the resolv.conf and hosts files of containers gone; under the
// network lock.
func gcNAT() ([]Collected, error) {
	if os.Geteuid() != 0 {
		return nil, nil // (the network is root's: nothing of the caller's)
	}
	lock, err := lockFile(netLockPath())
	if err != nil {
		return nil, err
	}
	defer lock.Close()
	var out []Collected
	seen := map[string]bool{}
	_, err = natSweep(func(id string) bool {
		if linkExists(hostIfName(id)) {
			return false
		}
		if !seen[id] {
			seen[id] = true
			out = append(out, Collected{ID: id, What: "nat", Path: NATTable})
		}
		return true
	})
	// Addresses of containers gone, their names in the others' hosts
	// files, and the bridge when nobody is on it.
	es := readAddrs()
	writeAddrs(es)
	rewriteHosts(es)
	if bridgeDownIfUnused() {
		out = append(out, Collected{ID: "-", What: "bridge", Path: BridgeName})
	}
	// (A minute's grace for a container being set up.)
	ents, _ := os.ReadDir(filepath.Dir(resolvPath("x")))
	for _, e := range ents {
		id := netFileID(e.Name())
		if id == "" || linkExists(hostIfName(id)) {
			continue
		}
		if fi, err := e.Info(); err != nil || time.Since(fi.ModTime()) < time.Minute {
			continue
		}
		for what, p := range netFiles(id) {
			if os.Remove(p) == nil {
				out = append(out, Collected{ID: id, What: what, Path: p})
			}
		}
	}
	return out, err
}

// hostIfName is the name of the host's end of container id's veth pair.
func hostIfName(id string) string {
	n := vethPrefix + id
	if len(n) > 15 {
		n = n[:15]
	}
	return n
}
