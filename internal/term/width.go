package term

import (
	"io"
	"strconv"
	"strings"
	"unicode"

	xterm "golang.org/x/term"
	"golang.org/x/text/width"
)

// Width is how many terminal columns s takes: East Asian wide characters
// (Hangul, CJK, full-width forms) take two, and colour escape sequences
// take none.
func Width(s string) int {
	if strings.Contains(s, "\x1b") {
		s = StripANSI(s)
	}
	n := 0
	for _, r := range s {
		n += RuneWidth(r)
	}
	return n
}

// RuneWidth is how many terminal columns r takes, as wcwidth counts them
// and the same in every locale: two for East Asian wide and full-width
// characters (Hangul, CJK), one for ambiguous ones (·, →) as in the
// terminals students use, none for control characters, combining marks
// and format characters.
//
// It reads golang.org/x/text/width's tables, which cost nothing at start;
// github.com/mattn/go-runewidth, the tests' oracle, builds a 2 MB table
// on the first wide character, a thousand page faults in every Korean
// command.
func RuneWidth(r rune) int {
	switch {
	case r < 0x20 || r >= 0x7f && r < 0xa0:
		return 0
	case r < 0x300 && r != 0xad: // Latin; U+00AD, the soft hyphen, is a format character
		return 1
	case unicode.In(r, unicode.Mn, unicode.Me, unicode.Cf, unicode.Zl, unicode.Zp):
		return 0
	}
	switch width.LookupRune(r).Kind() {
	case width.EastAsianWide, width.EastAsianFullwidth:
		return 2
	}
	return 1
}

// StripANSI removes colour (CSI) escape sequences from s.
func StripANSI(s string) string {
	var b strings.Builder
	esc := false
	for _, r := range s {
		switch {
		case esc:
			if r >= 0x40 && r <= 0x7e && r != '[' {
				esc = false
			}
		case r == 0x1b:
			esc = true
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// Pad pads s with spaces to w terminal columns.
func Pad(s string, w int) string {
	if n := Width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// words splits a line of text into the pieces a wrap keeps whole: words,
// and a quoted command or path ('sysdojo perm calc u+x', `ls -l`) as one
// piece when it fits in max columns, so that a line never breaks inside
// it.
func words(s string, max int) []string {
	f := strings.Fields(s)
	var out []string
	for i := 0; i < len(f); i++ {
		w := f[i]
		open := strings.TrimLeft(w, "(")
		if open != "" && (open[0] == '\'' || open[0] == '`') && !closes(open[1:], open[0]) {
			q := open[0]
			for j := i + 1; j < len(f); j++ {
				if closes(f[j], q) {
					joined := strings.Join(f[i:j+1], " ")
					if Width(joined) <= max {
						w, i = joined, j
					}
					break
				}
			}
		}
		out = append(out, w)
	}
	return out
}

// closes reports whether word ends a span quoted with q (allowing
// punctuation after the quote).
func closes(word string, q byte) bool {
	word = strings.TrimRight(word, ".,;:)!?")
	return len(word) > 0 && word[len(word)-1] == q
}

// Wrap breaks each line of s at spaces so that it fits width terminal
// columns (Hangul and other wide characters count as two), never inside a
// word, a path or a quoted command. A line's leading spaces, and a "- "
// bullet, indent its continuation lines.
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
		for j, w := range words(trimmed, width-hang) {
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

// WrapPrefix breaks text at spaces into lines of at most width columns; the
// first line starts with first, the others with rest (both count towards
// width). A word, a path or a quoted command longer than a line stays
// whole. The result ends in a newline.
func WrapPrefix(text, first, rest string, width int) string {
	var b strings.Builder
	line, lineW := first, Width(first)
	empty := true
	for _, w := range words(text, width-Width(rest)) {
		ww := Width(w)
		if !empty && lineW+1+ww > width {
			b.WriteString(strings.TrimRight(line, " "))
			b.WriteByte('\n')
			line, lineW, empty = rest, Width(rest), true
		}
		if !empty {
			line += " "
			lineW++
		}
		line += w
		lineW += ww
		empty = false
	}
	b.WriteString(line)
	b.WriteByte('\n')
	return b.String()
}

// Text width limits: help and explanations wrap to the terminal, but
// never narrower than MinColumns nor wider than MaxColumns (long lines are
// hard to read, and a projector's terminal is often very wide).
const (
	MinColumns     = 40
	MaxColumns     = 100
	DefaultColumns = 80
)

// Columns is the width to wrap text to: $COLUMNS when it is a number,
// else the width of the terminal out is, else DefaultColumns; kept
// between MinColumns and MaxColumns.
func Columns(getenv func(string) string, out io.Writer) int {
	n := 0
	if v, err := strconv.Atoi(strings.TrimSpace(getenv("COLUMNS"))); err == nil && v > 0 {
		n = v
	} else if f, ok := out.(interface{ Fd() uintptr }); ok {
		if w, _, err := xterm.GetSize(int(f.Fd())); err == nil && w > 0 {
			n = w
		}
	}
	if n == 0 {
		n = DefaultColumns
	}
	return min(max(n, MinColumns), MaxColumns)
}
