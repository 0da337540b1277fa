package lessons

import "testing"

func TestKindAbsent(t *testing.T) {
	testKind(t, KindAbsent, []Check{{}}, []kindCase{
		{name: "gone", check: Check{Path: "f"}, ok: true, line: "no longer there"},
		{name: "there", setup: "echo x > f", check: Check{Path: "f"}, line: "still there"},
		{name: "a dangling link is still a name", setup: "ln -s nowhere f", check: Check{Path: "f"}, line: "still there"},
	})
}
