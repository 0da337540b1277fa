package lessons

import "testing"

func TestKindSameInode(t *testing.T) {
	testKind(t, KindSameInode, []Check{{}, {Paths: []string{"a"}}}, []kindCase{
		{name: "hard link", setup: "echo x > a; ln a b", check: Check{Paths: []string{"a", "b"}}, ok: true, line: "one file, several names"},
		{name: "copy", setup: "echo x > a; cp a b", check: Check{Paths: []string{"a", "b"}}, line: "inodes differ"},
		{name: "symbolic link", setup: "echo x > a; ln -s a b", check: Check{Paths: []string{"a", "b"}}, line: "inodes differ"},
		{name: "missing", setup: "echo x > a", check: Check{Paths: []string{"a", "b"}}, line: "b does not exist"},
	})
}
