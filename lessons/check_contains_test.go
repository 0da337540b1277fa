package lessons

import "testing"

func TestKindContains(t *testing.T) {
	testKind(t, KindContains, []Check{{Path: "f"}, {Want: "x"}}, []kindCase{
		{name: "contains", setup: "echo hello world > f", check: Check{Path: "f", Want: "world"}, ok: true, line: `f reads "world"`},
		{name: "through a link", setup: "echo hello > f; ln -s f l", check: Check{Path: "l", Want: "hello"}, ok: true},
		{name: "does not contain", setup: "echo secret-content > f", check: Check{Path: "f", Want: "world"}, line: "does not contain", hide: "secret-content"},
		{name: "dangling link", setup: "ln -s nowhere l", check: Check{Path: "l", Want: "x"}, line: "does not exist"},
		{name: "a directory", setup: "mkdir d", check: Check{Path: "d", Want: "x"}, line: "the task asks for a regular file"},
	})
}
