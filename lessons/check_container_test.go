package lessons

import "testing"

// The running and exited cases need a real container: TestEverySolution
// runs them through the container lessons' solutions (as root or
// rootless); the verdict tests check they fail before.
func TestKindContainer(t *testing.T) {
	testKind(t, KindContainer, []Check{{Want: "running"}, {Container: "c"}, {Container: "c", Want: "paused"}}, []kindCase{
		{name: "absent, wanted running", check: Check{Container: "ghost", Want: "running"}, line: "there is no container named ghost yet: the task asks for it running"},
		{name: "absent, wanted absent", check: Check{Container: "ghost", Want: "absent"}, ok: true, line: "no container named ghost any more"},
		{name: "absent, wanted exited", check: Check{Container: "ghost", Want: "exited"}, line: "the task asks for it stopped"},
	})
}
