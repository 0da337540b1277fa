package lessons

import (
	"errors"
	"github.com/sysdojo/sysdojo/internal/i18n"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/sysdojo/sysdojo/perm"
)

// KindHTTP: the loopback URL Want answers 200 OK (with Path's text in
// the body, when Path is set). Only 127.0.0.1, ::1 and localhost: a
// lesson reaches no other machine.
const KindHTTP = "http"

var httpKind = kindSpec{
	Live:     true,
	Doc:      "the URL answers 200 OK (with path's text in the body); only 127.0.0.1/localhost",
	Validate: needs(KindHTTP, "want"),
	Describe: func(c Check) i18n.Text {
		if c.Path != "" {
			return t("`%s` answers 200 OK with %q", "`%s`: 200 OK, 본문에 %q").F(c.Want, c.Path)
		}
		return t("`%s` answers 200 OK", "`%s`: 200 OK로 응답").F(c.Want)
	},
	Run: func(c Check, _ Env, _ *perm.DB) Criterion { return checkHTTP(c) },
}

// loopback reports whether u names this machine: lessons reach no other.
func loopback(u *url.URL) bool {
	h := u.Hostname()
	if h == "localhost" {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func checkHTTP(c Check) Criterion {
	u, err := url.Parse(c.Want)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || !loopback(u) {
		return Criterion{Saw: "?", Want: c.Want, Line: t("the lesson's URL %q is not on this machine", "레슨의 URL %q는 이 컴퓨터의 주소가 아닙니다").F(c.Want)}
	}
	cl := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{Proxy: nil}}
	resp, err := cl.Get(c.Want)
	// A server started a moment ago may not listen yet: a short grace.
	for i := 0; err != nil && isRefused(err) && i < 10; i++ {
		time.Sleep(100 * time.Millisecond)
		resp, err = cl.Get(c.Want)
	}
	if err != nil {
		why := "nothing answers"
		if isRefused(err) {
			why = "connection refused"
		}
		return Criterion{Saw: why, Want: "200 OK",
			Line: t("nothing answers at %s yet (%s): is the server started?", "%s: 아직 응답이 없습니다 (%s). 서버를 시작했나요?").F(c.Want, why)}
	}
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return Criterion{Saw: resp.Status, Want: "200 OK",
			Line: t("%s answers %s; the task asks for 200 OK", "%s: 응답이 %s입니다. 200 OK가 와야 합니다").F(c.Want, resp.Status)}
	}
	if c.Path != "" && !strings.Contains(string(body), c.Path) {
		return Criterion{Saw: "does not contain", Want: c.Path,
			Line: t("%s answers, but without %q", "%s: 응답은 오지만 %q 내용이 없습니다").F(c.Want, c.Path)}
	}
	return Criterion{OK: true, Saw: "200 OK", Want: "200 OK",
		Line: t("%s answers 200 OK (%d bytes)", "%s: 200 OK로 응답합니다 (%d바이트)").F(c.Want, len(body))}
}

func isRefused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }
