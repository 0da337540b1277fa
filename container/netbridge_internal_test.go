package container

import (
	"net/netip"
	"strings"
	"testing"
)

// Addresses come from the bridge's subnet in order, never the bridge's
// own (the first) nor the broadcast address (the last); a taken one is
// skipped, a freed one given again; a full subnet is a clear failure.
func TestFreeAddr(t *testing.T) {
	take := func(ips ...string) []addrEntry {
		var e []addrEntry
		for _, ip := range ips {
			e = append(e, addrEntry{IP: ip})
		}
		return e
	}
	small := netip.MustParsePrefix("10.203.9.0/29") // .1 bridge, .2-.6 containers, .7 broadcast
	for _, tc := range []struct {
		pfx   netip.Prefix
		taken []addrEntry
		want  string
	}{
		{small, nil, "10.203.9.2"},
		{small, take("10.203.9.2", "10.203.9.3"), "10.203.9.4"},
		{small, take("10.203.9.2", "10.203.9.4"), "10.203.9.3"},
		{small, take("10.203.9.2", "10.203.9.3", "10.203.9.4", "10.203.9.5", "10.203.9.6"), ""},
		{netip.MustParsePrefix("10.203.9.0/30"), take("10.203.9.2"), ""},
		{netip.MustParsePrefix(DefaultSubnet), take("10.203.0.2"), "10.203.0.3"},
	} {
		got, err := freeAddr(tc.pfx, tc.taken)
		if tc.want == "" {
			if err == nil || !strings.Contains(err.Error(), "no free addresses left in "+tc.pfx.String()) {
				t.Errorf("%s with %v taken: %v, %v; want the subnet is full", tc.pfx, tc.taken, got, err)
			}
			continue
		}
		if err != nil || got.String() != tc.want {
			t.Errorf("%s with %v taken: %v, %v; want %s", tc.pfx, tc.taken, got, err, tc.want)
		}
	}
}
