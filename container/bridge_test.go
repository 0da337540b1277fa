package container_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/vishvananda/netlink"

	"github.com/sysdojo/sysdojo/container"
)

// TestBridgeByName: two --net bridge containers share the bridge, each
// with an address of its own from the pool, and reach each other by
// name (each one's /etc/hosts lists the other, also the one that was
// there first). When both are gone, their addresses are free again, and
// with nobody else on it the bridge goes too. (Before, each container
// had a veth /30 of its own: the second could not reach the first at
// all, and neither knew the other's name.)
func TestBridgeByName(t *testing.T) {
	testRootfs(t)
	root := filepath.Join(t.TempDir(), "state")
	a, _ := detach(t, container.Config{Name: "hanbit", StateRoot: root, Hooks: &container.Hooks{Bridge: &container.Bridge{}},
		Args: sh(`mkdir -p /www && echo "hello from hanbit" > /www/index.html && exec httpd -f -p 8080 -h /www`)})
	b, _ := detach(t, container.Config{Name: "dasom", StateRoot: root, Hooks: &container.Hooks{Bridge: &container.Bridge{}},
		Args: sh(`mkdir -p /www && echo "hello from dasom" > /www/index.html && exec httpd -f -p 8080 -h /www`)})
	ia, ib := find(t, root, a.Name), find(t, root, b.Name)
	if ia.Net == nil || ib.Net == nil {
		t.Fatalf("net: %+v %+v", ia.Net, ib.Net)
	}
	if ia.Net.Bridge != container.BridgeName || ia.Net.HostIP != ib.Net.HostIP || ia.Net.ContainerIP == ib.Net.ContainerIP {
		t.Errorf("not one bridge with an address each: %+v %+v", ia.Net, ib.Net)
	}
	if ia.Net.Prefix != 24 {
		t.Errorf("prefix %d, want the subnet's 24", ia.Net.Prefix)
	}
	for _, c := range []struct{ from, to string }{{"dasom", "hanbit"}, {"hanbit", "dasom"}} {
		var out string
		waitFor(t, c.from+" to reach "+c.to, func() bool {
			code, o := execIn(t, root, c.from, "wget", "-q", "-O", "-", "http://"+c.to+":8080/")
			out = o
			return code == 0
		})
		if !strings.Contains(out, "hello from "+c.to) {
			t.Errorf("%s fetched http://%s:8080/: %q", c.from, c.to, out)
		}
	}
	if _, hosts := execIn(t, root, "hanbit", "cat", "/etc/hosts"); !strings.Contains(hosts, ib.Net.ContainerIP+"\tdasom") {
		t.Errorf("hanbit's /etc/hosts does not list dasom, which came later:\n%s", hosts)
	}
	// The bridge's own MAC address is fixed: a port that comes or goes
	// does not change it (a bridge takes its lowest port's otherwise, and
	// the others' ARP entry for their gateway goes stale).
	bridgeMAC := func() string {
		b, _ := os.ReadFile("/sys/class/net/" + container.BridgeName + "/address")
		return strings.TrimSpace(string(b))
	}
	macBefore := bridgeMAC()
	if b, _ := os.ReadFile("/sys/class/net/" + container.BridgeName + "/addr_assign_type"); strings.TrimSpace(string(b)) != "3" {
		t.Errorf("the bridge's MAC address is not set (addr_assign_type %q, want 3): it follows its ports", b)
	}
	if _, err := container.Remove(root, "dasom", true); err != nil {
		t.Fatal(err)
	}
	if m := bridgeMAC(); m != macBefore {
		t.Errorf("the bridge's MAC address changed from %s to %s when dasom left", macBefore, m)
	}
	if _, hosts := execIn(t, root, "hanbit", "cat", "/etc/hosts"); strings.Contains(hosts, "dasom") {
		t.Errorf("dasom is gone, but hanbit's /etc/hosts still lists it:\n%s", hosts)
	}
	if _, err := container.Remove(root, "hanbit", true); err != nil {
		t.Fatal(err)
	}
	if _, err := container.GCAll(root); err != nil {
		t.Fatal(err)
	}
	for _, in := range []*container.Info{ia, ib} {
		if left := rulesOf(t, in.ID); len(left) > 0 {
			t.Errorf("rules of %s left: %q", in.Name, left)
		}
		if _, err := netlink.LinkByName(in.Net.HostIf); err == nil {
			t.Errorf("the veth %s of %s left", in.Net.HostIf, in.Name)
		}
	}
	var others []map[string]string
	if b, err := os.ReadFile(filepath.Join(filepath.Dir(container.DefaultStateRoot), "net", "addresses.json")); err == nil {
		json.Unmarshal(b, &others)
	}
	for _, o := range others {
		if o["id"] == ia.ID || o["id"] == ib.ID {
			t.Errorf("address %s still taken by %s", o["ip"], o["id"])
		}
	}
	if len(others) == 0 {
		if _, err := netlink.LinkByName(container.BridgeName); err == nil {
			t.Errorf("the bridge %s is left with no container on it", container.BridgeName)
		}
		if all, _ := container.NATRules(); all != nil {
			t.Errorf("sysdojo's table is left with no container: %q", all)
		}
	}
}
