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
	rs := Rank(context.Background(), urls, Options{Suite: "noble", Sample: "Contents-amd64.gz", Timeout: 5 * time.Second, Progress: func(done, total int, _ Result) {
		calls++
		if total != len(urls) || done != calls {
			t.Errorf("progress %d/%d after %d calls", done, total, calls)
		}
	}}).Results
	want := []struct {
		url          string
		ok, fresh, s bool
	}{
		{"", true, true, false}, // the three fresh ones, unthrottled: any order
		{"", true, true, false},
		{"", true, true, false},
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
			if r.Behind != "3 days" || r.BehindS != (72*time.Hour).Seconds() || r.Syncing {
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
			if r.File != "InRelease" || r.Bytes == 0 || r.Date == "" || r.Error != "" || r.Sample != "Contents-amd64.gz" || r.SampleN != 1<<20 || r.BytesPerS <= 0 {
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
	judge(rs, time.Time{}, DefaultTolerance)
	if !rs[0].Fresh || rs[1].Fresh || !rs[3].Fresh || rs[1].Behind != "7 hours" {
		t.Errorf("verdicts: %+v", rs)
	}
	// Against an official reference older than a mirror: never a negative
	// "behind" (the old code printed "stale -72h0m0s").
	rs = []Result{{Mirror: "ahead", OK: true, date: now}}
	judge(rs, now.Add(-72*time.Hour), DefaultTolerance)
	if !rs[0].Fresh || rs[0].Behind != "" || rs[0].BehindS != 0 {
		t.Errorf("a mirror ahead of the reference: %+v", rs[0])
	}
}

func TestAgo(t *testing.T) {
	for d, want := range map[time.Duration]string{
		72 * time.Hour: "3 days", 24 * time.Hour: "1 day", 5*time.Hour + 59*time.Minute: "5 hours",
		time.Minute: "1 minute", 40 * time.Second: "40 seconds",
	} {
		if got := Ago(d); got != want {
			t.Errorf("Ago(%v) = %q, want %q", d, got, want)
		}
	}
}

// The nearest mirror (no delay) is the slowest to download: the ranking
// follows throughput, not latency. Rates differ 25 times, so the order
// does not depend on the machine's speed.
func TestThroughputBeatsLatency(t *testing.T) {
	srv, err := serve.Start("127.0.0.1:0", []serve.MirrorConfig{
		{Delay: 0, Rate: 200_000},
		{Delay: 150 * time.Millisecond, Rate: 5_000_000},
	}, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	near, far := srv.Mirrors[0].Archive("ubuntu"), srv.Mirrors[1].Archive("ubuntu")
	rk := Rank(context.Background(), []string{near, far}, Options{Suite: "noble", Sample: "Contents-amd64.gz",
		SampleBytes: 256 << 10, SampleTime: time.Second, Timeout: 10 * time.Second})
	rs := rk.Results
	if len(rs) != 2 || !rs[0].OK || !rs[1].OK {
		t.Fatalf("results: %+v", rs)
	}
	if rs[0].Mirror != far {
		t.Errorf("ranked by latency: %+v", rs)
	}
	if rs[0].TTFBms <= rs[1].TTFBms {
		t.Errorf("the far mirror should answer later: %+v", rs)
	}
	if rs[1].SampleN == 0 || rs[1].SampleN >= 256<<10 && rs[1].SampleMs < 1000 {
		t.Errorf("the slow sample: %+v", rs[1])
	}
}

// A mirror without the guessed sample file is measured on the largest
// file its InRelease lists.
func TestSampleFallback(t *testing.T) {
	srv, err := serve.Start("127.0.0.1:0", []serve.MirrorConfig{{}}, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	rk := Rank(context.Background(), []string{srv.Mirrors[0].Archive("debian")}, Options{Suite: "bookworm", Sample: "no/such/file.gz"})
	r := rk.Results[0]
	if !r.OK || r.Sample != "main/Contents-amd64.gz" || r.SampleN != DefaultSampleBytes {
		t.Errorf("%+v", r)
	}
}

// No mirror answered: Answered is false (the command exits 1).
func TestNoneAnswered(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	dead := "http://" + ln.Addr().String() + "/ubuntu/"
	ln.Close()
	if rk := Rank(context.Background(), []string{dead}, Options{Suite: "noble"}); rk.Answered() {
		t.Errorf("answered: %+v", rk.Results)
	}
}

// Freshness is judged against the official archive when it answers: a
// class of mirrors all 3 days behind is stale, not "fresh among equals".
func TestReference(t *testing.T) {
	srv, err := serve.Start("127.0.0.1:0", []serve.MirrorConfig{{}, {Stale: true}, {Stale: true}}, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	m := srv.Mirrors
	urls := []string{m[1].Archive("ubuntu"), m[2].Archive("ubuntu")}
	rk := Rank(context.Background(), urls, Options{Suite: "noble", Reference: m[0].Archive("ubuntu")})
	if rk.ReferenceUsed != "official" {
		t.Fatalf("reference: %+v", rk)
	}
	for _, r := range rk.Results {
		if r.Fresh || r.Behind != "3 days" {
			t.Errorf("%+v", r)
		}
	}
	rk = Rank(context.Background(), urls, Options{Suite: "noble"})
	if rk.ReferenceUsed != "newest mirror" || !rk.Results[0].Fresh {
		t.Errorf("without a reference: %+v", rk)
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
