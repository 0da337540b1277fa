package lessons

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The apt-mirror lesson's mirror check covers every line a step changes:
// a sed that also moved the security line to the mirror does not pass
// (the old check looked at URIs only, so a moved security line looked
// like one more line on the mirror, and passed).
func TestMirrorCheckSecurityLine(t *testing.T) {
	const url = "http://mirror.kakao.com/ubuntu"
	for _, tc := range []struct {
		name, sources string
		ok            bool
	}{
		{"archive moved, security kept", "deb " + url + "/ jammy main\ndeb http://security.ubuntu.com/ubuntu/ jammy-security main\n", true},
		{"security moved too", "deb " + url + "/ jammy main\ndeb " + url + "/ jammy-security main\n", false},
		{"archive kept", "deb http://archive.ubuntu.com/ubuntu/ jammy main\ndeb http://security.ubuntu.com/ubuntu/ jammy-security main\n", false},
	} {
		dir := t.TempDir()
		p := filepath.Join(dir, "sb/etc/apt/sources.list")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(tc.sources), 0o644); err != nil {
			t.Fatal(err)
		}
		cr := runCheck(Check{Kind: KindMirror, Path: "sb", Want: url}, Env{Dir: dir}, nil)
		if cr.OK != tc.ok {
			t.Errorf("%s: ok=%v: %s", tc.name, cr.OK, cr.Line.En)
		}
		if tc.name == "security moved too" && (!strings.Contains(cr.Line.En, "security line") || cr.Line.Ko == "") {
			t.Errorf("%s: %s", tc.name, cr.Line.En)
		}
	}
}
