package rank

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/sysdojo/sysdojo/apt/serve"
)

func TestRankServedMirrors(t *testing.T) {
	srv, err := serve.Start("127.0.0.1:0", []serve.MirrorConfig{
		{Delay: 250 * time.Millisecond},
		{Delay: 0, Stale: true},
		{Delay: 100 * time.Millisecond},
		{Delay: 0},
		{Delay: 0, Syncing: true},
	}, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	// A dead mirror: a port that was open a moment ago.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String() + "/ubuntu/"
	ln.Close()
	m := srv.Mirrors
	urls := []string{dead}
	for _, x := range m {
		urls = append(urls, x.Archive("ubuntu"))
	}
	calls := 0
	rs := Rank(context.Background(), urls, Options{Suite: "noble", Timeout: 5 * time.Second, Progress: func(done, total int) {
		calls++
		if total != len(urls) || done != calls {
			t.Errorf("progress %d/%d after %d calls", done, total, calls)
		}
	}})
	want := []struct {
		url          string
		ok, fresh, s bool
	}{
		{m[3].Archive("ubuntu"), true, true, false},
		{m[2].Archive("ubuntu"), true, true, false},
		{m[0].Archive("ubuntu"), true, true, false},
		{"", true, false, false}, // stale and syncing, in either order
		{"", true, false, false},
		{dead, false, false, false},
	}
	if len(rs) != len(want) {
		t.Fatalf("got %d results", len(rs))
	}
	for i, w := range want {
		r := rs[i]
		if (w.url != "" && r.Mirror != w.url) || r.OK != w.ok || r.Fresh != w.fresh {
			t.Errorf("#%d: got %+v, want %+v", i, r, w)
		}
	}
	for _, r := range rs {
		switch r.Mirror {
		case m[1].Archive("ubuntu"):
			if r.Behind != "72h0m0s" || r.Syncing {
				t.Errorf("stale mirror: %+v", r)
			}
		case m[4].Archive("ubuntu"):
			if !r.Syncing {
				t.Errorf("syncing mirror not noticed: %+v", r)
			}
		case dead:
			if r.Error == "" {
				t.Errorf("dead mirror has no error: %+v", r)
			}
		default:
			if r.File != "InRelease" || r.Bytes == 0 || r.Date == "" || r.Error != "" {
				t.Errorf("fresh mirror: %+v", r)
			}
		}
	}
	if calls != len(urls) {
		t.Errorf("progress called %d times", calls)
	}
}

func TestJudgeAndOrder(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	rs := []Result{
		{Mirror: "slow", OK: true, TTFBms: 300, date: now},
		{Mirror: "old", OK: true, TTFBms: 1, date: now.Add(-7 * time.Hour)},
		{Mirror: "broken", Error: "timed out"},
		{Mirror: "fast", OK: true, TTFBms: 10, date: now.Add(-time.Hour)},
	}
	judge(rs, DefaultTolerance)
	if !rs[0].Fresh || rs[1].Fresh || !rs[3].Fresh || rs[1].Behind != "7h0m0s" {
		t.Errorf("verdicts: %+v", rs)
	}
}

func TestReleaseDate(t *testing.T) {
	for _, s := range []string{
		"Origin: Ubuntu\nDate: Thu, 25 Apr 2024 15:10:33 UTC\n",
		"-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA512\n\nDate: Sat, 10 Feb 2024 09:48:17 +0000\n",
	} {
		if _, ok := releaseDate([]byte(s)); !ok {
			t.Errorf("no date in %q", s)
		}
	}
	if _, ok := releaseDate([]byte("Date: yesterday\n")); ok {
		t.Error("accepted a bad date")
	}
}
