package lessons

import "testing"

func TestKindHostname(t *testing.T) {
	testKind(t, KindHostname, []Check{{Want: "h"}, {Container: "c"}}, []kindCase{
		{name: "no container", check: Check{Container: "ghost", Want: "kimchi"}, line: "no container named ghost yet"},
		// A file on the host saying the name is not looked at.
		{name: "a host file is not evidence", setup: "echo kimchi > hostname.txt", check: Check{Container: "ghost", Want: "kimchi"}, line: "no container named ghost"},
	})
}
