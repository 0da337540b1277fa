// Package term holds the IO value every sysdojo command writes through: the
// standard streams, whether each is a terminal, the display language and
// whether colour is on.
package term

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/fatih/color"
	"golang.org/x/sys/unix"

	"github.com/sysdojo/sysdojo/internal/i18n"
)

// IO is the streams and display settings a command works with.
type IO struct {
	In  io.Reader
	Out io.Writer
	Err io.Writer

	InTTY, OutTTY, ErrTTY bool

	Lang  i18n.Lang
	Color bool
	// Cols is the width text is wrapped to (see Columns); 0 means
	// DefaultColumns.
	Cols int
}

// Width is the number of columns to wrap text to.
func (o *IO) Width() int {
	if o.Cols <= 0 {
		return DefaultColumns
	}
	return o.Cols
}

// System returns the process's standard streams.
func System() *IO {
	return &IO{
		In: os.Stdin, Out: os.Stdout, Err: os.Stderr,
		InTTY:  IsTerminal(os.Stdin.Fd()),
		OutTTY: IsTerminal(os.Stdout.Fd()),
		ErrTTY: IsTerminal(os.Stderr.Fd()),
		Lang:   i18n.EN,
	}
}

// Test returns an IO reading in and writing into the returned buffers, as
// when no stream is a terminal.
func Test(in string) (*IO, *bytes.Buffer, *bytes.Buffer) {
	var out, errb bytes.Buffer
	return &IO{In: strings.NewReader(in), Out: &out, Err: &errb, Lang: i18n.EN}, &out, &errb
}

// IsTerminal reports whether fd is a terminal.
func IsTerminal(fd uintptr) bool {
	_, err := unix.IoctlGetTermios(int(fd), unix.TCGETS)
	return err == nil
}

// T returns t in the display language.
func (o *IO) T(t i18n.Text) string { return t.In(o.Lang) }

// Printf writes t, in the display language, formatted with args, to Out.
func (o *IO) Printf(t i18n.Text, args ...any) {
	fmt.Fprintf(o.Out, t.In(o.Lang), args...)
}

// Println writes t in the display language and a newline to Out.
func (o *IO) Println(t i18n.Text) { fmt.Fprintln(o.Out, t.In(o.Lang)) }

// Style returns a function that paints its text with attrs when colour is on
// and leaves it as it is otherwise.
func (o *IO) Style(attrs ...color.Attribute) func(string) string {
	c := color.New(attrs...)
	if o.Color {
		c.EnableColor()
	} else {
		c.DisableColor()
	}
	return func(s string) string { return c.Sprint(s) }
}

// Common styles. Colour never carries meaning alone: callers pair it with a
// word or a ✓/✗ mark.
func (o *IO) OK(s string) string      { return o.Style(color.FgGreen, color.Bold)(s) }
func (o *IO) Bad(s string) string     { return o.Style(color.FgRed, color.Bold)(s) }
func (o *IO) Warn(s string) string    { return o.Style(color.FgYellow)(s) }
func (o *IO) Heading(s string) string { return o.Style(color.Bold, color.Underline)(s) }
func (o *IO) Dim(s string) string     { return o.Style(color.Faint)(s) }
func (o *IO) Code(s string) string    { return o.Style(color.FgCyan)(s) }

// Mark returns ✓ or ✗ (painted) for ok.
func (o *IO) Mark(ok bool) string {
	if ok {
		return o.OK("✓")
	}
	return o.Bad("✗")
}
