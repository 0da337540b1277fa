package lessons

import "testing"

func TestKindMirror(t *testing.T) {
	const list = "mkdir -p r/etc/apt; printf 'deb %s noble main\\ndeb %s noble-security main\\n' "
	testKind(t, KindMirror, []Check{{Path: "r"}, {Want: "mirror.kakao.com"}}, []kindCase{
		{name: "switched, security kept", setup: list + "http://mirror.kakao.com/ubuntu http://security.ubuntu.com/ubuntu > r/etc/apt/sources.list",
			check: Check{Path: "r", Want: "mirror.kakao.com"}, ok: true, line: "security updates still come from security.ubuntu.com"},
		{name: "not switched", setup: list + "http://archive.ubuntu.com/ubuntu http://security.ubuntu.com/ubuntu > r/etc/apt/sources.list",
			check: Check{Path: "r", Want: "mirror.kakao.com"}, line: "still use http://archive.ubuntu.com/ubuntu"},
		{name: "security moved too", setup: list + "http://mirror.kakao.com/ubuntu http://mirror.kakao.com/ubuntu > r/etc/apt/sources.list",
			check: Check{Path: "r", Want: "mirror.kakao.com"}, line: "security updates must keep coming from the security archive"},
		{name: "security deleted", setup: "mkdir -p r/etc/apt; echo 'deb http://mirror.kakao.com/ubuntu noble main' > r/etc/apt/sources.list",
			check: Check{Path: "r", Want: "mirror.kakao.com"}, line: "the security line under r is gone"},
		{name: "no sources", setup: "mkdir -p r/etc/apt", check: Check{Path: "r", Want: "mirror.kakao.com"}, line: "no enabled sources"},
	})
}
