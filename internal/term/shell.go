package term

import "strings"

// ShellWords splits a command line at the spaces and tabs outside quotes,
// keeping the quotes: the pieces are laid out again (wrapped, shown one by
// one), never run apart.
func ShellWords(s string) []string {
	var out []string
	var b strings.Builder
	var q rune
	for _, r := range s {
		switch {
		case q != 0:
			b.WriteRune(r)
			if r == q {
				q = 0
			}
		case r == '\'' || r == '"':
			q = r
			b.WriteRune(r)
		case r == ' ' || r == '\t':
			if b.Len() > 0 {
				out = append(out, b.String())
				b.Reset()
			}
		default:
			b.WriteRune(r)
		}
	}
	if b.Len() > 0 {
		out = append(out, b.String())
	}
	return out
}
