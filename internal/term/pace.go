package term

import (
	"bufio"
	"fmt"
	"strings"
	"time"

	"github.com/sysdojo/sysdojo/internal/i18n"
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
