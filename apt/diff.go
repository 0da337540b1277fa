package apt

import (
	"fmt"
	"strings"
)

// UnifiedDiff returns a unified diff (3 lines of context) between two
// versions of a file that have the same number of lines, as a switch
// produces: only some lines' text differs. name is the file's path without
// the leading "/".
func UnifiedDiff(name string, old, new []Line) string {
	if len(old) != len(new) {
		panic("apt: UnifiedDiff needs files of the same number of lines")
	}
	var changed []int
	for i := range old {
		if old[i] != new[i] {
			changed = append(changed, i)
		}
	}
	if len(changed) == 0 {
		return ""
	}
	const ctx = 3
	var b strings.Builder
	fmt.Fprintf(&b, "--- a/%s\n+++ b/%s\n", name, name)
	for h := 0; h < len(changed); {
		// A hunk runs while the next change is within 2*ctx lines.
		e := h
		for e+1 < len(changed) && changed[e+1]-changed[e] <= 2*ctx {
			e++
		}
		from := max(0, changed[h]-ctx)
		to := min(len(old), changed[e]+ctx+1)
		fmt.Fprintf(&b, "@@ -%s +%s @@\n", hunkRange(from, to-from), hunkRange(from, to-from))
		for i := from; i < to; {
			if old[i] == new[i] {
				writeDiffLine(&b, ' ', old[i])
				i++
				continue
			}
			j := i
			for j < to && old[j] != new[j] {
				j++
			}
			for k := i; k < j; k++ {
				writeDiffLine(&b, '-', old[k])
			}
			for k := i; k < j; k++ {
				writeDiffLine(&b, '+', new[k])
			}
			i = j
		}
		h = e + 1
	}
	return b.String()
}

func hunkRange(start, n int) string {
	if n == 1 {
		return fmt.Sprint(start + 1)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}

func writeDiffLine(b *strings.Builder, mark byte, l Line) {
	b.WriteByte(mark)
	b.WriteString(l.Text)
	if l.EOL == "\r\n" {
		b.WriteByte('\r')
	}
	b.WriteByte('\n')
	if l.EOL == "" {
		b.WriteString("\\ No newline at end of file\n")
	}
}
