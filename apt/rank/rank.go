// Package rank probes APT mirrors, all at once. For each mirror it
// measures latency (connect and first byte of dists/SUITE/InRelease),
// throughput (a bounded byte range, at most SampleBytes and SampleTime, of
// a large index file the archive really has: Contents-ARCH.gz), and
// freshness (the InRelease Date against the official archive's, or the
// newest seen), and notices mirrors in the middle of a sync. Mirrors are
// ranked by throughput: the nearest mirror is not always the fastest.
package rank

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Options control a ranking.
type Options struct {
	Suite       string        // e.g. noble; the files probed are under dists/SUITE/
	Timeout     time.Duration // per mirror, for the whole probe
	Concurrency int           // probes in flight at once (default: all)
	// Sample is the large file whose first SampleBytes measure throughput,
	// relative to dists/SUITE/ (e.g. "Contents-amd64.gz" on Ubuntu,
	// "main/Contents-amd64.gz" on Debian). When the mirror has no such
	// file, the largest file its InRelease lists is used instead.
	Sample      string
	SampleBytes int64         // at most this many bytes (default 1 MB)
	SampleTime  time.Duration // and for at most this long (default 2 s)
	// Reference is the official archive (e.g. http://archive.ubuntu.com/ubuntu/)
	// whose InRelease Date judges freshness; when empty or unreachable,
	// the newest mirror seen is the reference.
	Reference string
	// Tolerance is how far behind the reference a mirror may be and still
	// count as fresh.
	Tolerance time.Duration
	Client    *http.Client
	// Progress, when set, is called after each probe ends, with its result.
	Progress func(done, total int, r Result)
}

// Result is one mirror's probe.
type Result struct {
	Mirror    string  `json:"mirror"`
	OK        bool    `json:"ok"`
	TTFBms    float64 `json:"ttfb_ms"`     // latency: connect + first byte of InRelease
	BytesPerS float64 `json:"bytes_per_s"` // throughput of the sample
	Date      string  `json:"date"`        // the Release Date, RFC 3339
	Fresh     bool    `json:"fresh"`
	Error     string  `json:"error"`
	// Behind is how far the Release Date is behind the reference ("3 days",
	// "5 hours"), empty when it is not behind.
	Behind   string  `json:"behind,omitempty"`
	BehindKo string  `json:"behind_ko,omitempty"` // the same in Korean ("3일")
	BehindS  float64 `json:"behind_s"`
	Syncing  bool    `json:"syncing"`
	File     string  `json:"file,omitempty"` // InRelease or Release
	Bytes    int     `json:"bytes"`
	TotalMs  float64 `json:"total_ms"`
	Sample   string  `json:"sample,omitempty"` // the file that measured throughput
	SampleN  int64   `json:"sample_bytes"`     // bytes of it received
	SampleMs float64 `json:"sample_ms"`        // time from its first byte to the last

	date time.Time
}

// Ranking is the results, best first, and what freshness was judged
// against.
type Ranking struct {
	Results []Result
	// Reference is the official archive's Date when it answered, zero
	// otherwise (the newest mirror was the reference).
	Reference     time.Time
	ReferenceErr  string
	ReferenceUsed string // "official" or "newest mirror"
}

// Defaults.
const (
	DefaultTimeout     = 5 * time.Second
	DefaultConcurrency = 64
	DefaultTolerance   = 6 * time.Hour
	DefaultSampleBytes = 1 << 20
	DefaultSampleTime  = 2 * time.Second
)

// Rank probes every mirror URL (an archive root such as
// http://mirror.kakao.com/ubuntu/) at once and returns the results sorted:
// working and fresh first, then working but stale or syncing, then
// failures; within a group, highest throughput first (speeds within 1.5
// times of each other count as equal: then lowest latency first).
func Rank(ctx context.Context, mirrors []string, opt Options) Ranking {
	if opt.Timeout <= 0 {
		opt.Timeout = DefaultTimeout
	}
	if opt.Concurrency <= 0 {
		opt.Concurrency = DefaultConcurrency
	}
	if opt.Tolerance <= 0 {
		opt.Tolerance = DefaultTolerance
	}
	if opt.SampleBytes <= 0 {
		opt.SampleBytes = DefaultSampleBytes
	}
	if opt.SampleTime <= 0 {
		opt.SampleTime = DefaultSampleTime
	}
	if opt.Client == nil {
		opt.Client = &http.Client{Transport: &http.Transport{Proxy: nil, DisableCompression: true, MaxIdleConnsPerHost: 4}}
	}
	var rk Ranking
	var refDone sync.WaitGroup
	if opt.Reference != "" {
		refDone.Add(1)
		go func() {
			defer refDone.Done()
			r := probe(ctx, opt.Reference, Options{Suite: opt.Suite, Timeout: opt.Timeout, Client: opt.Client}, false)
			if r.OK {
				rk.Reference = r.date
			} else {
				rk.ReferenceErr = r.Error
			}
		}()
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
			results[i] = probe(ctx, m, opt, true)
			<-sem
			if opt.Progress != nil {
				mu.Lock()
				done++
				opt.Progress(done, len(mirrors), results[i])
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	refDone.Wait()
	rk.ReferenceUsed = "newest mirror"
	if !rk.Reference.IsZero() {
		rk.ReferenceUsed = "official"
	}
	judge(results, rk.Reference, opt.Tolerance)
	sort.SliceStable(results, func(i, j int) bool {
		gi, gj := group(results[i]), group(results[j])
		if gi != gj {
			return gi < gj
		}
		if si, sj := speedClass(results[i].BytesPerS), speedClass(results[j].BytesPerS); si != sj {
			return si > sj
		}
		return results[i].TTFBms < results[j].TTFBms
	})
	rk.Results = results
	return rk
}

// speedClass buckets a throughput: speeds within a factor of 1.5 of each
// other, or both above 100 MB/s (more than a 1 MB sample can tell apart),
// count as equal, and latency decides between them.
func speedClass(bps float64) int {
	if bps <= 1 {
		return 0
	}
	return int(math.Floor(math.Log(min(bps, 100e6)) / math.Log(1.5)))
}

// Answered reports whether at least one mirror answered.
func (rk Ranking) Answered() bool { return len(rk.Results) > 0 && rk.Results[0].OK }

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
// tolerance of the reference (the newest seen when ref is zero) and it is
// not syncing. A mirror newer than the reference is not behind.
func judge(rs []Result, ref time.Time, tolerance time.Duration) {
	if ref.IsZero() {
		for _, r := range rs {
			if r.OK && r.date.After(ref) {
				ref = r.date
			}
		}
	}
	for i := range rs {
		r := &rs[i]
		if !r.OK {
			continue
		}
		behind := ref.Sub(r.date)
		if behind > 0 {
			r.Behind, r.BehindKo = Ago(behind), AgoKo(behind)
			r.BehindS = behind.Seconds()
		}
		r.Fresh = !r.date.IsZero() && behind <= tolerance && !r.Syncing
	}
}

// Ago says a positive duration the way people do: "3 days", "5 hours",
// "12 minutes", "40 seconds" (rounded down; "1 day", not "1 days").
func Ago(d time.Duration) string {
	unit := func(n int64, one string) string {
		if n == 1 {
			return "1 " + one
		}
		return strconv.FormatInt(n, 10) + " " + one + "s"
	}
	switch {
	case d >= 24*time.Hour:
		return unit(int64(d/(24*time.Hour)), "day")
	case d >= time.Hour:
		return unit(int64(d/time.Hour), "hour")
	case d >= time.Minute:
		return unit(int64(d/time.Minute), "minute")
	}
	return unit(int64(d/time.Second), "second")
}

// probe measures one mirror; without sample, only its InRelease (for the
// reference archive, whose Date alone matters).
// AgoKo is Ago in Korean: "3일", "5시간", "12분", "40초".
func AgoKo(d time.Duration) string {
	switch {
	case d >= 24*time.Hour:
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "일"
	case d >= time.Hour:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "시간"
	case d >= time.Minute:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "분"
	}
	return strconv.FormatInt(int64(d/time.Second), 10) + "초"
}

func probe(ctx context.Context, mirror string, opt Options, sample bool) Result {
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
	dir := base + "dists/" + opt.Suite + "/"
	// The sync marker and the sample are asked for at the same time as
	// InRelease, so a probe costs one round trip's wait, not three.
	syncc := make(chan bool, 1)
	go func() { syncc <- syncing(ctx, opt.Client, base, u.Hostname()) }()
	type sampled struct {
		n         int64
		took      time.Duration
		status    int
		err       error
		attempted bool
	}
	samplec := make(chan sampled, 1)
	if sample && opt.Sample != "" {
		go func() {
			n, took, status, err := fetchSample(ctx, opt.Client, dir+opt.Sample, opt.SampleBytes, opt.SampleTime)
			samplec <- sampled{n, took, status, err, true}
		}()
	} else {
		samplec <- sampled{}
	}
	start := time.Now()
	body, first, file, err := fetchRelease(ctx, opt.Client, dir)
	end := time.Now()
	r.TotalMs = ms(end.Sub(start))
	if err != nil {
		r.Error = shortError(err)
		return r
	}
	r.File = file
	r.Bytes = len(body)
	r.TTFBms = ms(first.Sub(start))
	date, ok := releaseDate(body)
	if !ok {
		r.Error = file + " has no valid Date field"
		return r
	}
	r.date = date
	r.Date = date.UTC().Format(time.RFC3339)
	s := <-samplec
	if !sample {
		r.OK = true
		return r
	}
	r.Sample = opt.Sample
	if !s.attempted || s.status == http.StatusNotFound || (s.err == nil && s.n < opt.SampleBytes/4 && s.status != 0) {
		// No such file, or a small one: the largest file InRelease lists.
		if name, size := largest(body); name != "" && (!s.attempted || size > s.n) {
			r.Sample = name
			n, took, status, err := fetchSample(ctx, opt.Client, dir+name, opt.SampleBytes, opt.SampleTime)
			s = sampled{n, took, status, err, true}
		}
	}
	switch {
	case s.err != nil && s.n == 0:
		r.Error = "sample " + r.Sample + ": " + shortError(s.err)
		return r
	case s.status != http.StatusOK && s.status != http.StatusPartialContent:
		r.Error = fmt.Sprintf("sample %s: HTTP %d", r.Sample, s.status)
		return r
	}
	r.SampleN = s.n
	r.SampleMs = ms(s.took)
	r.BytesPerS = float64(s.n) / max(s.took, time.Millisecond).Seconds()
	r.OK = true
	r.Syncing = <-syncc
	return r
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// fetchSample asks for the first limit bytes of url (a Range request; a
// server that ignores Range is read only that far) and reads them for at
// most budget after the first byte. It returns the bytes read and the time
// from the first byte to the last.
func fetchSample(ctx context.Context, c *http.Client, url string, limit int64, budget time.Duration) (int64, time.Duration, int, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, 0, 0, err
	}
	req.Header.Set("User-Agent", "sysdojo-apt-rank")
	req.Header.Set("Range", fmt.Sprintf("bytes=0-%d", limit-1))
	resp, err := c.Do(req)
	if err != nil {
		return 0, 0, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusPartialContent {
		return 0, 0, resp.StatusCode, nil
	}
	first := time.Now()
	timer := time.AfterFunc(budget, cancel)
	defer timer.Stop()
	n, err := io.Copy(io.Discard, io.LimitReader(resp.Body, limit))
	took := time.Since(first)
	if err != nil && n > 0 && ctx.Err() != nil {
		err = nil // cut at the time budget: what came is the sample
	}
	return n, took, resp.StatusCode, err
}

// largest returns the largest file a Release lists in its SHA256 (or
// MD5Sum) section, and its size.
func largest(release []byte) (string, int64) {
	var name string
	var size int64
	in := false
	sc := bufio.NewScanner(bytes.NewReader(release))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		l := sc.Text()
		if !strings.HasPrefix(l, " ") {
			in = l == "SHA256:" || l == "MD5Sum:"
			continue
		}
		if !in {
			continue
		}
		f := strings.Fields(l)
		if len(f) != 3 {
			continue
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err == nil && n > size && !strings.Contains(f[2], "..") {
			name, size = f[2], n
		}
	}
	return name, size
}

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
