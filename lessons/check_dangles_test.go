package lessons

import "testing"

func TestKindDangles(t *testing.T) {
	testKind(t, KindDangles, []Check{{}}, []kindCase{
		{name: "dangling", setup: "ln -s nowhere l", check: Check{Path: "l"}, ok: true, line: "leads nowhere"},
		{name: "loop", setup: "ln -s l l", check: Check{Path: "l"}, ok: true},
		{name: "resolves", setup: "echo x > f; ln -s f l", check: Check{Path: "l"}, line: "still leads to a regular file"},
		{name: "not a link", setup: "echo x > l", check: Check{Path: "l"}, line: "not a symbolic link"},
	})
}
