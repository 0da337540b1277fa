package lessons

import (
	"os"
	"os/user"
	"testing"
)

func TestKindGroup(t *testing.T) {
	g, err := user.LookupGroupId(itoa(os.Getgid()))
	if err != nil {
		t.Skip(err)
	}
	testKind(t, KindGroup, []Check{{Path: "f"}, {Want: "root"}}, []kindCase{
		{name: "mine", setup: "echo x > f", check: Check{Path: "f", Want: g.Name}, ok: true, line: "f has group " + g.Name},
		{name: "not the one named", setup: "echo x > f", check: Check{Path: "f", Want: "no-such-group-x"}, line: "not the group the task names"},
		{name: "missing", check: Check{Path: "f", Want: g.Name}, line: "does not exist"},
	})
}
