package lessons

import "testing"

// The aspects are checked on a running container only: with none of that
// name, every aspect fails and says so, whatever the workspace holds (a
// sources.list or passwd made on the host is not evidence). The passing
// cases need a running Debian container: TestEverySolution runs them in
// the containers-apt lesson.
func TestKindInside(t *testing.T) {
	testKind(t, KindInside, []Check{{Path: "network"}, {Container: "c", Path: "disk"}, {Container: "c", Path: "package"},
		{Container: "c"}}, []kindCase{
		{name: "network, no container", check: Check{Container: "ghost", Path: "network"}, line: "no container named ghost"},
		{name: "a host sources.list is not evidence", setup: "mkdir -p etc/apt; echo 'deb http://10.203.0.1:15006/debian bookworm main' > etc/apt/sources.list",
			check: Check{Container: "ghost", Path: "sources", Want: "10.203.0.1:15006"}, line: "no container named ghost"},
		{name: "a host passwd is not evidence", setup: "mkdir -p etc; echo 'hajun:x:1000:1000::/home/hajun:/bin/sh' > etc/passwd",
			check: Check{Container: "ghost", Path: "user", Want: "hajun"}, line: "no container named ghost"},
		{name: "package, no container", check: Check{Container: "ghost", Path: "package", Want: "sysdojo-hello"}, line: "no container named ghost"},
	})
}
