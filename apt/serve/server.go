package serve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// MirrorConfig is how one served mirror behaves.
type MirrorConfig struct {
	Delay   time.Duration // before the first byte of every response
	Stale   bool          // its Release files are StaleBy older than the others'
	Syncing bool          // it advertises Archive-Update-in-Progress
	// Rate limits the bytes per second of every response body (0: no
	// limit), so that a class can see throughput apart from latency.
	Rate int64
}

// StaleBy is how far behind a stale mirror's Release Date is.
const StaleBy = 3 * 24 * time.Hour

// Mirror is one running mirror.
type Mirror struct {
	Config MirrorConfig
	URL    string // http://127.0.0.1:PORT/
	host   string
	tree   *Tree
	srv    *http.Server
	ln     net.Listener

	mu   sync.Mutex
	seen []string
}

// Server is a set of running mirrors.
type Server struct {
	Mirrors []*Mirror
}

// Spread returns n delays spread evenly from min to max.
func Spread(n int, min, max time.Duration) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		if n > 1 {
			out[i] = min + (max-min)*time.Duration(i)/time.Duration(n-1)
		} else {
			out[i] = min
		}
	}
	return out
}

// Start starts one mirror per config, listening on addr (host:port; port
// 0 picks free ports; with a fixed port the mirrors take port, port+1,
// ...). date is the fresh mirrors' Release date.
func Start(addr string, configs []MirrorConfig, date time.Time) (*Server, error) {
	return StartWith(addr, configs, date, nil)
}

// StartWith is Start with the packages of pool (nil for none) served too.
func StartWith(addr string, configs []MirrorConfig, date time.Time, pool *Pool) (*Server, error) {
	host, portStr, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("address %q: %w", addr, err)
	}
	port, err := strconv.Atoi(portStr)
	if err != nil {
		return nil, fmt.Errorf("address %q: bad port", addr)
	}
	fresh, err := BuildWith(date, pool)
	if err != nil {
		return nil, err
	}
	// Build every tree before opening any port, so that all mirrors are
	// up at once.
	var stale *Tree
	for _, c := range configs {
		if c.Stale && stale == nil {
			if stale, err = BuildWith(date.Add(-StaleBy), pool); err != nil {
				return nil, err
			}
		}
	}
	s := &Server{}
	for i, c := range configs {
		tree := fresh
		if c.Stale {
			tree = stale
		}
		p := 0
		if port != 0 {
			p = port + i
		}
		ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(p)))
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("listening on %s: %w", net.JoinHostPort(host, strconv.Itoa(p)), err)
		}
		m := &Mirror{Config: c, tree: tree, ln: ln}
		m.URL = "http://" + ln.Addr().String() + "/"
		m.host, _, _ = net.SplitHostPort(ln.Addr().String())
		m.srv = &http.Server{Handler: m, ReadHeaderTimeout: 10 * time.Second}
		go m.srv.Serve(ln)
		s.Mirrors = append(s.Mirrors, m)
	}
	return s, nil
}

// Close stops every mirror at once.
func (s *Server) Close() error {
	var errs []error
	for _, m := range s.Mirrors {
		errs = append(errs, m.srv.Close())
	}
	return errors.Join(errs...)
}

// Shutdown stops the mirrors gracefully, letting requests in flight end.
func (s *Server) Shutdown(ctx context.Context) error {
	var errs []error
	for _, m := range s.Mirrors {
		errs = append(errs, m.srv.Shutdown(ctx))
	}
	return errors.Join(errs...)
}

// Seen returns the URLs this mirror was asked for (GET and HEAD), in order.
func (m *Mirror) Seen() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.seen...)
}

// ResetSeen forgets the requests seen so far.
func (m *Mirror) ResetSeen() {
	m.mu.Lock()
	m.seen = nil
	m.mu.Unlock()
}

// Archive returns the URL of one of the archives, e.g. Archive("ubuntu").
func (m *Mirror) Archive(path string) string { return m.URL + path + "/" }

// ServeHTTP serves the tree.
func (m *Mirror) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	m.mu.Lock()
	m.seen = append(m.seen, strings.TrimSuffix(m.URL, "/")+r.URL.Path)
	m.mu.Unlock()
	if m.Config.Delay > 0 {
		select {
		case <-time.After(m.Config.Delay):
		case <-r.Context().Done():
			return
		}
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	p := r.URL.Path
	if m.Config.Syncing && isSyncMarker(p, m.host) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintln(w, "sysdojo apt serve: archive update in progress")
		return
	}
	if d, ok := m.tree.Debs[p]; ok {
		m.serveDeb(w, r, d)
		return
	}
	body, ok := m.tree.Files[p]
	if !ok {
		if p == "/" || p == "" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			fmt.Fprintf(w, "sysdojo apt serve: a tiny APT mirror.\n")
			for _, a := range Archives {
				fmt.Fprintf(w, "%s%s/\n", m.URL, a.Path)
			}
			return
		}
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	if m.Config.Rate > 0 {
		w = &throttled{ResponseWriter: w, rate: m.Config.Rate, start: time.Now(), done: r.Context().Done()}
	}
	// ServeContent answers Range requests (apt rank asks for a byte range
	// of a large file) and HEAD.
	http.ServeContent(w, r, "", m.tree.Date, bytes.NewReader(body))
}

// throttled writes a body at rate bytes per second: in small chunks, each
// sent when the bytes so far are due.
type throttled struct {
	http.ResponseWriter
	rate  int64
	start time.Time
	n     int64
	done  <-chan struct{}
}

func (t *throttled) Write(p []byte) (int, error) {
	chunk := int(max(t.rate/50, 512))
	written := 0
	for len(p) > 0 {
		k := min(chunk, len(p))
		n, err := t.ResponseWriter.Write(p[:k])
		written += n
		t.n += int64(n)
		if err != nil {
			return written, err
		}
		if f, ok := t.ResponseWriter.(http.Flusher); ok {
			f.Flush()
		}
		p = p[k:]
		due := t.start.Add(time.Duration(float64(t.n) / float64(t.rate) * float64(time.Second)))
		if d := time.Until(due); d > 0 {
			select {
			case <-time.After(d):
			case <-t.done:
				return written, http.ErrAbortHandler
			}
		}
	}
	return written, nil
}

// isSyncMarker: ftpsync leaves Archive-Update-in-Progress-HOST at the top
// of an archive while it syncs.
func isSyncMarker(p, host string) bool {
	for _, a := range Archives {
		if p == "/"+a.Path+"/Archive-Update-in-Progress-"+host {
			return true
		}
	}
	return false
}

// serveDeb serves one package: the demo from memory, a pool file opened
// again inside the pool (no link followed, a regular file of the size it
// was listed with).
func (m *Mirror) serveDeb(w http.ResponseWriter, r *http.Request, d *PoolDeb) {
	w.Header().Set("Content-Type", "application/vnd.debian.binary-package")
	if d.body != nil {
		http.ServeContent(w, r, "", d.ModTime, bytes.NewReader(d.body))
		return
	}
	f, fi, err := m.tree.pool.openFile(d.File)
	if err != nil || fi.Size() != d.Size {
		if f != nil {
			f.Close()
		}
		w.Header().Del("Content-Type")
		http.Error(w, "sysdojo apt serve: this package changed in the pool since it was listed; restart apt serve", http.StatusNotFound)
		return
	}
	defer f.Close()
	http.ServeContent(w, r, "", fi.ModTime(), f)
}
