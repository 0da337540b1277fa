package lessons

import (
	"strings"
	"testing"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

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

// A container error is told in the student's language.
func TestCannotSeeInBothLanguages(t *testing.T) {
	cr := cannotSee(i18n.Failed(i18n.T("no state directory", "상태 디렉터리가 없습니다"), nil))
	if !strings.Contains(cr.Line.En, "no state directory") || !strings.Contains(cr.Line.Ko, "상태 디렉터리가 없습니다") {
		t.Errorf("%+v", cr.Line)
	}
}
