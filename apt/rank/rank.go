// Package rank probes APT mirrors concurrently: it fetches each mirror's
// dists/SUITE/InRelease (or Release), measures time to first byte and
// throughput, reads the Release Date to judge freshness against the newest
// mirror seen, and notices mirrors in the middle of a sync.
package rank

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sort"
	"strings"
	"sync"
	"time"
)

// Options control a ranking.
type Options struct {
	Suite       string        // e.g. noble; the file probed is dists/SUITE/InRelease
	Timeout     time.Duration // per mirror, for the whole probe
	Concurrency int           // probes in flight at once
	// Tolerance is how far behind the newest Release Date a mirror may be
	// and still count as fresh.
	Tolerance time.Duration
	Client    *http.Client
	// Progress, when set, is called after each probe ends.
	Progress func(done, total int)
}

// Result is one mirror's probe.
type Result struct {
	Mirror    string  `json:"mirror"`
	OK        bool    `json:"ok"`
	TTFBms    float64 `json:"ttfb_ms"`
	BytesPerS float64 `json:"bytes_per_s"`
	Date      string  `json:"date"` // the Release Date, RFC 3339
	Fresh     bool    `json:"fresh"`
	Error     string  `json:"error"`
	// Behind is how far the Release Date is behind the newest seen.
	Behind  string  `json:"behind,omitempty"`
	Syncing bool    `json:"syncing"`
	File    string  `json:"file,omitempty"` // InRelease or Release
	Bytes   int     `json:"bytes"`
	TotalMs float64 `json:"total_ms"`

	date time.Time
}

// Defaults.
const (
	DefaultTimeout     = 5 * time.Second
	DefaultConcurrency = 32
	DefaultTolerance   = 6 * time.Hour
)

// Rank probes every mirror URL (an archive root such as
// http://mirror.kakao.com/ubuntu/) and returns the results sorted: working
// and fresh first, then working but stale or syncing, then failures; each
// group fastest first (by time to first byte).
func Rank(ctx context.Context, mirrors []string, opt Options) []Result {
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.Concurrency <= 0 {
		opt.Concurrency = DefaultConcurrency
	}
	if opt.Tolerance <= 0 {
		opt.Tolerance = DefaultTolerance
	}
	if opt.Client == nil {
		opt.Client = &http.Client{Transport: &http.Transport{Proxy: nil, DisableCompression: true, MaxIdleConnsPerHost: 2}}
	}
	results := make([]Result, len(mirrors))
	sem := make(chan struct{}, opt.Concurrency)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done := 0
	for i, m := range mirrors {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			results[i] = probe(ctx, m, opt)
			<-sem
			if opt.Progress != nil {
				mu.Lock()
				done++
				opt.Progress(done, len(mirrors))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	judge(results, opt.Tolerance)
	sort.SliceStable(results, func(i, j int) bool {
		gi, gj := group(results[i]), group(results[j])
		if gi != gj {
			return gi < gj
		}
		return results[i].TTFBms < results[j].TTFBms
	})
	return results
}

func group(r Result) int {
	switch {
	case r.OK && r.Fresh:
		return 0
	case r.OK:
		return 1
	}
	return 2
}

// judge marks each working mirror fresh when its Release Date is within
// tolerance of the newest one seen and it is not syncing.
func judge(rs []Result, tolerance time.Duration) {
	var newest time.Time
	for _, r := range rs {
		if r.OK && r.date.After(newest) {
			newest = r.date
		}
	}
	for i := range rs {
		r := &rs[i]
		if !r.OK {
			continue
		}
		behind := newest.Sub(r.date)
		if behind > 0 {
			r.Behind = behind.Round(time.Minute).String()
		}
		r.Fresh = !r.date.IsZero() && behind <= tolerance && !r.Syncing
	}
}

func probe(ctx context.Context, mirror string, opt Options) Result {
	r := Result{Mirror: mirror}
	base := mirror
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		r.Error = "not an http(s) URL"
		return r
	}
	ctx, cancel := context.WithTimeout(ctx, opt.Timeout)
	defer cancel()
	// The sync marker is asked for at the same time, so a probe costs one
	// round trip's wait, not two.
	sync := make(chan bool, 1)
	go func() { sync <- syncing(ctx, opt.Client, base, u.Hostname()) }()
	start := time.Now()
	body, first, file, err := fetchRelease(ctx, opt.Client, base+"dists/"+opt.Suite+"/")
	end := time.Now()
	r.TotalMs = ms(end.Sub(start))
	if err != nil {
		r.Error = shortError(err)
		return r
	}
	r.File = file
	r.Bytes = len(body)
	r.TTFBms = ms(first.Sub(start))
	if d := end.Sub(first); d > time.Millisecond {
		r.BytesPerS = float64(len(body)) / d.Seconds()
	} else {
		r.BytesPerS = float64(len(body)) / time.Millisecond.Seconds()
	}
	date, ok := releaseDate(body)
	if !ok {
		r.Error = file + " has no valid Date field"
		return r
	}
	r.date = date
	r.Date = date.UTC().Format(time.RFC3339)
	r.OK = true
	r.Syncing = <-sync
	return r
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// fetchRelease gets dir+InRelease, or dir+Release when there is none. It
// returns the body, when its first byte came, and which file it was.
func fetchRelease(ctx context.Context, c *http.Client, dir string) ([]byte, time.Time, string, error) {
	var lastErr error
	for _, name := range []string{"InRelease", "Release"} {
		var first time.Time
		trace := &httptrace.ClientTrace{GotFirstResponseByte: func() { first = time.Now() }}
		req, err := http.NewRequestWithContext(httptrace.WithClientTrace(ctx, trace), http.MethodGet, dir+name, nil)
		if err != nil {
			return nil, first, name, err
		}
		req.Header.Set("User-Agent", "sysdojo-apt-rank")
		resp, err := c.Do(req)
		if err != nil {
			return nil, first, name, err
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
		resp.Body.Close()
		if err != nil {
			return nil, first, name, err
		}
		if resp.StatusCode == http.StatusOK {
			return body, first, name, nil
		}
		lastErr = fmt.Errorf("%s: HTTP %d", name, resp.StatusCode)
		if resp.StatusCode != http.StatusNotFound {
			break
		}
	}
	return nil, time.Time{}, "", lastErr
}

// syncing reports whether the mirror advertises a sync in progress
// (ftpsync's Archive-Update-in-Progress-HOST file at the archive root).
func syncing(ctx context.Context, c *http.Client, base, host string) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodHead, base+"Archive-Update-in-Progress-"+host, nil)
	if err != nil {
		return false
	}
	resp, err := c.Do(req)
	if err != nil {
		return false
	}
	resp.Body.Close()
	return resp.StatusCode == http.StatusOK
}

// releaseDate finds the Date field of a Release or InRelease file.
func releaseDate(body []byte) (time.Time, bool) {
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		v, ok := strings.CutPrefix(sc.Text(), "Date:")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		for _, layout := range []string{time.RFC1123Z, time.RFC1123, "Mon, 2 Jan 2006 15:04:05 MST", "Mon, 2 Jan 2006 15:04:05 -0700"} {
			if t, err := time.Parse(layout, v); err == nil {
				return t, true
			}
		}
		return time.Time{}, false
	}
	return time.Time{}, false
}

func shortError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && strings.Contains(s, "dial tcp") {
		return "cannot connect: " + s[i+2:]
	}
	return s
}
