package lessons

import "testing"

func TestKindNlink(t *testing.T) {
	testKind(t, KindNlink, []Check{{Path: "f"}, {Want: "2"}}, []kindCase{
		{name: "two", setup: "echo x > f; ln f g", check: Check{Path: "f", Want: "2"}, ok: true, line: "f has 2 links"},
		{name: "fewer", setup: "echo x > f", check: Check{Path: "f", Want: "3"}, line: "fewer than the task asks for", hide: "3"},
		{name: "more", setup: "echo x > f; ln f g; ln f h", check: Check{Path: "f", Want: "2"}, line: "more than the task asks for"},
		{name: "a directory counts its subdirectories", setup: "mkdir -p d/a d/b", check: Check{Path: "d", Want: "4"}, ok: true},
	})
}
