package lessons

import (
	"testing"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

func TestKindInContainer(t *testing.T) {
	why := i18n.T("why", "이유")
	testKind(t, KindInContainer, []Check{{Path: "/x"}, {Container: "c", Path: "rel"}, {Container: "c", Path: "/x", Want: "("},
		{Container: "c", Path: "/x", Want: "^ok"}}, []kindCase{
		{name: "no container", check: Check{Container: "ghost", Path: "/tmp/x"}, line: "no container named ghost yet"},
		// The same path made in the workspace (or on the host) is not
		// looked at: only the container's own file counts.
		{name: "a host file is not evidence", setup: "mkdir -p tmp; echo 'overlay / overlay' > tmp/x; echo 'overlay / overlay' > x",
			check: Check{Container: "ghost", Path: "/tmp/x", Want: "^overlay / ", Why: why}, line: "no container named ghost", hide: "overlay"},
	})
}
