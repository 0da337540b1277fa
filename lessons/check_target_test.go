package lessons

import "testing"

func TestKindTarget(t *testing.T) {
	testKind(t, KindTarget, []Check{{Path: "l"}, {Want: "f"}}, []kindCase{
		{name: "right text", setup: "ln -s ../f l", check: Check{Path: "l", Want: "../f"}, ok: true, line: "l -> ../f"},
		{name: "other text", setup: "ln -s f l", check: Check{Path: "l", Want: "../f"}, line: "not the target text"},
		{name: "not a link", setup: "echo x > l", check: Check{Path: "l", Want: "f"}, line: "not a symbolic link"},
		{name: "missing", check: Check{Path: "l", Want: "f"}, line: "does not exist"},
	})
}
