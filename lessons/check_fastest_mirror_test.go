package lessons

import (
	"net"
	"testing"
)

// The passing case ranks live mirrors: TestEverySolution runs it through
// the apt-local lesson, which serves its mirrors on 127.0.0.1.
func TestKindFastestMirror(t *testing.T) {
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/ubuntu"
	ln.Close()
	testKind(t, KindFastestMirror, []Check{{Path: "r"}, {Paths: []string{"http://127.0.0.1:1/"}}}, []kindCase{
		{name: "no mirror answers", setup: "mkdir -p r/etc/apt; echo 'deb " + closed + " noble main' > r/etc/apt/sources.list",
			check: Check{Path: "r", Paths: []string{closed}}, line: "none of the 1 mirrors answers"},
	})
}
