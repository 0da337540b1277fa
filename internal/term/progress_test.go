package term

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestByteSize(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 999: "999 B", 1000: "1.0 kB", 12345: "12.3 kB",
		45_600_000: "45.6 MB", 3_000_000_000: "3.0 GB"} {
		if got := ByteSize(n); got != want {
			t.Errorf("ByteSize(%d) = %q, want %q", n, got, want)
		}
	}
}

// The line is redrawn in place at most every Every (and always at the
// end), shows the bar, both sizes and the share, and is cleared by Done.
func TestProgress(t *testing.T) {
	var out bytes.Buffer
	clock := time.Unix(0, 0)
	p := &Progress{W: &out, Label: "downloading", now: func() time.Time { return clock }}
	p.Set(0, 45_600_000)
	p.Set(1_000_000, 45_600_000) // within 100 ms: not drawn
	clock = clock.Add(150 * time.Millisecond)
	p.Set(12_312_000, 45_600_000)
	p.Set(45_600_000, 45_600_000) // the end: drawn at once
	p.Done()
	lines := strings.Split(out.String(), "\r")
	want := []string{"",
		"downloading  [>                             ]  0 B / 45.6 MB  0%\033[K",
		"downloading  [========>                     ]  12.3 MB / 45.6 MB  27%\033[K",
		"downloading  [==============================]  45.6 MB / 45.6 MB  100%\033[K",
		"\033[K"}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("drawn:\n%q\nwant\n%q", lines, want)
	}
	out.Reset()
	q := &Progress{W: &out, Label: "x"}
	q.Done()
	q.Set(2048, -1)
	if out.String() != "\rx  2.0 kB\033[K" {
		t.Errorf("unknown total: %q", out.String())
	}
}
