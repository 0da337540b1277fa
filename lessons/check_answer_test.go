package lessons

import "testing"

func TestKindAnswer(t *testing.T) {
	c := Check{Want: "754", Accept: []string{"rwxr-xr--"}}
	testKind(t, KindAnswer, []Check{{}}, []kindCase{
		{name: "none", check: c, line: "no answer yet"},
		{name: "right", check: c, answer: "754", ok: true, line: "is right"},
		{name: "leading zero", check: c, answer: "0754", ok: true},
		{name: "accepted, case and spaces", check: c, answer: "  RWXR-XR--  ", ok: true},
		{name: "wrong", check: c, answer: "755", line: "is not right", hide: "754"},
	})
}
