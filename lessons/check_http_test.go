package lessons

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestKindHTTP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/missing" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, "hello from kimchi")
	}))
	defer srv.Close()
	// A port nothing listens on: taken and released.
	ln, err := net.Listen("tcp4", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + ln.Addr().String() + "/"
	ln.Close()
	testKind(t, KindHTTP, []Check{{}}, []kindCase{
		{name: "answers", check: Check{Want: srv.URL + "/", Path: "hello from kimchi"}, ok: true, line: "answers 200 OK"},
		{name: "without the text", check: Check{Want: srv.URL + "/", Path: "bibimbap"}, line: `answers, but without "bibimbap"`},
		{name: "404", check: Check{Want: srv.URL + "/missing"}, line: "the task asks for 200 OK"},
		{name: "nothing listens", check: Check{Want: closed}, line: "connection refused"},
		{name: "not this machine", check: Check{Want: "http://192.0.2.1/"}, line: "not on this machine"},
	})
}
