package class

import (
	"crypto/rand"
	"crypto/subtle"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/sysdojo/sysdojo/lessons"
)

//go:embed dashboard.html
var page []byte

// Dashboard serves the class grid over HTTP: one self-contained page
// (no file or script from anywhere else), the grid as JSON, live updates
// as server-sent events, and CSV and JSON exports. Every request needs
// the token (in ?token= once, then a cookie): on a lab machine the
// students are local users too, and loopback is theirs as much as the
// instructor's.
type Dashboard struct {
	Server *Server
	// Token is required on every request; "" turns the check off (tests
	// only: the command always sets one).
	Token string
	// Lessons is the course (default lessons.All).
	Lessons []*lessons.Lesson
	// StuckAfter: a student on one step this long is stuck (default 10
	// minutes).
	StuckAfter time.Duration
	// Lang is the page's first language (en or ko).
	Lang string
	// Tick is how often the page is refreshed without a change, for
	// the minutes shown (default 20 s).
	Tick time.Duration
	Now  func() time.Time
}

// NewToken returns a fresh random token.
func NewToken() string {
	var b [16]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// IsLoopback reports whether addr (host:port) is on the loopback
// interface only.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

const cookieName = "sysdojo_class"

func (d *Dashboard) allowed(w http.ResponseWriter, r *http.Request) bool {
	if d.Token == "" {
		return true
	}
	given := r.URL.Query().Get("token")
	if given == "" {
		if c, err := r.Cookie(cookieName); err == nil {
			given = c.Value
		}
	}
	if subtle.ConstantTimeCompare([]byte(given), []byte(d.Token)) != 1 {
		http.Error(w, "403 forbidden: open the address 'sysdojo class serve' printed, with its token\n"+
			"403 금지: 'sysdojo class serve'가 보여 준 주소를 토큰까지 그대로 여세요", http.StatusForbidden)
		return false
	}
	if r.URL.Query().Get("token") != "" {
		http.SetCookie(w, &http.Cookie{Name: cookieName, Value: d.Token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode})
	}
	return true
}

// Grid builds the grid now.
func (d *Dashboard) Grid() (*Grid, error) {
	snap, err := d.Server.Store().Snapshot()
	if err != nil {
		return nil, err
	}
	all := d.Lessons
	if all == nil {
		if all, err = lessons.All(); err != nil {
			return nil, err
		}
	}
	now := time.Now
	if d.Now != nil {
		now = d.Now
	}
	stuck := d.StuckAfter
	if stuck == 0 {
		stuck = 10 * time.Minute
	}
	return NewGrid(snap, all, now(), stuck), nil
}

// ServeHTTP serves /, /grid.json, /events, /export.csv and /export.json.
func (d *Dashboard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src data:; form-action 'none'; frame-ancestors 'none'")
	h.Set("Cache-Control", "no-store")
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "405 method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !d.allowed(w, r) {
		return
	}
	switch r.URL.Path {
	case "/":
		h.Set("Content-Type", "text/html; charset=utf-8")
		lang := d.Lang
		if l := r.URL.Query().Get("lang"); l == "ko" || l == "en" {
			lang = l
		}
		if lang != "ko" {
			lang = "en"
		}
		w.Write([]byte(strings.Replace(string(page), `lang="en"`, `lang="`+lang+`"`, 1)))
	case "/grid.json", "/export.json":
		g, err := d.Grid()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		h.Set("Content-Type", "application/json")
		if r.URL.Path == "/export.json" {
			h.Set("Content-Disposition", `attachment; filename="sysdojo-class.json"`)
		}
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		enc.Encode(g)
	case "/export.csv":
		g, err := d.Grid()
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		h.Set("Content-Type", "text/csv; charset=utf-8")
		h.Set("Content-Disposition", `attachment; filename="sysdojo-class.csv"`)
		g.WriteCSV(w)
	case "/events":
		d.events(w, r)
	default:
		http.NotFound(w, r)
	}
}

// events streams the grid as server-sent events: at once, after every
// change, and every Tick.
func (d *Dashboard) events(w http.ResponseWriter, r *http.Request) {
	fl, ok := w.(http.Flusher)
	if !ok {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	ch, stop := d.Server.Subscribe()
	defer stop()
	tick := d.Tick
	if tick == 0 {
		tick = 20 * time.Second
	}
	t := time.NewTicker(tick)
	defer t.Stop()
	for {
		g, err := d.Grid()
		if err != nil {
			return
		}
		data, _ := json.Marshal(g)
		if _, err := fmt.Fprintf(w, "event: grid\ndata: %s\n\n", data); err != nil {
			return
		}
		fl.Flush()
		select {
		case <-r.Context().Done():
			return
		case <-ch:
		case <-t.C:
		}
	}
}
