package lessons

import "testing"

func TestKindPort(t *testing.T) {
	testKind(t, KindPort, []Check{{Want: "8080"}, {Container: "c"}, {Container: "c", Want: "http"}, {Container: "c", Want: "70000"}}, []kindCase{
		{name: "no container", check: Check{Container: "ghost", Want: "18080"}, line: "no container named ghost yet"},
		{name: "placeholder port validates", check: Check{Container: "ghost", Want: "18081"}, line: "no container named ghost"},
	})
	if msg := portKind.Validate(Check{Kind: KindPort, Container: "c", Want: "${port}"}); msg != "" {
		t.Errorf("a ${port} placeholder is refused: %s", msg)
	}
}
