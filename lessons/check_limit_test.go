package lessons

import "testing"

func TestKindLimit(t *testing.T) {
	testKind(t, KindLimit, []Check{{Path: "memory", Want: "64m"}, {Container: "c", Path: "disk", Want: "1"}, {Container: "c", Path: "pids"}}, []kindCase{
		{name: "no container", check: Check{Container: "ghost", Path: "memory", Want: "64m"}, line: "no container named ghost yet"},
	})
}
