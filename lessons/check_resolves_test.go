package lessons

import "testing"

func TestKindResolves(t *testing.T) {
	testKind(t, KindResolves, []Check{{}}, []kindCase{
		{name: "resolves", setup: "mkdir d; ln -s d l", check: Check{Path: "l"}, ok: true, line: "leads to a directory"},
		{name: "dangling", setup: "ln -s nowhere l", check: Check{Path: "l"}, line: "dangles"},
		{name: "missing", check: Check{Path: "l"}, line: "does not exist"},
	})
}
