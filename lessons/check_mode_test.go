package lessons

import "testing"

func TestKindMode(t *testing.T) {
	testKind(t, KindMode, []Check{{Path: "f"}, {Want: "640"}, {Path: "f", Want: "rw-"}}, []kindCase{
		{name: "right", setup: "echo x > f; chmod 640 f", check: Check{Path: "f", Want: "640"}, ok: true, line: "f is 0640 (rw-r-----)"},
		{name: "others may read", setup: "echo x > f; chmod 644 f", check: Check{Path: "f", Want: "640"}, line: "others may still read", hide: "0640"},
		{name: "sticky missing on a directory", setup: "mkdir d; chmod 777 d", check: Check{Path: "d", Want: "1777"}, line: "the sticky bit is not set yet", hide: "1777"},
		{name: "directory words", setup: "mkdir d; chmod 700 d", check: Check{Path: "d", Want: "711"}, line: "cannot enter or search it yet"},
		{name: "missing", check: Check{Path: "f", Want: "640"}, line: "does not exist"},
	})
}
