package term

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Progress draws one line that a long transfer rewrites in place:
//
//	downloading  [=========>          ]  12.3 MB / 45.6 MB  27%
//
// at most every Every, and clears it when done. It is meant for a
// terminal; callers draw it only when stderr is one.
type Progress struct {
	W     io.Writer
	Label string
	Every time.Duration // the least time between two drawings; 0: 100 ms

	last  time.Time
	drawn bool
	now   func() time.Time // for tests
}

const progressBar = 30 // the bar's width in cells

// Set records that done of total bytes are through and redraws the line
// when Every has passed since the last drawing, or when done == total.
// total ≤ 0 means unknown: the bar is left out.
func (p *Progress) Set(done, total int64) {
	now := time.Now
	if p.now != nil {
		now = p.now
	}
	every := p.Every
	if every == 0 {
		every = 100 * time.Millisecond
	}
	t := now()
	if p.drawn && t.Sub(p.last) < every && done != total {
		return
	}
	p.last, p.drawn = t, true
	var b strings.Builder
	b.WriteString("\r" + p.Label + "  ")
	if total > 0 {
		done = min(done, total)
		fill := int(done * progressBar / total)
		b.WriteString("[" + strings.Repeat("=", fill))
		if fill < progressBar {
			b.WriteString(">" + strings.Repeat(" ", progressBar-fill-1))
		}
		fmt.Fprintf(&b, "]  %s / %s  %d%%", ByteSize(done), ByteSize(total), done*100/total)
	} else {
		b.WriteString(ByteSize(done))
	}
	b.WriteString("\033[K")
	io.WriteString(p.W, b.String())
}

// Done clears the line, if one was drawn.
func (p *Progress) Done() {
	if p.drawn {
		io.WriteString(p.W, "\r\033[K")
		p.drawn = false
	}
}

// ByteSize writes n bytes as people read sizes: 512 B, 12.3 kB, 45.6 MB
// (powers of 1000, as docker and apt print them).
func ByteSize(n int64) string {
	const unit = 1000
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %cB", float64(n)/float64(div), "kMGTPE"[exp])
}
