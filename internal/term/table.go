package term

import (
	"io"
	"strings"
)

// Table lays rows out in columns aligned by display width, so that Korean
// text (two columns a syllable) and colour codes (none) line up. The last
// column is not padded; with Width set it wraps at spaces, its
// continuation lines starting under it (or, when the other columns leave
// it too little room, on lines of its own below the row).
//
//	t := term.NewTable("  ")
//	t.Row("NAME", "PID")
//	t.Row("web", "42")
//	t.Write(w)
type Table struct {
	Indent string // before every row
	Gap    int    // spaces between columns (default 2)
	Width  int    // wrap the last column to fit this many columns; 0: no wrap
	// Max caps the width of the columns before the last: a longer cell
	// overflows its column and the rest of its row moves right (help
	// lists' long flag names).
	Max  int
	rows [][]string
}

// NewTable returns a table whose rows start with indent.
func NewTable(indent string) *Table { return &Table{Indent: indent, Gap: 2} }

// Row adds a row.
func (t *Table) Row(cells ...string) { t.rows = append(t.rows, cells) }

// Len is the number of rows.
func (t *Table) Len() int { return len(t.rows) }

// String renders the table, one line per row (more when the last column
// wraps), each ending in a newline.
func (t *Table) String() string {
	gap := t.Gap
	if gap <= 0 {
		gap = 2
	}
	var widths []int
	for _, r := range t.rows {
		for i, c := range r[:max(0, len(r)-1)] {
			if i >= len(widths) {
				widths = append(widths, 0)
			}
			w := Width(c)
			if t.Max > 0 && w > t.Max {
				continue
			}
			widths[i] = max(widths[i], w)
		}
	}
	var b strings.Builder
	for _, r := range t.rows {
		line := t.Indent
		col := Width(t.Indent)
		for i, c := range r {
			if i == len(r)-1 {
				t.last(&b, line, col, c)
				break
			}
			line += c
			col += Width(c)
			if pad := widths[i] - Width(c); pad > 0 {
				line += strings.Repeat(" ", pad)
				col += pad
			}
			line += strings.Repeat(" ", gap)
			col += gap
		}
		if len(r) == 0 {
			b.WriteString("\n")
		}
	}
	return b.String()
}

// last writes a row's last cell after line (col columns wide).
func (t *Table) last(b *strings.Builder, line string, col int, c string) {
	if t.Width <= 0 || col+Width(c) <= t.Width {
		b.WriteString(strings.TrimRight(line+c, " ") + "\n")
		return
	}
	if room := t.Width - col; room >= 24 || room >= t.Width/2 {
		b.WriteString(WrapPrefix(c, line, strings.Repeat(" ", col), t.Width))
		return
	}
	// Too little room beside the other cells: below them.
	b.WriteString(strings.TrimRight(line, " ") + "\n")
	ind := t.Indent + strings.Repeat(" ", 4)
	b.WriteString(WrapPrefix(c, ind, ind, t.Width))
}

// Write writes the table to w.
func (t *Table) Write(w io.Writer) error {
	_, err := io.WriteString(w, t.String())
	return err
}
