package lessons

import "testing"

// A saved diff counts only when the container's real diff has its lines:
// typed by hand with no container behind it, it fails. The passing case
// needs a running container: TestEverySolution runs it in the
// containers-apt lesson.
func TestKindContainerDiff(t *testing.T) {
	testKind(t, KindContainerDiff, []Check{{Path: "changes.txt", Want: "A /x"}, {Container: "c", Want: "A /x"},
		{Container: "c", Path: "changes.txt", Want: "/usr/bin/x"}, {Container: "c", Path: "changes.txt", Want: "X /x"}}, []kindCase{
		{name: "no saved file", check: Check{Container: "ghost", Path: "changes.txt", Want: "A /usr/bin/sysdojo-hello"}, line: "changes.txt"},
		{name: "typed by hand", setup: "printf 'A /usr/bin/sysdojo-hello\\nC /var/lib/dpkg/status\\n' > changes.txt",
			check: Check{Container: "ghost", Path: "changes.txt", Want: "A /usr/bin/sysdojo-hello"}, line: "ghost"},
	})
}
