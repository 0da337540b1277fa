package term

import "strings"

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
// (Hangul, CJK, full-width forms) take two, and colour escape sequences
// take none.
func Width(s string) int {
	n := 0
	esc := false
	for _, r := range s {
		switch {
		case esc:
			if r >= 0x40 && r <= 0x7e && r != '[' {
				esc = false
			}
		case r == 0x1b:
			esc = true
		case r >= 0x1100 && r <= 0x115F, r >= 0x2E80 && r <= 0xA4CF, r >= 0xAC00 && r <= 0xD7A3,
			r >= 0xF900 && r <= 0xFAFF, r >= 0xFE30 && r <= 0xFE4F, r >= 0xFF00 && r <= 0xFF60, r >= 0xFFE0 && r <= 0xFFE6:
			n += 2
		default:
			n++
		}
	}
	return n
}

// Pad pads s with spaces to w terminal columns.
func Pad(s string, w int) string {
	if n := Width(s); n < w {
		return s + strings.Repeat(" ", w-n)
	}
	return s
}

// WrapPrefix breaks text at spaces into lines of at most width columns; the
// first line starts with first, the others with rest (both count towards
// width). A word longer than a line stays whole. The result ends in a newline.
func WrapPrefix(text, first, rest string, width int) string {
	var b strings.Builder
	line, lineW := first, Width(first)
	empty := true
	for _, w := range strings.Fields(text) {
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
