package term

import (
	"bufio"
	"fmt"
	"strings"
	"time"

	"sysdojo/internal/i18n"
)

// Pacer paces a narrated, step-by-step demo for a person watching (a
// student, or a class in front of a projector): a heading per step, each
// shell command shown before it runs, and a pause between steps. With
// Auto it waits Delay and goes on; otherwise it waits for Enter when
// stdin is a terminal, and does not wait at all when it is not (scripts,
// tests, pipes).
type Pacer struct {
	IO    *IO
	Delay time.Duration
	Auto  bool

	in *bufio.Reader
}

// NewPacer returns a Pacer writing to o. auto says --auto was given,
// with delay as its value.
func (o *IO) NewPacer(delay time.Duration, auto bool) *Pacer {
	return &Pacer{IO: o, Delay: delay, Auto: auto}
}

// Step prints the heading of step i (from 1) of n.
func (p *Pacer) Step(i, n int, title string) {
	fmt.Fprintf(p.IO.Out, "\n%s\n", p.IO.Heading(fmt.Sprintf("[%d/%d] %s", i, n, title)))
}

// Say prints narration, wrapped to fit 80 columns.
func (p *Pacer) Say(text string) {
	if text != "" {
		fmt.Fprintln(p.IO.Out, Wrap(text, 78))
	}
}

// Wrap breaks each line of s at spaces so that it fits width terminal
// columns (Hangul and other wide characters count as two). A line's
// leading spaces, and a "- " bullet, indent its continuation lines.
func Wrap(s string, width int) string {
	var b strings.Builder
	for i, line := range strings.Split(s, "\n") {
		if i > 0 {
			b.WriteByte('\n')
		}
		trimmed := strings.TrimLeft(line, " ")
		indent := len(line) - len(trimmed)
		hang := indent
		if strings.HasPrefix(trimmed, "- ") {
			hang += 2
		}
		col := 0
		for j, w := range strings.Fields(trimmed) {
			ww := Width(w)
			switch {
			case j == 0:
				b.WriteString(strings.Repeat(" ", indent))
				col = indent
			case col+1+ww > width:
				b.WriteString("\n" + strings.Repeat(" ", hang))
				col = hang
			default:
				b.WriteByte(' ')
				col++
			}
			b.WriteString(w)
			col += ww
		}
	}
	return b.String()
}

// Width is how many terminal columns s takes: East Asian wide characters
// (Hangul, CJK, full-width forms) take two.
func Width(s string) int {
	n := 0
	for _, r := range s {
		switch {
		case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7A3,
			r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6:
			n += 2
		default:
			n++
		}
	}
	return n
}

// Command shows a shell command line, as the prompt would, before it runs.
func (p *Pacer) Command(line string) {
	fmt.Fprintf(p.IO.Out, "%s %s\n", p.IO.Dim("$"), p.IO.Code(line))
}

// Output prints what a command printed, indented under it.
func (p *Pacer) Output(lines ...string) {
	for _, l := range lines {
		fmt.Fprintln(p.IO.Out, "  "+l)
	}
}

// Wait pauses between steps: Delay with Auto, until Enter on a terminal,
// not at all otherwise. It returns false when the watcher typed q to stop.
func (p *Pacer) Wait() bool {
	switch {
	case p.Auto:
		if p.Delay > 0 {
			time.Sleep(p.Delay)
		}
		return true
	case p.IO.InTTY:
		if p.in == nil {
			p.in = bufio.NewReader(p.IO.In)
		}
		prompt := "\n[Enter: next, q: quit] "
		if p.IO.Lang == i18n.KO {
			prompt = "\n[Enter: 다음, q: 끝내기] "
		}
		fmt.Fprint(p.IO.Err, p.IO.Dim(prompt))
		line, err := p.in.ReadString('\n')
		return err == nil && strings.TrimSpace(line) != "q"
	}
	return true
}
