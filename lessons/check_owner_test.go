package lessons

import (
	"os"
	"os/user"
	"testing"
)

func TestKindOwner(t *testing.T) {
	me, err := user.LookupId(itoa(os.Getuid()))
	if err != nil {
		t.Skip(err)
	}
	testKind(t, KindOwner, []Check{{Path: "f"}, {Want: "root"}}, []kindCase{
		{name: "mine", setup: "echo x > f", check: Check{Path: "f", Want: me.Username}, ok: true, line: "f belongs to " + me.Username},
		{name: "not the one named", setup: "echo x > f", check: Check{Path: "f", Want: "no-such-user-x"}, line: "not to the owner the task names"},
		{name: "missing", check: Check{Path: "f", Want: me.Username}, line: "does not exist"},
	})
}
