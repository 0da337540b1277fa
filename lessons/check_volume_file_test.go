package lessons

import "testing"

func TestKindVolumeFile(t *testing.T) {
	testKind(t, KindVolumeFile, []Check{{Path: "/www/x"}, {Container: "c", Path: "www/x"}}, []kindCase{
		{name: "no container", setup: "mkdir site; echo hi > site/x", check: Check{Container: "ghost", Path: "/www/x"}, line: "no container named ghost yet"},
	})
}
