package lessons

import "testing"

func TestKindExists(t *testing.T) {
	testKind(t, KindExists, []Check{{}}, []kindCase{
		{name: "missing", check: Check{Path: "f"}, line: "f does not exist yet"},
		{name: "missing, typed", check: Check{Path: "f", Want: "directory"}, line: "the task asks for a directory"},
		{name: "file", setup: "echo x > f", check: Check{Path: "f"}, ok: true, line: "f exists (regular file)"},
		{name: "empty file is a regular file", setup: ": > f", check: Check{Path: "f", Want: "regular file"}, ok: true},
		{name: "wrong type", setup: "mkdir f", check: Check{Path: "f", Want: "regular file"}, line: "f is a directory"},
		{name: "dangling link exists", setup: "ln -s nowhere l", check: Check{Path: "l", Want: "symbolic link"}, ok: true},
	})
}
