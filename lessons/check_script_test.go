package lessons

import "testing"

func TestKindScript(t *testing.T) {
	testKind(t, KindScript, []Check{{}, {Want: "  "}, {Want: "a\x00b"}}, []kindCase{
		{name: "exit 0", setup: "echo x > f", check: Check{Want: "test -f f && echo f is there"}, ok: true, line: "f is there"},
		{name: "exit 1 with its message", check: Check{Want: "echo 'f is missing'; exit 1"}, line: "f is missing"},
		{name: "runs in the workspace", setup: "echo here > marker", check: Check{Want: "grep -q here marker"}, ok: true},
	})
}
