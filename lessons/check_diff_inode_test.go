package lessons

import "testing"

func TestKindDiffInode(t *testing.T) {
	testKind(t, KindDiffInode, []Check{{}, {Paths: []string{"a"}}}, []kindCase{
		{name: "symbolic link", setup: "echo x > a; ln -s a b", check: Check{Paths: []string{"a", "b"}}, ok: true, line: "different inodes"},
		{name: "hard link", setup: "echo x > a; ln a b", check: Check{Paths: []string{"a", "b"}}, line: "share an inode"},
		{name: "missing", check: Check{Paths: []string{"a", "b"}}, line: "a does not exist"},
	})
}
